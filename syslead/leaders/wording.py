"""Dates and days in the words pages, events and refusals use ("4 days", "1 January 2020")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def number_of_days(days: Decimal | int) -> str:
    """7.5 → "7.5", 4.0 → "4", 20 → "20"."""
    text = f"{Decimal(days).normalize():f}"
    return text


def days_in_words(days: Decimal | int) -> str:
    """ "1 day", "4 days", "7.5 days"."""
    return f"{number_of_days(days)} {'day' if Decimal(days) == 1 else 'days'}"


def date_in_words(day: dt.date) -> str:
    """ "1 January 2020"."""
    return f"{day.day} {day:%B %Y}"
