"""Reads about leaders who moved school (docs/rules.md, "A leader moves school"): the employment
history shown on the profile, and the agreements still flagged for the coordinator.

A flag is open while its agreement is active or paused and no "leader has left their school"
change has been recorded on the agreement since the flag was raised: recording that change (with
or without an action) is what settles it, so nothing has to remember to clear it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet

from syslead.deployments.models import ChangeKind, ChangeRecord
from syslead.leaders.models import Employment, LeaderProfile, MoveFlag
from syslead.leaders.services.moves import FLAGGED_STATUSES
from syslead.leaders.wording import date_in_words


def employment_history(leader: LeaderProfile) -> list[Employment]:
    """The leader's schools, the current one first (one query)."""
    return list(
        Employment.objects.filter(leader=leader)
        .select_related("school")
        .order_by("-is_current", "-starts_on", "-pk")
    )


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


def move_flag_text(flag: MoveFlag, who: str = "Leader") -> str:
    """What the flag says: "Leader has moved to <school> from <date>: record the change" (``who``
    names the leader where the agreement is not in view)."""
    employment = flag.employment
    when = f" from {date_in_words(employment.starts_on)}" if employment.starts_on else ""
    return f"{who} has moved to {employment.school.name}{when}: record the change"


def open_move_flag_for(deployment_id: int) -> MoveFlag | None:
    """The latest open flag on one agreement, if any (one query)."""
    return (
        open_move_flags()
        .filter(deployment_id=deployment_id)
        .select_related("employment__school")
        .order_by("-created_at", "-pk")
        .first()
    )
