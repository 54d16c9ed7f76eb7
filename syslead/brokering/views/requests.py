"""Asking for support on either route (with a check-your-answers step), the caseload, the request
page and withdrawing or wait-listing a request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from syslead.accounts.access import has_role, headteacher_school_urns, is_administrator
from syslead.accounts.models import Role
from syslead.brokering import services
from syslead.brokering.access import identifies_on_la_route
from syslead.brokering.forms import (
    ApproachSendForm,
    CaseloadFilterForm,
    LaRequestForm,
    ReasonForm,
    SchoolRequestForm,
    ShortlistReasonForm,
    WaitingListForm,
    _RequestFields,
)
from syslead.brokering.matching import DEFAULT_SHORTLIST_LENGTH, shortlist
from syslead.brokering.models import (
    Approach,
    ApproachStatus,
    LaCriterion,
    RequestStatus,
    Route,
    SupportRequest,
)
from syslead.brokering.no_account import waiting_on_no_account
from syslead.brokering.selectors import (
    approaches_for_request,
    can_read_shortlist,
    commissions_for_request,
    direct_commission_of,
    request_records,
    support_request_for_user,
)
from syslead.brokering.services._helpers import next_leader_to_ask
from syslead.brokering.services.direct import may_record_direct_commission
from syslead.brokering.services.shortlists import JUDGEMENT_STEPS
from syslead.brokering.transitions import APPROACH_TRANSITIONS, REQUEST_TRANSITIONS
from syslead.brokering.vocabulary import specialism_labels
from syslead.brokering.web_selectors import (
    RequestAccess,
    brokers_for_school,
    caseload,
    excluded_groups,
    has_expired,
    is_waiting_too_long,
    organisations_for,
    request_access,
    school_days_waiting,
    shortlist_panel,
    shows_shortlist,
    timeline_for,
    visible_organisations,
)
from syslead.capacity.days import number_text
from syslead.casework.chasing import approach_chase_panels
from syslead.core.academic_years import AcademicYear
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.limits import MAX_URN, whole_number
from syslead.core.service_calls import run_service
from syslead.schools.models import School

from .common import (
    CASELOAD_ROLES,
    LA_ROUTE_ROLES,
    RESULTS_PER_PAGE,
    require_role,
)

# --- The caseload --------------------------------------------------------------------------------


@login_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every request the person may see, filterable by status, route, school and organisation."""
    require_role(request.user, CASELOAD_ROLES, "Only people who work on requests see them.")
    visible = caseload(request.user)
    organisations = visible_organisations(request.user, visible)
    form = CaseloadFilterForm(request.GET or None, organisations=organisations)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    requests = caseload(
        request.user,
        status=data.get("status") or "",
        route=data.get("route") or "",
        school=data.get("school") or "",
        organisation_id=data.get("organisation"),
    ).select_related("chosen_leader__user", "direct_commission")
    page = Paginator(requests, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "brokering/request_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(data.values()),
            "may_ask": bool(headteacher_school_urns(request.user)),
            "may_identify": identifies_on_la_route(request.user, organisations),
            "coordinates": is_administrator(request.user)
            or has_role(request.user, Role.COORDINATOR),
        },
    )


# --- Asking for support --------------------------------------------------------------------------


@login_required
def request_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Which route: a headteacher asks for their school; the LA team or SIP identifies one."""
    heads = bool(headteacher_school_urns(request.user))
    identifies = has_role(request.user, *LA_ROUTE_ROLES) or is_administrator(request.user)
    if heads and not identifies:
        return redirect("brokering:new_school")
    if identifies and not heads:
        return redirect("brokering:new_la")
    if not heads:
        raise PermissionDenied("Only headteachers, coordinators and SIPs ask for support.")
    return render(request, "brokering/request_new.html")


def _ask(
    request: AuthenticatedHttpRequest,
    form: _RequestFields,
    context: dict[str, Any],
    answers: Callable[[], list[tuple[str, str]]],
    create: Callable[[], SupportRequest],
) -> HttpResponse:
    """The form, then check your answers, then send: the service's refusals come back into the
    form with the error summary."""
    context = {**context, "form": form}
    if request.method == "POST" and form.is_valid():
        step = request.POST.get("step")
        if step == "confirm":
            created = run_service(form, create)
            if created is not None:
                messages.success(request, "Your request has been sent.")
                return redirect("brokering:detail", created.pk)
        elif step != "edit":
            return render(
                request, "brokering/request_check.html", {**context, "answers": answers()}
            )
    return render(request, "brokering/request_form.html", context)


def _year(label: str) -> AcademicYear | None:
    """The form's chosen year (one of its choices, so a valid label), or None for the current."""
    return AcademicYear.parse(label) if label else None


