"""Dates in the words pages, events and refusals use ("1 January 2020"); days in words are
``syslead.capacity.days.days_words``."""

from __future__ import annotations

import datetime as dt


def date_in_words(day: dt.date) -> str:
    """ "1 January 2020"."""
    return f"{day.day} {day:%B %Y}"
