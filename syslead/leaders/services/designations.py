"""Designating, reviewing and revoking, with the automatic association of leaders designated by a
broker (docs/rules.md: Designations, Association)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation, field_error
from syslead.leaders.constants import LIVE_DESIGNATION_STATUSES
from syslead.leaders.eligibility import eligibility_check
from syslead.leaders.models import (
    Association,
    Designation,
    DesignationApplication,
    DesignationStatus,
    LeaderProfile,
)
from syslead.leaders.release_policy import holds_exclusive_designation
from syslead.leaders.services._helpers import (
    default_review_on,
    json_value,
    lock_leader,
    require_text,
)
from syslead.leaders.services.association import insert_live_association
from syslead.leaders.services.vocabularies import designation_type_for_code
from syslead.leaders.transitions import DESIGNATION_TRANSITIONS, may_act_for
from syslead.leaders.wording import date_in_words
from syslead.organisations.models import Organisation


@transaction.atomic
def designation_create(
    *,
    actor: User,
    leader: LeaderProfile,
    type_code: str,
    designated_on: dt.date,
    organisation: Organisation | None,
    review_on: dt.date | None = None,
    application: DesignationApplication | None = None,
) -> Designation:
    """Designate a leader (a coordinator of the designating organisation; a national designation,
    with no organisation, by a coordinator who manages the leader). One live designation per type.
    Due for review 3 years on unless ``review_on`` is given. Leaders designated by a broker are
    associated with it automatically (docs/rules.md: Association), except that an LLE already
    associated elsewhere is not moved (see ``_associate_on_designation``). Unmet criteria are
    recorded with the event, not refused."""
    if not may_act_for(actor, leader, organisation.pk if organisation else None):
        raise NotAllowed(
            f"Only coordinators of {organisation.name} may designate for it."
            if organisation
            else "Only a coordinator of the leader's organisation may record a designation."
        )
    designation_type = designation_type_for_code(type_code, organisation)
    errors = FieldErrors()
    if designated_on is None:
        errors["designated_on"] = ["Give the date of designation."]
    if review_on is not None and designated_on is not None and review_on < designated_on:
        errors["review_on"] = ["The review date must fall after the designation."]
    errors.raise_if_any()
    leader = lock_leader(leader)
    existing = Designation.objects.filter(
        leader=leader, type=designation_type, status__in=LIVE_DESIGNATION_STATUSES
    ).first()
    if existing is not None:
        raise RuleViolation(
            f"{leader.name} already holds the {designation_type.code} designation (designated "
            f"{date_in_words(existing.designated_on)}); revoke it before designating again.",
            rule="already_designated",
        )
    designation = Designation(
        leader=leader,
        type=designation_type,
        organisation=organisation,
        status=DesignationStatus.ACTIVE,
        designated_on=designated_on,
        review_on=review_on or default_review_on(designated_on),
        application=application,
    )
    designation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            designation.save()
    except IntegrityError:
        raise RuleViolation(
            f"{leader.name} already holds the {designation_type.code} designation.",
            rule="already_designated",
        ) from None
    unmet = eligibility_check(designation_type, leader, leader.years_experience)
    event_record(
        actor=actor,
        subject=designation,
        verb="designation.created",
        summary=f"{leader.name} designated {designation_type.code}"
        + (f" by {organisation.name}" if organisation else ""),
        data={
            "type": designation_type.code,
            "organisation": organisation.pk if organisation else None,
            "designated_on": json_value(designated_on),
            "review_on": json_value(designation.review_on),
            "unmet_criteria": unmet,
        },
    )
    _associate_on_designation(actor=actor, designation=designation)
    return designation


def _associate_on_designation(*, actor: User, designation: Designation) -> Association | None:
    """ "Leaders designated by a broker are associated with it automatically", within the LLE rule
    (one association at a time). Runs under the leader's lock, inside designation_create.

    - National designation (no organisation): nothing to do.
    - Already associated with the designating organisation: nothing new (for an exclusive type the
      association becomes exclusive).
    - Exclusive type (LLE), associated with no one: associated with the designating organisation.
    - Exclusive type, associated with exactly one other organisation: not moved ("ultimately it
      will be the choice of LLEs who they associate with"); that association becomes the exclusive
      one, so no second can be added.
    - Exclusive type, associated with several organisations (as an SLE may be): no automatic
      association, nothing ended (ending is the leader's written notice, and agreements made must be
      honoured); an event records the conflict and ``leader_flags`` shows it until all but one
      association has ended. No further association can be added meanwhile.
    - Other types: associated with the designating organisation, unless the leader is an LLE
      associated elsewhere (the LLE's broker brokers all of their deployments).
    """
    organisation = designation.organisation
    if organisation is None:
        return None
    leader = designation.leader
    live = list(
        Association.objects.filter(leader=leader, is_live=True).select_related("organisation")
    )
    exclusive_leader = holds_exclusive_designation(leader)
    here = next((a for a in live if a.organisation_id == organisation.pk), None)
    others = [a for a in live if a.organisation_id != organisation.pk]

    if exclusive_leader and len(live) > 1:
        event_record(
            actor=actor,
            subject=designation,
            verb="designation.association_conflict",
            summary=f"{leader.name} is an LLE associated with {len(live)} organisations: "
            "one association must end",
            data={"organisations": sorted(a.organisation_id for a in live)},
        )
        return None
    if here is not None:
        if exclusive_leader and not here.exclusive:
            here.exclusive = True
            here.save(update_fields=["exclusive"])
            event_record(
                actor=actor,
                subject=here,
                verb="association.made_exclusive",
                summary=f"{leader.name}'s association with {organisation.name} is now exclusive",
            )
        return here
    if others:
        other = others[0]
        if exclusive_leader and not other.exclusive:
            other.exclusive = True
            other.save(update_fields=["exclusive"])
        event_record(
            actor=actor,
            subject=designation,
            verb="designation.not_associated",
            summary=f"{leader.name} stays associated with {other.organisation.name}, not "
            f"{organisation.name}",
            data={"associated_with": other.organisation_id, "designated_by": organisation.pk},
        )
        if exclusive_leader:
            return None
    return insert_live_association(
        actor=actor,
        leader=leader,
        organisation=organisation,
        starts_on=designation.designated_on,
        automatic=True,
    )


@transaction.atomic
def designation_revoke(
    *, actor: User, designation: Designation, revoked_on: dt.date, reason: str
) -> Designation:
    """De-designate with a reason (docs/rules.md, Designations: "revoked with a reason"): a
    coordinator of the designating organisation. Associations stay; an LLE who is no longer one
    loses the exclusivity of their association."""
    designation = (
        Designation.objects.select_for_update(of=("self",))
        .select_related("leader__user", "type", "organisation")
        .get(pk=designation.pk)
    )
    DESIGNATION_TRANSITIONS.require_permitted(
        "revoke",
        actor,
        designation,
        "Only a coordinator of the designating organisation may revoke it.",
    )
    errors = FieldErrors()
    text = require_text(reason, "reason", "Give the reason for revoking the designation.", errors)
    if revoked_on is None:
        errors["revoked_on"] = ["Give the date of revocation."]
    elif revoked_on < designation.designated_on:
        errors["revoked_on"] = ["The revocation cannot come before the designation."]
    errors.raise_if_any()
    DESIGNATION_TRANSITIONS.require_source(
        "revoke",
        designation,
        f"The {designation.type.code} designation was already revoked on "
        f"{date_in_words(designation.revoked_on or revoked_on)}.",
    )
    leader = lock_leader(designation.leader)
    designation.revoked_on = revoked_on
    designation.revoked_reason = text
    designation.full_clean(validate_constraints=False)
    DESIGNATION_TRANSITIONS.apply(
        "revoke",
        designation,
        actor=actor,
        update_fields=["revoked_on", "revoked_reason"],
        summary=f"{leader.name}'s {designation.type.code} designation revoked",
        data={"revoked_on": json_value(revoked_on), "reason": text},
    )
    if not holds_exclusive_designation(leader):
        Association.objects.filter(leader=leader, is_live=True, exclusive=True).update(
            exclusive=False
        )
    return designation


@transaction.atomic
def designation_review_open(*, actor: User, designation: Designation, reason: str) -> Designation:
    """Open a review of a designation (it is held meanwhile): a coordinator of the designating
    organisation."""
    designation = (
        Designation.objects.select_for_update(of=("self",))
        .select_related("leader__user", "type", "organisation")
        .get(pk=designation.pk)
    )
    DESIGNATION_TRANSITIONS.require_permitted(
        "review",
        actor,
        designation,
        "Only a coordinator of the designating organisation may review it.",
    )
    errors = FieldErrors()
    text = require_text(reason, "reason", "Say why the designation is being reviewed.", errors)
    errors.raise_if_any()
    DESIGNATION_TRANSITIONS.require_source(
        "review",
        designation,
        f"The {designation.type.code} designation is "
        f"{designation.get_status_display().lower()}: only an active one can be reviewed.",
    )
    designation.review_reason = text
    DESIGNATION_TRANSITIONS.apply(
        "review",
        designation,
        actor=actor,
        update_fields=["review_reason"],
        summary=f"{designation.type.code} designation under review",
        data={"reason": text},
    )
    return designation


#: The outcomes of a designation review.
REVIEW_CONTINUED = "continued"
REVIEW_REVOKED = "revoked"


@transaction.atomic
def designation_review_close(
    *,
    actor: User,
    designation: Designation,
    outcome: str,
    notes: str = "",
    next_review_on: dt.date | None = None,
    revoked_on: dt.date | None = None,
) -> Designation:
    """Close a designation's review: "continued" makes it active again, due for its next review
    (3 years on unless given); "revoked" de-designates (notes are the reason). A coordinator of the
    designating organisation."""
    designation = (
        Designation.objects.select_for_update(of=("self",))
        .select_related("leader__user", "type", "organisation")
        .get(pk=designation.pk)
    )
    DESIGNATION_TRANSITIONS.require_permitted(
        "continue",
        actor,
        designation,
        "Only a coordinator of the designating organisation may close a review.",
    )
    if outcome not in (REVIEW_CONTINUED, REVIEW_REVOKED):
        raise field_error("outcome", "Choose whether the designation continues or ends.")
    # Either outcome closes a review: only a designation under review has one to close.
    DESIGNATION_TRANSITIONS.require_source(
        "continue", designation, f"The {designation.type.code} designation is not under review."
    )
    today = timezone.localdate()
    if outcome == REVIEW_REVOKED:
        return designation_revoke(
            actor=actor, designation=designation, revoked_on=revoked_on or today, reason=notes
        )
    designation.review_on = next_review_on or default_review_on(today)
    previous_reason = designation.review_reason
    designation.review_reason = ""
    DESIGNATION_TRANSITIONS.apply(
        "continue",
        designation,
        actor=actor,
        update_fields=["review_on", "review_reason"],
        summary=f"{designation.type.code} designation continues after review",
        data={
            "outcome": outcome,
            "notes": (notes or "").strip(),
            "review_reason": previous_reason,
            "next_review_on": json_value(designation.review_on),
        },
    )
    return designation
