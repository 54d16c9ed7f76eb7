"""Training: core training before any deployment, the LLEs' annual mandatory session, the
leaders' network and termly reviews (docs/rules.md: Training)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from syslead.accounts.models import User
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed
from syslead.leaders.models import (
    LeaderProfile,
    TrainingAttendance,
    TrainingEvent,
    TrainingKind,
)
from syslead.leaders.permissions import (
    may_coordinate,
    may_manage_leader,
)
from syslead.leaders.services._helpers import (
    json_value,
    require_text,
)
from syslead.leaders.services.training_network import training_needs_follow_attendance
from syslead.leaders.wording import date_in_words
from syslead.organisations.models import Organisation


@transaction.atomic
def training_event_create(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    title: str,
    held_on: dt.date,
    location: str = "",
) -> TrainingEvent:
    """Schedule training: core training (before any deployment), the LLEs' annual mandatory
    session, the leaders' network (2–3 a year) or a termly review meeting. A coordinator of the
    organisation."""
    if not may_coordinate(actor, organisation):
        raise NotAllowed(f"Only coordinators of {organisation.name} may add its training.")
    errors = FieldErrors()
    if kind not in TrainingKind.values:
        errors["kind"] = ["Choose the kind of event: " + ", ".join(TrainingKind.values) + "."]
    title = require_text(title, "title", "Enter the event's title.", errors)
    if held_on is None:
        errors["held_on"] = ["Give the date of the event."]
    errors.raise_if_any()
    event = TrainingEvent(
        organisation=organisation,
        kind=kind,
        title=title,
        held_on=held_on,
        location=(location or "").strip(),
    )
    event.full_clean()
    event.save()
    event_record(
        actor=actor,
        subject=event,
        verb="training_event.created",
        summary=f"{event.get_kind_display()}: {title} on {date_in_words(held_on)}",
        data={"kind": kind, "held_on": json_value(held_on), "organisation": organisation.pk},
    )
    return event


@transaction.atomic
def attendance_record(
    *, actor: User, event: TrainingEvent, leader: LeaderProfile, attended: bool = True
) -> TrainingAttendance:
    """Record whether a leader attended a training event: a coordinator of the event's
    organisation who manages the leader. Attending core training completes it (the date is set if
    not already); attending meets the leader's open training needs of the event's kind
    (docs/rules.md, "Termly reviews and training needs")."""
    if not (may_coordinate(actor, event.organisation) and may_manage_leader(actor, leader)):
        raise NotAllowed(
            f"Only coordinators of {event.organisation.name} may record attendance, for leaders "
            "of their organisation."
        )
    attendance, created = TrainingAttendance.objects.update_or_create(
        event=event, leader=leader, defaults={"attended": bool(attended)}
    )
    event_record(
        actor=actor,
        subject=attendance,
        verb="training.attendance_recorded",
        summary=f"{leader.name} {'attended' if attended else 'did not attend'} {event.title}",
        data={"event": event.pk, "attended": bool(attended), "created": created},
    )
    training_needs_follow_attendance(
        actor=actor, event=event, leader=leader, attended=bool(attended)
    )
    if attended and event.kind == TrainingKind.CORE and leader.core_training_completed_on is None:
        leader.core_training_completed_on = event.held_on
        leader.save(update_fields=["core_training_completed_on", "updated_at"])
        event_record(
            actor=actor,
            subject=leader,
            verb="leader.core_training_completed",
            summary=f"{leader.name} completed core training on {date_in_words(event.held_on)}",
            data={"event": event.pk, "completed_on": json_value(event.held_on)},
        )
    return attendance
