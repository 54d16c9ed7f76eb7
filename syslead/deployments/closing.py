"""Closing an agreement together, as read by pages, the home page and the services (docs/rules.md,
"Closing an agreement"): the close-out's steps in order, who must take each, which are done, and
what is still missing before a coordinator may complete the agreement.

The steps: (1) the leader says whether the support was fully delivered (and why not); (2) the
leader and (3) the supported school's headteacher each sign it off, in either order, once the
statement is made; (4) the decision on further support (none, or a new request); (5) a
coordinator completes the agreement, last, once 1–4 are done and no dispute is open.

The close-out is *due* (its missing steps become "Needs attention" items) from the agreement's
intended end date, or earlier once the leader has made the statement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from syslead.accounts.models import User
from syslead.brokering.models import Route
from syslead.deployments.models import (
    CloseOut,
    Deployment,
    DeploymentStatus,
    Dispute,
    DisputeStatus,
    FurtherSupport,
)
from syslead.deployments.transitions import AGREEMENT, SIGNED

#: Task statuses as the GOV.UK task list words them.
DONE = "Completed"
TO_DO = "Incomplete"
CANNOT_START = "Cannot start yet"


@dataclass(frozen=True)
class CloseOutTask:
    """One row of the close-out's task list."""

    key: str
    title: str
    #: Who must act, in words.
    who: str
    status: str
    #: What was recorded (done), in words.
    detail: str = ""
    #: The page where the person looking may act now (empty: not theirs, or not now).
    url: str = ""


def close_out_of(deployment: Deployment) -> CloseOut | None:
    """The agreement's close-out, if anyone has started it."""
    try:
        return deployment.close_out
    except CloseOut.DoesNotExist:
        return None


def open_disputes(deployment: Deployment) -> list[Dispute]:
    return list(deployment.disputes.filter(status=DisputeStatus.OPEN).select_related("raised_by"))


def close_out_due(deployment: Deployment, close_out: CloseOut | None, today: dt.date) -> bool:
    """Whether the close-out's missing steps are asked for now: a signed agreement (active or
    paused) on or after its intended end date, or whose leader already made the statement."""
    if deployment.status not in SIGNED:
        return False
    return deployment.ends_on <= today or (close_out is not None and close_out.stated)


def missing_steps(close_out: CloseOut | None) -> list[str]:
    """What is still missing before the agreement may be completed, in words."""
    missing: list[str] = []
    if close_out is None or not close_out.stated:
        missing.append("the leader's statement of whether the support was fully delivered")
    if close_out is None or close_out.leader_signed_off_at is None:
        missing.append("the leader's sign-off")
    if close_out is None or close_out.head_signed_off_at is None:
        missing.append("the supported school's headteacher's sign-off")
    if close_out is None or not close_out.decided:
        missing.append("the decision on further support")
    return missing


def _who_decides(deployment: Deployment) -> str:
    if deployment.support_request.route == Route.SCHOOL:
        return "The supported school's headteacher or the broker's coordinator"
    return "The local authority's coordinator or SIP"


def _when(moment: dt.datetime | None, person: User | None) -> str:
    if moment is None:
        return ""
    name = person.get_full_name() if person is not None else "someone"
    local = timezone.localtime(moment)
    return f"{name}, {local.day} {local:%B %Y}"


def close_out_tasks(
    user: User, deployment: Deployment, close_out: CloseOut | None, disputes: list[Dispute]
) -> list[CloseOutTask]:
    """The close-out's task list as ``user`` sees it: each step, who must take it, its status,
    and a link where ``user`` may take it now."""
    steps = AGREEMENT.allowed(
        user,
        deployment,
        among=("state_delivery", "sign_off", "decide_further_support", "complete"),
    )
    stated = close_out is not None and close_out.stated
    signed_by_leader = close_out is not None and close_out.leader_signed_off_at is not None
    signed_by_head = close_out is not None and close_out.head_signed_off_at is not None
    decided = close_out is not None and close_out.decided
    leader_name = deployment.leader.user.get_full_name()
    pk = deployment.pk
    roles_leader = deployment.leader.user_id == user.pk

    tasks: list[CloseOutTask] = []
    if stated:
        assert close_out is not None
        said = (
            "Fully delivered"
            if close_out.fully_delivered
            else f"Not fully delivered: {close_out.not_delivered_reason}"
        )
        detail = f"{said} ({_when(close_out.stated_at, close_out.stated_by)})"
    else:
        detail = ""
    tasks.append(
        CloseOutTask(
            key="statement",
            title="Say whether the support was fully delivered",
            who=f"{leader_name}, the system leader",
            status=DONE if stated else TO_DO,
            detail=detail,
            url=reverse("deployments:close_out_statement", args=[pk])
            if "state_delivery" in steps and not (signed_by_leader or signed_by_head)
            else "",
        )
    )
    sign_off_url = reverse("deployments:close_out_sign_off", args=[pk])
    tasks.append(
        CloseOutTask(
            key="leader-sign-off",
            title="Sign off the agreement (system leader)",
            who=f"{leader_name}, the system leader",
            status=DONE if signed_by_leader else (TO_DO if stated else CANNOT_START),
            detail=_when(close_out.leader_signed_off_at, close_out.leader_signed_off_by)
            if close_out is not None
            else "",
            url=sign_off_url
            if stated and not signed_by_leader and roles_leader and "sign_off" in steps
            else "",
        )
    )
    tasks.append(
        CloseOutTask(
            key="head-sign-off",
            title="Sign off the agreement (headteacher)",
            who=f"The headteacher of {deployment.client_school.name}",
            status=DONE if signed_by_head else (TO_DO if stated else CANNOT_START),
            detail=_when(close_out.head_signed_off_at, close_out.head_signed_off_by)
            if close_out is not None
            else "",
            url=sign_off_url
            if stated and not signed_by_head and not roles_leader and "sign_off" in steps
            else "",
        )
    )
    if decided:
        assert close_out is not None
        words = str(FurtherSupport(close_out.further_support).label)
        if close_out.further_request_id:
            words += f": request {close_out.further_request_id}"
        by = _when(close_out.further_support_decided_at, close_out.further_support_decided_by)
        decision = f"{words} ({by})"
    else:
        decision = ""
    tasks.append(
        CloseOutTask(
            key="further-support",
            title="Decide on further support",
            who=_who_decides(deployment),
            status=DONE if decided else (TO_DO if stated else CANNOT_START),
            detail=decision,
            url=reverse("deployments:close_out_further_support", args=[pk])
            if stated and not decided and "decide_further_support" in steps
            else "",
        )
    )
    ready = close_out is not None and close_out.done and not disputes
    completed = deployment.status == DeploymentStatus.COMPLETED
    if completed:
        ended = deployment.ended_on
        finished = f"Completed on {ended.day} {ended:%B %Y}" if ended else ""
    else:
        finished = "A dispute is open: record its outcome first." if disputes else ""
    tasks.append(
        CloseOutTask(
            key="complete",
            title="Mark the support completed",
            who="The broker's coordinator, last",
            status=DONE if completed else (TO_DO if ready else CANNOT_START),
            detail=finished,
            url=reverse("deployments:complete", args=[pk]) if ready and "complete" in steps else "",
        )
    )
    return tasks


__all__ = [
    "CANNOT_START",
    "DONE",
    "TO_DO",
    "CloseOutTask",
    "close_out_due",
    "close_out_of",
    "close_out_tasks",
    "missing_steps",
    "open_disputes",
]
