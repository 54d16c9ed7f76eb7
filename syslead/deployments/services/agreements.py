"""Making and signing the four-party agreement, and closing it (docs/rules.md: Deployment
agreement)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from syslead.accounts.models import User
from syslead.brokering.models import SupportRequest
from syslead.brokering.services import (
    request_agreement_cancelled,
    request_mark_agreed,
    request_require_agreeable,
)
from syslead.capacity.days import days_words
from syslead.capacity.ledger import lock_leader_capacity
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation, field_error
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.deployments.closing import close_out_of, missing_steps
from syslead.deployments.models import (
    COMMITTED_STATUSES,
    Deployment,
    DeploymentStatus,
    DisputeStatus,
    Party,
    Signature,
    SipDecision,
    SupportPackage,
)
from syslead.deployments.notify import ask_parties_to_sign, tell_parties, tell_users
from syslead.deployments.parties import (
    CHAIR_OF_GOVERNORS,
    PARTY_ORDER,
    leader_is_home_headteacher,
    parties_held_by,
    party_in_sentence,
    party_label,
    signed_as_for,
)
from syslead.deployments.preview import rates_for
from syslead.deployments.rules import (
    capacity_shortfall_at_signature,
    check_eligibility,
    length_concern,
)
from syslead.deployments.scans import check_scan
from syslead.deployments.selectors import can_create_deployment, party_signers
from syslead.deployments.services.common import (
    ROUTE_FUNDING,
    NewAgreement,
    agreement_summary,
    apply_costs,
    apply_terms,
    check_package,
    check_rules,
    default_details,
    in_words,
    keep_collection_fitting,
    lock,
    lock_request,
    move,
    rates_of_deployment,
    record_event,
    require_may_override,
    user_or_none,
    with_charging,
    write_agreement,
    write_objectives,
)
from syslead.deployments.services.sending import (
    deployment_prepare_invitation,
    reset_sip_decision,
)
from syslead.deployments.sip import school_sips, sip_agreement_needed
from syslead.deployments.terms import (
    clean_terms,
    require_length_justification,
    require_required_parts,
    terms_of,
    terms_with,
)
from syslead.deployments.transitions import AGREEMENT, INITIAL, require_writable
from syslead.evaluation.services import schedule_feedback
from syslead.leaders.models import LeaderProfile

S = DeploymentStatus
#: Why the SIP did not agree an agreement made and sent in one step (the API's default).
SENT_AT_ONCE = (
    "Made and sent for signature in one step (through the API), so the SIP could not agree it "
    "first."
)


@transaction.atomic
def deployment_create(
    *,
    actor: User,
    support_request: SupportRequest,
    leader: LeaderProfile | None = None,
    starts_on: dt.date,
    ends_on: dt.date,
    full_days: int = 0,
    half_days: int = 0,
    twilight_sessions: int = 0,
    aims: Sequence[str],
    objectives: Sequence[str | Mapping[str, Any]] = (),
    funding_route: str | None = None,
    capacity_override_reason: str = "",
    length_justification: str = "",
    package: SupportPackage | None = None,
    is_lead: bool | None = None,
    length_justification_required: bool = True,
    parts_required: bool = True,
    send_for_signature: bool = True,
    sip_not_asked_reason: str = "",
    **details: str,
) -> Deployment:
    """Make the agreement from a request and a leader (the request's chosen leader when none is
    given), waiting for the four parties' signatures; the request becomes agreed. Only a
    coordinator of the request's organisation (docs/api.md).

    Rules (409, ``rule`` names it): every hard rule of the shortlist but remaining days; the
    home school's release for the year of ``starts_on``; the capacity rule (the days, a half day or
    twilight 0.5, within the leader's remaining days that year) unless a coordinator records a
    reason; one lead per package. Invalid fields are 422, and so is a length outside one to six
    terms without a ``length_justification`` (asked for once the rules pass). The public API,
    whose contract has no such refusal, passes ``length_justification_required=False``: the length
    is then flagged on the timeline for the coordinator instead of refused. Likewise an agreement
    without an objective, an evaluation strategy or the home headteacher (after the parties' names
    are filled in from the roles people hold) is refused (422, naming the draft's section) unless
    ``parts_required=False``: the API's contract makes them optional (docs/rules.md).

    ``funding_route`` defaults from the request's route (school → school, local authority → local
    authority). ``objectives`` are texts, or objects with ``text``, ``outcome``, ``review_on``,
    ``baseline``, ``actions``, ``improvement`` and ``impact``. ``details`` are the forms' other
    fields (``common.DETAIL_FIELDS``). ``is_lead`` None: the agreement leads its package unless
    the package already has a lead. Costs come from the organisation's charging policy for the
    academic year of ``starts_on``.

    ``send_for_signature`` False (the pages' draft) makes a *draft*: nobody is asked to sign until
    a coordinator sends it (``sending.deployment_send_for_signature``); the school's SIP is asked
    to agree it first on the local authority route, and the Parties section's e-mail address of a
    supported school's headteacher without an account prepares their invitation. True (the API,
    whose contract makes it waiting for signatures at once) sends it in the same step: on the
    local authority route with a SIP, the SIP could not agree it first, which is recorded on the
    agreement and its timeline with ``sip_not_asked_reason`` (``SENT_AT_ONCE`` when none is
    given). The API's ``send_for_signature: false`` makes a draft instead, which the SIP agrees
    and the coordinator sends (docs/rules.md, "Sending an agreement for signature").
    """
    if not can_create_deployment(actor, support_request):
        raise NotAllowed(
            f"Only a coordinator of {support_request.organisation.name} may make a deployment "
            "agreement for this request."
        )
    override = (capacity_override_reason or "").strip()
    if override:
        require_may_override(actor, support_request)
    chosen = leader or support_request.chosen_leader
    if chosen is None:
        raise field_error("leader", "Choose the system leader to deploy.")
    route = funding_route or ROUTE_FUNDING.get(support_request.route, "")
    terms = clean_terms(
        starts_on=starts_on,
        ends_on=ends_on,
        full_days=full_days,
        half_days=half_days,
        twilight_sessions=twilight_sessions,
        aims=aims,
        objectives=objectives,
        funding_route=route,
        length_justification=length_justification,
        details=details,
    )
    if parts_required:
        defaults = default_details(chosen, support_request, support_request.school_id)
        require_required_parts(
            replace(
                terms,
                details={**defaults, **{k: v for k, v in terms.details.items() if v}},
            )
        )

    leader_row = lock_leader_capacity(chosen)
    leader_row = LeaderProfile.objects.select_related("user", "home_school").get(pk=leader_row.pk)
    locked_request = lock_request(support_request)
    request_require_agreeable(locked_request)
    lead = check_package(package, locked_request, is_lead) if package is not None else is_lead
    overridden = check_rules(
        actor=actor,
        support_request=locked_request,
        leader=leader_row,
        terms=terms,
        capacity_override_reason=override,
    )
    unjustified_length = None
    if length_justification_required:
        require_length_justification(terms)
    elif not terms.length_justification:
        unjustified_length = length_concern(terms.starts_on, terms.ends_on)

    rates, _default = rates_for(locked_request, terms.academic_year)
    deployment = write_agreement(
        actor,
        NewAgreement(
            support_request=locked_request,
            leader=leader_row,
            rates=rates,
            package=package,
            is_lead=True if lead is None else lead,
            capacity_override_reason=override,
            status=INITIAL if send_for_signature else S.DRAFT,
        ),
        terms,
        overridden,
    )
    sip_reason = (sip_not_asked_reason or "").strip()
    if send_for_signature:
        if len(sip_reason) > TEXT_MAX_LENGTH:
            raise field_error(
                "sip_not_asked_reason", f"Use at most {TEXT_MAX_LENGTH:,} characters."
            )
        if not sip_reason:
            sip_reason = SENT_AT_ONCE
        deployment.sent_for_signature_at = timezone.now()
        fields = ["sent_for_signature_at"]
        if sip_reason and sip_agreement_needed(deployment):
            deployment.sip_decision = SipDecision.NOT_ASKED
            deployment.sip_comments = sip_reason
            deployment.sip_decided_by = actor
            deployment.sip_decided_at = timezone.now()
            fields += ["sip_decision", "sip_comments", "sip_decided_by", "sip_decided_at"]
        deployment.save(update_fields=fields)
    request_mark_agreed(
        actor=actor, request=locked_request, deployment_id=deployment.pk, leader=deployment.leader
    )
    overridden_words = f"; capacity rule passed by a coordinator: {override}" if overridden else ""
    record_event(
        actor,
        deployment,
        "deployment.created",
        f"Agreement made for {leader_row.user.get_full_name()} at "
        f"{locked_request.school.name}: {days_words(deployment.days)} from "
        f"{in_words(deployment.starts_on)}, "
        + (
            "waiting for signatures"
            if send_for_signature
            else "a draft to check and send for signature"
        )
        + overridden_words
        + (
            f"; sent without the SIP's agreement: {deployment.sip_comments}"
            if deployment.sip_decision == SipDecision.NOT_ASKED
            else ""
        ),
        **agreement_summary(deployment),
        capacity_override_reason=override if overridden else "",
    )
    if unjustified_length:
        record_event(
            actor,
            deployment,
            "deployment.length_unjustified",
            f"Length outside the guide of one to six terms, with no justification yet: "
            f"{unjustified_length}",
        )
    if send_for_signature:
        ask_parties_to_sign(deployment, "A deployment agreement is ready for your signature.")
    else:
        _prepare_from_parties(actor, deployment)
        _ask_sip(deployment, "A draft support agreement waits for your agreement.")
    return deployment


def _ask_sip(deployment: Deployment, intro: str) -> None:
    """On the local authority route, ask the school's SIP to agree the draft."""
    sips = school_sips(deployment)
    if sips:
        tell_users(
            deployment,
            sips,
            verb="deployment.sip_to_agree",
            text=f"Agree the support agreement for {deployment.client_school.name} before it "
            "is sent for signature.",
            detail=intro,
        )


