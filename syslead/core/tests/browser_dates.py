"""Browser tests: filling in a GOV.UK date input (docs/ux.md, "Dates")."""

from __future__ import annotations

import datetime as dt
from typing import Any


def fill_date(scope: Any, legend: str, value: str) -> None:
    """Type ``value`` (ISO, or "" to empty it) into the day, month and year of the date input
    whose legend is ``legend``."""
    group = scope.get_by_role("group", name=legend)
    parts = ["", "", ""]
    if value:
        date = dt.date.fromisoformat(value)
        parts = [str(date.day), str(date.month), str(date.year)]
    for label, part in zip(("Day", "Month", "Year"), parts, strict=True):
        group.get_by_label(label, exact=True).fill(part)
