"""Writes the web pages need that combine the leaders area's services in one transaction, so a page
that changes two things changes both or neither. The rules stay in ``services``: these only
compose them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from syslead.accounts.models import Role, User
from syslead.accounts.services import RoleSpec, user_create
from syslead.core.exceptions import field_error
from syslead.leaders.models import LeaderProfile, TrainingAttendance, TrainingEvent
from syslead.leaders.services import (
    attendance_record,
    leader_create,
    leader_set_publication,
    leader_update,
)
from syslead.organisations.models import Organisation


@transaction.atomic
def leader_add(
    *,
    actor: User,
    email: str,
    name: str,
    organisation: Organisation | None,
    home_school_urn: int,
    job_title: str,
    specialisms: list[str],
    phases: list[str],
    pen_portrait: str = "",
    core_training_completed_on: dt.date | None = None,
    years_experience: int = 0,
    is_headteacher: bool = False,
    declared_conflicts: str = "",
) -> LeaderProfile:
    """Add a leader for a person found by e-mail, or for a new person created with the system
    leader role (``user_create`` then ``leader_create``; all or nothing)."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        if not (name or "").strip():
            raise field_error("name", "Enter the full name of someone new to Syslead.")
        user = user_create(
            actor=actor,
            email=email,
            name=name.strip(),
            roles=[RoleSpec(role=Role.SYSTEM_LEADER)],
            password=None,
        )
    leader = leader_create(
        actor=actor,
        user=user,
        home_school_urn=home_school_urn,
        job_title=job_title,
        specialisms=specialisms,
        phases=phases,
        pen_portrait=pen_portrait,
        core_training_completed_on=core_training_completed_on,
        years_experience=years_experience,
        is_headteacher=is_headteacher,
        organisation=organisation,
    )
    if declared_conflicts.strip():
        leader_update(actor=actor, leader=leader, declared_conflicts=declared_conflicts)
    return leader


@transaction.atomic
def leader_profile_save(
    *,
    actor: User,
    leader: LeaderProfile,
    fields: dict[str, Any],
    publication: dict[str, bool] | None = None,
) -> LeaderProfile:
    """Save a profile form: ``leader_update`` with its fields, then (on the leader's own form)
    ``leader_set_publication`` with their consent to publish each part."""
    leader = leader_update(actor=actor, leader=leader, **fields)
    if publication is not None:
        leader = leader_set_publication(actor=actor, leader=leader, **publication)
    return leader


@transaction.atomic
def attendance_record_many(
    *, actor: User, event: TrainingEvent, leaders: Iterable[LeaderProfile], attended_ids: set[int]
) -> int:
    """Record a training register: each ticked leader attended; a leader recorded as attending
    before and now unticked did not. Leaders never recorded and not ticked are left alone.
    Returns how many records changed."""
    recorded = dict(
        TrainingAttendance.objects.filter(event=event).values_list("leader_id", "attended")
    )
    changed = 0
    for leader in leaders:
        ticked = leader.pk in attended_ids
        before = recorded.get(leader.pk)
        if ticked and before is not True:
            attendance_record(actor=actor, event=event, leader=leader, attended=True)
            changed += 1
        elif not ticked and before is True:
            attendance_record(actor=actor, event=event, leader=leader, attended=False)
            changed += 1
    return changed
