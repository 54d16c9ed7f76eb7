"""Drafting an agreement: choose the request and the leader, and what the draft's pages
(``views.draft``: a page a section, check your answers, then make it, change one waiting for
signatures or amend a signed one) start from: the terms prefilled from the request, the rates an
agreement keeps, the terms an amendment changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.access import coordinated_organisation_ids, is_administrator
from syslead.accounts.models import User
from syslead.brokering.facts import considered_leaders
from syslead.brokering.models import FirstMeeting, RequestStatus, SupportRequest
from syslead.brokering.selectors import support_request_for_user, support_requests_for_user
from syslead.brokering.services.first_meetings import agreed_terms
from syslead.brokering.transitions import AGREEABLE_STATUSES
from syslead.calendars.school_calendar import calendar_for, school_local_authority
from syslead.capacity.days import split_days
from syslead.core.academic_years import AcademicYear
from syslead.core.http import AuthenticatedHttpRequest
from syslead.deployments.costs import Rates
from syslead.deployments.forms import (
    AIM_FIELDS,
    ChooseLeaderForm,
    ChooseRequestForm,
)
from syslead.deployments.models import Deployment
from syslead.deployments.preview import rates_for
from syslead.deployments.selectors import can_create_deployment
from syslead.deployments.services.common import (
    ROUTE_FUNDING,
    default_details,
    rates_of_deployment,
    with_charging,
)
from syslead.deployments.terms import terms_of
from syslead.leaders.models import LeaderProfile

#: How many requests the "choose a request" list offers (the newest).
REQUEST_CHOICES = 200

MONITORING = (
    "A note of visit after every visit, drafted with the headteacher before the leader leaves "
    "and agreed by the headteacher; the deployment record shared with the broker and the "
    "headteacher each term; termly feedback from the headteacher; the end-of-support evaluation."
)
EXIT = (
    "The leader and the headteacher meet to finalise and sign off all aspects of the support "
    "agreement at the end of the work; the lead leader's final report goes to the broker, which "
    "quality-assures it before the school receives it."
)


def _require_creator(user: User, support_request: SupportRequest) -> None:
    if not can_create_deployment(user, support_request):
        raise PermissionDenied(
            f"Only a coordinator of {support_request.organisation.name} makes deployment "
            "agreements for its requests."
        )


def _open_requests(user: User) -> list[SupportRequest]:
    """Requests the person may make agreements for, a chosen leader's first."""
    requests = support_requests_for_user(user).filter(status__in=AGREEABLE_STATUSES)
    if not is_administrator(user):
        requests = requests.filter(organisation_id__in=coordinated_organisation_ids(user))
    ranked = requests.annotate(
        ready=Case(
            When(status=RequestStatus.MATCHED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).select_related("chosen_leader__user")
    return list(ranked.order_by("ready", "-created_at")[:REQUEST_CHOICES])


def _request_label(item: SupportRequest) -> str:
    chosen = f", {item.chosen_leader.user.get_full_name()} chosen" if item.chosen_leader else ""
    return f"{item.school.name} ({item.academic_year}): {item.get_status_display()}{chosen}"


@login_required
def agreement_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A coordinator starts an agreement: choose the request (then the leader)."""
    if not (is_administrator(request.user) or coordinated_organisation_ids(request.user)):
        raise PermissionDenied("Only coordinators make deployment agreements.")
    requests = _open_requests(request.user)
    form = ChooseRequestForm(
        request.GET or None, choices=[(item.pk, _request_label(item)) for item in requests]
    )
    if form.is_bound and form.is_valid():
        return redirect("deployments:choose_leader", form.cleaned_data["support_request"])
    return render(request, "deployments/new.html", {"form": form, "requests": requests})


def leaders_for(support_request: SupportRequest) -> Any:
    return (
        considered_leaders(support_request)
        .select_related("user", "home_school")
        .order_by("user__name", "pk")
    )


@login_required
def agreement_choose_leader(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    """Choose the leader to deploy for the request (the chosen one first)."""
    support_request = support_request_for_user(request.user, request_id)
    _require_creator(request.user, support_request)
    form = ChooseLeaderForm(
        request.GET or None,
        leaders=leaders_for(support_request),
        initial={"leader": support_request.chosen_leader_id},
    )
    if form.is_bound and form.is_valid():
        url = reverse("deployments:create", args=[support_request.pk])
        return redirect(f"{url}?leader={form.cleaned_data['leader'].pk}")
    context = {"form": form, "support_request": support_request}
    return render(request, "deployments/choose_leader.html", context)


# Making an agreement -----------------------------------------------------------------------------


def _dates_for(support_request: SupportRequest) -> tuple[dt.date, dt.date]:
    """A start on the first day of the term the school asked for (in its local authority's term
    dates), or today or at the start of the request's year when it named none or that term has
    begun; and an end in July."""
    try:
        year = AcademicYear.parse(support_request.academic_year)
    except ValueError:
        year = AcademicYear.current()
    today = timezone.localdate()
    starts_on = max(today, year.starts_on)
    term = support_request.wanted_term
    if term:
        calendar = calendar_for(school_local_authority(support_request.school))
        term_starts_on = calendar.year_dates(year).span(term).starts_on
        if term_starts_on >= today:
            starts_on = term_starts_on
    ends_on = dt.date(year.start_year + 1, 7, 15)
    if ends_on < starts_on + dt.timedelta(weeks=12):
        ends_on = starts_on + dt.timedelta(weeks=16)
    return starts_on, ends_on


def initial_for_request(support_request: SupportRequest, leader: LeaderProfile) -> dict[str, Any]:
    """The form prefilled from the agreed match: parties, dates, days, the school's need."""
    starts_on, ends_on = _dates_for(support_request)
    full, half = split_days(support_request.days_requested)
    areas = [line.strip(" -•\t") for line in support_request.key_areas.splitlines()]
    aims = [area for area in areas if area][: len(AIM_FIELDS)] or [support_request.summary]
    initial: dict[str, Any] = {
        **default_details(leader, support_request, support_request.school_id),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "full_days": full,
        "half_days": half,
        "twilight_sessions": 0,
        "intervals": support_request.preferred_timing,
        "purpose": support_request.summary,
        "funding_route": ROUTE_FUNDING.get(support_request.route, ""),
        "monitoring_arrangements": MONITORING,
        "exit_arrangements": EXIT,
    }
    for name, aim in zip(AIM_FIELDS, aims, strict=False):
        initial[name] = aim[:500]
    initial.update(_agreed_at_first_meeting(support_request, leader))
    return initial


def first_meeting_for(
    support_request: SupportRequest, leader: LeaderProfile
) -> FirstMeeting | None:
    """The first meeting of the request with this leader, when it is recorded as held."""
    return FirstMeeting.objects.filter(
        support_request=support_request, leader=leader, held_on__isnull=False
    ).first()


def _agreed_at_first_meeting(
    support_request: SupportRequest, leader: LeaderProfile
) -> dict[str, Any]:
    """What the leader and the headteacher agreed at the first meeting, over the request's own
    values (docs/rules.md, "The first meeting"): the objectives as the aims, the days, the
    dates."""
    agreed = agreed_terms(first_meeting_for(support_request, leader))
    initial: dict[str, Any] = {}
    aims = [str(aim) for aim in agreed.get("aims", []) if aim]  # type: ignore[attr-defined]
    if aims:
        for name in AIM_FIELDS:
            initial[name] = ""
        for name, aim in zip(AIM_FIELDS, aims, strict=False):
            initial[name] = aim[:500]
    days = agreed.get("days")
    if isinstance(days, Decimal):
        initial["full_days"], initial["half_days"] = split_days(days)
        initial["twilight_sessions"] = 0
    for name in ("starts_on", "ends_on"):
        if isinstance(agreed.get(name), dt.date):
            initial[name] = agreed[name]
    return initial


def objectives_from_first_meeting(
    support_request: SupportRequest, leader: LeaderProfile
) -> list[dict[str, Any]]:
    """The objectives agreed at the first meeting, as the draft's objective rows."""
    meeting = first_meeting_for(support_request, leader)
    if meeting is None:
        return []
    return [{"text": line[:2000]} for line in meeting.agreed_objectives.splitlines() if line]


def _leader_for(support_request: SupportRequest, leader_id: str | None) -> LeaderProfile | None:
    chosen = leader_id or support_request.chosen_leader_id
    if not chosen:
        return None
    try:
        pk = int(chosen)
    except (TypeError, ValueError):
        raise Http404("No such leader.") from None
    leaders = leaders_for(support_request)
    if pk == support_request.chosen_leader_id:
        leaders = LeaderProfile.objects.select_related("user", "home_school")
    leader = leaders.filter(pk=pk).first()
    if leader is None:
        raise Http404("No such leader for this request.")
    return leader


# Changing an agreement ---------------------------------------------------------------------------


def _rates_if_same_year(deployment: Deployment) -> Callable[[dict[str, Any]], Rates | None]:
    """``deployment_update`` keeps the agreement's rates unless the start moves to another year;
    a bespoke price stays then too (docs/rules.md, "A bespoke price")."""

    def rates(terms: dict[str, Any]) -> Rates | None:
        starts_on = terms.get("starts_on")
        if isinstance(starts_on, dt.date):
            year = AcademicYear.containing(starts_on).label
            if year != deployment.academic_year:
                if not deployment.bespoke_reason:
                    return None
                policy_rates, _default = rates_for(deployment.support_request, year)
                return with_charging(deployment, policy_rates)
        return rates_of_deployment(deployment)

    return rates


def changed_terms(deployment: Deployment, terms: dict[str, Any]) -> dict[str, Any]:
    """The terms that differ from the agreement's (``deployment_amend`` takes only those)."""
    current = terms_of(deployment)
    before: dict[str, Any] = {
        "starts_on": current.starts_on,
        "ends_on": current.ends_on,
        "full_days": current.full_days,
        "half_days": current.half_days,
        "twilight_sessions": current.twilight_sessions,
        "aims": current.aims,
        "objectives": current.objectives,
        "funding_route": current.funding_route,
        "length_justification": current.length_justification,
        **current.details,
    }
    return {name: value for name, value in terms.items() if before.get(name) != value}
