"""Closing an agreement together and disputes (docs/rules.md, "Closing an agreement" and
"Disputes"): the leader's statement, each sign-off, the decision on further support, raising a
dispute and recording its outcome. Every page resolves the agreement through its one access rule
(404), asks the transition table whether this person may take the step (403), and calls the
service, whose refusals (409) are shown at the top of the form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from syslead.core.http import AuthenticatedHttpRequest
from syslead.deployments import services
from syslead.deployments.closing import close_out_of
from syslead.deployments.forms import (
    DisputeForm,
    DisputeOutcomeForm,
    FurtherSupportForm,
    SignOffForm,
    StatementForm,
)
from syslead.deployments.models import Deployment, Dispute, FurtherSupport
from syslead.deployments.selectors import deployment_for_user, is_read_only
from syslead.deployments.transitions import AGREEMENT, DISPUTE
from syslead.deployments.views.common import posted, run_service


@dataclass
class ClosingPage:
    title: str
    intro: str
    button: str
    done: str
    facts: list[tuple[str, str]] = field(default_factory=list)


def _flow(
    request: AuthenticatedHttpRequest,
    deployment: Deployment,
    form: forms.Form,
    page: ClosingPage,
    *,
    call: Callable[[dict[str, Any]], object],
    anchor: str = "close-out",
) -> HttpResponse:
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, lambda: call(form.cleaned_data)) is not None
    ):
        messages.success(request, page.done)
        return redirect(reverse("deployments:detail", args=[deployment.pk]) + f"#{anchor}")
    return render(
        request,
        "deployments/closing_form.html",
        {"deployment": deployment, "form": form, "page": page},
    )


def _agreement_for_step(
    request: AuthenticatedHttpRequest, deployment_id: int, step: str, refusal: str
) -> tuple[Deployment, HttpResponse | None]:
    """The agreement (404 if not visible), 403 to whoever may not take ``step``, and a redirect
    back to the agreement when its state does not allow the step now."""
    deployment = deployment_for_user(request.user, deployment_id)
    if not AGREEMENT.permitted(step, request.user, deployment):
        raise PermissionDenied(refusal)
    if is_read_only(deployment) or not AGREEMENT.in_source(step, deployment):
        messages.info(
            request,
            f"The agreement is {deployment.get_status_display().lower()}: you cannot "
            f"{AGREEMENT[step].action} now.",
        )
        return deployment, redirect("deployments:detail", deployment.pk)
    return deployment, None


@login_required
def close_out_statement(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The leader says whether the support was fully delivered, and why not."""
    deployment, away = _agreement_for_step(
        request, deployment_id, "state_delivery", "Only the system leader makes this statement."
    )
    if away is not None:
        return away
    close_out = close_out_of(deployment)
    initial = {}
    if close_out is not None and close_out.stated:
        initial = {
            "fully_delivered": "yes" if close_out.fully_delivered else "no",
            "reason": close_out.not_delivered_reason,
        }
    form = StatementForm(posted(request), initial=initial)
    page = ClosingPage(
        title="Say whether the support was fully delivered",
        intro=f"At the end of the work you and the headteacher of {deployment.client_school.name} "
        "sign the agreement off together. First say whether everything agreed was delivered. "
        "You can change this until someone signs it off.",
        button="Save the statement",
        done="Your statement is saved. You and the headteacher can now sign the agreement off.",
    )
    return _flow(
        request,
        deployment,
        form,
        page,
        call=lambda data: services.deployment_state_delivery(
            actor=request.user,
            deployment=deployment,
            fully_delivered=data["fully_delivered"] == "yes",
            reason=data.get("reason") or "",
        ),
    )


