"""Academic years and school terms: the one place that knows the school calendar.

An academic year runs 1 September – 31 August and is written "2025-26". It has three terms:
autumn (1 Sept – 31 Dec), spring (1 Jan – 31 Mar, Easter aside) and summer (1 Apr – 31 Aug).

Syslead accepts the years 2000-01 to 2098-99 (``FIRST_YEAR``…``LAST_YEAR``): ``AcademicYear.parse``
is the one parser of a year someone typed or sent, for the web pages and the API alike.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

_YEAR_RE = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)

#: The first and last academic years Syslead accepts, by the calendar year they start in.
FIRST_YEAR = 2000
LAST_YEAR = 2098
#: What a year label looks like (the API's documents state it; ``parse`` checks the rest).
YEAR_PATTERN = r"^20\d\d-\d\d$"
YEAR_LABEL_LENGTH = 7


@dataclass(frozen=True, order=True)
class AcademicYear:
    start_year: int

    @classmethod
    def parse(cls, label: str) -> AcademicYear:
        """Read "2025-26"; raise ValueError for anything else: "2025-27" (not consecutive years),
        or a year outside 2000-01…2098-99 ("0000-01", "9999-00")."""
        text = label if isinstance(label, str) else ""
        match = _YEAR_RE.fullmatch(text) if len(text) == YEAR_LABEL_LENGTH else None
        if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
            raise ValueError(f"{_shown(label)} is not an academic year like 2025-26.")
        start = int(match.group(1))
        if not FIRST_YEAR <= start <= LAST_YEAR:
            raise ValueError(
                f"{_shown(label)} is outside the academic years Syslead keeps: "
                f"{cls(FIRST_YEAR).label} to {cls(LAST_YEAR).label}."
            )
        return cls(start)

    @classmethod
    def parse_or_none(cls, label: str | None) -> AcademicYear | None:
        """A year from a query string or a form: None when it is missing or not a valid year (the
        page then says so, or answers 404), never an exception."""
        try:
            return cls.parse(label or "")
        except ValueError:
            return None

    @classmethod
    def containing(cls, day: dt.date) -> AcademicYear:
        return cls(day.year if day.month >= 9 else day.year - 1)

    @classmethod
    def current(cls) -> AcademicYear:
        return cls.containing(timezone.localdate())

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def starts_on(self) -> dt.date:
        return dt.date(self.start_year, 9, 1)

    @property
    def ends_on(self) -> dt.date:
        return dt.date(self.start_year + 1, 8, 31)

    def next(self) -> AcademicYear:
        return AcademicYear(self.start_year + 1)

    def previous(self) -> AcademicYear:
        return AcademicYear(self.start_year - 1)

    def terms(self) -> list[Term]:
        return [Term(self, name) for name in ("autumn", "spring", "summer")]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.starts_on <= day <= self.ends_on

    def __str__(self) -> str:
        return self.label


def _shown(label: object) -> str:
    """The label in a message, shortened: a message never repeats megabytes of input."""
    text = repr(label)
    return text if len(text) <= 20 else text[:17] + "..."


@dataclass(frozen=True)
class Term:
    year: AcademicYear
    name: str  # "autumn", "spring" or "summer"

    @classmethod
    def containing(cls, day: dt.date) -> Term:
        year = AcademicYear.containing(day)
        if day.month >= 9:
            return cls(year, "autumn")
        if day.month <= 3:
            return cls(year, "spring")
        return cls(year, "summer")

    @property
    def starts_on(self) -> dt.date:
        y = self.year.start_year
        return {
            "autumn": dt.date(y, 9, 1),
            "spring": dt.date(y + 1, 1, 1),
            "summer": dt.date(y + 1, 4, 1),
        }[self.name]

    @property
    def ends_on(self) -> dt.date:
        y = self.year.start_year
        return {
            "autumn": dt.date(y, 12, 31),
            "spring": dt.date(y + 1, 3, 31),
            "summer": dt.date(y + 1, 8, 31),
        }[self.name]

    @property
    def label(self) -> str:
        return f"{self.name.capitalize()} term {self.year.label}"

    @property
    def key(self) -> str:
        """The term in an address or a form: "2025-26-autumn" (``Term.from_key`` reads it)."""
        return f"{self.year.label}-{self.name}"

    @classmethod
    def from_key(cls, key: str) -> Term:
        """A school term from "2025-26-autumn"; ValueError for anything else."""
        label, _, name = (key or "").rpartition("-")
        if name not in ("autumn", "spring", "summer"):
            raise ValueError(f"{key!r} is not a school term.")
        return cls(AcademicYear.parse(label), name)

    def __str__(self) -> str:
        return self.label


def terms_between(start: dt.date, end: dt.date) -> list[Term]:
    """Every school term that an interval from ``start`` to ``end`` touches, in order."""
    terms: list[Term] = []
    term = Term.containing(start)
    while term.starts_on <= end:
        terms.append(term)
        following = term.ends_on + dt.timedelta(days=1)
        term = Term.containing(following)
    return terms


def add_school_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` school days (Monday–Friday) after ``start``."""
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def school_days_between(start: dt.date, end: dt.date) -> int:
    """How many school days (Monday–Friday) fall after ``start`` up to and including ``end``."""
    if end <= start:
        return 0
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            count += 1
    return count
