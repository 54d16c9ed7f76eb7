"""Sending a draft agreement for signature (docs/rules.md, "Sending an agreement for signature"):
invitations prepared for parties no one with an account holds, the SIP's agreement on the local
authority route, and the step that asks the parties to sign and sends the prepared invitations.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from syslead.accounts.models import Role, User
from syslead.core.exceptions import FieldErrors, RuleViolation, field_error
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.deployments.models import Deployment, Party, PreparedInvitation, SipDecision
from syslead.deployments.notify import ask_parties_to_sign, tell_coordinators, tell_users
from syslead.deployments.parties import party_in_sentence
from syslead.deployments.selectors import party_signers
from syslead.deployments.services.common import check_rules, lock, move, record_event
from syslead.deployments.sip import school_sips, sip_agreement_needed
from syslead.deployments.terms import terms_of
from syslead.deployments.transitions import AGREEMENT
from syslead.invitations.models import Invitation, InvitationStatus
from syslead.invitations.services import invitation_send


def _text(value: str, name: str, missing: str) -> str:
    text = (value or "").strip()
    if not text:
        raise field_error(name, missing)
    if len(text) > TEXT_MAX_LENGTH:
        raise field_error(name, f"Use at most {TEXT_MAX_LENGTH:,} characters.")
    return text


@transaction.atomic
def deployment_prepare_invitation(
    *, actor: User, deployment: Deployment, party: str, email: str, name: str
) -> PreparedInvitation:
    """Name the person who will sign for a party no one with an account holds, on a draft (a
    coordinator): the invitation is kept and sent when the agreement is sent for signature.
    Preparing again for the same party replaces the name and address. Refused (409
    ``signer_has_account``) when someone with an account can already sign for the party."""
    AGREEMENT.require_permitted(
        "prepare_invitation",
        actor,
        deployment,
        f"Only a coordinator of {deployment.organisation.name} may invite people to sign this "
        "agreement.",
    )
    errors = FieldErrors()
    address = (email or "").strip().lower()
    person = " ".join((name or "").split())
    try:
        validate_email(address)
    except ValidationError:
        errors["email"] = ["Enter an e-mail address in the correct format, like name@school.org.uk"]
    if not person:
        errors["name"] = ["Enter the person's name"]
    elif len(person) > 150:
        errors["name"] = ["The name must be 150 characters or fewer"]
    errors.raise_if_any()
    locked = lock(deployment)
    AGREEMENT.require_source("prepare_invitation", locked)
    row = next((r for r in party_signers(locked) if str(r.party) == party), None)
    if row is None or row.can_sign or not row.invite_role:
        raise RuleViolation(
            "Someone with an account can already sign for that party: there is no one to invite.",
            rule="signer_has_account",
        )
    prepared, _ = PreparedInvitation.objects.update_or_create(
        deployment=locked,
        party=row.party,
        defaults={"email": address, "name": person, "prepared_by": actor},
    )
    record_event(
        actor,
        locked,
        AGREEMENT["prepare_invitation"].records,
        f"Invitation to sign as {row.in_sentence} prepared for {person} ({address}): it is sent "
        "when the agreement is sent for signature",
        party=str(row.party),
        email=address,
    )
    return prepared


def _sip_answer(actor: User, deployment: Deployment, step: str) -> Deployment:
    AGREEMENT.require_permitted(
        step,
        actor,
        deployment,
        "Only the supported school's SIP agrees a local authority route agreement before it is "
        "sent for signature.",
    )
    locked = lock(deployment)
    AGREEMENT.require_source(step, locked)
    return locked


@transaction.atomic
def deployment_sip_agree(*, actor: User, deployment: Deployment, comments: str = "") -> Deployment:
    """The school's SIP agrees the draft (local authority route): the coordinator may now send it
    for signature. Optional comments."""
    locked = _sip_answer(actor, deployment, "sip_agree")
    note = (comments or "").strip()
    if len(note) > TEXT_MAX_LENGTH:
        raise field_error("comments", f"Use at most {TEXT_MAX_LENGTH:,} characters.")
    _record_sip(actor, locked, SipDecision.AGREED, note)
    record_event(
        actor,
        locked,
        AGREEMENT["sip_agree"].records,
        f"Agreed by the SIP ({actor.get_full_name()})" + (f": {note}" if note else ""),
        comments=note,
    )
    tell_coordinators(
        locked,
        verb="deployment.sip_agreed",
        text=f"The SIP agreed the support agreement for {locked.client_school.name}: send it "
        "for signature.",
        detail=note,
    )
    return locked


@transaction.atomic
def deployment_sip_request_changes(
    *, actor: User, deployment: Deployment, comments: str
) -> Deployment:
    """The school's SIP asks for changes to the draft, saying which (required). The coordinator
    changes the terms (the SIP is asked again) or records why it goes without the SIP."""
    locked = _sip_answer(actor, deployment, "sip_request_changes")
    note = _text(comments, "comments", "Say what should change.")
    _record_sip(actor, locked, SipDecision.CHANGES_REQUESTED, note)
    record_event(
        actor,
        locked,
        AGREEMENT["sip_request_changes"].records,
        f"Changes asked for by the SIP ({actor.get_full_name()}): {note}",
        comments=note,
    )
    tell_coordinators(
        locked,
        verb="deployment.sip_changes_requested",
        text=f"The SIP asked for changes to the support agreement for {locked.client_school.name}.",
        detail=note,
    )
    return locked


def _record_sip(actor: User, deployment: Deployment, decision: str, comments: str) -> None:
    deployment.sip_decision = decision
    deployment.sip_comments = comments
    deployment.sip_decided_by = actor
    deployment.sip_decided_at = timezone.now()
    deployment.save(
        update_fields=["sip_decision", "sip_comments", "sip_decided_by", "sip_decided_at"]
    )


def require_sip_agreement(deployment: Deployment, reason: str) -> None:
    """On the local authority route with a SIP, sending needs the SIP's agreement or the
    coordinator's reason for going without it (409 ``sip_agreement_needed``)."""
    if not sip_agreement_needed(deployment) or deployment.sip_decision == SipDecision.AGREED:
        return
    if reason:
        return
    names = ", ".join(sip.get_full_name() for sip in school_sips(deployment))
    asked = (
        " The SIP asked for changes: change the terms, or give the reason for sending it anyway."
        if deployment.sip_decision == SipDecision.CHANGES_REQUESTED
        else ""
    )
    raise RuleViolation(
        f"On the local authority route the school's SIP ({names}) agrees the support agreement "
        "before it is sent for signature; they have not agreed it yet. Wait for them, or record "
        f"why it is sent without their agreement.{asked}",
        rule="sip_agreement_needed",
    )


