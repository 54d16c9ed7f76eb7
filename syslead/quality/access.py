"""Who may see and act on quality assurance: the quality app's one access rule (samples, QA checks
and annual performance feedback). Services, views and templates' offered actions call it;
``quality.services`` re-exports the names.

- A broker's termly sample of notes of visit and its QA checks, and the performance feedback it
  writes: read by its coordinators and broker leads; drawn, checked and written by its
  coordinators (and administrators). Anyone else is refused.
- A leader reads only their own performance feedback, once shared (``feedback_for_leader``).
- A concern about or from a leader (docs/rules.md, "Concerns about or from a leader"): read by
  the broker's coordinators and broker leads, acted on by its coordinators; its raiser reads
  what they raised and its status; the leader it is about reads it (without who raised it) only
  once a coordinator shared it with them. Anyone else: 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from syslead.accounts.access import (
    broker_organisation_ids,
    coordinated_organisation_ids,
    is_administrator,
)
from syslead.accounts.models import User
from syslead.core.exceptions import NotAllowed
from syslead.core.queries import one_or_none
from syslead.quality.models import ConcernDirection, LeaderConcern

__all__ = [
    "leader_concern_for_user",
    "leader_concerns_visible_to",
    "may_act_on_leader_concern",
    "may_coordinate_quality",
    "may_read_quality",
    "reads_whole_leader_concern",
    "require_coordinator",
    "require_reader",
]


def may_coordinate_quality(user: User, organisation_id: int) -> bool:
    """Draw samples, record QA checks, write feedback: the organisation's coordinators."""
    return is_administrator(user) or organisation_id in coordinated_organisation_ids(user)


def may_read_quality(user: User, organisation_id: int) -> bool:
    """Coordinators and broker leads of the organisation read its samples and feedback."""
    return is_administrator(user) or organisation_id in broker_organisation_ids(user)


def require_coordinator(user: User, organisation_id: int) -> None:
    if not may_coordinate_quality(user, organisation_id):
        raise NotAllowed("Only a coordinator of the broker may do that.")


def require_reader(user: User, organisation_id: int) -> None:
    if not may_read_quality(user, organisation_id):
        raise NotAllowed("Only the broker's coordinators and leads may see that.")


# --- Concerns about or from a leader ------------------------------------------------------------


def leader_concerns_visible_to(user: User) -> QuerySet[LeaderConcern]:
    """The concerns the person may open: the broker's (coordinators and broker leads), those they
    raised, and those about them that a coordinator shared with them."""
    concerns = LeaderConcern.objects.select_related(
        "organisation", "leader__user", "raised_by", "deployment__client_school"
    )
    if not getattr(user, "is_authenticated", False):
        return concerns.none()
    if is_administrator(user):
        return concerns
    return concerns.filter(
        Q(organisation_id__in=broker_organisation_ids(user))
        | Q(raised_by=user)
        | Q(
            direction=ConcernDirection.ABOUT_LEADER,
            leader__user=user,
            shared_with_leader_at__isnull=False,
        )
    )


def leader_concern_for_user(user: User, concern_id: int) -> LeaderConcern:
    """The concern, or 404 to anyone who may not open it (the raiser of a concern sees it
    whether or not it was shared: it is their own)."""
    concern = one_or_none(leader_concerns_visible_to(user).filter(pk=concern_id))
    if concern is None:
        raise Http404("No such concern.")
    return concern


def may_act_on_leader_concern(user: User, concern: LeaderConcern) -> bool:
    """Record actions, share, link to QA and start a review: the broker's coordinators."""
    return may_coordinate_quality(user, concern.organisation_id)


def reads_whole_leader_concern(user: User, concern: LeaderConcern) -> bool:
    """Who raised it and its actions log: the broker's coordinators and leads, and (once shared)
    the leader it is about, who reads the log but not the raiser's name. A raiser who is neither
    reads what they raised and its status only."""
    return may_read_quality(user, concern.organisation_id) or (
        concern.direction == ConcernDirection.ABOUT_LEADER
        and concern.shared_with_leader_at is not None
        and concern.leader.user_id == user.pk
    )
