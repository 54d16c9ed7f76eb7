"""School days in England: weekends, bank holidays and a local authority's school holidays.

A *school day* is a weekday (Monday to Friday) that is not a bank holiday in England and falls
within one of the three terms of its local authority's academic year, outside the half-terms.

* **Bank holidays** come from the maintained ``holidays`` library (the United Kingdom,
  subdivision England: the same days as Wales except none differ in practice for schools). They
  ship with the package, so nothing is fetched; each calendar year is computed once per process.
* **Term dates** come from a local authority's ``TermDates`` for the academic year when a
  coordinator has set them, else from the rule below (``default_year_dates``). A local
  authority's dates are cached (Django's cache) for five minutes and forgotten whenever they are
  saved.

The default rule, a typical English pattern rather than any authority's published dates:

* autumn term: from the first Wednesday of September to the last Friday on or before
  20 December; half-term the week (Monday to Friday) of the last Monday of October;
* spring term: from the first Monday on or after 2 January to the Friday nine days before
  Easter Sunday; half-term the week of the third Monday of February;
* summer term: from the Monday eight days after Easter Sunday to 22 July (the Friday before when
  22 July falls on a weekend); half-term the week of the last Monday of May (the late May bank
  holiday).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import holidays
from django.core.cache import cache

from syslead.core.academic_years import AcademicYear, Term

if TYPE_CHECKING:
    from syslead.calendars.models import TermDates

ONE_DAY = dt.timedelta(days=1)
#: How long a local authority's term dates stay cached (saving them forgets them at once).
TERM_DATES_CACHE_SECONDS = 300
#: A walk through the calendar never goes further than this (ten years of days).
MAX_STEPS = 3660


@dataclass(frozen=True)
class TermSpan:
    """One term's real dates: its first and last days and its half-term's."""

    name: str
    starts_on: dt.date
    half_term_starts_on: dt.date
    half_term_ends_on: dt.date
    ends_on: dt.date

    def in_term(self, day: dt.date) -> bool:
        """The day is in the term and not in its half-term."""
        return self.starts_on <= day <= self.ends_on and not (
            self.half_term_starts_on <= day <= self.half_term_ends_on
        )


@dataclass(frozen=True)
class YearDates:
    """An academic year's three terms, and where the dates come from."""

    year: AcademicYear
    autumn: TermSpan
    spring: TermSpan
    summer: TermSpan
    custom: bool = False

    @property
    def terms(self) -> tuple[TermSpan, TermSpan, TermSpan]:
        return (self.autumn, self.spring, self.summer)

    def span(self, name: str) -> TermSpan:
        return {"autumn": self.autumn, "spring": self.spring, "summer": self.summer}[name]

    def in_term(self, day: dt.date) -> bool:
        return any(term.in_term(day) for term in self.terms)

    def as_fields(self) -> dict[str, dt.date]:
        """The dates under the ``TermDates`` field names (to fill the edit form)."""
        fields: dict[str, dt.date] = {}
        for term in self.terms:
            fields[f"{term.name}_starts_on"] = term.starts_on
            fields[f"{term.name}_half_term_starts_on"] = term.half_term_starts_on
            fields[f"{term.name}_half_term_ends_on"] = term.half_term_ends_on
            fields[f"{term.name}_ends_on"] = term.ends_on
        return fields


# --- The default rule -----------------------------------------------------------------------------


def _on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _on_or_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def easter(year: int) -> dt.date:
    """Easter Sunday (the Gregorian calendar's computus: the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return dt.date(year, month, day + 1)


def _week_of(monday: dt.date) -> tuple[dt.date, dt.date]:
    return monday, monday + dt.timedelta(days=4)


def _last_monday(year: int, month: int) -> dt.date:
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return _on_or_before(first_of_next - ONE_DAY, 0)


@lru_cache(maxsize=64)
def default_year_dates(year: AcademicYear) -> YearDates:
    """The shipped default term dates of an academic year (the rule in the module's docstring)."""
    y = year.start_year
    easter_sunday = easter(y + 1)
    july_22 = dt.date(y + 1, 7, 22)
    autumn_half = _week_of(_last_monday(y, 10))
    spring_half = _week_of(_on_or_after(dt.date(y + 1, 2, 1), 0) + dt.timedelta(weeks=2))
    summer_half = _week_of(_last_monday(y + 1, 5))
    return YearDates(
        year=year,
        autumn=TermSpan(
            "autumn",
            _on_or_after(dt.date(y, 9, 1), 2),
            *autumn_half,
            _on_or_before(dt.date(y, 12, 20), 4),
        ),
        spring=TermSpan(
            "spring",
            _on_or_after(dt.date(y + 1, 1, 2), 0),
            *spring_half,
            easter_sunday - dt.timedelta(days=9),
        ),
        summer=TermSpan(
            "summer",
            easter_sunday + dt.timedelta(days=8),
            *summer_half,
            july_22 if july_22.weekday() < 5 else _on_or_before(july_22, 4),
        ),
    )


def year_dates_from(row: TermDates) -> YearDates:
    def span(name: str) -> TermSpan:
        return TermSpan(
            name,
            getattr(row, f"{name}_starts_on"),
            getattr(row, f"{name}_half_term_starts_on"),
            getattr(row, f"{name}_half_term_ends_on"),
            getattr(row, f"{name}_ends_on"),
        )

    return YearDates(
        AcademicYear.parse(row.academic_year),
        span("autumn"),
        span("spring"),
        span("summer"),
        custom=True,
    )


# --- Bank holidays --------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def bank_holidays(year: int) -> dict[dt.date, str]:
    """England's bank holidays of a calendar year, with their names (computed once per year)."""
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())


