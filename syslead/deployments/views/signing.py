"""Signing the agreement: each party signs as themselves, one thing on the page — a summary of
what they agree to (check your answers) and a clear declaration. A coordinator records the chair
of governors' signature when the leader is the headteacher of their own school."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect, render

from syslead.core.http import AuthenticatedHttpRequest
from syslead.deployments import services
from syslead.deployments.forms import ChairSignatureForm, SignForm
from syslead.deployments.models import Deployment, DeploymentStatus, Party
from syslead.deployments.parties import (
    leader_is_home_headteacher,
    parties_held_by,
    party_in_sentence,
    signed_as_for,
)
from syslead.deployments.pdf import agreement_document
from syslead.deployments.selectors import (
    chair_signature_needed,
    deployment_by_id,
    deployment_for_user,
    party_to_sign,
)
from syslead.deployments.transitions import AGREEMENT
from syslead.deployments.views.common import posted, require_manager, run_service


def declaration_for(deployment: Deployment, party: Party) -> str:
    """What the person declares by signing, in the words of the paper agreement (docs/rules.md:
    Deployment agreement)."""
    if party == Party.LEADER:
        return "I agree to this support agreement as the system leader"
    if party == Party.HOME_HEADTEACHER:
        body = (
            f"the governing body of {deployment.home_school.name}"
            if leader_is_home_headteacher(deployment)
            else deployment.home_school.name
        )
        return (
            f"I agree to this support agreement on behalf of {body}, and to release "
            f"{deployment.leader.user.get_full_name()} for the agreed days"
        )
    if party == Party.CLIENT_HEADTEACHER:
        return f"I agree to this support agreement on behalf of {deployment.client_school.name}"
    return f"I agree to this support agreement on behalf of {deployment.organisation.name}"


def _not_waiting(request: AuthenticatedHttpRequest, deployment: Deployment) -> HttpResponse:
    messages.info(
        request,
        f"The agreement is {deployment.get_status_display().lower()}: there is nothing to sign.",
    )
    return redirect("deployments:detail", deployment.pk)


@login_required
def agreement_sign(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """Sign as the party you hold: read the summary, tick the declaration, sign. Refused (403) to
    anyone who is none of the four parties."""
    deployment = deployment_by_id(deployment_id)
    held = parties_held_by(request.user, deployment)
    if not held:
        raise PermissionDenied(
            "Only the four parties sign the agreement: the system leader, the headteachers of "
            "the leader's school and of the supported school, and the broker lead."
        )
    prefetch_related_objects([deployment], "signatures__signed_by")
    party = party_to_sign(request.user, deployment)
    if party is None:
        as_words = " and ".join(party_in_sentence(deployment, p) for p in held)
        messages.info(request, f"You have already signed this agreement as {as_words}.")
        return redirect("deployments:detail", deployment.pk)
    if not AGREEMENT.in_source("sign", deployment):
        return _not_waiting(request, deployment)
    form = SignForm(posted(request), declaration=declaration_for(deployment, party))
    if request.method == "POST" and form.is_valid():
        signed = run_service(
            form, lambda: services.deployment_sign(actor=request.user, deployment=deployment)
        )
        if signed is not None:
            if signed.status == DeploymentStatus.ACTIVE:
                messages.success(
                    request, "You signed the agreement. All four parties have signed: it is active."
                )
            else:
                messages.success(
                    request,
                    f"You signed the agreement as {party_in_sentence(deployment, party)}.",
                )
            return redirect("deployments:detail", deployment.pk)
    context = {
        "deployment": deployment,
        "document": agreement_document(deployment),
        "form": form,
        "party": party,
        "party_words": party_in_sentence(deployment, party),
        "signed_as": signed_as_for(deployment, party),
    }
    return render(request, "deployments/sign.html", context)


@login_required
def agreement_sign_for_chair(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """A coordinator records the chair of governors' signature for the home school, when the
    leader is its headteacher."""
    deployment = deployment_for_user(request.user, deployment_id)
    require_manager(request.user, deployment)
    prefetch_related_objects([deployment], "signatures__signed_by")
    if not AGREEMENT.in_source("sign_on_paper", deployment):
        return _not_waiting(request, deployment)
    if not chair_signature_needed(deployment):
        messages.info(
            request,
            f"The chair of governors' signature is not needed: {deployment.home_school.name} "
            "has signed, or its headteacher signs.",
        )
        return redirect("deployments:detail", deployment.pk)
    form = ChairSignatureForm(posted(request))
    if request.method == "POST" and form.is_valid():
        signed = run_service(
            form,
            lambda: services.deployment_sign_for_chair(
                actor=request.user,
                deployment=deployment,
                chair_name=form.cleaned_data["chair_name"],
            ),
        )
        if signed is not None:
            messages.success(
                request,
                f"The chair of governors' signature for {deployment.home_school.name} is recorded.",
            )
            return redirect("deployments:detail", deployment.pk)
    context = {
        "deployment": deployment,
        "document": agreement_document(deployment),
        "form": form,
    }
    return render(request, "deployments/sign_for_chair.html", context)
