"""School calendars: a local authority's term dates for an academic year, and each person's
private calendar feed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import FieldErrors, field_error

#: The term dates' fields, in the order the days must come: each term's start, its half-term's
#: first and last days, its end.
TERM_NAMES = ("autumn", "spring", "summer")
DATE_FIELDS = tuple(
    f"{term}_{part}"
    for term in TERM_NAMES
    for part in ("starts_on", "half_term_starts_on", "half_term_ends_on", "ends_on")
)


def date_field_label(name: str) -> str:
    """ "spring_half_term_ends_on" -> "The spring half-term's last day" and so on."""
    term, _, part = name.partition("_")
    return {
        "starts_on": f"The {term} term's first day",
        "half_term_starts_on": f"The {term} half-term's first day",
        "half_term_ends_on": f"The {term} half-term's last day",
        "ends_on": f"The {term} term's last day",
    }[part]


class TermDates(models.Model):
    """One local authority's term dates for one academic year (three terms, each with a
    half-term), set by a coordinator of an organisation in that local authority. Where there is
    none, the shipped rule gives the dates (``syslead.calendars.school_calendar``)."""

    local_authority = models.CharField(max_length=100, help_text="The LA name as GIAS spells it.")
    academic_year = models.CharField(max_length=7)
    autumn_starts_on = models.DateField()
    autumn_half_term_starts_on = models.DateField()
    autumn_half_term_ends_on = models.DateField()
    autumn_ends_on = models.DateField()
    spring_starts_on = models.DateField()
    spring_half_term_starts_on = models.DateField()
    spring_half_term_ends_on = models.DateField()
    spring_ends_on = models.DateField()
    summer_starts_on = models.DateField()
    summer_half_term_starts_on = models.DateField()
    summer_half_term_ends_on = models.DateField()
    summer_ends_on = models.DateField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "term dates"
        ordering = ["local_authority", "academic_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["local_authority", "academic_year"], name="one_term_dates_per_la_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.local_authority} {self.academic_year}"

    def clean(self) -> None:
        validate_term_dates(self.academic_year, {name: getattr(self, name) for name in DATE_FIELDS})


def validate_term_dates(academic_year: str, dates: dict[str, dt.date | None]) -> None:
    """Every day inside the academic year (1 September to 31 August) and in order: autumn, then
    spring, then summer; in each term its start, then its half-term (first day no later than its
    last), then its end, with the half-term strictly inside the term. Raises ValidationError keyed
    by field."""
    try:
        year = AcademicYear.parse(academic_year)
    except ValueError as error:
        raise field_error("academic_year", str(error)) from error
    errors = FieldErrors()
    for name in DATE_FIELDS:
        day = dates.get(name)
        if day is not None and day not in year:
            errors.add(
                name,
                f"{date_field_label(name)} must be within the academic year {year.label} "
                f"(1 September {year.start_year} to 31 August {year.start_year + 1}).",
            )
    previous: tuple[str, dt.date] | None = None
    for name in DATE_FIELDS:
        day = dates.get(name)
        if day is None or name in errors:
            continue
        if previous is not None:
            before_name, before = previous
            same_half_term = before_name.endswith("half_term_starts_on") and name.endswith(
                "half_term_ends_on"
            )
            if day < before or (day == before and not same_half_term):
                errors.add(
                    name,
                    f"{date_field_label(name)} must be after "
                    f"{date_field_label(before_name)[0].lower()}"
                    f"{date_field_label(before_name)[1:]} ({before:%-d %B %Y}).",
                )
                continue
        previous = (name, day)
    errors.raise_if_any()


class CalendarFeed(models.Model):
    """A person's private calendar address. Only a hash of its secret is kept: the address is
    shown once, when it is made, and resetting it makes a new one (the old one stops working)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of user {self.user_id}"
