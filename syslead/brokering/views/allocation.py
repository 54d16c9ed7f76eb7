"""Batch allocation: start a run of the organisation's open requests in the background, watch its
status (htmx polls every 2 s while it is queued or running), review the draft matches against
greedy, change a match with a reason, approve (docs/rules.md, "What makes it better" item 3)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from syslead.brokering import services
from syslead.brokering.allocation import allocatable_requests
from syslead.brokering.forms import NO_LEADER, AllocationStartForm, DraftMatchEditForm
from syslead.brokering.matching import shortlist
from syslead.brokering.models import AllocationRun, AllocationRunStatus, DraftMatch
from syslead.brokering.selectors import (
    allocation_run_for_user,
    allocation_runs,
    can_coordinate_organisation,
    draft_matches,
)
from syslead.brokering.vocabulary import specialism_labels
from syslead.capacity.days import number_text
from syslead.core.academic_years import AcademicYear
from syslead.core.events import events_for
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import run_service
from syslead.leaders.models import LeaderProfile

from .common import (
    broker_organisations,
    chosen_organisation,
    organisation_filter,
    run_action,
)

#: How many past runs the allocation page lists.
RUNS_SHOWN = 20
#: The htmx poll's interval while a run is queued or running.
POLL_SECONDS = 2


@login_required
@require_http_methods(["GET", "POST"])
def allocation_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The organisation's open requests waiting for a leader, its past runs, and a new run."""
    organisations = broker_organisations(request.user)
    organisation = chosen_organisation(
        request, organisations, "Only coordinators and broker leads allocate requests."
    )
    may_start = can_coordinate_organisation(request.user, organisation.pk)
    form = AllocationStartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_start:
            raise PermissionDenied(f"Only a coordinator of {organisation.name} allocates.")
        if form.is_valid():
            run = run_service(
                form,
                lambda: services.allocation_start(
                    actor=request.user,
                    organisation=organisation,
                    academic_year=form.cleaned_data["academic_year"],
                ),
                rule_field="academic_year",
            )
            if run is not None:
                return redirect("brokering:allocation_run", run.pk)
    year = AcademicYear.current()
    return render(
        request,
        "brokering/allocation_index.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "filter_form": organisation_filter(request, organisations),
            "form": form,
            "may_start": may_start,
            "waiting": [
                (y.label, len(allocatable_requests(organisation.pk, y.label)))
                for y in (year, year.next())
            ],
            "runs": list(allocation_runs(organisation).select_related("started_by")[:RUNS_SHOWN]),
        },
    )


def _outcome(run: AllocationRun) -> dict[str, Any] | None:
    """What approving the run did, from its approval event."""
    approved = next(
        (e for e in reversed(list(events_for(run))) if e.verb == "allocation.approved"), None
    )
    if approved is None:
        return None
    return {
        "approached": approved.data.get("approached", []),
        "waiting_list": approved.data.get("waiting_list", []),
        "skipped": [tuple(item) for item in approved.data.get("skipped", [])],
        "event": approved,
    }


def _run_context(request: AuthenticatedHttpRequest, run: AllocationRun) -> dict[str, Any]:
    working = run.status in (AllocationRunStatus.QUEUED, AllocationRunStatus.RUNNING)
    matches = [] if working else draft_matches(run)
    return {
        "run": run,
        "working": working,
        "poll_seconds": POLL_SECONDS,
        "matches": [m for m in matches if m.leader_id is not None],
        "unmatched": [m for m in matches if m.leader_id is None],
        "may_edit": run.status == AllocationRunStatus.READY
        and can_coordinate_organisation(request.user, run.organisation_id),
        "outcome": _outcome(run) if run.status == AllocationRunStatus.APPROVED else None,
        "gain": run.total_score - run.greedy_score,
        "labels": specialism_labels(run.organisation_id),
    }


@login_required
def allocation_run(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    """A run: its status while it works (htmx asks for the status part every 2 s), then the draft
    matches with the total score against greedy, and after approval what was done."""
    run = allocation_run_for_user(request.user, run_id)
    context = _run_context(request, run)
    if getattr(request, "htmx", False):
        return render(request, "brokering/includes/allocation_run_body.html", context)
    return render(request, "brokering/allocation_run.html", context)


@login_required
@require_POST
def allocation_approve(request: AuthenticatedHttpRequest, run_id: int) -> HttpResponse:
    run = allocation_run_for_user(request.user, run_id)
    outcome = run_action(
        request,
        lambda: services.allocation_approve(actor=request.user, run=run),
        "The allocation is approved.",
    )
    if outcome is not None:
        messages.info(
            request,
            f"{len(outcome.approached)} leaders asked for provisional agreement; "
            f"{len(outcome.waiting_list)} requests on the waiting list; "
            f"{len(outcome.skipped)} left as they were.",
        )
    return redirect("brokering:allocation_run", run.pk)


def _match_for(run: AllocationRun, match_id: int) -> DraftMatch:
    match = (
        DraftMatch.objects.filter(run=run, pk=match_id)
        .select_related("support_request__school", "support_request__organisation", "leader__user")
        .first()
    )
    if match is None:
        raise Http404("No such draft match.")
    return match


@login_required
@require_http_methods(["GET", "POST"])
def draft_match_edit(request: AuthenticatedHttpRequest, run_id: int, match_id: int) -> HttpResponse:
    """Match a request of the draft with another leader who passes every rule (or none), with a
    reason; the service checks the leader's days across the whole run."""
    run = allocation_run_for_user(request.user, run_id)
    if not can_coordinate_organisation(request.user, run.organisation_id):
        raise PermissionDenied(f"Only a coordinator of {run.organisation.name} changes matches.")
    match = _match_for(run, match_id)
    candidates = shortlist(match.support_request, limit=0).ranked
    choices = [
        (
            str(c.leader_id),
            f"{c.leader_name}: score {c.score_shown}"
            + (f", {c.distance_shown} km" if c.distance_shown is not None else "")
            + f", {number_text(c.remaining_days)} days left",
        )
        for c in candidates
    ]
    form = DraftMatchEditForm(
        request.POST if request.method == "POST" else None,
        choices=choices,
        initial={"leader": str(match.leader_id) if match.leader_id else NO_LEADER},
    )
    if request.method == "POST" and form.is_valid():
        value = form.cleaned_data["leader"]
        leader = None if value == NO_LEADER else LeaderProfile.objects.get(pk=int(value))
        done = run_service(
            form,
            lambda: services.draft_match_edit(
                actor=request.user, match=match, leader=leader, reason=form.cleaned_data["reason"]
            ),
            rule_field="leader",
        )
        if done is not None:
            messages.success(
                request, f"The match for {match.support_request.school.name} is changed."
            )
            return redirect("brokering:allocation_run", run.pk)
    return render(
        request,
        "brokering/draft_match_edit.html",
        {
            "run": run,
            "match": match,
            "form": form,
            "labels": specialism_labels(run.organisation_id),
        },
    )