def _prepare_from_parties(actor: User, deployment: Deployment) -> None:
    """The Parties section named the supported school's headteacher with an e-mail address and no
    one with an account can sign for that school: their invitation is prepared (sent with the
    agreement)."""
    email = deployment.client_headteacher_email
    name = deployment.client_headteacher_name
    if not (email and name):
        return
    row = next((r for r in party_signers(deployment) if r.party == Party.CLIENT_HEADTEACHER), None)
    if row is None or row.can_sign or not row.invite_role:
        return
    deployment_prepare_invitation(
        actor=actor, deployment=deployment, party=str(row.party), email=email, name=name
    )


@transaction.atomic
def deployment_update(
    *,
    actor: User,
    deployment: Deployment,
    capacity_override_reason: str | None = None,
    **changes: Any,
) -> Deployment:
    """Change the terms of an agreement still waiting for signatures (a coordinator of its
    organisation). The same rules as making it apply; signatures already given are withdrawn,
    since the parties signed other terms, and everyone signs again."""
    AGREEMENT.require_permitted(
        "update",
        actor,
        deployment,
        f"Only a coordinator of {deployment.organisation.name} may change this agreement.",
    )
    locked = lock(deployment)
    AGREEMENT.require_source("update", locked)
    override = (
        locked.capacity_override_reason
        if capacity_override_reason is None
        else capacity_override_reason.strip()
    )
    if capacity_override_reason:
        require_may_override(actor, locked.support_request)
    terms = clean_terms(**terms_with(terms_of(locked), changes))
    overridden = check_rules(
        actor=actor,
        support_request=locked.support_request,
        leader=locked.leader,
        terms=terms,
        capacity_override_reason=override,
        deployment=locked,
    )
    require_length_justification(terms)
    require_required_parts(terms)
    if terms.academic_year != locked.academic_year:
        rates, _default = rates_for(locked.support_request, terms.academic_year)
        rates = with_charging(locked, rates)
    else:
        rates = rates_of_deployment(locked)
    apply_terms(locked, terms)
    keep_collection_fitting(locked)
    if overridden:
        if override != locked.capacity_override_reason:
            locked.capacity_overridden_by = user_or_none(actor)
        locked.capacity_override_reason = override
    else:
        locked.capacity_override_reason = ""
        locked.capacity_overridden_by = None
    apply_costs(locked, rates)
    sip_withdrawn = reset_sip_decision(locked)
    locked.full_clean()
    locked.save()
    write_objectives(locked, terms.objectives)
    withdrawn = list(locked.signatures.values_list("party", flat=True))
    _delete_scans_on_commit(locked)
    locked.signatures.all().delete()
    record_event(
        actor,
        locked,
        "deployment.updated",
        "Terms changed"
        + ("; signatures withdrawn: everyone signs again" if withdrawn else "")
        + ("; the SIP's answer is withdrawn: they agree the new terms" if sip_withdrawn else ""),
        **agreement_summary(locked),
        changed=sorted(changes),
        signatures_withdrawn=withdrawn,
    )
    if withdrawn:
        ask_parties_to_sign(locked, "The terms of the agreement have changed: please sign again.")
    if sip_withdrawn or (locked.status == S.DRAFT and not locked.sip_decision):
        _ask_sip(locked, "The terms of the draft support agreement have changed.")
    return locked