def bank_holiday_name(day: dt.date) -> str | None:
    return bank_holidays(day.year).get(day)


# --- A local authority's calendar -----------------------------------------------------------------


def _cache_key(local_authority: str) -> str:
    """The local authority's name in a cache key with no spaces or other characters memcached
    refuses (Django warns of them whatever the cache): "North East Lincolnshire" ->
    "north-east-lincolnshire"."""
    name = re.sub(r"[^a-z0-9]+", "-", local_authority.strip().lower()).strip("-")
    return f"calendars:term-dates:{name}"


def forget_term_dates(local_authority: str) -> None:
    cache.delete(_cache_key(local_authority))


def _custom_years(local_authority: str) -> dict[int, YearDates]:
    if not local_authority.strip():
        return {}
    key = _cache_key(local_authority)
    found: dict[int, YearDates] | None = cache.get(key)
    if found is None:
        from syslead.calendars.models import TermDates

        rows = TermDates.objects.filter(local_authority__iexact=local_authority.strip())
        found = {}
        for row in rows:
            dates = year_dates_from(row)
            found[dates.year.start_year] = dates
        cache.set(key, found, TERM_DATES_CACHE_SECONDS)
    return found


class SchoolCalendar:
    """The school days of one local authority ("" for none known: the default term dates)."""

    def __init__(self, local_authority: str = "", custom: dict[int, YearDates] | None = None):
        self.local_authority = local_authority.strip()
        self._custom = custom if custom is not None else {}

    def year_dates(self, year: AcademicYear) -> YearDates:
        return self._custom.get(year.start_year) or default_year_dates(year)

    def term_span(self, term: Term) -> TermSpan:
        """A school term's real dates in this local authority."""
        return self.year_dates(term.year).span(term.name)

    def is_school_day(self, day: dt.date) -> bool:
        return (
            day.weekday() < 5
            and day not in bank_holidays(day.year)
            and self.year_dates(AcademicYear.containing(day)).in_term(day)
        )

    def why_not_a_school_day(self, day: dt.date) -> str | None:
        """Why the day is not a school day, in words ("a Saturday", "a bank holiday (Easter
        Monday)", "half-term", "the school holidays"); None for a school day."""
        if day.weekday() >= 5:
            return f"a {day:%A}"
        name = bank_holiday_name(day)
        if name:
            return f"a bank holiday ({name})"
        dates = self.year_dates(AcademicYear.containing(day))
        for term in dates.terms:
            if term.half_term_starts_on <= day <= term.half_term_ends_on:
                return f"in the {term.name} half-term"
        if not dates.in_term(day):
            return "in the school holidays"
        return None

    def add_school_days(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` school days after ``start`` (``start`` itself when ``days`` <= 0)."""
        current = start
        remaining = days
        steps = 0
        while remaining > 0 and steps < MAX_STEPS:
            current += ONE_DAY
            steps += 1
            if self.is_school_day(current):
                remaining -= 1
        return current

    def subtract_school_days(self, start: dt.date, days: int) -> dt.date:
        """The school day ``days`` school days before ``start``."""
        current = start
        remaining = days
        steps = 0
        while remaining > 0 and steps < MAX_STEPS:
            current -= ONE_DAY
            steps += 1
            if self.is_school_day(current):
                remaining -= 1
        return current

    def school_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many school days fall after ``start`` up to and including ``end``."""
        if end <= start:
            return 0
        count = 0
        current = start
        while current < end:
            current += ONE_DAY
            if self.is_school_day(current):
                count += 1
        return count

    def school_day_on_or_before(self, day: dt.date) -> dt.date:
        steps = 0
        while not self.is_school_day(day) and steps < MAX_STEPS:
            day -= ONE_DAY
            steps += 1
        return day

    def school_day_on_or_after(self, day: dt.date) -> dt.date:
        steps = 0
        while not self.is_school_day(day) and steps < MAX_STEPS:
            day += ONE_DAY
            steps += 1
        return day


def calendar_for(local_authority: str | None = None) -> SchoolCalendar:
    """The school calendar of a local authority (GIAS's name for it); with none, or one that
    has set no dates, the default term dates. Bank holidays apply everywhere."""
    name = (local_authority or "").strip()
    return SchoolCalendar(name, _custom_years(name))


def school_local_authority(school: object) -> str:
    """A school's local authority ("" when unknown)."""
    return str(getattr(school, "local_authority", "") or "")


def organisation_local_authority(organisation: object) -> str:
    """An organisation's local authority: its own for a local authority, else its lead
    school's ("" when neither is known)."""
    own = str(getattr(organisation, "local_authority_name", "") or "").strip()
    if own:
        return own
    lead = getattr(organisation, "lead_school", None)
    return school_local_authority(lead).strip() if lead is not None else ""
