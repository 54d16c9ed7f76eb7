"""Changes to an agreement and the way out of it: a coordinator records a change (the leader left
their school, cannot provide the outreach, is not making enough impact, a managed exit) and acts
on it (pause, resume, replace the leader, amend, end early), completes or cancels the agreement;
the leader or the supported school's headteacher asks for a managed exit; the leader says they
cannot provide the outreach. Packages: several leaders' agreements for one school, one the lead.

Finished agreements (completed, ended early, cancelled, superseded) are read-only: these pages
send the person back to the agreement, and the services refuse anyway."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from syslead.capacity.days import days_words
from syslead.capacity.ledger import delivered_days_of
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import RefusalForm
from syslead.deployments import services
from syslead.deployments.closing import close_out_of, missing_steps
from syslead.deployments.forms import (
    ACTION_LABELS,
    ChangeForm,
    CompleteForm,
    PackageAddForm,
    PackageStartForm,
    ReasonForm,
)
from syslead.deployments.models import (
    FINISHED_STATUSES,
    ChangeAction,
    ChangeKind,
    Deployment,
    DisputeStatus,
)
from syslead.deployments.selectors import (
    deployment_for_user,
    is_read_only,
    package_deployments,
)
from syslead.deployments.transitions import AGREEMENT, change_actions
from syslead.deployments.views.common import posted, require_manager, run_service
from syslead.deployments.views.drafting import leaders_for

DONE_MESSAGES: dict[str, str] = {
    "": "The change is recorded.",
    ChangeAction.PAUSE: "The agreement is paused: its days stay reserved.",
    ChangeAction.RESUME: "The agreement has resumed.",
    ChangeAction.END_EARLY: "The agreement has ended early.",
    ChangeAction.REPLACE: "The new leader's agreement is made: the four parties have been asked "
    "to sign it.",
}


def _read_only(request: AuthenticatedHttpRequest, deployment: Deployment) -> HttpResponse:
    messages.info(
        request,
        f"The agreement is {deployment.get_status_display().lower()}: it is read-only and can no "
        "longer be changed.",
    )
    return redirect("deployments:detail", deployment.pk)


@login_required
def agreement_change(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """Record a change and what is done about it; check it; then act."""
    deployment = deployment_for_user(request.user, deployment_id)
    require_manager(request.user, deployment)
    if is_read_only(deployment):
        return _read_only(request, deployment)
    leaders = leaders_for(deployment.support_request).exclude(pk=deployment.leader_id)
    form = ChangeForm(
        posted(request),
        actions=change_actions(request.user, deployment),
        leaders=leaders,
        initial={"kind": request.GET.get("kind") or None, "action": ""},
    )
    context: dict[str, Any] = {"deployment": deployment, "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = data["action"]
        if action == ChangeAction.AMEND:
            query = urlencode({"kind": data["kind"], "reason": data["reason"]})
            return redirect(f"{reverse('deployments:amend', args=[deployment.pk])}?{query}")
        if request.POST.get("step") == "confirm":
            change = run_service(
                form,
                lambda: services.deployment_record_change(
                    actor=request.user,
                    deployment=deployment,
                    kind=data["kind"],
                    reason=data["reason"],
                    action=action,
                    new_leader=data.get("new_leader"),
                    starts_on=data.get("starts_on"),
                    ended_on=data.get("ended_on"),
                    capacity_override_reason=data.get("capacity_override_reason") or "",
                ),
            )
            if change is not None:
                messages.success(request, DONE_MESSAGES.get(action, DONE_MESSAGES[""]))
                target = change.resulting_deployment or deployment
                return redirect("deployments:detail", target.pk)
        elif request.POST.get("step") != "change":
            context.update(_change_check(deployment, data))
            return render(request, "deployments/change_check.html", context)
    return render(request, "deployments/change.html", context)


def _change_check(deployment: Deployment, data: dict[str, Any]) -> dict[str, Any]:
    """What the check page says about the change: the action in words, the days carried over."""
    action = data["action"]
    context: dict[str, Any] = {
        "kind_label": ChangeKind(data["kind"]).label,
        "action_label": ACTION_LABELS[action],
        "tells_head": data["kind"] == ChangeKind.CANNOT_PROVIDE,
    }
    if action == ChangeAction.REPLACE:
        delivered = delivered_days_of(deployment)
        full, half = services.carried_over(deployment.days - delivered)
        context.update(
            delivered=days_words(delivered),
            carried_full=full,
            carried_half=half,
        )
    return context


# Asked for by a party ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReasonPage:
    """A page that asks one question (why?), checks the answer, then calls a service."""

    title: str
    intro: str
    label: str
    hint: str
    confirm_label: str
    done: str
    call: Callable[[str], Any]


def _reason_flow(
    request: AuthenticatedHttpRequest, deployment: Deployment, page: ReasonPage
) -> HttpResponse:
    form = ReasonForm(posted(request), label=page.label, help_text=page.hint)
    context: dict[str, Any] = {"deployment": deployment, "form": form, "page": page}
    if request.method == "POST" and form.is_valid():
        step = request.POST.get("step")
        if step == "confirm":
            done = run_service(form, lambda: page.call(form.cleaned_data["reason"]))
            if done is not None:
                messages.success(request, page.done)
                return redirect("deployments:detail", deployment.pk)
        elif step != "change":
            return render(request, "deployments/reason_check.html", context)
    return render(request, "deployments/reason_form.html", context)


@login_required
def agreement_exit(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The leader or the supported school's headteacher asks for a managed exit."""
    deployment = deployment_for_user(request.user, deployment_id)
    if not AGREEMENT.permitted("request_exit", request.user, deployment):
        raise PermissionDenied(
            "Only the system leader or the headteacher of the supported school may ask for a "
            "managed exit."
        )
    if is_read_only(deployment):
        return _read_only(request, deployment)
    if not AGREEMENT.in_source("request_exit", deployment):
        messages.info(request, "The agreement has not started: there is nothing to exit yet.")
        return redirect("deployments:detail", deployment.pk)
    page = ReasonPage(
        title="Ask for a managed exit",
        intro=f"If you consider the partnership is in difficulty, share your concerns with "
        f"{deployment.organisation.name}. Its coordinators agree a managed exit with both sides.",
        label="Why do you ask for a managed exit?",
        hint="Your concerns about the partnership. The coordinators read this.",
        confirm_label="Ask for a managed exit",
        done=f"You asked for a managed exit: {deployment.organisation.name} has been told.",
        call=lambda reason: services.deployment_request_exit(
            actor=request.user, deployment=deployment, reason=reason
        ),
    )
    return _reason_flow(request, deployment, page)


