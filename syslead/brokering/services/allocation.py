"""Batch allocation's services: start a run (in the background, or now), edit its draft matches,
approve them (docs/rules.md, "What makes it better" item 3; the solver is ``brokering.allocation``).

What approval does
    An approved match does not skip the steps of docs/rules.md, Requests: the allocated leader
    becomes the request's shortlist (of one, with the score and reasons) and is approached for
    provisional agreement at once, so the leader still agrees and the headteacher still chooses.
    A request the run could not match goes on the waiting list. A request whose status changed
    since the run, or whose leader no longer passes the hard rules, is skipped and stays as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from syslead.accounts.models import User
from syslead.brokering.allocation import (
    DEFAULT_CANDIDATES_PER_REQUEST,
    DEFAULT_TIME_LIMIT,
    allocatable_requests,
    allocation_execute,
)
from syslead.brokering.eligibility import days_text
from syslead.brokering.models import (
    AllocationRun,
    AllocationRunStatus,
    DraftMatch,
    ShortlistEntry,
    SupportRequest,
)
from syslead.brokering.selectors import can_coordinate_organisation
from syslead.brokering.services._helpers import (
    _approach_create,
    _checked_candidate,
    _lock,
)
from syslead.brokering.tasks import run_allocation
from syslead.brokering.transitions import ALLOCATABLE_STATUSES, REQUEST_TRANSITIONS
from syslead.core.academic_years import AcademicYear
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation, field_error
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation


@dataclass
class AllocationOutcome:
    """What approving a run did, request by request."""

    approached: list[int] = field(default_factory=list)
    waiting_list: list[int] = field(default_factory=list)
    #: (request id, why it was left as it was)
    skipped: list[tuple[int, str]] = field(default_factory=list)


def _require_coordinator(actor: User, organisation: Organisation) -> None:
    if not can_coordinate_organisation(actor, organisation.pk):
        raise NotAllowed(f"Only a coordinator of {organisation.name} may allocate its requests.")


def _prepare_run(
    actor: User,
    organisation: Organisation,
    academic_year: AcademicYear | None,
    request_ids: Sequence[int] | None,
    candidates_per_request: int,
) -> AllocationRun:
    _require_coordinator(actor, organisation)
    errors = FieldErrors()
    year = (academic_year or AcademicYear.current()).label
    if not 1 <= candidates_per_request <= 200:
        errors["candidates_per_request"] = ["Keep between 1 and 200 candidates per request."]
    errors.raise_if_any()
    ids = None if request_ids is None else sorted(set(request_ids))
    requests = allocatable_requests(organisation.pk, year, ids)
    if ids is not None:
        missing = sorted(set(ids) - {r.pk for r in requests})
        if missing:
            raise field_error(
                "support_requests",
                "Not open requests of this organisation for "
                f"{year}: {', '.join(map(str, missing))}.",
            )
    if not requests:
        raise RuleViolation(
            f"{organisation.name} has no open or waiting-list requests for {year} to allocate.",
            rule="nothing_to_allocate",
        )
    run = AllocationRun.objects.create(
        organisation=organisation,
        academic_year=year,
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
        request_ids=ids or [],
        candidates_per_request=candidates_per_request,
        requests_considered=len(requests),
    )
    event_record(
        actor=actor,
        subject=run,
        verb="allocation.started",
        summary=f"Batch allocation of {len(requests)} requests for {year} started",
        data={"requests": [r.pk for r in requests]},
    )
    return run


@transaction.atomic
def allocation_start(
    *,
    actor: User,
    organisation: Organisation,
    academic_year: AcademicYear | None = None,
    request_ids: Sequence[int] | None = None,
    candidates_per_request: int = DEFAULT_CANDIDATES_PER_REQUEST,
) -> AllocationRun:
    """Allocate a round of open requests across the organisation's leaders in the background; the
    run shows queued, running, then ready (or failed). A coordinator of the organisation."""
    run = _prepare_run(actor, organisation, academic_year, request_ids, candidates_per_request)
    ids = list(run.request_ids) or None
    transaction.on_commit(lambda: run_allocation.enqueue(run.pk, ids))
    return run


def allocation_run_now(
    *,
    actor: User,
    organisation: Organisation,
    academic_year: AcademicYear | None = None,
    request_ids: Sequence[int] | None = None,
    candidates_per_request: int = DEFAULT_CANDIDATES_PER_REQUEST,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> AllocationRun:
    """The same as ``allocation_start``, computed before returning (tests, the command line)."""
    with transaction.atomic():
        run = _prepare_run(actor, organisation, academic_year, request_ids, candidates_per_request)
    return allocation_execute(run.pk, list(run.request_ids) or None, time_limit=time_limit)


def _run_for_update(run: AllocationRun) -> AllocationRun:
    return (
        AllocationRun.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=run.pk)
    )


def _require_ready(run: AllocationRun) -> None:
    if run.status != AllocationRunStatus.READY:
        raise RuleViolation(
            f"The allocation is {run.get_status_display().lower()}: only a ready draft can change.",
            rule="allocation_state",
        )


@transaction.atomic
def draft_match_edit(
    *, actor: User, match: DraftMatch, leader: LeaderProfile | None, reason: str
) -> DraftMatch:
    """Change a draft match's leader (or leave the request unmatched), with a reason. The new
    leader must pass every hard rule, and the days of all the run's requests given to them must
    fit in their remaining days. A coordinator of the run's organisation."""
    run = _run_for_update(match.run)
    _require_coordinator(actor, run.organisation)
    _require_ready(run)
    if not (reason or "").strip():
        raise field_error("reason", "Say why you are changing the match.")
    match = (
        DraftMatch.objects.select_for_update(of=("self",))
        .select_related("support_request__school", "support_request__organisation", "leader")
        .get(pk=match.pk)
    )
    support_request = match.support_request
    before = match.leader_id
    if leader is None:
        match.leader = None
        match.score = Decimal(0)
        match.distance_km = None
        match.reasons = []
        name = "no leader"
    else:
        leader = LeaderProfile.objects.select_related("user").get(pk=leader.pk)
        candidate = _checked_candidate(support_request, leader)
        others = (
            DraftMatch.objects.filter(run=run, leader=leader)
            .exclude(pk=match.pk)
            .values_list("support_request__days_requested", flat=True)
        )
        booked = sum((Decimal(days) for days in others), Decimal(0))
        needed = booked + Decimal(support_request.days_requested)
        if needed > candidate.remaining_days:
            raise RuleViolation(
                f"{candidate.leader_name} has {days_text(candidate.remaining_days)} left and this "
                f"run already gives them {days_text(booked)}: this request's "
                f"{days_text(Decimal(support_request.days_requested))} would not fit.",
                rule="remaining_days",
            )
        match.leader = leader
        match.score = candidate.score_shown
        match.distance_km = candidate.distance_shown
        match.reasons = list(candidate.reasons)
        name = candidate.leader_name
    match.edited = True
    match.edit_reason = reason.strip()
    match.save()
    event_record(
        actor=actor,
        subject=run,
        verb="allocation.match_edited",
        summary=f"Request {support_request.pk} ({support_request.school.name}) now matched with "
        f"{name}: {reason.strip()}",
        data={
            "support_request": support_request.pk,
            "before": before,
            "after": match.leader_id,
            "reason": reason.strip(),
        },
    )
    return match