def _delete_scans_on_commit(deployment: Deployment) -> None:
    """The scans of signatures given on paper that are being withdrawn go once the withdrawal
    commits (nothing points to them any more)."""
    for signature in deployment.signatures.exclude(scan=""):
        transaction.on_commit(partial(signature.scan.storage.delete, signature.scan.name))


@transaction.atomic
def deployment_sign(*, actor: User, deployment: Deployment) -> Deployment:
    """Sign the agreement as the caller's party: the first unsigned one they hold, in the order
    leader, home school's headteacher, supported school's headteacher, broker lead (see
    ``parties``). Refused to anyone who is none of the four (403), to a party that has signed
    (409 ``already_signed``) and unless the agreement waits for signatures (409). The last
    signature activates it after checking eligibility and capacity again under the leader's lock,
    so two agreements signed at the same moment can never over-commit a leader."""
    AGREEMENT.require_permitted(
        "sign",
        actor,
        deployment,
        "Only the four parties sign the agreement: the system leader, the headteachers of "
        "the leader's school and of the supported school, and the broker lead.",
    )
    held = parties_held_by(actor, deployment)
    locked = lock(deployment)
    require_writable(locked)
    signed = set(locked.signatures.values_list("party", flat=True))
    party = next((p for p in held if p not in signed), None)
    if party is None:
        as_words = " and ".join(party_in_sentence(locked, p) for p in held)
        raise RuleViolation(
            f"You have already signed this agreement as {as_words}.", rule="already_signed"
        )
    AGREEMENT.require_source("sign", locked)
    return _sign(actor, locked, party, signed_as_for(locked, party))


