"""A leader moved school (docs/rules.md, "A leader moves school"): the agreements' side. The
leaders area records the move and sends ``leaders.signals.leader_moved``; here the leader's live
agreements (active or paused) are flagged, with an event on each, and the open flags are read
for the agreement's page and the coordinator's home page.

A flag is open while its agreement is active or paused and no "leader has left their school"
change has been recorded on it since the flag was raised: recording that change (with or without
an action) is what settles it, so nothing has to remember to clear it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from syslead.core.events import event_record
from syslead.deployments.models import (
    ChangeKind,
    ChangeRecord,
    Deployment,
    DeploymentStatus,
    MoveFlag,
)
from syslead.leaders.models import Employment, LeaderProfile
from syslead.leaders.wording import date_in_words

#: Agreements flagged when their leader moves: those under way. Drafts and agreements waiting for
#: signatures are still being written: the coordinator sees the new home school when reading them.
FLAGGED_STATUSES = (DeploymentStatus.ACTIVE, DeploymentStatus.PAUSED)


def flag_live_agreements(
    sender: Any, *, actor: Any, leader: LeaderProfile, employment: Employment, **kwargs: Any
) -> list[Deployment]:
    """Receiver of ``leader_moved``: flag the leader's active and paused agreements, with the
    event "Leader has moved to <school> from <date>: record the change" on each."""
    deployments = list(
        Deployment.objects.filter(leader=leader, status__in=FLAGGED_STATUSES).order_by("pk")
    )
    flags = MoveFlag.objects.bulk_create(
        [MoveFlag(employment=employment, deployment=deployment) for deployment in deployments]
    )
    for flag in flags:
        event_record(
            actor=actor,
            subject=flag.deployment,
            verb="deployment.leader_moved",
            summary=move_flag_text(flag),
            data={
                "school": employment.school_id,
                "from_date": employment.starts_on.isoformat() if employment.starts_on else None,
            },
        )
    return deployments


def move_flag_text(flag: MoveFlag, who: str = "Leader") -> str:
    """What the flag says: "Leader has moved to <school> from <date>: record the change" (``who``
    names the leader where the agreement is not in view)."""
    employment = flag.employment
    when = f" from {date_in_words(employment.starts_on)}" if employment.starts_on else ""
    return f"{who} has moved to {employment.school.name}{when}: record the change"


def open_move_flags() -> QuerySet[MoveFlag]:
    """Flags still to settle (see the module's docstring), oldest first."""
    settled = ChangeRecord.objects.filter(
        deployment_id=OuterRef("deployment_id"),
        kind=ChangeKind.LEADER_LEFT_SCHOOL,
        recorded_at__gte=OuterRef("created_at"),
    )
    return (
        MoveFlag.objects.filter(deployment__status__in=FLAGGED_STATUSES)
        .exclude(Exists(settled))
        .order_by("created_at", "pk")
    )


def open_move_flags_of(organisation_ids: Iterable[int]) -> list[MoveFlag]:
    """Open flags on the agreements of these organisations, with what their wording needs (one
    query)."""
    return list(
        open_move_flags()
        .filter(deployment__organisation_id__in=list(organisation_ids))
        .select_related(
            "employment__school", "deployment__leader__user", "deployment__client_school"
        )
    )


def open_move_flag_for(deployment_id: int) -> MoveFlag | None:
    """The latest open flag on one agreement, if any (one query)."""
    return (
        open_move_flags()
        .filter(deployment_id=deployment_id)
        .select_related("employment__school")
        .order_by("-created_at", "-pk")
        .first()
    )
