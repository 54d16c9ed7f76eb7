"""Shortlists of three and their overrides (docs/rules.md: Requests, "shortlist three
leaders"; What makes it better, 2: "a stored reason for every override")."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from syslead.accounts.models import User
from syslead.brokering.eligibility import Rule
from syslead.brokering.matching import (
    DEFAULT_SHORTLIST_LENGTH,
    Candidate,
    leader_check,
    shortlist,
)
from syslead.brokering.models import (
    Approach,
    ApproachStatus,
    ShortlistEntry,
    SupportRequest,
)
from syslead.brokering.services._helpers import (
    _checked_candidate,
    _lock,
    _require_broker,
)
from syslead.brokering.transitions import OPEN_APPROACH_STATUSES, REQUEST_TRANSITIONS
from syslead.core.exceptions import FieldErrors, RuleViolation, field_error
from syslead.leaders.models import LeaderProfile

# --- Shortlists -----------------------------------------------------------------------------------


def declined_leader_ids(
    support_request: SupportRequest, *, approaches: Iterable[Approach] | None = None
) -> set[int]:
    """The leaders who declined the request at any time: never offered for it again.
    ``approaches``: every approach of the request, already read (none asked for again)."""
    if approaches is not None:
        return {a.leader_id for a in approaches if a.status == ApproachStatus.DECLINED}
    return set(
        Approach.objects.filter(
            support_request=support_request, status=ApproachStatus.DECLINED
        ).values_list("leader_id", flat=True)
    )


def _entry_from(
    support_request: SupportRequest, candidate: Candidate, rank: int, actor: User
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
    *,
    actor: User,
    request: SupportRequest,
    limit: int = DEFAULT_SHORTLIST_LENGTH,
    reason: str = "",
) -> list[ShortlistEntry]:
    """Keep the best three leaders as the request's shortlist, each with its score and reasons
    (docs/rules.md, Requests: "shortlist three leaders"). A coordinator of the request's
    organisation; leaders who declined this request before are left out of a new round. When
    fewer than three pass every rule the shortlist may still be saved, with ``reason`` saying
    why (required then)."""
    support_request = _lock(request)
    _require_broker(actor, support_request, "shortlist")
    REQUEST_TRANSITIONS.require_source("shortlist", support_request)
    if limit < 1:
        raise field_error("limit", "A shortlist has at least one leader.")
    declined = declined_leader_ids(support_request)
    result = shortlist(support_request, limit=0)
    chosen = result.best(limit, leaving_out=declined)
    if not chosen:
        raise RuleViolation(
            f"No leader of {support_request.organisation.name} passes every rule for this request"
            + (" (leaders who declined it are left out)" if declined else "")
            + ": see who was excluded and why, commission a leader from another organisation, or "
            "put the request on the waiting list.",
            rule="no_candidates",
        )
    short = len(chosen) < min(limit, DEFAULT_SHORTLIST_LENGTH)
    if short and not (reason or "").strip():
        raise field_error(
            "reason",
            f"Only {len(chosen)} leader{'s' if len(chosen) != 1 else ''} "
            "pass every rule: say why you are saving a shortlist of fewer than three.",
        )
    ShortlistEntry.objects.filter(support_request=support_request, is_live=True).update(
        is_live=False
    )
    entries = ShortlistEntry.objects.bulk_create(
        [_entry_from(support_request, c, rank, actor) for rank, c in enumerate(chosen, start=1)]
    )
    support_request.short_shortlist_reason = reason.strip() if short else ""
    listed = ", ".join(f"{c.leader_name} ({c.score_shown})" for c in chosen)
    REQUEST_TRANSITIONS.apply(
        "shortlist",
        support_request,
        actor=actor,
        update_fields=["short_shortlist_reason"],
        summary=f"Shortlist of {len(chosen)}: {listed}"
        + (f". Fewer than three because: {reason.strip()}" if short else ""),
        data={
            "short_reason": reason.strip() if short else "",
            "leaders": [c.leader_id for c in chosen],
            "scores": [str(c.score_shown) for c in chosen],
            "considered": result.considered,
            "left_out_after_declining": sorted(declined),
        },
    )
    return entries


@transaction.atomic
def shortlist_swap(
    *, actor: User, entry: ShortlistEntry, new_leader: LeaderProfile, reason: str
) -> ShortlistEntry:
    """Replace a leader on the shortlist with another who passes every hard rule, recording why
    (docs/rules.md: "a stored reason for every override"). A coordinator of the request's
    organisation; not while the leader being replaced has an open approach."""
    support_request = _lock(entry.support_request)
    _require_broker(actor, support_request, "swap")
    if not (reason or "").strip():
        raise field_error("reason", "Say why you are changing the shortlist.")
    REQUEST_TRANSITIONS.require_source("swap", support_request)
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
    REQUEST_TRANSITIONS.apply(
        "swap",
        support_request,
        actor=actor,
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


#: Rules a coordinator's recorded judgement may set aside for one leader (with a capacity
#: override reason). Distance and experience only weigh the score and never exclude anyone, so a
#: leader who passes every rule but scores low is added by judgement with no rule set aside. Every
#: other rule (designation, training, phase, specialism, conflict of interest) is hard: never.
SOFT_RULES = frozenset({Rule.REMAINING_DAYS})
#: The request's steps that add a leader by judgement: to a new round's shortlist (the request
#: becomes shortlisted), or to the live round's (its status stays as it is).
JUDGEMENT_STEPS = ("add_by_judgement", "add_by_judgement_to_list")


def _judgement_step(support_request: SupportRequest) -> str:
    for name in JUDGEMENT_STEPS:
        if REQUEST_TRANSITIONS.in_source(name, support_request):
            return name
    return JUDGEMENT_STEPS[0]


@transaction.atomic
def shortlist_add_by_judgement(
    *,
    actor: User,
    request: SupportRequest,
    leader: LeaderProfile,
    reason: str,
    capacity_reason: str = "",
) -> ShortlistEntry:
    """Add a leader to the shortlist by the coordinator's judgement, recorded with its reason,
    who and when (on the timeline and the entry): for when fewer than three pass every rule. The
    leader may fail only soft rules (remaining days, with ``capacity_reason`` saying why the
    days can be found) or pass every rule and score low (distance, experience); a hard rule is
    never overridden (409 naming it). Never a leader who declined the request. A coordinator of
    the request's organisation."""
    support_request = _lock(request)
    step = _judgement_step(support_request)
    _require_broker(actor, support_request, step)
    REQUEST_TRANSITIONS.require_source(step, support_request)
    leader = LeaderProfile.objects.select_related("user").get(pk=leader.pk)
    name = leader.user.get_full_name()
    errors = FieldErrors()
    if not (reason or "").strip():
        errors["reason"] = [f"Say why you judge {name} right for this request."]
    candidate, failures, considered = leader_check(support_request, leader.pk, skip=SOFT_RULES)
    if not considered:
        raise RuleViolation(
            f"{name} is not associated with {support_request.organisation.name} and has not been "
            "commissioned for this request: ask their organisation to share them.",
            rule="not_considered",
        )
    if candidate is None:
        reasons = "; ".join(f.message for f in failures)
        raise RuleViolation(
            f"{name} cannot be added: {reasons}. This is a hard rule, which no judgement "
            "overrides.",
            rule=str(failures[0].rule),
        )
    if leader.pk in declined_leader_ids(support_request):
        raise RuleViolation(f"{name} declined this request.", rule="declined")
    if ShortlistEntry.objects.filter(
        support_request=support_request, leader=leader, is_live=True
    ).exists():
        raise RuleViolation(f"{name} is already on the shortlist.", rule="already_shortlisted")
    soft = [f for f in leader_check(support_request, leader.pk)[1] if f.rule in SOFT_RULES]
    if soft and not (capacity_reason or "").strip():
        errors["capacity_reason"] = [
            f"{soft[0].message}: say how the days will be found (a capacity override)."
        ]
    errors.raise_if_any()
    live = ShortlistEntry.objects.filter(support_request=support_request, is_live=True)
    rank = max(live.values_list("rank", flat=True), default=0) + 1
    entry = _entry_from(support_request, candidate, rank, actor)
    entry.overridden_rules = [str(f.rule) for f in soft]
    entry.judgement_reason = reason.strip()
    if soft:
        entry.judgement_reason += f" Capacity override: {capacity_reason.strip()}"
    entry.judged_by = actor if getattr(actor, "is_authenticated", False) else None
    entry.judged_at = timezone.now()
    entry.full_clean()
    entry.save()
    update = ["updated_at"]
    if live.count() < DEFAULT_SHORTLIST_LENGTH and not support_request.short_shortlist_reason:
        support_request.short_shortlist_reason = reason.strip()
        update.append("short_shortlist_reason")
    set_aside = (
        f" ({soft[0].message}; capacity override: {capacity_reason.strip()})" if soft else ""
    )
    REQUEST_TRANSITIONS.apply(
        step,
        support_request,
        actor=actor,
        update_fields=update,
        summary=f"{name} added to the shortlist by judgement{set_aside}: {reason.strip()}",
        data={
            "leader": leader.pk,
            "reason": reason.strip(),
            "overridden_rules": entry.overridden_rules,
            "capacity_reason": capacity_reason.strip() if soft else "",
            "score": str(candidate.score_shown),
        },
    )
    return entry


# --- Approaches and the school's choice -----------------------------------------------------------