@transaction.atomic
def deployment_sign_for_chair(
    *, actor: User, deployment: Deployment, chair_name: str
) -> Deployment:
    """Record the chair of governors' signature for the home school when the leader is its
    headteacher (as LLEs are): a coordinator of the organisation records it on the chair's behalf,
    naming the chair (docs/rules.md, Requests: "The leader's governing body must agree to the
    release")."""
    if not AGREEMENT.permitted("sign_on_paper", actor, deployment):
        raise NotAllowed(
            f"Only a coordinator of {deployment.organisation.name} may record the chair's "
            "signature on this agreement."
        )
    chair = " ".join((chair_name or "").split())
    if not chair:
        raise field_error("chair_name", "Name the chair of governors who signed.")
    if len(chair) > 100:
        raise field_error("chair_name", "Use at most 100 characters.")
    locked = lock(deployment)
    AGREEMENT.require_source("sign_on_paper", locked)
    if not leader_is_home_headteacher(locked):
        raise RuleViolation(
            f"{locked.leader.user.get_full_name()} is not the headteacher of "
            f"{locked.home_school.name}: its headteacher signs, not the chair of governors.",
            rule="chair_not_needed",
        )
    if locked.signatures.filter(party=Party.HOME_HEADTEACHER).exists():
        raise RuleViolation(
            f"{locked.home_school.name} has already signed this agreement.", rule="already_signed"
        )
    return _sign(actor, locked, Party.HOME_HEADTEACHER, f"{CHAIR_OF_GOVERNORS}: {chair}")


