"""Direct commissioning on the school route (docs/rules.md, "Direct commissioning"): a headteacher
asks a leader directly, from the leader's published profile in a broker's public directory, or
names by e-mail a leader who is not on Syslead or has no broker; the broker records it on the
request page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from syslead.accounts.access import headteacher_school_urns
from syslead.brokering import services
from syslead.brokering.access import leader_to_name_directly
from syslead.brokering.forms import DirectCommissionForm
from syslead.brokering.models import Route, SupportRequest
from syslead.brokering.selectors import support_request_for_user
from syslead.brokering.services.direct import leader_brokers
from syslead.brokering.vocabulary import specialism_labels
from syslead.brokering.web_selectors import brokers_for_school
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.limits import whole_number
from syslead.organisations.models import Organisation
from syslead.schools.models import School

from .common import run_action
from .requests import _ask, _common_answers, _headteacher_school, _request_answers, _yes_no


def _form(
    request: AuthenticatedHttpRequest,
    *,
    by_email: bool,
    needs_broker: bool,
    school_urn: int,
) -> DirectCommissionForm:
    school = School.objects.get(urn=school_urn)
    covering, others = brokers_for_school(school)
    wanted = whole_number(request.GET.get("organisation"))
    initial = {}
    if wanted is not None and any(o.pk == wanted for o in [*covering, *others]):
        initial["organisation"] = str(wanted)
    elif len(covering) == 1:
        initial["organisation"] = str(covering[0].pk)
    return DirectCommissionForm(
        request.POST if request.method == "POST" else None,
        by_email=by_email,
        needs_broker=needs_broker,
        covering=covering,
        others=others,
        specialisms=specialism_labels(None),
        initial=initial,
    )


def _broker_answer(form: DirectCommissionForm, brokers: list[Organisation]) -> tuple[str, str]:
    if brokers:
        return ("Their broker", brokers[0].name)
    organisation = form.chosen_organisation()
    return ("Broker keeping the paperwork", organisation.name if organisation else "")


@login_required
@require_http_methods(["GET", "POST"])
def direct_commission_new(request: AuthenticatedHttpRequest, leader_id: int) -> HttpResponse:
    """ "Ask this leader directly": a headteacher names a leader from their published profile.
    404 for a leader not published by name; 403 for anyone who is not a headteacher."""
    if not headteacher_school_urns(request.user):
        raise PermissionDenied("Only a headteacher asks a leader directly for their school.")
    leader = leader_to_name_directly(request.user, leader_id)
    school = _headteacher_school(request)
    brokers = leader_brokers(leader)
    form = _form(request, by_email=False, needs_broker=not brokers, school_urn=school.urn)
    name = leader.user.get_full_name()

    def answers() -> list[tuple[str, str]]:
        return [
            ("School", f"{school.name} (URN {school.urn})"),
            ("Leader you are asking", name),
            _broker_answer(form, brokers),
            *_common_answers(form),
            ("Chair of governors agrees", _yes_no(form.cleaned_data["chair_of_governors_agreed"])),
        ]

    def create() -> SupportRequest:
        data = form.cleaned_data
        return services.direct_commission_create(
            actor=request.user,
            school_urn=school.urn,
            leader=leader,
            organisation=int(data["organisation"]) if data.get("organisation") else None,
            **_request_answers(data),
        )

    context = {
        "route": Route.SCHOOL,
        "school": school,
        "direct": True,
        "named_leader": name,
        "leader_broker": brokers[0] if brokers else None,
        "other_schools": len(headteacher_school_urns(request.user)) > 1,
    }
    return _ask(request, form, context, answers, create)


@login_required
@require_http_methods(["GET", "POST"])
def direct_commission_by_email(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A headteacher names, by name and e-mail, a leader who is not on Syslead or has no broker:
    the broker they choose records it and invites them; once joined they are asked."""
    school = _headteacher_school(request)
    form = _form(request, by_email=True, needs_broker=True, school_urn=school.urn)

    def answers() -> list[tuple[str, str]]:
        data = form.cleaned_data
        found = form.found_school
        return [
            ("School", f"{school.name} (URN {school.urn})"),
            ("Leader you are asking", f"{data['invited_name']} ({data['invited_email']})"),
            ("Their job title", data["invited_job_title"]),
            ("Their school", f"{found.name} (URN {found.urn})" if found else ""),
            _broker_answer(form, []),
            *_common_answers(form),
            ("Chair of governors agrees", _yes_no(form.cleaned_data["chair_of_governors_agreed"])),
        ]

    def create() -> SupportRequest:
        data = form.cleaned_data
        return services.direct_commission_create(
            actor=request.user,
            school_urn=school.urn,
            organisation=int(data["organisation"]),
            invited_name=data["invited_name"],
            invited_email=data["invited_email"],
            invited_job_title=data["invited_job_title"],
            invited_school_urn=form.found_school.urn if form.found_school else None,
            **_request_answers(data),
        )

    context = {
        "route": Route.SCHOOL,
        "school": school,
        "direct": True,
        "by_email": True,
        "other_schools": len(headteacher_school_urns(request.user)) > 1,
    }
    return _ask(request, form, context, answers, create)


@login_required
@require_POST
def direct_commission_record(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    """The broker records the school's direct commission (a coordinator of the request's
    organisation; 404 to anyone who does not see the request, 403 to the others)."""
    support_request = support_request_for_user(request.user, request_id)
    run_action(
        request,
        lambda: services.direct_commission_record(actor=request.user, request=support_request),
        "The direct commission is recorded: the case continues with you.",
    )
    return redirect("brokering:detail", support_request.pk)