@login_required
def close_out_sign_off(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The leader or the supported school's headteacher signs the agreement off."""
    deployment, away = _agreement_for_step(
        request,
        deployment_id,
        "sign_off",
        "Only the system leader and the supported school's headteacher sign it off.",
    )
    if away is not None:
        return away
    close_out = close_out_of(deployment)
    facts: list[tuple[str, str]] = [
        (
            "Agreement",
            f"{deployment.leader.user.get_full_name()} at "
            f"{deployment.client_school.name}, {deployment.starts_on.day} "
            f"{deployment.starts_on:%B %Y} to {deployment.ends_on.day} {deployment.ends_on:%B %Y}",
        ),
    ]
    if close_out is not None and close_out.stated:
        facts.append(
            (
                "Fully delivered",
                "Yes" if close_out.fully_delivered else f"No: {close_out.not_delivered_reason}",
            )
        )
    page = ClosingPage(
        title="Sign off the agreement",
        intro="Signing off confirms that you have met to finalise all aspects of the support "
        "agreement and agree with the leader's statement below. If you do not agree, raise a "
        "dispute instead.",
        button="Sign it off",
        done="You have signed the agreement off.",
        facts=facts,
    )
    return _flow(
        request,
        deployment,
        SignOffForm(posted(request)),
        page,
        call=lambda _data: services.deployment_sign_off(actor=request.user, deployment=deployment),
    )


@login_required
def close_out_further_support(
    request: AuthenticatedHttpRequest, deployment_id: int
) -> HttpResponse:
    """The decision on further support; further support starts a new request."""
    deployment, away = _agreement_for_step(
        request,
        deployment_id,
        "decide_further_support",
        "Only the broker, or whoever may ask for support for the school on this route, "
        "decides on further support.",
    )
    if away is not None:
        return away
    previous = deployment.support_request
    form = FurtherSupportForm(
        posted(request),
        initial={"summary": previous.summary, "days_requested": previous.days_requested},
    )
    page = ClosingPage(
        title="Decide on further support",
        intro=f"Decide with the leader and the headteacher whether {deployment.client_school.name} "
        f"needs further support. Further support starts a new request to "
        f"{deployment.organisation.name}, made from this agreement's request (the same needs "
        "and route).",
        button="Save the decision",
        done="The decision on further support is saved.",
    )

    def decide(data: dict[str, Any]) -> object:
        further = data["decision"] == FurtherSupport.FURTHER
        return services.deployment_decide_further_support(
            actor=request.user,
            deployment=deployment,
            decision=data["decision"],
            summary=(data.get("summary") or "") if further else "",
            days_requested=data.get("days_requested") if further else None,
        )

    return _flow(request, deployment, form, page, call=decide)


@login_required
def dispute_new(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """Anyone who sees the agreement raises a dispute about it."""
    deployment, away = _agreement_for_step(
        request, deployment_id, "raise_dispute", "You may not raise a dispute on this agreement."
    )
    if away is not None:
        return away
    page = ClosingPage(
        title="Raise a dispute",
        intro=f"If you disagree about this agreement or its delivery, say what about. "
        f"{deployment.organisation.name}'s coordinators resolve it and record the outcome.",
        button="Raise the dispute",
        done=f"Your dispute is raised: {deployment.organisation.name} has been told.",
    )
    return _flow(
        request,
        deployment,
        DisputeForm(posted(request)),
        page,
        call=lambda data: services.dispute_raise(
            actor=request.user, deployment=deployment, what=data["what"]
        ),
        anchor="disputes",
    )


@login_required
def dispute_resolve(
    request: AuthenticatedHttpRequest, deployment_id: int, dispute_id: int
) -> HttpResponse:
    """The broker's coordinator records the outcome of a dispute."""
    deployment = deployment_for_user(request.user, deployment_id)
    dispute = Dispute.objects.filter(pk=dispute_id, deployment=deployment).first()
    if dispute is None:
        raise Http404("No such dispute.")
    dispute.deployment = deployment
    if not DISPUTE.permitted("resolve", request.user, dispute):
        raise PermissionDenied(
            f"Only a coordinator of {deployment.organisation.name} records the outcome."
        )
    if not DISPUTE.in_source("resolve", dispute):
        messages.info(request, "This dispute already has its outcome.")
        return redirect("deployments:detail", deployment.pk)
    raised_by = dispute.raised_by.get_full_name() if dispute.raised_by else "Someone"
    page = ClosingPage(
        title="Record the outcome of a dispute",
        intro="Record what was decided. The person who raised it is told, and the outcome goes "
        "on the agreement's timeline.",
        button="Record the outcome",
        done="The outcome of the dispute is recorded.",
        facts=[
            ("Raised by", f"{raised_by} ({dispute.raised_as})"),
            ("What it is about", dispute.what),
        ],
    )
    return _flow(
        request,
        deployment,
        DisputeOutcomeForm(posted(request)),
        page,
        call=lambda data: services.dispute_resolve(
            actor=request.user, dispute=dispute, outcome=data["outcome"]
        ),
        anchor="disputes",
    )
