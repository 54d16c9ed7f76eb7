"""Training: core training before any deployment, the LLEs' annual mandatory session, network and
termly review meetings; who attended; and the leaders to follow up."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from syslead.accounts.access import is_administrator
from syslead.core.academic_years import AcademicYear
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import run_service
from syslead.leaders.forms import AttendanceForm, TrainingEventForm
from syslead.leaders.models import (
    Association,
    Designation,
    LeaderProfile,
    TrainingAttendance,
    TrainingEvent,
    TrainingInvitation,
    TrainingKind,
)
from syslead.leaders.permissions import may_coordinate
from syslead.leaders.selectors import (
    missed_annual_lle_training,
    not_deployable_reasons,
    training_event_for_user,
    training_frequency_flags,
)
from syslead.leaders.services import training_event_create, training_feedback_summary
from syslead.leaders.training_ics import training_event_ics as build_training_event_ics
from syslead.leaders.training_ics import training_event_ics_filename
from syslead.leaders.views.common import (
    coordinated_organisations,
    reader_organisation_ids,
    require_coordinator,
    require_reader,
)
from syslead.leaders.web_services import attendance_record_many


def organisation_leaders(organisation_ids: set[int]) -> QuerySet[LeaderProfile]:
    """The leaders associated with these organisations now, with what their flags read."""
    return (
        LeaderProfile.objects.filter(
            pk__in=Association.objects.filter(
                organisation_id__in=organisation_ids, is_live=True
            ).values("leader_id")
        )
        .select_related("user", "home_school")
        .prefetch_related(
            Prefetch(
                "designations",
                queryset=Designation.objects.select_related("type", "organisation"),
            ),
            "associations__organisation",
        )
        .order_by("user__name")
    )


def training_flags(leaders: list[LeaderProfile], year: AcademicYear) -> list[tuple[Any, list[str]]]:
    """Each leader who is not deployable or missed this year's mandatory LLE session, with why."""
    flagged = []
    for leader in leaders:
        flags = [r for r in not_deployable_reasons(leader) if "core training" in r]
        if missed_annual_lle_training(leader, year):
            flags.append(f"Missed this year's mandatory LLE session ({year.label}).")
        if flags:
            flagged.append((leader, flags))
    return flagged


@login_required
def training_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_reader(request.user)
    organisation_ids = reader_organisation_ids(request.user)
    year = AcademicYear.current()
    events = (
        TrainingEvent.objects.filter(organisation_id__in=organisation_ids)
        .select_related("organisation")
        .annotate(
            attended_count=Count(
                "attendances", filter=Q(attendances__attended=True), distinct=True
            ),
            feedback_count=Count("feedback", distinct=True),
            feedback_average=Avg("feedback__usefulness"),
        )
        .order_by("-held_on")
    )
    leaders = list(organisation_leaders(organisation_ids))
    return render(
        request,
        "leaders/training.html",
        {
            "events": events,
            "year": year,
            "flagged": training_flags(leaders, year),
            "frequency_flags": training_frequency_flags(organisation_ids, year),
            "may_create": bool(coordinated_organisations(request.user))
            or is_administrator(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_coordinator(request.user)
    organisations = coordinated_organisations(request.user)
    initial: dict[str, Any] = {}
    # "Schedule the missing meeting" links from the training page preselect the kind and
    # organisation.
    if request.GET.get("kind") in TrainingKind.values:
        initial["kind"] = request.GET["kind"]
    if request.GET.get("organisation", "").isdigit():
        wanted = int(request.GET["organisation"])
        if any(o.pk == wanted for o in organisations):
            initial["organisation"] = wanted
    form = TrainingEventForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        event = run_service(
            form,
            lambda: training_event_create(
                actor=request.user,
                organisation=data["organisation"],
                kind=data["kind"],
                title=data["title"],
                held_on=data["held_on"],
                location=data["location"],
            ),
        )
        if event is not None:
            messages.success(request, f"{event.title} has been added. Record who attended below.")
            return redirect("leaders:training_event", event.pk)
    return render(request, "leaders/training_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def training_event(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    event = training_event_for_user(request.user, event_id)
    records = dict(
        TrainingAttendance.objects.filter(event=event).values_list("leader_id", "attended")
    )
    leaders = list(organisation_leaders({event.organisation_id}))
    # Leaders recorded before who have since left the organisation stay on the register.
    missing = [pk for pk in records if pk not in {leader.pk for leader in leaders}]
    if missing:
        leaders += list(LeaderProfile.objects.filter(pk__in=missing).select_related("user"))
    may_record = may_coordinate(request.user, event.organisation_id)
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        leaders=[(leader.pk, leader.name) for leader in leaders],
        initial={"attended": [str(pk) for pk, attended in records.items() if attended]},
    )
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("Only the organisation's coordinators record attendance.")
        if form.is_valid():
            ticked = {int(pk) for pk in form.cleaned_data["attended"]}
            changed = run_service(
                form,
                lambda: attendance_record_many(
                    actor=request.user, event=event, leaders=leaders, attended_ids=ticked
                ),
            )
            if changed is not None:
                messages.success(request, f"Attendance saved ({changed} changed).")
                return redirect("leaders:training_event", event.pk)
    return render(
        request,
        "leaders/training_event.html",
        {
            "event": event,
            "form": form,
            "may_record": may_record,
            "attended": sum(1 for attended in records.values() if attended),
            "invitations": list(
                TrainingInvitation.objects.filter(event=event).select_related("person")
            ),
            "feedback": training_feedback_summary(event),
            "is_past": event.held_on < timezone.localdate(),
        },
    )


@login_required
def training_event_ics(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    """The event as a calendar file, for anyone who may see the event."""
    event = training_event_for_user(request.user, event_id)
    url = request.build_absolute_uri(reverse("leaders:training_event", args=[event.pk]))
    response = HttpResponse(
        build_training_event_ics(event, url=url), content_type="text/calendar; charset=utf-8"
    )
    filename = training_event_ics_filename(event)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
