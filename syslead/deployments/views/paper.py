"""When no one with an account can sign for a party: the coordinator invites the person who
signs (through the invitations service), resends that invitation, or records the signature given
on paper with a scan of it; the scan downloads to the people who may see the agreement."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from syslead.accounts.models import Role
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.http import AuthenticatedHttpRequest
from syslead.deployments import services
from syslead.deployments.forms import InviteSignerForm, PaperSignatureForm
from syslead.deployments.models import Deployment, DeploymentStatus, Party
from syslead.deployments.selectors import (
    PartySigner,
    deployment_for_user,
    party_signers,
    pending_invitations_for,
)
from syslead.deployments.services.sending import (
    deployment_prepare_invitation as prepare_invitation,
)
from syslead.deployments.transitions import AGREEMENT
from syslead.deployments.views.common import posted, require_manager, run_service
from syslead.invitations.services import invitation_resend, invitation_send


def _site_url(request: AuthenticatedHttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _not_waiting(request: AuthenticatedHttpRequest, deployment: Deployment) -> HttpResponse:
    messages.info(
        request,
        f"The agreement is {deployment.get_status_display().lower()}: there is nothing to sign.",
    )
    return redirect("deployments:detail", deployment.pk)


def _managed_waiting(request: AuthenticatedHttpRequest, deployment_id: int) -> Deployment:
    """The agreement, seen (404 otherwise) and managed (403 otherwise) by the caller."""
    deployment = deployment_for_user(request.user, deployment_id)
    require_manager(request.user, deployment)
    return deployment


def _signer_to_invite(deployment: Deployment, party: str) -> PartySigner | None:
    return next(
        (
            row
            for row in party_signers(deployment)
            if str(row.party) == party and not row.can_sign and row.invite_role
        ),
        None,
    )


@login_required
def agreement_invite_signer(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """Invite the person who signs for a party no one with an account holds: the headteacher of
    the school, or the broker lead of the organisation (``?party=``)."""
    deployment = _managed_waiting(request, deployment_id)
    draft = AGREEMENT.in_source("prepare_invitation", deployment)
    if not (draft or AGREEMENT.in_source("sign", deployment)):
        return _not_waiting(request, deployment)
    party = str(request.POST.get("party") or request.GET.get("party") or "")
    row = _signer_to_invite(deployment, party)
    if row is None:
        messages.info(request, "Someone with an account can already sign for that party.")
        return redirect("deployments:detail", deployment.pk)
    prepared = deployment.prepared_invitations.filter(party=row.party).first() if draft else None
    form = InviteSignerForm(
        posted(request),
        initial={"name": prepared.name, "email": prepared.email} if prepared else None,
    )
    if request.method == "POST" and form.is_valid() and draft:
        done = run_service(
            form,
            lambda: prepare_invitation(
                actor=request.user,
                deployment=deployment,
                party=str(row.party),
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
            ),
        )
        if done is not None:
            messages.success(
                request,
                f"Invitation ready for {done.email} to sign as {row.in_sentence}: it is sent "
                "when you send the agreement for signature.",
            )
            return redirect(reverse("deployments:detail", args=[deployment.pk]) + "#parties")
    elif request.method == "POST" and form.is_valid():
        school = (
            deployment.home_school_id
            if row.party == Party.HOME_HEADTEACHER
            else deployment.client_school_id
        )
        outcome = run_service(
            form,
            lambda: invitation_send(
                actor=request.user,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                role=row.invite_role,
                organisation_id=(
                    deployment.organisation_id if row.invite_role == Role.BROKER_LEAD else None
                ),
                school_urn=school if row.invite_role == Role.HEADTEACHER else None,
                site_url=_site_url(request),
            ),
        )
        if outcome is not None:
            email = outcome.invitation.email
            if outcome.status == "sent":
                text = f"Invited {email} to sign as {row.in_sentence}."
            else:
                text = f"{email} already had an account: they can now sign as {row.in_sentence}."
            messages.success(request, text)
            return redirect(reverse("deployments:detail", args=[deployment.pk]) + "#who-can-sign")
    context = {"deployment": deployment, "form": form, "row": row, "draft": draft}
    return render(request, "deployments/invite_signer.html", context)


@login_required
@require_POST
def agreement_invitation_resend(
    request: AuthenticatedHttpRequest, deployment_id: int, invitation_id: int
) -> HttpResponse:
    """Send again the invitation of someone who would sign for one of the agreement's parties."""
    deployment = _managed_waiting(request, deployment_id)
    invitation = None
    for party in (Party.HOME_HEADTEACHER, Party.CLIENT_HEADTEACHER, Party.BROKER_LEAD):
        invitation = pending_invitations_for(deployment, party).filter(pk=invitation_id).first()
        if invitation is not None:
            break
    if invitation is None:
        raise Http404("No such invitation for this agreement.")
    try:
        invitation_resend(actor=request.user, invitation=invitation, site_url=_site_url(request))
    except NotAllowed as refusal:
        raise PermissionDenied(str(refusal)) from None
    except RuleViolation as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Sent the invitation to {invitation.email} again.")
    return redirect(reverse("deployments:detail", args=[deployment.pk]) + "#who-can-sign")


@login_required
def agreement_sign_on_paper(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """Record a signature given on paper: the party, who signed, the date, why, and a scan."""
    deployment = _managed_waiting(request, deployment_id)
    if not AGREEMENT.in_source("sign_on_paper", deployment):
        return _not_waiting(request, deployment)
    parties = [(str(row.party), row.label) for row in party_signers(deployment)]
    initial = {"party": request.GET.get("party", "")}
    form = PaperSignatureForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        parties=parties,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signed = run_service(
            form,
            lambda: services.deployment_sign_on_paper(
                actor=request.user,
                deployment=deployment,
                party=data["party"],
                signer_name=data["signer_name"],
                signed_on=data["signed_on"],
                reason=data["reason"],
                scan=data["scan"],
            ),
        )
        if signed is not None:
            label = dict(parties)[data["party"]]
            text = f"The signature on paper for {label[:1].lower()}{label[1:]} is recorded."
            if signed.status == DeploymentStatus.ACTIVE:
                text += " All four parties have signed: the agreement is active."
            messages.success(request, text)
            return redirect("deployments:detail", deployment.pk)
    context = {"deployment": deployment, "form": form}
    return render(request, "deployments/sign_on_paper.html", context)


@login_required
def agreement_signature_scan(
    request: AuthenticatedHttpRequest, deployment_id: int, party: str
) -> HttpResponseBase:
    """The scan of a signature given on paper, to the people who may see the agreement."""
    deployment = deployment_for_user(request.user, deployment_id)
    signature = (
        deployment.signatures.filter(party=party, on_paper=True).exclude(scan="").first()
        if party in Party.values
        else None
    )
    if signature is None:
        raise Http404("No scan of a signature on paper.")
    try:
        handle = signature.scan.open("rb")
    except FileNotFoundError:
        raise Http404("The scan is no longer stored.") from None
    extension = signature.scan.name.rsplit(".", 1)[-1]
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"agreement-{deployment.pk}-{party}-signed-on-paper.{extension}",
        content_type=signature.scan_type or "application/octet-stream",
    )


__all__ = [
    "agreement_invitation_resend",
    "agreement_invite_signer",
    "agreement_sign_on_paper",
    "agreement_signature_scan",
]
