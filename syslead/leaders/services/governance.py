"""A person's governance record: the roles they held on governing bodies, from when to when
(docs/rules.md, "Designations": the NLG criterion is checked from it)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed
from syslead.leaders.access import may_edit_profile
from syslead.leaders.models import GovernancePosition, GovernanceRole, LeaderProfile
from syslead.leaders.services._helpers import json_value, require_text


@transaction.atomic
def governance_role_add(
    *,
    actor: User,
    leader: LeaderProfile,
    body: str,
    role: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None = None,
) -> GovernanceRole:
    """Record a governance role (the leader themselves, or a coordinator who manages them). The
    role ends after it starts and does not start in the future."""
    if not may_edit_profile(actor, leader):
        raise NotAllowed("Only the leader or their coordinator may change the governance record.")
    errors = FieldErrors()
    body = require_text(body, "body", "Enter the school or trust governed.", errors)
    if len(body) > 200:
        errors.add("body", "The school or trust must be 200 characters or fewer.")
    if role not in GovernancePosition.values:
        errors.add("role", "Choose the role: chair, vice-chair, governor or trustee.")
    if starts_on is None:
        errors.add("starts_on", "Give the date the role started.")
    elif starts_on > timezone.localdate():
        errors.add("starts_on", "The role cannot start in the future.")
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        errors.add("ends_on", "The role must end after it starts.")
    errors.raise_if_any()
    assert starts_on is not None  # refused above
    row = GovernanceRole.objects.create(
        leader=leader,
        body=body,
        role=role,
        starts_on=starts_on,
        ends_on=ends_on,
        recorded_by=actor,
    )
    event_record(
        actor=actor,
        subject=leader,
        verb="leader.governance_role_added",
        summary=f"{row.get_role_display()} of {body} recorded for {leader.name}",
        data={
            "role": role,
            "body": body,
            "starts_on": json_value(starts_on),
            "ends_on": json_value(ends_on),
        },
    )
    return row


@transaction.atomic
def governance_role_remove(*, actor: User, role: GovernanceRole) -> None:
    """Remove a role recorded in error (the leader themselves, or a coordinator who manages
    them)."""
    leader = role.leader
    if not may_edit_profile(actor, leader):
        raise NotAllowed("Only the leader or their coordinator may change the governance record.")
    event_record(
        actor=actor,
        subject=leader,
        verb="leader.governance_role_removed",
        summary=f"{role.get_role_display()} of {role.body} removed from {leader.name}'s record",
        data={"role": role.role, "body": role.body, "starts_on": json_value(role.starts_on)},
    )
    role.delete()