def _request_answers(data: dict[str, Any]) -> dict[str, Any]:
    """What every school-route request form asks (what, how many days, when, which year, the
    chair's agreement), as the request services take it."""
    return {
        "needs": data["needs"],
        "days_requested": data["days_requested"],
        "summary": data["summary"],
        "academic_year": _year(data["academic_year"]),
        "context": data["context"],
        "preferred_timing": data["preferred_timing"],
        "chair_of_governors_agreed": data["chair_of_governors_agreed"],
    }


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _common_answers(form: _RequestFields) -> list[tuple[str, str]]:
    data = form.cleaned_data
    return [
        ("Areas of support", ", ".join(form.need_labels())),
        ("Support needed", data["summary"]),
        ("About the school", data.get("context") or "—"),
        ("Days of support", number_text(data["days_requested"])),
        ("When", data.get("preferred_timing") or "—"),
        ("Academic year", data["academic_year"]),
    ]


def _headteacher_school(request: AuthenticatedHttpRequest) -> School:
    urns = sorted(headteacher_school_urns(request.user))
    if not urns:
        raise PermissionDenied("Only a headteacher asks for support for their own school.")
    wanted = request.GET.get("school") or request.POST.get("for_school")
    found = whole_number(wanted, MAX_URN)
    urn = found if found is not None and found in urns else urns[0]
    return School.objects.get(urn=urn)


@login_required
@require_http_methods(["GET", "POST"])
def request_new_school(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The school route: the headteacher, with the chair of governors, asks a broker for support."""
    school = _headteacher_school(request)
    covering, others = brokers_for_school(school)
    form = SchoolRequestForm(
        request.POST if request.method == "POST" else None,
        covering=covering,
        others=others,
        specialisms=specialism_labels(None),
        initial={"organisation": str(covering[0].pk)} if len(covering) == 1 else None,
    )

    def answers() -> list[tuple[str, str]]:
        organisation = form.chosen_organisation()
        return [
            ("School", f"{school.name} (URN {school.urn})"),
            ("Broker", organisation.name if organisation else ""),
            *_common_answers(form),
            ("Chair of governors agrees", _yes_no(form.cleaned_data["chair_of_governors_agreed"])),
        ]

    def create() -> SupportRequest:
        data = form.cleaned_data
        return services.request_create(
            actor=request.user,
            school_urn=school.urn,
            organisation=int(data["organisation"]),
            route=Route.SCHOOL,
            **_request_answers(data),
        )

    context = {
        "route": Route.SCHOOL,
        "school": school,
        "other_schools": len(headteacher_school_urns(request.user)) > 1,
    }
    return _ask(request, form, context, answers, create)


@login_required
@require_http_methods(["GET", "POST"])
def request_new_la(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The local authority route: the LA team or the SIP identifies a school that could benefit,
    ticks why, and agrees the key areas and the days."""
    organisations = organisations_for(request.user, LA_ROUTE_ROLES)
    if not organisations:
        raise PermissionDenied("Only the LA team (coordinators) and SIPs raise LA-route requests.")
    chosen = request.GET.get("organisation")
    organisation_id = whole_number(chosen) or organisations[0].pk
    initial = {
        "organisation": organisation_id,
        "school": request.GET.get("school", ""),
        "la_criteria": [c for c in request.GET.getlist("criteria") if c in LaCriterion.values],
    }
    form = LaRequestForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        user=request.user,
        specialisms=specialism_labels(organisation_id),
        initial=initial,
    )

    def answers() -> list[tuple[str, str]]:
        data = form.cleaned_data
        school = form.found_school
        assert school is not None
        labels = dict(LaCriterion.choices)
        return [
            ("School", f"{school.name}, {school.town} (URN {school.urn})"),
            ("Organisation", data["organisation"].name),
            (
                "Why the school could benefit",
                "; ".join(str(labels[c]) for c in data["la_criteria"]),
            ),
            ("Key areas for improvement", data.get("key_areas") or "—"),
            *_common_answers(form),
        ]

    def create() -> SupportRequest:
        data = form.cleaned_data
        assert form.found_school is not None
        return services.request_create(
            actor=request.user,
            school_urn=form.found_school.urn,
            organisation=data["organisation"],
            route=Route.LOCAL_AUTHORITY,
            needs=data["needs"],
            days_requested=data["days_requested"],
            summary=data["summary"],
            academic_year=_year(data["academic_year"]),
            context=data["context"],
            preferred_timing=data["preferred_timing"],
            key_areas=data["key_areas"],
            la_criteria=data["la_criteria"],
        )

    return _ask(request, form, {"route": Route.LOCAL_AUTHORITY}, answers, create)


