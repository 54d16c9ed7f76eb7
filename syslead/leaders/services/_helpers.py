"""What the leaders services share: checks of typed input that report every invalid field by
name, the leader's row lock, event data in JSON, and the review period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from syslead.accounts.access import coordinated_organisation_ids
from syslead.accounts.models import User
from syslead.capacity.days import days_problem, given_days
from syslead.capacity.ledger import lock_leader_capacity
from syslead.leaders.constants import (
    DESIGNATION_REVIEW_YEARS,
    PHASES,
)
from syslead.leaders.models import (
    LeaderPhase,
    LeaderProfile,
    Specialism,
)
from syslead.leaders.permissions import leader_organisation_ids
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.schools.phases import phase_from_label


def json_value(value: Any) -> Any:
    """Event data is JSON: dates as ISO text, decimals as text, lists element by element."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [json_value(v) for v in value]
    if isinstance(value, Organisation | School | User):
        return value.pk
    return value


def add_years(day: dt.date, years: int) -> dt.date:
    """The same date ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_review_on(designated_on: dt.date) -> dt.date:
    """When a new designation is due for review: ``DESIGNATION_REVIEW_YEARS`` (3) years on."""
    return add_years(designated_on, DESIGNATION_REVIEW_YEARS)


def require_text(value: str, field: str, message: str, errors: dict[str, list[str]]) -> str:
    text = (value or "").strip()
    if not text:
        errors.setdefault(field, []).append(message)
    return text


def check_days(days: Decimal, field: str, errors: dict[str, list[str]]) -> Decimal:
    """Days given to a service, held to ``capacity.days.days_problem`` (0 or more, whole or half
    days), as stored (one decimal place); a problem is added to ``errors`` under ``field``."""
    problem = days_problem(days)
    if problem:
        errors.setdefault(field, []).append(problem)
        return days
    return given_days(days)


def lock_leader(leader: LeaderProfile) -> LeaderProfile:
    """Serialise writes about one leader (association, designation, release): the same row lock
    the capacity ledger's writers take."""
    return lock_leader_capacity(leader)


def check_specialisms(
    codes: Iterable[str], organisation_ids: set[int], errors: dict[str, list[str]]
) -> list[Specialism]:
    """Specialisms by code: a built-in one, else one the organisations concerned added."""
    # Codes as the contract writes them; "SEND" or "early-years" are read as send, early_years.
    wanted = ["_".join(str(c).strip().lower().replace("-", " ").split()) for c in codes]
    found: dict[str, Specialism] = {}
    for specialism in Specialism.objects.filter(code__in=wanted).order_by("organisation_id"):
        if specialism.organisation_id is None or specialism.organisation_id in organisation_ids:
            found.setdefault(specialism.code, specialism)
    unknown = [code for code in wanted if code not in found]
    if unknown:
        errors.setdefault("specialisms", []).append(
            "Unknown specialism: "
            + ", ".join(f"'{code}'" for code in unknown)
            + ". Use the built-in codes (e.g. maths, send, early_years) or your organisation's."
        )
    return list({code: found[code] for code in wanted if code in found}.values())


def check_phases(values: Iterable[str], errors: dict[str, list[str]]) -> list[str]:
    phases: list[str] = []
    unknown: list[str] = []
    for value in values:
        phase = phase_from_label(str(value))
        if phase is None or phase not in PHASES:
            unknown.append(str(value))
        elif phase not in phases:
            phases.append(phase)
    if unknown:
        errors.setdefault("phases", []).append(
            "Unknown phase: "
            + ", ".join(f"'{value}'" for value in unknown)
            + ". Use "
            + ", ".join(PHASES)
            + "."
        )
    return phases


def check_school(urn: int, errors: dict[str, list[str]]) -> School | None:
    school = School.objects.filter(urn=urn).first()
    if school is None:
        errors.setdefault("home_school", []).append(f"No school with URN {urn} in the register.")
    return school


def set_phases(leader: LeaderProfile, phases: list[str]) -> None:
    LeaderPhase.objects.filter(leader=leader).exclude(phase__in=phases).delete()
    have = set(LeaderPhase.objects.filter(leader=leader).values_list("phase", flat=True))
    LeaderPhase.objects.bulk_create(
        [LeaderPhase(leader=leader, phase=p) for p in phases if p not in have]
    )


def specialism_organisation_ids(actor: User, leader: LeaderProfile | None) -> set[int]:
    ids = set(coordinated_organisation_ids(actor))
    if leader is not None and leader.pk:
        ids |= leader_organisation_ids(leader)
    return ids
