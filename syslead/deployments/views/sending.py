"""Sending a draft agreement for signature, and the SIP's agreement of a local authority route
draft first (docs/rules.md, "Sending an agreement for signature")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from syslead.core.http import AuthenticatedHttpRequest
from syslead.deployments.forms import SendForSignatureForm, SipAnswerForm
from syslead.deployments.models import Deployment, SipDecision
from syslead.deployments.selectors import deployment_for_user, party_states
from syslead.deployments.services.sending import (
    deployment_send_for_signature,
    deployment_sip_agree,
    deployment_sip_request_changes,
)
from syslead.deployments.sip import school_sips, sip_agreement_needed
from syslead.deployments.transitions import AGREEMENT
from syslead.deployments.views.common import posted, require_manager, run_service


def _not_draft(request: AuthenticatedHttpRequest, deployment: Deployment) -> HttpResponse:
    messages.info(
        request,
        f"The agreement is {deployment.get_status_display().lower()}: it has been sent for "
        "signature already.",
    )
    return redirect("deployments:detail", deployment.pk)


@login_required
def agreement_send(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """A coordinator sends a draft for signature: what will happen (who is asked to sign, who is
    invited), and on the local authority route the SIP's answer or the reason for going without
    it."""
    deployment = deployment_for_user(request.user, deployment_id)
    require_manager(request.user, deployment)
    if not AGREEMENT.in_source("send_for_signature", deployment):
        return _not_draft(request, deployment)
    needs_reason = (
        sip_agreement_needed(deployment) and deployment.sip_decision != SipDecision.AGREED
    )
    form = SendForSignatureForm(posted(request))
    if not needs_reason:
        del form.fields["sip_not_asked_reason"]
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data.get("sip_not_asked_reason", "") or ""
        if needs_reason and not reason.strip():
            form.add_error(
                "sip_not_asked_reason",
                "The SIP has not agreed the agreement: say why it is sent without their "
                "agreement, or wait for them.",
            )
        else:
            sent = run_service(
                form,
                lambda: deployment_send_for_signature(
                    actor=request.user,
                    deployment=deployment,
                    sip_not_asked_reason=reason,
                    site_url=request.build_absolute_uri("/").rstrip("/"),
                ),
            )
            if sent is not None:
                messages.success(
                    request,
                    "Sent for signature: the parties have been asked to sign, and the prepared "
                    "invitations have been sent.",
                )
                return redirect("deployments:detail", deployment.pk)
    context = {
        "deployment": deployment,
        "form": form,
        "needs_reason": needs_reason,
        "sips": school_sips(deployment),
        "states": party_states(deployment),
    }
    return render(request, "deployments/send_for_signature.html", context)


@login_required
def agreement_sip_answer(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The supported school's SIP agrees the draft, or asks for changes with comments."""
    deployment = deployment_for_user(request.user, deployment_id)
    if not AGREEMENT.permitted("sip_agree", request.user, deployment):
        raise PermissionDenied(
            "Only the supported school's SIP agrees a local authority route agreement before it "
            "is sent for signature."
        )
    if not AGREEMENT.in_source("sip_agree", deployment):
        return _not_draft(request, deployment)
    form = SipAnswerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["decision"] == SipAnswerForm.AGREE:
            done = run_service(
                form,
                lambda: deployment_sip_agree(
                    actor=request.user, deployment=deployment, comments=data["comments"]
                ),
            )
            text = "You agreed the support agreement: the coordinator can send it for signature."
        else:
            done = run_service(
                form,
                lambda: deployment_sip_request_changes(
                    actor=request.user, deployment=deployment, comments=data["comments"]
                ),
            )
            text = "You asked for changes: the coordinator has been told."
        if done is not None:
            messages.success(request, text)
            return redirect("deployments:detail", deployment.pk)
    return render(request, "deployments/sip_answer.html", {"deployment": deployment, "form": form})


__all__ = ["agreement_send", "agreement_sip_answer"]
