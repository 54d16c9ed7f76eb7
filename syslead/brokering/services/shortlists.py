"""Shortlists of three and their overrides (South Gloucestershire: "identify three potential
LLEs"; product.md: "a stored reason for every override")."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from syslead.brokering.matching import (
    DEFAULT_SHORTLIST_LENGTH,
    Candidate,
    shortlist,
)
from syslead.brokering.models import (
    Approach,
    ApproachStatus,
    RequestStatus,
    ShortlistEntry,
    SupportRequest,
)
from syslead.brokering.services._helpers import (
    OPEN_APPROACH_STATUSES,
    SHORTLISTABLE_STATUSES,
    _checked_candidate,
    _lock,
    _require_broker,
    _require_status,
)
from syslead.core.events import event_record
from syslead.core.exceptions import RuleViolation
from syslead.leaders.models import LeaderProfile

# --- Shortlists -----------------------------------------------------------------------------------


def _declined_leader_ids(support_request: SupportRequest) -> set[int]:
    return set(
        Approach.objects.filter(
            support_request=support_request, status=ApproachStatus.DECLINED
        ).values_list("leader_id", flat=True)
    )


def _entry_from(
    support_request: SupportRequest, candidate: Candidate, rank: int, actor: Any
) -> ShortlistEntry:
    return ShortlistEntry(
        support_request=support_request,
        leader_id=candidate.leader_id,
        rank=rank,
        score=candidate.score_shown,
        distance_km=candidate.distance_shown,
        reasons=list(candidate.reasons),
        added_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def shortlist_save(
    *, actor: Any, request: SupportRequest, limit: int = DEFAULT_SHORTLIST_LENGTH
) -> list[ShortlistEntry]:
    """Keep the best three leaders as the request's shortlist, each with its score and reasons
    (South Gloucestershire: "identify three potential LLEs"). A coordinator of the request's
    organisation; leaders who declined this request before are left out of a new round."""
    support_request = _lock(request)
    _require_broker(actor, support_request)
    _require_status(support_request, SHORTLISTABLE_STATUSES, "make a new shortlist")
    if limit < 1:
        raise ValidationError({"limit": ["A shortlist has at least one leader."]})
    declined = _declined_leader_ids(support_request)
    result = shortlist(support_request, limit=0)
    chosen = [c for c in result.ranked if c.leader_id not in declined][:limit]
    if not chosen:
        raise RuleViolation(
            f"No leader of {support_request.organisation.name} passes every rule for this request"
            + (" (leaders who declined it are left out)" if declined else "")
            + ": see who was excluded and why, commission a leader from another organisation, or "
            "put the request on the waiting list.",
            rule="no_candidates",
        )
    ShortlistEntry.objects.filter(support_request=support_request, is_live=True).update(
        is_live=False
    )
    entries = ShortlistEntry.objects.bulk_create(
        [_entry_from(support_request, c, rank, actor) for rank, c in enumerate(chosen, start=1)]
    )
    support_request.status = RequestStatus.SHORTLISTED
    support_request.save(update_fields=["status", "updated_at"])
    listed = ", ".join(f"{c.leader_name} ({c.score_shown})" for c in chosen)
    event_record(
        actor=actor,
        subject=support_request,
        verb="request.shortlisted",
        summary=f"Shortlist of {len(chosen)}: {listed}",
        data={
            "leaders": [c.leader_id for c in chosen],
            "scores": [str(c.score_shown) for c in chosen],
            "considered": result.considered,
            "left_out_after_declining": sorted(declined),
        },
    )
    return entries


@transaction.atomic
def shortlist_swap(
    *, actor: Any, entry: ShortlistEntry, new_leader: LeaderProfile, reason: str
) -> ShortlistEntry:
    """Replace a leader on the shortlist with another who passes every hard rule, recording why
    (product.md: "a stored reason for every override"). A coordinator of the request's
    organisation; not while the leader being replaced has an open approach."""
    support_request = _lock(entry.support_request)
    _require_broker(actor, support_request)
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Say why you are changing the shortlist."]})
    _require_status(
        support_request,
        [RequestStatus.SHORTLISTED, RequestStatus.APPROACHING, RequestStatus.AWAITING_CHOICE],
        "change the shortlist",
    )
    entry = (
        ShortlistEntry.objects.select_for_update(of=("self",))
        .select_related("leader__user")
        .get(pk=entry.pk)
    )
    if not entry.is_live:
        raise RuleViolation("That leader is no longer on the shortlist.", rule="not_shortlisted")
    if Approach.objects.filter(
        support_request=support_request, leader=entry.leader, status__in=OPEN_APPROACH_STATUSES
    ).exists():
        raise RuleViolation(
            f"{entry.leader.user.get_full_name()} has been approached: withdraw the approach "
            "before changing the shortlist.",
            rule="already_approached",
        )
    if ShortlistEntry.objects.filter(
        support_request=support_request, leader=new_leader, is_live=True
    ).exists():
        raise RuleViolation(
            f"{new_leader.user.get_full_name()} is already on the shortlist.",
            rule="already_shortlisted",
        )
    candidate = _checked_candidate(support_request, new_leader)
    entry.is_live = False
    entry.save(update_fields=["is_live"])
    replacement = _entry_from(support_request, candidate, entry.rank, actor)
    replacement.swapped_in = True
    replacement.swap_reason = reason.strip()
    replacement.full_clean()
    replacement.save()
    event_record(
        actor=actor,
        subject=support_request,
        verb="request.shortlist_swapped",
        summary=(
            f"Shortlist changed: {candidate.leader_name} ({candidate.score_shown}) replaces "
            f"{entry.leader.user.get_full_name()} ({entry.score}) because {reason.strip()}"
        ),
        data={
            "removed_leader": entry.leader_id,
            "added_leader": candidate.leader_id,
            "reason": reason.strip(),
            "score": str(candidate.score_shown),
        },
    )
    return replacement


# --- Approaches and the school's choice -----------------------------------------------------------
