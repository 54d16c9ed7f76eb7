"""Pages for notes of visit, the deployment log and concerns. Short functions: fetch through the
access helpers (404 to outsiders), parse with a form, call a service, show its refusal in page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from syslead.accounts.access import can_coordinate
from syslead.accounts.models import User
from syslead.casework.chasing import chase_panel
from syslead.core.events import events_for
from syslead.core.filters import TermFilterForm
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.limits import whole_number
from syslead.deployments.access import events_visible
from syslead.deployments.models import Deployment
from syslead.evaluation.documents import note_of_visit_filename, note_of_visit_pdf, pdf_response
from syslead.organisations.models import Organisation
from syslead.privacy.audit import read_record
from syslead.privacy.models import ReadKind
from syslead.visits import selectors, services
from syslead.visits.access import (
    concern_for_user,
    concerns_visible_to,
    deployment_records_for_user,
    deployment_roles,
    may_act_on_concern,
    visit_for_user,
)
from syslead.visits.delivery import delivery_summary
from syslead.visits.forms import (
    ActionPointFormSet,
    AgreeForm,
    ConcernActionForm,
    ConcernCloseForm,
    ConcernContactForm,
    ConcernForm,
    LogEntryForm,
    LogSignForm,
    VisitForm,
)
from syslead.visits.models import ActionPoint, ConcernStatus, Visit
from syslead.visits.transitions import VISIT
from syslead.visits.web import RefusalForm, run_service

BLANK_ACTION_ROWS = 2
PREFIX = "actions"


@login_required
def delivery(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """One deployment's delivery: notes of visit, action points and every record's page."""
    deployment, roles = deployment_records_for_user(request.user, deployment_id)
    today = timezone.localdate()
    context = {
        "deployment": deployment,
        "roles": roles,
        "summary": delivery_summary(request.user, deployment, today),
        "visits": selectors.visits_of(deployment),
        "today": today,
        "chase": chase_panel(request.user, "no_visit", deployment),
    }
    return render(request, "visits/delivery.html", context)


# --- Recording and revising a note of visit ----------------------------------------------------


def _posted_rows(data: QueryDict) -> list[dict[str, str]]:
    """The action point rows as typed, without validating them (to add a blank row)."""
    try:
        total = min(int(data.get(f"{PREFIX}-TOTAL_FORMS", "0")), 29)
    except ValueError:
        total = 0
    return [
        {name: data.get(f"{PREFIX}-{i}-{name}", "") for name in ("owner", "action", "due_on")}
        for i in range(total)
    ]


def _note_forms(
    request: AuthenticatedHttpRequest,
    initial: dict[str, Any],
    rows: list[dict[str, Any]],
    *,
    deployment: Deployment,
    recorded_on: dt.date | None = None,
) -> tuple[VisitForm, Any, bool]:
    """The note's form and its action point rows: bound on a submit, unbound with one more blank
    row when "Add another action point" was pressed. The flag says whether to save. The form
    checks the date against the supported school's calendar."""
    calendar: dict[str, Any] = {
        "local_authority": deployment.client_school.local_authority,
        "recorded_on": recorded_on,
    }
    if request.method != "POST":
        blank: list[dict[str, Any]] = [{} for _ in range(BLANK_ACTION_ROWS)]
        return (
            VisitForm(initial=initial, **calendar),
            ActionPointFormSet(prefix=PREFIX, initial=rows + blank),
            False,
        )
    if "add_row" in request.POST:
        rows = [*_posted_rows(request.POST), {}]
        return (
            VisitForm(initial=request.POST.dict(), **calendar),
            ActionPointFormSet(prefix=PREFIX, initial=rows),
            False,
        )
    return (
        VisitForm(request.POST, **calendar),
        ActionPointFormSet(request.POST, prefix=PREFIX),
        True,
    )


def _note_fields(form: VisitForm, formset: Any) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "date": data["date"],
        "session": data["session"],
        "hours": data["hours"],
        "focus": data["focus"],
        "progress": data["progress"],
        "issues": data["issues"],
        "actions": formset.specs(),
    }


