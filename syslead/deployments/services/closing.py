"""Closing an agreement together, and disputes (docs/rules.md, "Closing an agreement" and
"Disputes").

The leader states whether the support was fully delivered (why not, when not); the leader and the
supported school's headteacher each sign it off, in either order; the parties decide on further
support, which starts a new support request for the school made from this one; a coordinator's
"complete" (``agreements.deployment_complete``) is the last step and is refused until all of these
are recorded and no dispute is open. Anyone who sees the agreement may raise a dispute; the
broker's coordinators record its outcome. Every step is on the agreement's timeline.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from syslead.accounts.models import User
from syslead.brokering.services import request_create
from syslead.core.exceptions import RuleViolation, field_error
from syslead.deployments.access import deployment_roles
from syslead.deployments.closing import close_out_of
from syslead.deployments.models import (
    CloseOut,
    Deployment,
    Dispute,
    FurtherSupport,
    Party,
)
from syslead.deployments.notify import coordinators_of, deployment_path, tell_parties
from syslead.deployments.services.common import lock, record_event
from syslead.deployments.transitions import AGREEMENT, DISPUTE
from syslead.notifications.inbox import notify


def _close_out_locked(deployment: Deployment) -> CloseOut:
    close_out, _ = CloseOut.objects.select_for_update().get_or_create(deployment=deployment)
    return close_out


def _who(deployment: Deployment) -> str:
    return f"{deployment.leader.user.get_full_name()} at {deployment.client_school.name}"


@transaction.atomic
def deployment_state_delivery(
    *, actor: User, deployment: Deployment, fully_delivered: bool | None, reason: str = ""
) -> CloseOut:
    """The leader says whether the support was fully delivered, and why not when it was not
    (required then). It may be said again until someone has signed the agreement off."""
    AGREEMENT.require_permitted(
        "state_delivery", actor, deployment, "Only the system leader says whether it was delivered."
    )
    locked = lock(deployment)
    AGREEMENT.require_source("state_delivery", locked)
    if fully_delivered is None:
        raise field_error("fully_delivered", "Say whether the support was fully delivered.")
    reason = reason.strip()
    if not fully_delivered and not reason:
        raise field_error("reason", "Say why the support was not fully delivered.")
    close_out = _close_out_locked(locked)
    if close_out.leader_signed_off_at or close_out.head_signed_off_at:
        raise RuleViolation(
            "The agreement has been signed off: the statement can no longer change.",
            rule="close_out_signed_off",
        )
    close_out.fully_delivered = fully_delivered
    close_out.not_delivered_reason = "" if fully_delivered else reason
    close_out.stated_by = actor
    close_out.stated_at = timezone.now()
    close_out.full_clean()
    close_out.save()
    summary = (
        "The leader stated the support was fully delivered"
        if fully_delivered
        else f"The leader stated the support was not fully delivered: {reason}"
    )
    record_event(
        actor,
        locked,
        AGREEMENT["state_delivery"].records,
        summary,
        fully_delivered=fully_delivered,
    )
    tell_parties(
        locked,
        parties=[Party.CLIENT_HEADTEACHER],
        coordinators=True,
        verb="deployment.delivery_stated",
        text=f"Sign off the agreement for {_who(locked)}.",
        detail=f"{summary}. The leader and the headteacher each sign it off, then the parties "
        "decide on further support.",
    )
    return close_out


@transaction.atomic
def deployment_sign_off(*, actor: User, deployment: Deployment) -> CloseOut:
    """The leader or the supported school's headteacher signs the agreement off, after the
    leader's statement; each once, in either order."""
    AGREEMENT.require_permitted(
        "sign_off",
        actor,
        deployment,
        "Only the system leader and the supported school's headteacher sign the agreement off.",
    )
    locked = lock(deployment)
    AGREEMENT.require_source("sign_off", locked)
    close_out = _close_out_locked(locked)
    if not close_out.stated:
        raise RuleViolation(
            "The leader has not yet said whether the support was fully delivered: sign it off "
            "after that.",
            rule="close_out_statement_missing",
        )
    roles = deployment_roles(actor, locked)
    now = timezone.now()
    if roles.leader and close_out.leader_signed_off_at is None:
        close_out.leader_signed_off_by, close_out.leader_signed_off_at = actor, now
        as_whom = "the system leader"
    elif roles.client_head and close_out.head_signed_off_at is None:
        close_out.head_signed_off_by, close_out.head_signed_off_at = actor, now
        as_whom = "the supported school's headteacher"
    else:
        raise RuleViolation("You have already signed the agreement off.", rule="signed_off")
    close_out.save()
    record_event(
        actor,
        locked,
        AGREEMENT["sign_off"].records,
        f"Signed off by {as_whom}",
        signed_off_as=as_whom,
    )
    if close_out.signed_off:
        tell_parties(
            locked,
            parties=[Party.LEADER, Party.CLIENT_HEADTEACHER],
            coordinators=True,
            verb="deployment.signed_off",
            text=f"The agreement for {_who(locked)} is signed off by the leader and the "
            "headteacher.",
            detail="Once further support is decided, the broker completes the agreement.",
        )
    return close_out


