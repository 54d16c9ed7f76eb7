"""Direct approaches (docs/rules.md: "A leader approached directly by a school or another agency
tells their broker, which records it"): the coordinator records one for a leader of their
organisation, the leader tells their broker themselves, and the organisation's direct approaches
are listed for its brokers. Each is an event on the leader's timeline, and on the request's when
it is about one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from syslead.accounts.access import has_role, is_administrator
from syslead.accounts.models import Role
from syslead.brokering import services
from syslead.brokering.forms import DirectApproachForm
from syslead.brokering.models import FINISHED_STATUSES, SupportRequest
from syslead.brokering.selectors import (
    can_coordinate_organisation,
    direct_approaches,
)
from syslead.brokering.web_selectors import organisations_for
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.models import Event
from syslead.core.service_calls import run_service
from syslead.leaders.models import Association, LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

from .common import (
    RESULTS_PER_PAGE,
    broker_organisations,
    chosen_organisation,
    organisation_filter,
)

#: At most this many of the organisations' unfinished requests are offered to link an approach to.
REQUESTS_OFFERED = 100


def list_url(organisation_id: int) -> str:
    return f"{reverse('brokering:direct_approaches')}?organisation={organisation_id}"


@dataclass(frozen=True)
class DirectApproachRow:
    """One recorded direct approach, as the list shows it."""

    event: Event
    leader: LeaderProfile | None
    approached_by: str
    approached_on: dt.date | None
    school: School | None
    details: str
    recorded_by_leader: bool
    request_id: int | None


def _rows(events: list[Event]) -> list[DirectApproachRow]:
    """The events with their leaders and schools (two queries)."""
    leader_ids = {int(e.subject_id) for e in events}
    leaders = LeaderProfile.objects.select_related("user").in_bulk(leader_ids)
    urns = {e.data.get("school") for e in events} - {None}
    schools = School.objects.in_bulk(urns)
    rows = []
    for event in events:
        data: dict[str, Any] = event.data or {}
        day = data.get("approached_on")
        rows.append(
            DirectApproachRow(
                event=event,
                leader=leaders.get(int(event.subject_id)),
                approached_by=str(data.get("approached_by", "")),
                approached_on=dt.date.fromisoformat(day) if day else None,
                school=schools.get(data.get("school")),
                details=str(data.get("details", "")),
                recorded_by_leader=bool(data.get("recorded_by_leader")),
                request_id=data.get("support_request"),
            )
        )
    return rows


@login_required
def direct_approach_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Direct approaches to the organisation's leaders, newest first (coordinators and broker
    leads)."""
    organisations = broker_organisations(request.user)
    organisation = chosen_organisation(
        request, organisations, "Only coordinators and broker leads see direct approaches."
    )
    page = Paginator(direct_approaches(organisation), RESULTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "brokering/direct_approach_list.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "filter_form": organisation_filter(request, organisations),
            "page": page,
            "rows": _rows(list(page.object_list)),
            "may_record": can_coordinate_organisation(request.user, organisation.pk),
        },
    )


def _leader_choices(
    organisations: list[Organisation],
) -> tuple[list[tuple[str, str]], dict[int, int]]:
    """The leaders with a live association with the organisations, by name, and for each the
    organisation whose list shows the approach."""
    associations = (
        Association.objects.filter(organisation__in=organisations, is_live=True)
        .select_related("leader__user", "leader__home_school")
        .order_by("leader__user__name", "leader_id", "id")
    )
    choices: list[tuple[str, str]] = []
    organisation_of: dict[int, int] = {}
    for association in associations:
        leader = association.leader
        if leader.pk in organisation_of:
            continue
        organisation_of[leader.pk] = association.organisation_id
        choices.append(
            (str(leader.pk), f"{leader.user.get_full_name()}, {leader.home_school.name}")
        )
    return choices, organisation_of


def _request_choices(organisations: list[Organisation]) -> dict[str, SupportRequest]:
    requests = (
        SupportRequest.objects.filter(organisation__in=organisations)
        .exclude(status__in=FINISHED_STATUSES)
        .select_related("school")
        .order_by("-created_at", "-id")[:REQUESTS_OFFERED]
    )
    return {str(r.pk): r for r in requests}


@login_required
@require_http_methods(["GET", "POST"])
def direct_approach_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A coordinator records that a school or another agency approached one of their leaders
    directly."""
    organisations = organisations_for(request.user, (Role.COORDINATOR,))
    if not organisations:
        raise PermissionDenied("Only coordinators record direct approaches.")
    leaders, organisation_of = _leader_choices(organisations)
    open_requests = _request_choices(organisations)
    form = DirectApproachForm(
        request.POST if request.method == "POST" else None,
        leaders=leaders,
        requests=[
            (pk, f"{r.school.name}, request {r.pk} ({r.get_status_display().lower()})")
            for pk, r in open_requests.items()
        ],
        initial={
            "leader": request.GET.get("leader", ""),
            "request": request.GET.get("request", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        leader = LeaderProfile.objects.select_related("user").get(
            pk=int(form.cleaned_data["leader"])
        )
        linked = open_requests.get(form.cleaned_data.get("request") or "")
        done = run_service(
            form,
            lambda: services.direct_approach_record(
                actor=request.user,
                leader=leader,
                approached_by=form.cleaned_data["approached_by"],
                details=form.cleaned_data["details"],
                school_urn=form.found_school.urn if form.found_school else None,
                request=linked,
                approached_on=form.cleaned_data["approached_on"],
            ),
        )
        if done is not None:
            messages.success(
                request,
                f"The direct approach to {leader.user.get_full_name()} has been recorded on "
                "their timeline.",
            )
            return redirect(list_url(organisation_of[leader.pk]))
    return render(
        request,
        "brokering/direct_approach_form.html",
        {"form": form, "for_leader": False, "has_leaders": bool(leaders)},
    )


def _brokers_of(leader: LeaderProfile) -> list[Organisation]:
    """The organisations the leader is associated with: the service tells their coordinators."""
    return list(
        Organisation.objects.filter(
            pk__in=Association.objects.filter(leader=leader, is_live=True).values("organisation_id")
        ).order_by("name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def direct_approach_tell(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The leader tells their broker that a school or another agency approached them directly:
    it is recorded on their timeline and their broker's coordinators are told."""
    if not (is_administrator(request.user) or has_role(request.user, Role.SYSTEM_LEADER)):
        raise PermissionDenied("Only system leaders tell their broker of a direct approach.")
    leader = LeaderProfile.objects.select_related("user").filter(user=request.user).first()
    if leader is None:
        raise PermissionDenied("You have no system leader profile yet.")
    form = DirectApproachForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.direct_approach_record(
                actor=request.user,
                leader=leader,
                approached_by=form.cleaned_data["approached_by"],
                details=form.cleaned_data["details"],
                school_urn=form.found_school.urn if form.found_school else None,
                approached_on=form.cleaned_data["approached_on"],
            ),
        )
        if done is not None:
            told = _brokers_of(leader)
            names = " and ".join(o.name for o in told)
            messages.success(
                request,
                f"Thank you: {names} {'has' if len(told) == 1 else 'have'} been told."
                if told
                else "Thank you: it is recorded on your timeline. You have no broker to tell yet.",
            )
            return redirect("brokering:approaches")
    return render(
        request,
        "brokering/direct_approach_form.html",
        {"form": form, "for_leader": True, "has_leaders": True},
    )