@transaction.atomic
def deployment_sign_on_paper(
    *,
    actor: User,
    deployment: Deployment,
    party: str,
    signer_name: str,
    signed_on: dt.date | None,
    reason: str,
    scan: Any,
) -> Deployment:
    """Record a party's signature given on paper (a coordinator of the organisation): who signed,
    the day, why on paper, and a scan of the signed agreement (a PDF or an image, at most 20 MB,
    its type read from its first bytes). It counts as that party's signature: the fourth
    activates the agreement after the same checks as signing. Nothing is kept when refused."""
    AGREEMENT.require_permitted(
        "sign_on_paper",
        actor,
        deployment,
        f"Only a coordinator of {deployment.organisation.name} may record a signature on "
        "paper on this agreement.",
    )
    errors = FieldErrors()
    signer = " ".join((signer_name or "").split())
    why = (reason or "").strip()
    if party not in {str(p) for p in PARTY_ORDER}:
        errors["party"] = ["Choose the party who signed on paper."]
    if not signer:
        errors["signer_name"] = ["Enter the name of the person who signed."]
    elif len(signer) > 150:
        errors["signer_name"] = ["The name must be 150 characters or fewer."]
    if signed_on is None:
        errors["signed_on"] = ["Enter the date they signed."]
    elif signed_on > timezone.localdate():
        errors["signed_on"] = ["The date they signed must be today or in the past."]
    if not why:
        errors["reason"] = ["Say why the signature was given on paper."]
    elif len(why) > TEXT_MAX_LENGTH:
        errors["reason"] = [f"The reason must be {TEXT_MAX_LENGTH:,} characters or fewer."]
    content_type = extension = ""
    try:
        content_type, extension = check_scan(scan)
    except ValidationError as error:
        errors.update(error.message_dict)
    errors.raise_if_any()
    locked = lock(deployment)
    AGREEMENT.require_source("sign_on_paper", locked)
    which = Party(party)
    if locked.signatures.filter(party=which).exists():
        raise RuleViolation(
            f"{party_label(locked, which)} has already signed this agreement.",
            rule="already_signed",
        )
    signed_as = signed_as_for(locked, which)
    signature = Signature(
        deployment=locked,
        party=which,
        signed_by=actor,
        signed_as=signed_as[:150],
        on_paper=True,
        paper_signer=signer,
        paper_signed_on=signed_on,
        paper_reason=why,
        scan_type=content_type,
    )
    assert signed_on is not None
    stored = ""
    try:
        signature.scan.save(f"deployment-{locked.pk}-{which}.{extension}", scan, save=False)
        stored = signature.scan.name
        signature.full_clean(exclude=["deployment", "signed_by"])
        signature.save()
        record_event(
            actor,
            locked,
            AGREEMENT["sign_on_paper"].records,
            f"Signed on paper by {signer} as {signed_as} on {in_words(signed_on)} (recorded by "
            f"{actor.get_full_name()}): {why}",
            party=str(which),
            signed_as=signed_as,
            on_paper=True,
            signed_on=signed_on,
        )
        if locked.signatures.count() == len(PARTY_ORDER):
            _activate(actor, locked)
    except BaseException:
        if stored:
            signature.scan.storage.delete(stored)
        raise
    return locked


def _sign(actor: User, deployment: Deployment, party: Party, signed_as: str) -> Deployment:
    signature = Signature(
        deployment=deployment, party=party, signed_by=actor, signed_as=signed_as[:150]
    )
    signature.full_clean(exclude=["deployment", "signed_by"])
    signature.save()
    record_event(
        actor,
        deployment,
        AGREEMENT["sign"].records,
        f"Signed by {actor.get_full_name()} as {signed_as}",
        party=str(party),
        signed_as=signed_as,
    )
    if deployment.signatures.count() == len(PARTY_ORDER):
        _activate(actor, deployment)
    return deployment


def _activate(actor: User, deployment: Deployment) -> None:
    """All four have signed: check again (the leader's lock is held) and make it active."""
    check_eligibility(deployment.support_request, deployment.leader, deployment.academic_year)
    shortfall = capacity_shortfall_at_signature(deployment)
    if shortfall is not None and not deployment.capacity_override_reason:
        raise RuleViolation(shortfall, rule="capacity")
    activated = move(actor, deployment, "activate", activated_at=timezone.now())
    # The headteacher's termly feedback is due at the end of every term the agreement spans.
    schedule_feedback(deployment)
    record_event(
        actor,
        deployment,
        activated.records,
        "All four parties have signed: the agreement is active",
        days=str(deployment.days),
        academic_year=deployment.academic_year,
        capacity_overridden=shortfall is not None,
    )
    tell_parties(
        deployment,
        verb="deployment.activated",
        text=f"All four parties have signed: {deployment.leader.user.get_full_name()}'s support "
        f"for {deployment.client_school.name} is active.",
    )


