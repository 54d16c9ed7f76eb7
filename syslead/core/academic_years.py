"""Academic years and school terms: the one place that knows the school calendar.

An academic year runs 1 September – 31 August and is written "2025-26". It has three terms:
autumn (1 Sept – 31 Dec), spring (1 Jan – 31 Mar, Easter aside) and summer (1 Apr – 31 Aug): these
calendar months group a term's records, holidays included. The terms' real dates (first and last
days, half-terms) and the school days come from the local authority's calendar
(``syslead.calendars.school_calendar``): ``Term.dates``, ``add_school_days``,
``school_days_between`` and ``is_school_day`` take the local authority where it is known.

Syslead accepts the years 2000-01 to 2098-99 (``FIRST_YEAR``…``LAST_YEAR``): ``AcademicYear.parse``
is the one parser of a year someone typed or sent, for the web pages and the API alike.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from syslead.calendars.school_calendar import TermSpan

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

    def dates(self, local_authority: str | None = None) -> TermSpan:
        """The term's real dates (first and last days, half-term) in a local authority: its own
        when a coordinator has set them, else the default. ``starts_on``/``ends_on`` above are
        the calendar months the term's records are grouped by, holidays included."""
        from syslead.calendars.school_calendar import calendar_for

        return calendar_for(local_authority).term_span(self)

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


def add_school_days(start: dt.date, days: int, *, local_authority: str | None = None) -> dt.date:
    """The date ``days`` school days after ``start``: weekdays that are not bank holidays in
    England and fall in the local authority's terms outside half-term (with no local authority
    known, the default term dates; see ``syslead.calendars.school_calendar``)."""
    from syslead.calendars.school_calendar import calendar_for

    return calendar_for(local_authority).add_school_days(start, days)


def school_days_between(start: dt.date, end: dt.date, *, local_authority: str | None = None) -> int:
    """How many school days (as ``add_school_days`` counts them) fall after ``start`` up to and
    including ``end``."""
    from syslead.calendars.school_calendar import calendar_for

    return calendar_for(local_authority).school_days_between(start, end)


def is_school_day(day: dt.date, *, local_authority: str | None = None) -> bool:
    """Whether pupils are in school that day in the local authority (as ``add_school_days``)."""
    from syslead.calendars.school_calendar import calendar_for

    return calendar_for(local_authority).is_school_day(day)


def subtract_school_days(
    start: dt.date, days: int, *, local_authority: str | None = None
) -> dt.date:
    """The school day ``days`` school days before ``start``."""
    from syslead.calendars.school_calendar import calendar_for

    return calendar_for(local_authority).subtract_school_days(start, days)