@transaction.atomic
def deployment_decide_further_support(
    *,
    actor: User,
    deployment: Deployment,
    decision: str,
    summary: str = "",
    days_requested: Decimal | None = None,
) -> CloseOut:
    """Record the decision on further support, after the leader's statement. Further support
    starts a new support request for the supported school, made from this agreement's request
    (its organisation, route, needs and identification criteria) with the ``summary`` and
    ``days_requested`` given, and linked from the close-out. Decided once."""
    AGREEMENT.require_permitted(
        "decide_further_support",
        actor,
        deployment,
        "Only the broker, or whoever may ask for support for the school on this route, decides "
        "on further support.",
    )
    locked = lock(deployment)
    AGREEMENT.require_source("decide_further_support", locked)
    if decision not in FurtherSupport.values:
        raise field_error("decision", "Choose whether the school needs further support.")
    close_out = _close_out_locked(locked)
    if not close_out.stated:
        raise RuleViolation(
            "The leader has not yet said whether the support was fully delivered: decide on "
            "further support after that.",
            rule="close_out_statement_missing",
        )
    if close_out.decided:
        raise RuleViolation("Further support has already been decided.", rule="already_decided")
    if decision == FurtherSupport.FURTHER:
        previous = locked.support_request
        if days_requested is None:
            raise field_error("days_requested", "Give the number of days the school needs.")
        new_request = request_create(
            actor=actor,
            school_urn=locked.client_school_id,
            organisation=locked.organisation,
            route=previous.route,
            needs=list(previous.needs),
            days_requested=days_requested,
            summary=summary,
            context=f"Further support after agreement {locked.pk} ({_who(locked)}).",
            preferred_timing=previous.preferred_timing,
            key_areas=previous.key_areas,
            la_criteria=list(previous.la_criteria),
            chair_of_governors_agreed=previous.chair_of_governors_agreed,
        )
        close_out.further_request = new_request
        text = f"Further support: a new request ({new_request.pk}) for {locked.client_school.name}"
    else:
        text = "No further support"
    close_out.further_support = decision
    close_out.further_support_decided_by = actor
    close_out.further_support_decided_at = timezone.now()
    close_out.save()
    record_event(
        actor,
        locked,
        AGREEMENT["decide_further_support"].records,
        text,
        decision=decision,
        further_request=close_out.further_request_id,
    )
    tell_parties(
        locked,
        parties=[Party.LEADER, Party.CLIENT_HEADTEACHER],
        coordinators=True,
        verb="deployment.further_support_decided",
        text=f"{text}, after the agreement for {_who(locked)}.",
    )
    return close_out


# --- Disputes ------------------------------------------------------------------------------------


@transaction.atomic
def dispute_raise(*, actor: User, deployment: Deployment, what: str) -> Dispute:
    """Anyone who sees the agreement raises a dispute about it (what it is about); the broker's
    coordinators are told."""
    AGREEMENT.require_permitted(
        "raise_dispute", actor, deployment, "You may not raise a dispute on this agreement."
    )
    locked = lock(deployment)
    AGREEMENT.require_source("raise_dispute", locked)
    what = what.strip()
    if not what:
        raise field_error("what", "Say what the dispute is about.")
    roles = deployment_roles(actor, locked)
    hat = next(
        (
            words
            for held, words in (
                (roles.leader, "the system leader"),
                (roles.client_head, "the supported school's headteacher"),
                (roles.home_head, "the headteacher of the leader's school"),
                (roles.coordinator, "a coordinator"),
                (roles.broker_lead, "a broker lead"),
                (roles.sip, "a SIP"),
                (roles.administrator, "an administrator"),
            )
            if held
        ),
        "",
    )
    dispute = Dispute(deployment=locked, what=what, raised_by=actor, raised_as=hat)
    dispute.full_clean()
    dispute.save()
    record_event(
        actor,
        locked,
        AGREEMENT["raise_dispute"].records,
        f"Dispute raised by {hat}: {what}",
        dispute=dispute.pk,
    )
    notify(
        users=[u for u in coordinators_of(locked) if u.pk != actor.pk],
        verb="deployment.dispute_raised",
        text=f"A dispute was raised on the agreement for {_who(locked)}: record its outcome.",
        url=deployment_path(locked.pk) + "#disputes",
        detail=f"Raised by {actor.get_full_name()} ({hat}): {what}",
    )
    return dispute


@transaction.atomic
def dispute_resolve(*, actor: User, dispute: Dispute, outcome: str) -> Dispute:
    """The broker's coordinator records the outcome of an open dispute; whoever raised it is
    told."""
    DISPUTE.require_permitted(
        "resolve",
        actor,
        dispute,
        f"Only a coordinator of {dispute.deployment.organisation.name} records the outcome.",
    )
    locked = Dispute.objects.select_for_update().get(pk=dispute.pk)
    locked.deployment = dispute.deployment
    DISPUTE.require_source("resolve", locked)
    outcome = outcome.strip()
    if not outcome:
        raise field_error("outcome", "Say what the outcome of the dispute is.")
    locked.outcome = outcome
    locked.resolved_by = actor
    locked.resolved_at = timezone.now()
    locked.full_clean()
    DISPUTE.apply(
        "resolve",
        locked,
        actor=actor,
        subject=locked.deployment,
        summary=f"Dispute resolved: {outcome}",
        data={"dispute": locked.pk},
        update_fields=["outcome", "resolved_by", "resolved_at"],
    )
    if locked.raised_by is not None and locked.raised_by_id != actor.pk:
        notify(
            users=[locked.raised_by],
            verb="deployment.dispute_resolved",
            text=f"The dispute you raised on the agreement for {_who(locked.deployment)} has an "
            "outcome.",
            url=deployment_path(locked.deployment_id) + "#disputes",
            detail=outcome,
        )
    return locked


__all__ = [
    "close_out_of",
    "deployment_decide_further_support",
    "deployment_sign_off",
    "deployment_state_delivery",
    "dispute_raise",
    "dispute_resolve",
]