# --- The request page ----------------------------------------------------------------------------


def detail_context(
    request: AuthenticatedHttpRequest,
    support_request: SupportRequest,
    *,
    access: RequestAccess | None = None,
    approach_form: ApproachSendForm | None = None,
) -> dict[str, Any]:
    """Everything the request page shows this person (see ``request_detail``)."""
    access = access or request_access(request.user, support_request)
    steps = access.steps
    # Only the records the request has are read (a new request has none of them).
    records = request_records(support_request)
    approaches = (
        approaches_for_request(support_request)
        if access.read_shortlist and records.approaches
        else []
    )
    for approach in approaches:
        approach.support_request = support_request
    panel = None
    if shows_shortlist(support_request, read_shortlist=access.read_shortlist):
        panel = shortlist_panel(support_request, approaches, every_approach=True, records=records)
    if access.broker and panel is not None and approach_form is None and panel.unapproached:
        approach_form = ApproachSendForm(
            choices=[(str(row.leader_id), row.leader_name) for row in panel.unapproached],
            # Only leaders never asked are ticked: one who declined is never pre-selected.
            preselect=[str(row.leader_id) for row in panel.unapproached if row.approach is None],
        )
    commissions = []
    if records.commissions and (access.read_shortlist or access.sharing_organisation_ids):
        commissions = [
            c
            for c in commissions_for_request(support_request)
            if access.read_shortlist or c.owning_organisation_id in access.sharing_organisation_ids
        ]
    own_approach = None
    if access.leader_id is not None and records.approaches:
        own_approach = (
            Approach.objects.filter(support_request=support_request, leader_id=access.leader_id)
            .order_by("-sent_at", "-id")
            .first()
        )
    # Waiting on someone without an account (docs/rules.md, "Requests"): the broker is told.
    no_account = waiting_on_no_account(support_request) if access.broker else None
    timeline = timeline_for(request.user, support_request, access)
    fit = 0
    if panel is not None:
        fit = len(panel.saved) if panel.saved else len(panel.suggested)
    short = bool(
        access.broker
        and panel is not None
        and fit < DEFAULT_SHORTLIST_LENGTH
        and any(step in steps for step in JUDGEMENT_STEPS)
    )
    chases = (
        approach_chase_panels(request.user, support_request, approaches, timeline)
        if (access.broker)
        else []
    )
    expired_ids = {a.pk for a, _panel in chases if has_expired(a)}
    direct = direct_commission_of(support_request) if records.direct_commission else None
    return {
        "item": support_request,
        "direct": direct,
        "may_record_direct": may_record_direct_commission(request.user, support_request, direct),
        "access": access,
        # Kept with the organisation's leader facts when the shortlist read them.
        "labels": (
            panel.result.specialism_labels
            if panel is not None and panel.result.specialism_labels is not None
            else specialism_labels(support_request.organisation_id)
        ),
        "criteria": [
            LaCriterion(c).label for c in support_request.la_criteria if c in LaCriterion.values
        ],
        "approaches": [
            (
                a,
                is_waiting_too_long(a),
                school_days_waiting(a),
                APPROACH_TRANSITIONS.may("withdraw", request.user, a),
            )
            for a in approaches
        ],
        "chases": chases,
        "short": short,
        "fit": fit,
        # Asked for only when the shortlist is short (building a form is most of a field's cost).
        "short_form": ShortlistReasonForm() if short else None,
        "expired_ids": expired_ids,
        "next_to_ask": next_leader_to_ask(support_request) if expired_ids else None,
        "declined_all": support_request.status == RequestStatus.OPEN
        and any(a.status == ApproachStatus.DECLINED for a in approaches),
        "panel": panel,
        "approach_form": approach_form,
        "commissions": commissions,
        "may_ask_to_share": "ask_to_share" in steps,
        "may_offer": "offer_to_share" in steps,
        "own_approach": own_approach,
        "may_shortlist": "shortlist" in steps,
        "may_waitlist": "waitlist" in steps,
        "may_withdraw": "withdraw" in steps,
        "timeline": timeline,
        "no_account": no_account,
    }