def _approve_one(actor: User, run: AllocationRun, match: DraftMatch) -> tuple[str, str]:
    """Approve one draft match: ("approached" | "waiting_list" | "skipped", why)."""
    support_request: SupportRequest = _lock(match.support_request)
    if support_request.status not in ALLOCATABLE_STATUSES:
        return "skipped", f"it is now {support_request.get_status_display().lower()}"
    if match.leader is None:
        ShortlistEntry.objects.filter(support_request=support_request, is_live=True).update(
            is_live=False
        )
        REQUEST_TRANSITIONS.apply(
            "allocate_none",
            support_request,
            actor=actor,
            summary=f"No leader could be matched in batch allocation {run.pk}: on the waiting list",
            data={"allocation_run": run.pk},
        )
        return "waiting_list", ""
    leader = match.leader
    try:
        candidate = _checked_candidate(support_request, leader)
    except RuleViolation as refusal:
        return "skipped", refusal.message
    ShortlistEntry.objects.filter(support_request=support_request, is_live=True).update(
        is_live=False
    )
    ShortlistEntry.objects.create(
        support_request=support_request,
        leader=leader,
        rank=1,
        score=candidate.score_shown,
        distance_km=candidate.distance_shown,
        reasons=list(candidate.reasons),
        swapped_in=match.edited,
        swap_reason=match.edit_reason,
        added_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    REQUEST_TRANSITIONS.apply(
        "allocate",
        support_request,
        actor=actor,
        summary=f"Matched with {candidate.leader_name} ({candidate.score_shown}) by batch "
        f"allocation {run.pk}",
        data={"allocation_run": run.pk, "leader": leader.pk, "score": str(candidate.score_shown)},
    )
    _approach_create(actor, support_request, leader, candidate)
    return "approached", ""


@transaction.atomic
def allocation_approve(*, actor: User, run: AllocationRun) -> AllocationOutcome:
    """Approve a run's draft matches: each matched leader is shortlisted and approached, each
    unmatched request goes on the waiting list (see the module docstring). A coordinator of the
    run's organisation; only a ready run."""
    run = _run_for_update(run)
    _require_coordinator(actor, run.organisation)
    _require_ready(run)
    outcome = AllocationOutcome()
    matches = list(
        DraftMatch.objects.filter(run=run)
        .select_related("support_request", "leader__user")
        .order_by("support_request_id")
    )
    approved_ids = []
    for match in matches:
        result, why = _approve_one(actor, run, match)
        if result == "approached":
            outcome.approached.append(match.support_request_id)
        elif result == "waiting_list":
            outcome.waiting_list.append(match.support_request_id)
        else:
            outcome.skipped.append((match.support_request_id, why))
            continue
        approved_ids.append(match.pk)
    DraftMatch.objects.filter(pk__in=approved_ids).update(approved=True)
    run.status = AllocationRunStatus.APPROVED
    run.save(update_fields=["status"])
    event_record(
        actor=actor,
        subject=run,
        verb="allocation.approved",
        summary=(
            f"Allocation approved: {len(outcome.approached)} leaders approached, "
            f"{len(outcome.waiting_list)} requests on the waiting list, "
            f"{len(outcome.skipped)} left as they were"
        ),
        data={
            "approached": outcome.approached,
            "waiting_list": outcome.waiting_list,
            "skipped": [list(item) for item in outcome.skipped],
        },
    )
    return outcome


__all__ = [
    "AllocationOutcome",
    "allocation_approve",
    "allocation_run_now",
    "allocation_start",
    "draft_match_edit",
]