@transaction.atomic
def deployment_send_for_signature(
    *,
    actor: User,
    deployment: Deployment,
    sip_not_asked_reason: str = "",
    site_url: str = "",
) -> Deployment:
    """Send a draft for signature (a coordinator): eligibility and capacity are checked again
    (drafts hold no days), the SIP's agreement is needed on the local authority route (or the
    coordinator's reason, recorded), then the parties are asked to sign and each prepared
    invitation is sent through the invitations service. Nothing is sent when refused."""
    AGREEMENT.require_permitted(
        "send_for_signature",
        actor,
        deployment,
        f"Only a coordinator of {deployment.organisation.name} may send this agreement for "
        "signature.",
    )
    reason = (sip_not_asked_reason or "").strip()
    if len(reason) > TEXT_MAX_LENGTH:
        raise field_error("sip_not_asked_reason", f"Use at most {TEXT_MAX_LENGTH:,} characters.")
    locked = lock(deployment)
    AGREEMENT.require_source("send_for_signature", locked)
    require_sip_agreement(locked, reason)
    check_rules(
        actor=actor,
        support_request=locked.support_request,
        leader=locked.leader,
        terms=terms_of(locked),
        capacity_override_reason=locked.capacity_override_reason,
        deployment=locked,
    )
    if reason and locked.sip_decision != SipDecision.AGREED:
        _record_sip(actor, locked, SipDecision.NOT_ASKED, reason)
    sent = move(actor, locked, "send_for_signature", sent_for_signature_at=timezone.now())
    invited = _send_prepared(actor, locked, site_url)
    words = "Sent for signature: the parties have been asked to sign"
    if invited:
        words += "; invitations sent to " + ", ".join(invited)
    if reason and locked.sip_decision == SipDecision.NOT_ASKED:
        words += f"; sent without the SIP's agreement: {reason}"
    record_event(
        actor,
        locked,
        sent.records,
        words,
        invited=invited,
        sip_not_asked_reason=reason if locked.sip_decision == SipDecision.NOT_ASKED else "",
    )
    ask_parties_to_sign(locked, "A deployment agreement is ready for your signature.")
    sips = school_sips(locked)
    if sips:
        tell_users(
            locked,
            sips,
            verb="deployment.sent_for_signature",
            text=f"The support agreement for {locked.client_school.name} has been sent for "
            "signature.",
        )
    return locked


def _send_prepared(actor: User, deployment: Deployment, site_url: str) -> list[str]:
    """Send each prepared invitation whose party still has no one with an account to sign (an
    invitation already pending for the same person is linked instead of sent twice)."""
    open_parties = {str(row.party): row for row in party_signers(deployment) if not row.can_sign}
    sent: list[str] = []
    for prepared in deployment.prepared_invitations.filter(sent_at__isnull=True):
        row = open_parties.get(prepared.party)
        if row is None or not row.invite_role:
            continue
        school = (
            deployment.home_school_id
            if prepared.party == Party.HOME_HEADTEACHER
            else deployment.client_school_id
        )
        role = row.invite_role
        organisation = deployment.organisation_id if role == Role.BROKER_LEAD else None
        urn = school if role == Role.HEADTEACHER else None
        try:
            with transaction.atomic():
                outcome = invitation_send(
                    actor=actor,
                    email=prepared.email,
                    name=prepared.name,
                    role=role,
                    organisation_id=organisation,
                    school_urn=urn,
                    site_url=site_url,
                )
            invitation: Invitation | None = outcome.invitation
        except RuleViolation as refusal:
            if refusal.rule != "invitation_pending":
                raise
            pending = Invitation.objects.filter(
                email=prepared.email, role=role, status=InvitationStatus.PENDING
            )
            pending = (
                pending.filter(organisation_id=organisation)
                if organisation is not None
                else pending.filter(school_id=school)
            )
            invitation = pending.first()
        prepared.invitation = invitation
        prepared.sent_at = timezone.now()
        prepared.save(update_fields=["invitation", "sent_at"])
        sent.append(f"{prepared.email} ({party_in_sentence(deployment, Party(prepared.party))})")
    return sent


def reset_sip_decision(deployment: Deployment) -> bool:
    """The draft's terms changed: the SIP's earlier answer no longer stands (they agree again).
    Returns whether there was one."""
    if deployment.status != "draft" or not deployment.sip_decision:
        return False
    deployment.sip_decision = ""
    deployment.sip_comments = ""
    deployment.sip_decided_by = None
    deployment.sip_decided_at = None
    return True


__all__ = [
    "deployment_prepare_invitation",
    "deployment_send_for_signature",
    "deployment_sip_agree",
    "deployment_sip_request_changes",
    "require_sip_agreement",
    "reset_sip_decision",
]