@login_required
def record(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    deployment, roles = deployment_records_for_user(request.user, deployment_id)
    if not (roles.leader or roles.administrator):
        raise PermissionDenied("Only the deployment's system leader records notes of visit.")
    form, formset, submitted = _note_forms(
        request, {"date": timezone.localdate(), "session": "full_day"}, [], deployment=deployment
    )
    if submitted and form.is_valid() and formset.is_valid():
        visit = run_service(
            form,
            lambda: services.visit_record(
                actor=request.user, deployment=deployment, **_note_fields(form, formset)
            ),
        )
        if visit is not None:
            messages.success(
                request, "Note of visit recorded and sent to the headteacher to agree."
            )
            return redirect("visits:detail", visit.pk)
    context = {"deployment": deployment, "form": form, "formset": formset, "editing": None}
    return render(request, "visits/visit_form.html", context)


@login_required
def edit(request: AuthenticatedHttpRequest, visit_id: int) -> HttpResponse:
    visit = visit_for_user(request.user, visit_id)
    if not VISIT.permitted("revise", request.user, visit):
        raise PermissionDenied("Only the deployment's system leader edits notes of visit.")
    if not VISIT.in_source("revise", visit):
        messages.info(request, "This note of visit has been agreed and cannot be changed.")
        return redirect("visits:detail", visit.pk)
    initial = {
        f: getattr(visit, f) for f in ("date", "session", "hours", "focus", "progress", "issues")
    }
    rows = [
        {"owner": a.owner, "action": a.action, "due_on": a.due_on}
        for a in visit.action_points.all()
    ]
    form, formset, submitted = _note_forms(
        request, initial, rows, deployment=visit.deployment, recorded_on=visit.date
    )
    if submitted and form.is_valid() and formset.is_valid():
        revised = run_service(
            form,
            lambda: services.visit_revise(
                actor=request.user, visit=visit, **_note_fields(form, formset)
            ),
        )
        if revised is not None:
            messages.success(request, "Note of visit updated and sent to the headteacher to agree.")
            return redirect("visits:detail", visit.pk)
    context = {"deployment": visit.deployment, "form": form, "formset": formset, "editing": visit}
    return render(request, "visits/visit_form.html", context)


# --- Reading, agreeing and signing off ---------------------------------------------------------


@login_required
def detail(request: AuthenticatedHttpRequest, visit_id: int) -> HttpResponse:
    visit = visit_for_user(request.user, visit_id)
    roles = deployment_roles(request.user, visit.deployment)
    context = {
        "visit": visit,
        "deployment": visit.deployment,
        "roles": roles,
        # What this person may do now: the note of visit's transition table.
        "steps": VISIT.allowed(request.user, visit),
        "action_points": visit.action_points.all(),
        "today": timezone.localdate(),
        "events": events_visible(
            request.user,
            visit.deployment,
            [e for e in events_for(visit.deployment) if e.data.get("visit") == visit.pk],
        ),
        "chase": chase_panel(request.user, "visit_note", visit),
    }
    return render(request, "visits/visit_detail.html", context)


@login_required
def note_pdf(request: AuthenticatedHttpRequest, visit_id: int) -> HttpResponse:
    """The note of visit as a PDF laid out like the paper Record of Support: whoever may read it."""
    visit = visit_for_user(request.user, visit_id)
    return pdf_response(note_of_visit_pdf(visit), note_of_visit_filename(visit))


@login_required
def visit_ics(request: AuthenticatedHttpRequest, visit_id: int) -> HttpResponse:
    """The visit as an iCalendar file, for whoever may read the note (its title and date only)."""
    from syslead.calendars.feeds import ics_response, visit_calendar

    visit = visit_for_user(request.user, visit_id)
    return ics_response(visit_calendar(visit), f"visit-{visit.date.isoformat()}.ics")


@login_required
def agree(request: AuthenticatedHttpRequest, visit_id: int) -> HttpResponse:
    """The headteacher's page: agree the note or ask for changes, check the answer, then send."""
    visit = visit_for_user(request.user, visit_id)
    if not VISIT.permitted("agree", request.user, visit):
        raise PermissionDenied("Only the supported school's headteacher agrees notes of visit.")
    if not VISIT.in_source("agree", visit):
        messages.info(request, f"This note of visit is {visit.get_status_display().lower()}.")
        return redirect("visits:detail", visit.pk)
    form = AgreeForm(request.POST or None)
    template = "visits/agree.html"
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        if request.POST.get("step") == "confirm":
            done = run_service(
                form,
                lambda: (
                    services.visit_agree(actor=request.user, visit=visit)
                    if decision == "agree"
                    else services.visit_request_changes(
                        actor=request.user, visit=visit, comment=form.cleaned_data["comment"]
                    )
                ),
            )
            if done is not None:
                messages.success(
                    request,
                    "You agreed the note of visit."
                    if decision == "agree"
                    else "Your request for changes has been sent to the leader.",
                )
                return redirect("visits:detail", visit.pk)
        else:
            template = "visits/agree_check.html"
    context = {
        "visit": visit,
        "deployment": visit.deployment,
        "action_points": visit.action_points.all(),
        "form": form,
    }
    return render(request, template, context)


@login_required
def sign_off(request: AuthenticatedHttpRequest, visit_id: int) -> HttpResponse:
    visit = visit_for_user(request.user, visit_id)
    if not VISIT.permitted("sign_off", request.user, visit):
        raise PermissionDenied("Only the deployment's system leader signs off notes of visit.")
    form = RefusalForm()
    if request.method == "POST":
        done = run_service(form, lambda: services.visit_sign_off(actor=request.user, visit=visit))
        if done is not None:
            messages.success(request, "Note of visit signed off and shared.")
            return redirect("visits:detail", visit.pk)
    context = {
        "visit": visit,
        "deployment": visit.deployment,
        "form": form,
        "may_sign_off": VISIT.in_source("sign_off", visit),
    }
    return render(request, "visits/sign_off.html", context)


@login_required
@require_POST
def action_point_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    point = get_object_or_404(ActionPoint.objects.select_related("visit"), pk=pk)
    visit = visit_for_user(request.user, point.visit_id)
    form = RefusalForm()
    done = run_service(
        form, lambda: services.action_point_complete(actor=request.user, action_point=point)
    )
    if done is None:
        messages.error(request, " ".join(str(m) for m in form.non_field_errors()))
    else:
        messages.success(request, "Action point marked as done.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("visits:detail", visit.pk)


# --- The deployment log ------------------------------------------------------------------------


@login_required
def log(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    deployment, roles = deployment_records_for_user(request.user, deployment_id)
    today = timezone.localdate()
    term_filter = TermFilterForm(
        request.GET,
        terms=selectors.deployment_terms(deployment),
        default=selectors.term_from_key(deployment, None, today),
    )
    term = term_filter.term_chosen()
    form = LogEntryForm(request.POST or None, initial={"date": today, "activity": "preparation"})
    if request.method == "POST":
        if not (roles.leader or roles.administrator):
            raise PermissionDenied("Only the deployment's system leader keeps its log.")
        if form.is_valid():
            entry = run_service(
                form,
                lambda: services.log_entry_add(
                    actor=request.user, deployment=deployment, **form.cleaned_data
                ),
            )
            if entry is not None:
                messages.success(request, "Time logged.")
                entry_term = selectors.term_from_key(deployment, None, entry.date)
                return redirect(f"{request.path}?term={selectors.term_key(entry_term)}")
    context = {
        "deployment": deployment,
        "roles": roles,
        "log": selectors.deployment_log(deployment, term),
        "term_filter": term_filter,
        "term_key": selectors.term_key(term),
        "form": form,
    }
    return render(request, "visits/log.html", context)


@login_required
@require_POST
def log_share(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    deployment, _ = deployment_records_for_user(request.user, deployment_id)
    term = selectors.term_from_key(deployment, request.POST.get("term"), timezone.localdate())
    form = RefusalForm()
    done = run_service(
        form, lambda: services.log_share_term(actor=request.user, deployment=deployment, term=term)
    )
    if done is None:
        messages.error(request, " ".join(str(m) for m in form.non_field_errors()))
    else:
        messages.success(request, f"Deployment record for the {term.label} shared.")
    url = reverse("visits:log", args=[deployment.pk])
    return redirect(f"{url}?term={selectors.term_key(term)}")


@login_required
def log_sign(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The supported school's headteacher signs the term's shared record (docs/rules.md, Records:
    "signed by the head each term")."""
    deployment, roles = deployment_records_for_user(request.user, deployment_id)
    if not roles.client_head:
        raise PermissionDenied("Only the headteacher of the supported school signs the record.")
    key = request.POST.get("term") if request.method == "POST" else request.GET.get("term")
    term = selectors.term_from_key(deployment, key, timezone.localdate())
    form = LogSignForm(request.POST or None)
    if request.method == "POST":
        confirmed = form.is_valid()
        done = run_service(
            form,
            lambda: services.log_share_sign(
                actor=request.user, deployment=deployment, term=term, confirm=confirmed
            ),
            rule_field="confirm",
        )
        if done is not None:
            messages.success(request, f"Deployment record for the {term.label} signed.")
            url = reverse("visits:log", args=[deployment.pk])
            return redirect(f"{url}?term={selectors.term_key(term)}")
    context = {
        "deployment": deployment,
        "roles": roles,
        "log": selectors.deployment_log(deployment, term),
        "share": services.log_share_to_sign(deployment, term),
        "term_key": selectors.term_key(term),
        "form": form,
    }
    return render(request, "visits/log_sign.html", context)


# --- Concerns ----------------------------------------------------------------------------------


@login_required
def concern_raise(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    deployment, _ = deployment_records_for_user(request.user, deployment_id)
    visit: Visit | None = None
    visit_id = request.GET.get("visit") or request.POST.get("visit")
    wanted = whole_number(visit_id)
    if wanted is not None:
        visit = visit_for_user(request.user, wanted)
        if visit.deployment_id != deployment.pk:
            visit = None
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        concern = run_service(
            form,
            lambda: services.concern_raise(
                actor=request.user, deployment=deployment, visit=visit, **form.cleaned_data
            ),
        )
        if concern is not None:
            messages.success(request, "Concern raised. The named person has been told.")
            return redirect("visits:concern", concern.pk)
    named = services.named_person_for(deployment.organisation_id)
    context = {"deployment": deployment, "visit": visit, "form": form, "named_person": named}
    return render(request, "visits/concern_form.html", context)


@login_required
def concerns(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = concerns_visible_to(request.user).select_related("deployment__client_school")
    return render(request, "visits/concerns.html", {"concerns": rows[:200]})


@login_required
def concern(request: AuthenticatedHttpRequest, concern_id: int) -> HttpResponse:
    item = concern_for_user(request.user, concern_id)
    may_act = may_act_on_concern(request.user, item)
    action_form = ConcernActionForm(request.POST if request.POST.get("do") == "action" else None)
    close_form = ConcernCloseForm(request.POST if request.POST.get("do") == "close" else None)
    if request.method == "POST":
        if not may_act:
            raise PermissionDenied("Only the named person and the coordinators act on concerns.")
        do = request.POST.get("do")
        done: Any = None
        if do == "acknowledge":
            done = run_service(
                action_form, lambda: services.concern_acknowledge(actor=request.user, concern=item)
            )
        elif do == "action" and action_form.is_valid():
            done = run_service(
                action_form,
                lambda: services.concern_add_action(
                    actor=request.user, concern=item, text=action_form.cleaned_data["text"]
                ),
            )
        elif do == "close" and close_form.is_valid():
            done = run_service(
                close_form,
                lambda: services.concern_close(
                    actor=request.user, concern=item, outcome=close_form.cleaned_data["outcome"]
                ),
            )
        if done is not None:
            messages.success(request, "Concern updated.")
            return redirect("visits:concern", item.pk)
        for message in [*action_form.non_field_errors(), *close_form.non_field_errors()]:
            messages.error(request, message)
    if request.method == "GET":
        read_record(request.user, ReadKind.CONCERN, item.pk, "page")
    context = {
        "concern": item,
        "may_act": may_act,
        "actions": item.actions.select_related("recorded_by"),
        "action_form": action_form,
        "close_form": close_form,
        "is_closed": item.status == ConcernStatus.CLOSED,
        "events": events_for(item),
    }
    return render(request, "visits/concern_detail.html", context)


@login_required
def concern_contact(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    """A coordinator names the organisation's person for safeguarding and serious concerns."""
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    if not can_coordinate(request.user, organisation.pk):
        raise Http404("No such organisation.")
    people = User.objects.filter(
        role_assignments__organisation=organisation, is_active=True
    ).distinct()
    form = ConcernContactForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.concern_contact_set(
                actor=request.user,
                organisation=organisation,
                safeguarding_lead=form.cleaned_data["safeguarding_lead"],
            ),
        )
        if done is not None:
            messages.success(request, "Named person saved.")
            return redirect("visits:concern_contact", organisation.pk)
    context = {
        "organisation": organisation,
        "form": form,
        "current": services.named_person_for(organisation),
    }
    return render(request, "visits/concern_contact.html", context)