@login_required
def agreement_unavailable(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The leader says they cannot provide the outreach (e.g. sickness): the headteacher of the
    supported school and the coordinators are told at once."""
    deployment = deployment_for_user(request.user, deployment_id)
    if not AGREEMENT.permitted("report_unavailable", request.user, deployment):
        raise PermissionDenied("Only the system leader reports that they cannot provide it.")
    if is_read_only(deployment):
        return _read_only(request, deployment)
    if not AGREEMENT.in_source("report_unavailable", deployment):
        messages.info(request, "The agreement has not started yet.")
        return redirect("deployments:detail", deployment.pk)
    page = ReasonPage(
        title="Tell us you cannot provide the outreach",
        intro=f"The headteacher of {deployment.client_school.name} and "
        f"{deployment.organisation.name} are told at once. The coordinators then pause the "
        "agreement, find another leader or end it.",
        label="Why can you not provide the outreach?",
        hint="For example sickness, or you are leaving your school. Say for how long, if known.",
        confirm_label="Tell the school and the broker",
        done=f"The headteacher of {deployment.client_school.name} and "
        f"{deployment.organisation.name} have been told.",
        call=lambda reason: services.deployment_report_unavailable(
            actor=request.user, deployment=deployment, reason=reason
        ),
    )
    return _reason_flow(request, deployment, page)


# Closing -----------------------------------------------------------------------------------------


@login_required
def agreement_cancel(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """Cancel an agreement before it is active (a coordinator); its days are freed."""
    deployment = deployment_for_user(request.user, deployment_id)
    require_manager(request.user, deployment)
    if is_read_only(deployment):
        return _read_only(request, deployment)
    if not AGREEMENT.in_source("cancel", deployment):
        messages.info(
            request,
            "The agreement has been signed: record a change to end it early instead.",
        )
        return redirect("deployments:detail", deployment.pk)
    page = ReasonPage(
        title="Cancel the agreement",
        intro="Cancel the agreement before it starts. The leader's days are freed and the "
        "parties are told."
        + (
            f" Version {deployment.version - 1} is in force again."
            if deployment.previous_version_id
            else ""
        ),
        label="Why is the agreement cancelled?",
        hint="The parties see this.",
        confirm_label="Cancel the agreement",
        done="The agreement is cancelled.",
        call=lambda reason: services.deployment_cancel(
            actor=request.user, deployment=deployment, reason=reason
        ),
    )
    return _reason_flow(request, deployment, page)


@login_required
def agreement_complete(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """Mark the support completed (a coordinator), the last step of closing it together: the
    agreement becomes read-only and the headteacher is asked for the end-of-support evaluation.
    The page says what is still missing; the service refuses until nothing is."""
    deployment = deployment_for_user(request.user, deployment_id)
    require_manager(request.user, deployment)
    if is_read_only(deployment):
        return _read_only(request, deployment)
    form = CompleteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.deployment_complete(
                actor=request.user,
                deployment=deployment,
                completed_on=form.cleaned_data.get("completed_on"),
            ),
        )
        if done is not None:
            messages.success(request, "The support is completed. The agreement is now read-only.")
            return redirect("deployments:detail", deployment.pk)
    # The last step of closing it together: what is still missing (docs/rules.md).
    missing = missing_steps(close_out_of(deployment))
    disputed = deployment.disputes.filter(status=DisputeStatus.OPEN).exists()
    return render(
        request,
        "deployments/complete.html",
        {"deployment": deployment, "form": form, "missing": missing, "disputed": disputed},
    )


# Packages ----------------------------------------------------------------------------------------


def _package_candidates(deployment: Deployment) -> Any:
    """Other leaders' agreements for the same school and broker, in no package yet."""
    return (
        Deployment.objects.filter(
            organisation_id=deployment.organisation_id,
            client_school_id=deployment.client_school_id,
            package__isnull=True,
        )
        .exclude(status__in=FINISHED_STATUSES)
        .exclude(pk=deployment.pk)
        .exclude(leader_id=deployment.leader_id)
        .select_related("leader__user")
        .order_by("starts_on", "pk")
    )


@login_required
def agreement_package(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """Start a package with this agreement as its lead, add another leader's agreement to it, or
    make this agreement the lead (a coordinator)."""
    deployment = deployment_for_user(request.user, deployment_id)
    require_manager(request.user, deployment)
    if is_read_only(deployment):
        return _read_only(request, deployment)
    what = request.POST.get("what", "")
    start = PackageStartForm(request.POST if what == "start" else None)
    add = PackageAddForm(
        request.POST if what == "add" else None, candidates=_package_candidates(deployment)
    )
    lead = RefusalForm(request.POST if what == "lead" else None)
    done: Any = None
    if what == "start" and start.is_valid():
        done = run_service(
            start,
            lambda: services.package_create(
                actor=request.user,
                organisation=deployment.organisation,
                school=deployment.client_school,
                title=start.cleaned_data["title"],
                lead=deployment,
            ),
        )
        message = "The package is started, with this agreement as its lead."
    elif what == "add" and add.is_valid() and deployment.package is not None:
        package = deployment.package
        other = add.cleaned_data["deployment"]
        done = run_service(
            add,
            lambda: services.deployment_add_to_package(
                actor=request.user, deployment=other, package=package
            ),
        )
        message = f"{other.leader.user.get_full_name()}'s agreement is added to the package."
    elif what == "lead" and lead.is_valid():
        done = run_service(
            lead, lambda: services.package_set_lead(actor=request.user, deployment=deployment)
        )
        message = "This agreement now leads the package: its leader compiles the final report."
    if done is not None:
        messages.success(request, message)
        return redirect("deployments:detail", deployment.pk)
    context = {
        "deployment": deployment,
        "start": start,
        "add": add,
        "lead": lead,
        "rows": package_deployments(deployment.package) if deployment.package else [],
    }
    return render(request, "deployments/package.html", context)