@transaction.atomic
def deployment_cancel(*, actor: User, deployment: Deployment, reason: str) -> Deployment:
    """Cancel an agreement before it is active (a coordinator of its organisation); its days are
    freed. Cancelling an amendment brings back the version it would have replaced (its days must
    still fit the leader's capacity)."""
    AGREEMENT.require_permitted(
        "cancel",
        actor,
        deployment,
        f"Only a coordinator of {deployment.organisation.name} may cancel this agreement.",
    )
    locked = lock(deployment)
    AGREEMENT.require_source("cancel", locked)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "Give the reason for cancelling.")
    cancelled = move(actor, locked, "cancel", ended_on=timezone.localdate(), end_reason=reason)
    restored = _restore_previous_version(actor, locked)
    if restored is None:
        _reopen_request(actor, locked)
    record_event(
        actor,
        locked,
        cancelled.records,
        f"Cancelled: {reason}"
        + (f"; version {restored.version} is in force again" if restored else ""),
        reason=reason,
        restored_version=restored.pk if restored else None,
    )
    tell_parties(
        locked,
        verb="deployment.cancelled",
        text=f"The agreement for {locked.leader.user.get_full_name()} at "
        f"{locked.client_school.name} has been cancelled before it started.",
        detail=f"Reason: {reason}",
    )
    return locked


def _restore_previous_version(actor: User, cancelled: Deployment) -> Deployment | None:
    previous = cancelled.previous_version
    if previous is None or not AGREEMENT.in_source("restore", previous):
        return None
    shortfall = capacity_shortfall_at_signature(previous)
    if shortfall is not None and not previous.capacity_override_reason:
        raise RuleViolation(
            f"The amendment cannot be cancelled because the earlier version no longer fits: "
            f"{shortfall}",
            rule="capacity",
        )
    restored = move(actor, previous, "restore")
    record_event(
        actor,
        previous,
        restored.records,
        f"The amendment (version {cancelled.version}) was cancelled: this version is in force "
        "again",
        amendment=cancelled.pk,
    )
    return previous


def _reopen_request(actor: User, deployment: Deployment) -> None:
    """No agreement left for the request: it goes back to its leader being chosen (or open)."""
    support_request = SupportRequest.objects.select_for_update(of=("self",)).get(
        pk=deployment.support_request_id
    )
    others = Deployment.objects.filter(
        support_request=support_request, status__in=(S.DRAFT, *COMMITTED_STATUSES)
    ).exclude(pk=deployment.pk)
    if others.exists():
        return
    request_agreement_cancelled(actor=actor, request=support_request, deployment_id=deployment.pk)


@transaction.atomic
def deployment_complete(
    *, actor: User, deployment: Deployment, completed_on: dt.date | None = None
) -> Deployment:
    """Mark an active (or paused) agreement completed (a coordinator of its organisation): the
    leader and the headteacher meet to finalise and sign off the support at its end. The last step
    of closing it together: refused (``close_out_incomplete``) until the leader's statement, both
    sign-offs and the decision on further support are recorded, and (``dispute_open``) while a
    dispute is open (docs/rules.md, "Closing an agreement"). A completed agreement is read-only."""
    AGREEMENT.require_permitted(
        "complete",
        actor,
        deployment,
        f"Only a coordinator of {deployment.organisation.name} may complete this agreement.",
    )
    locked = lock(deployment)
    AGREEMENT.require_source("complete", locked)
    # The last step of closing it together (docs/rules.md, "Closing an agreement").
    missing = missing_steps(close_out_of(locked))
    if missing:
        raise RuleViolation(
            "The agreement cannot be completed yet: it still needs " + "; ".join(missing) + ".",
            rule="close_out_incomplete",
        )
    if locked.disputes.filter(status=DisputeStatus.OPEN).exists():
        raise RuleViolation(
            "A dispute on the agreement is open: record its outcome before completing it.",
            rule="dispute_open",
        )
    day = completed_on or timezone.localdate()
    if day < locked.starts_on:
        raise field_error("completed_on", "An agreement cannot be completed before it starts.")
    completed = move(actor, locked, "complete", ended_on=day)
    record_event(
        actor,
        locked,
        completed.records,
        f"Completed on {in_words(day)}",
        completed_on=day,
    )
    tell_parties(
        locked,
        parties=[Party.LEADER, Party.CLIENT_HEADTEACHER],
        verb="deployment.completed",
        text=f"{locked.leader.user.get_full_name()}'s support for {locked.client_school.name} is "
        "complete.",
        detail="The headteacher of the supported school now completes the end-of-support "
        "evaluation.",
    )
    return locked


__all__ = [
    "default_details",
    "deployment_cancel",
    "deployment_complete",
    "deployment_create",
    "deployment_sign",
    "deployment_sign_for_chair",
    "deployment_sign_on_paper",
    "deployment_update",
]