@login_required
def request_detail(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    """The request: its status, details and timeline for everyone who may see it; for the broker
    the shortlist with every reason, the approaches and sharing."""
    support_request = support_request_for_user(request.user, request_id)
    return render(
        request, "brokering/request_detail.html", detail_context(request, support_request)
    )


@login_required
@require_GET
def request_excluded(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    """Every leader the request's shortlist excludes, with every reason, grouped by the same
    reasons: the request page's disclosure asks for the table (htmx) when opened; this page is
    its link without JavaScript. Whoever may read the request's shortlist, while it shows
    (docs/casework.md, "Judgement when fewer than three fit")."""
    support_request = support_request_for_user(request.user, request_id)
    if not can_read_shortlist(request.user, support_request):
        raise PermissionDenied(
            f"Only coordinators and broker leads of {support_request.organisation.name} may read "
            "the shortlist."
        )
    if not shows_shortlist(support_request, read_shortlist=True):
        raise Http404("The request has no shortlist now.")
    result = shortlist(support_request, limit=0)
    context = {
        "item": support_request,
        "considered": result.considered,
        "excluded_count": result.excluded_count,
        "groups": excluded_groups(result.excluded),
    }
    fragment = getattr(request, "htmx", False)
    response = render(
        request,
        "brokering/includes/excluded_table.html" if fragment else "brokering/request_excluded.html",
        context,
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def request_withdraw(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    support_request = support_request_for_user(request.user, request_id)
    access = request_access(request.user, support_request)
    if not access.withdraw:
        raise PermissionDenied("Only the broker's coordinator or the headteacher may withdraw it.")
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label="Why is the request being withdrawn?",
        required_message="Say why the request is withdrawn.",
    )
    return _reason_step(
        request,
        support_request,
        form,
        services.request_withdraw,
        done="The request has been withdrawn.",
        template="brokering/request_withdraw.html",
        rule_field="reason",
    )


def _reason_step(
    request: AuthenticatedHttpRequest,
    support_request: SupportRequest,
    form: forms.Form,
    step: Callable[..., object],
    *,
    done: str,
    template: str,
    rule_field: str | None = None,
) -> HttpResponse:
    """A page of one step that takes a reason (withdraw, put on the waiting list): a valid form
    sent runs ``step`` and goes back to the request saying ``done``; otherwise the page again,
    with the form's errors or the service's refusal."""
    if request.method == "POST" and form.is_valid():
        taken = run_service(
            form,
            lambda: step(
                actor=request.user, request=support_request, reason=form.cleaned_data["reason"]
            ),
            rule_field=rule_field,
        )
        if taken is not None:
            messages.success(request, done)
            return redirect("brokering:detail", support_request.pk)
    return render(request, template, {"item": support_request, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def request_waiting_list(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    """Put the request on the waiting list, with an optional reason (docs/transitions.md,
    ``waitlist``). The page opens for whoever the request page offers it to: the step's row of
    the transition table, its people and its states. A form sent after the request moved on
    reaches the service, whose refusal is shown on the page."""
    support_request = support_request_for_user(request.user, request_id)
    if not REQUEST_TRANSITIONS.permitted("waitlist", request.user, support_request):
        raise PermissionDenied(
            f"Only a coordinator of {support_request.organisation.name} may put the request on "
            "the waiting list."
        )
    if request.method == "GET" and not REQUEST_TRANSITIONS.may(
        "waitlist", request.user, support_request
    ):
        raise PermissionDenied(REQUEST_TRANSITIONS.refusal_message("waitlist", support_request))
    return _reason_step(
        request,
        support_request,
        WaitingListForm(request.POST if request.method == "POST" else None),
        services.request_waitlist,
        done="The request is on the waiting list.",
        template="brokering/request_waiting_list.html",
    )
