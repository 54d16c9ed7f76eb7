"""Writes of the calendars area: a local authority's term dates, a person's feed address."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction

from syslead.accounts.models import User
from syslead.calendars.access import may_set_term_dates
from syslead.calendars.models import DATE_FIELDS, CalendarFeed, TermDates, validate_term_dates
from syslead.calendars.school_calendar import organisation_local_authority
from syslead.core.academic_years import AcademicYear
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation
from syslead.organisations.models import Organisation


@transaction.atomic
def term_dates_save(
    *, actor: User, organisation: Organisation, year: AcademicYear, dates: dict[str, dt.date]
) -> TermDates:
    """Set the term dates of the organisation's local authority for one academic year (they
    replace the default, or earlier dates, for every school of that local authority)."""
    if not may_set_term_dates(actor, organisation):
        raise NotAllowed("Only the organisation's coordinators set its local authority's terms.")
    local_authority = organisation_local_authority(organisation)
    if not local_authority:
        raise RuleViolation(
            f"{organisation.name} has no local authority recorded (a local authority's name, or "
            "a lead school): ask an administrator to add one.",
            rule="no_local_authority",
        )
    validate_term_dates(year.label, dict(dates))
    missing = [name for name in DATE_FIELDS if dates.get(name) is None]
    errors = FieldErrors()
    for name in missing:
        errors.add(name, "Enter the date.")
    errors.raise_if_any()
    row = (
        TermDates.objects.select_for_update()
        .filter(local_authority__iexact=local_authority, academic_year=year.label)
        .first()
    ) or TermDates(local_authority=local_authority, academic_year=year.label)
    for name in DATE_FIELDS:
        setattr(row, name, dates[name])
    row.updated_by = actor
    row.full_clean()
    row.save()
    event_record(
        actor=actor,
        subject=organisation,
        verb="calendars.term_dates_set",
        summary=f"Set the term dates of {local_authority} for {year.label}",
        data={"local_authority": local_authority, "academic_year": year.label},
    )
    return row


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_reset(*, actor: User) -> str:
    """Make the person a new secret calendar address (the old one, if any, stops working at
    once). Returns the secret: it is shown this once and only its hash is kept."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=actor, defaults={"token_hash": token_hash(token)})
    return token


def calendar_feed_owner(token: str) -> Any | None:
    """The active person whose calendar address this is, or None."""
    if not token:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=token_hash(token), user__is_active=True)
        .first()
    )
    return feed.user if feed is not None else None
