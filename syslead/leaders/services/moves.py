"""A leader moves school (docs/rules.md, "A leader moves school"): one service records the move,
keeps the rest of the profile, stops the old school's release at the move, asks the new school's
headteacher for the rest of the year and flags the leader's live agreements for the coordinator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.models import Role, RoleAssignment, User
from syslead.capacity.days import days_words
from syslead.capacity.ledger import leader_capacity
from syslead.core.academic_years import AcademicYear
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed
from syslead.leaders.models import Employment, LeaderProfile, ReleaseAgreement
from syslead.leaders.permissions import may_move_school
from syslead.leaders.services._helpers import lock_leader
from syslead.leaders.signals import leader_moved
from syslead.leaders.wording import date_in_words
from syslead.notifications.inbox import notify
from syslead.schools.models import School

#: A move may be recorded at most this far ahead of today.
MOVE_MAX_DAYS_AHEAD = 366


@dataclass
class Move:
    """What ``leader_move_school`` did: the new employment, the releases it stopped, the
    headteachers asked and the agreements flagged."""

    employment: Employment
    stopped: list[ReleaseAgreement] = field(default_factory=list)
    asked: list[User] = field(default_factory=list)
    flagged: list[Any] = field(default_factory=list)


def days_still_committed(leader: LeaderProfile, year: AcademicYear) -> Decimal:
    """The days of the year the old school's release keeps when the leader leaves: those already
    committed in agreements, as the capacity ledger counts them (the one call to the ledger)."""
    return leader_capacity(leader, year).committed


def school_headteachers(school: School) -> list[User]:
    """The people holding the headteacher role at the school, by name."""
    return [
        assignment.user
        for assignment in RoleAssignment.objects.filter(role=Role.HEADTEACHER, school=school)
        .select_related("user")
        .order_by("user__name", "user_id")
    ]


def _school(value: School | int, errors: FieldErrors) -> School | None:
    """The school, or its URN (the form and the API read it as a whole number)."""
    if isinstance(value, School):
        return value
    school = School.objects.filter(urn=value).first()
    if school is None:
        errors.add("new_school", f"No school with URN {value} in the register.")
    return school


def current_employment(leader: LeaderProfile) -> Employment | None:
    return Employment.objects.filter(leader=leader, is_current=True).first()


def _check_date(
    from_date: dt.date | None, current: Employment | None, errors: dict[str, list[str]]
) -> None:
    if not isinstance(from_date, dt.date):
        errors.setdefault("from_date", []).append("Give the date the leader starts at the school.")
        return
    today = timezone.localdate()
    earliest = AcademicYear.containing(today).previous().starts_on
    if current is not None and current.starts_on is not None and from_date <= current.starts_on:
        errors.setdefault("from_date", []).append(
            f"The move must be after {date_in_words(current.starts_on)}, when the leader started "
            f"at {current.school.name}."
        )
    elif from_date < earliest:
        errors.setdefault("from_date", []).append(
            f"The move must be on or after {date_in_words(earliest)} (the start of last academic "
            "year)."
        )
    elif from_date > today + dt.timedelta(days=MOVE_MAX_DAYS_AHEAD):
        errors.setdefault("from_date", []).append("The move must be within a year from today.")


def _stop_releases(
    actor: User, leader: LeaderProfile, old_school: School, from_date: dt.date
) -> list[ReleaseAgreement]:
    """The old school's release stops at the move: from the year of the move on, each year's days
    come down to the days already committed (never up), and its consent no longer stands."""
    first_year = AcademicYear.containing(from_date)
    stopped = []
    for release in ReleaseAgreement.objects.filter(leader=leader).order_by("academic_year"):
        year = AcademicYear.parse_or_none(release.academic_year)
        if year is None or year.starts_on < first_year.starts_on:
            continue
        kept = min(release.days, days_still_committed(leader, year))
        before = release.days
        release.days = kept
        release.headteacher_consent_by = None
        release.headteacher_consent_at = None
        release.save(update_fields=["days", "headteacher_consent_by", "headteacher_consent_at"])
        stopped.append(release)
        event_record(
            actor=actor,
            subject=release,
            verb="release.stopped",
            summary=f"{old_school.name}'s release stopped on {date_in_words(from_date)}: "
            f"{days_words(kept)} already committed stay counted in {year.label}",
            data={
                "academic_year": year.label,
                "before": str(before),
                "days": str(kept),
                "school": old_school.pk,
                "from_date": from_date.isoformat(),
            },
        )
    return stopped


def _ask_headteachers(
    leader: LeaderProfile, school: School, from_date: dt.date, heads: list[User]
) -> None:
    year = AcademicYear.containing(from_date)
    notify(
        users=heads,
        verb="leader.moved_release",
        text=f"{leader.name} joins {school.name} on {date_in_words(from_date)}: agree the days "
        f"you release them for the rest of {year.label}.",
        url=reverse("leaders:release") + f"#leader-{leader.pk}",
        subject=f"Agree release days for {leader.name}",
        detail=f"{leader.name} is a system leader. Their release from their previous school "
        "stopped when they moved; the days already committed to agreements stay counted. Agree "
        f"the days {school.name} releases them in {year.label} (the year's total, including the "
        "days already committed), with the chair of governors' consent.",
    )


@transaction.atomic
def leader_move_school(
    *,
    actor: User,
    leader: LeaderProfile,
    new_school: School | int,
    from_date: dt.date | None,
    headteacher: User | None = None,
) -> Move:
    """Record that the leader works at ``new_school`` from ``from_date``: the leader themselves or
    a coordinator of their broker (``access.may_move_school``). The profile stays whole
    (designations, specialisms, association); the employment history gets the move; the old
    school's release from that academic year on stops at the days already committed; the new
    school's headteacher (``headteacher``, else whoever holds that role at the school) is asked to
    agree release for the rest of the year; the leader's active and paused agreements are flagged
    for the "leader has left their school" change. Refused: another school than the current one,
    a date after the current employment's start, within a year from today."""
    if not may_move_school(actor, leader):
        raise NotAllowed(
            "Only the leader, or a coordinator of an organisation the leader works with, may "
            "record a move of school."
        )
    errors = FieldErrors()
    school = _school(new_school, errors)
    leader = lock_leader(leader)
    old_school = leader.home_school
    current = current_employment(leader)
    if school is not None and school.pk == old_school.pk:
        errors.setdefault("new_school", []).append(
            f"{school.name} is already {leader.name}'s home school: choose the school they move to."
        )
    _check_date(from_date, current, errors)
    heads = school_headteachers(school) if school is not None else []
    if headteacher is not None and headteacher.pk not in {head.pk for head in heads}:
        errors.setdefault("headteacher", []).append(
            f"{headteacher.get_full_name()} is not the headteacher of "
            f"{school.name if school else 'that school'} in Syslead."
        )
    errors.raise_if_any()
    assert school is not None
    assert isinstance(from_date, dt.date)

    user = actor if getattr(actor, "is_authenticated", False) else None
    if current is None:
        current = Employment(leader=leader, school=old_school, starts_on=None, recorded_by=user)
    current.is_current = False
    current.ends_on = from_date - dt.timedelta(days=1)
    current.save()
    head = headteacher or (heads[0] if heads else None)
    employment = Employment.objects.create(
        leader=leader,
        school=school,
        starts_on=from_date,
        is_current=True,
        headteacher=head,
        headteacher_name=head.get_full_name()[:150] if head else "",
        release_asked_at=timezone.now() if heads else None,
        recorded_by=user,
    )
    leader.home_school = school
    leader.save(update_fields=["home_school", "updated_at"])

    move = Move(employment=employment)
    move.stopped = _stop_releases(actor, leader, old_school, from_date)
    asked = [headteacher] if headteacher is not None else heads
    _ask_headteachers(leader, school, from_date, asked)
    move.asked = asked
    # The agreements area flags the leader's live agreements (deployments.moves).
    for _receiver, flagged in leader_moved.send(
        sender=LeaderProfile, actor=actor, leader=leader, employment=employment
    ):
        move.flagged.extend(flagged or [])
    event_record(
        actor=actor,
        subject=leader,
        verb="leader.moved_school",
        summary=f"Moved from {old_school.name} to {school.name} from {date_in_words(from_date)}",
        data={
            "from_school": old_school.pk,
            "to_school": school.pk,
            "from_date": from_date.isoformat(),
            "headteacher": head.pk if head else None,
            "headteachers_asked": [person.pk for person in asked],
            "releases_stopped": [release.academic_year for release in move.stopped],
            "agreements_flagged": [record.pk for record in move.flagged],
        },
    )
    return move
