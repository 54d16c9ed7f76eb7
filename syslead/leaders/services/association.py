"""Association with a broker: one at a time for an LLE, ended in writing with agreements honoured,
reviewed for impact, criteria or conduct (docs/rules.md: Association)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation, field_error
from syslead.leaders.models import (
    Association,
    AssociationReview,
    AssociationReviewOutcome,
    AssociationReviewReason,
    LeaderProfile,
)
from syslead.leaders.permissions import may_coordinate
from syslead.leaders.release_policy import holds_exclusive_designation
from syslead.leaders.services._helpers import (
    json_value,
    lock_leader,
    require_text,
)
from syslead.leaders.wording import date_in_words
from syslead.organisations.models import Organisation


def insert_live_association(
    *,
    actor: User,
    leader: LeaderProfile,
    organisation: Organisation,
    starts_on: dt.date,
    automatic: bool,
) -> Association:
    """Insert a live association once the rules passed, under the leader's lock. The database's
    partial unique constraints hold the rules under concurrency; a clash becomes a RuleViolation."""
    exclusive = holds_exclusive_designation(leader)
    association = Association(
        leader=leader,
        organisation=organisation,
        starts_on=starts_on,
        is_live=True,
        exclusive=exclusive,
        automatic=automatic,
    )
    association.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            association.save()
    except IntegrityError:
        raise RuleViolation(
            f"{leader.name} is already associated with another organisation; an LLE may be "
            "associated with only one at a time.",
            rule="lle_exclusive_association",
        ) from None
    event_record(
        actor=actor,
        subject=association,
        verb="association.created",
        summary=f"{leader.name} associated with {organisation.name}"
        + (" (by designation)" if automatic else ""),
        data={
            "organisation": organisation.pk,
            "starts_on": json_value(starts_on),
            "exclusive": exclusive,
            "automatic": automatic,
        },
    )
    return association


@transaction.atomic
def association_create(
    *, actor: User, leader: LeaderProfile, organisation: Organisation, starts_on: dt.date
) -> Association:
    """Associate a leader with a broker: a coordinator of that organisation. An LLE may be
    associated with only one broker at a time (docs/rules.md: Association):
    refused while an LLE is associated elsewhere. One live association per organisation."""
    if not may_coordinate(actor, organisation):
        raise NotAllowed(f"Only coordinators of {organisation.name} may associate leaders with it.")
    if starts_on is None:
        raise field_error("starts_on", "Give the date the association starts.")
    leader = lock_leader(leader)
    live = list(
        Association.objects.filter(leader=leader, is_live=True).select_related("organisation")
    )
    if any(a.organisation_id == organisation.pk for a in live):
        raise RuleViolation(
            f"{leader.name} is already associated with {organisation.name}.",
            rule="already_associated",
        )
    if live and holds_exclusive_designation(leader):
        names = " and ".join(a.organisation.name for a in live)
        raise RuleViolation(
            f"{leader.name} is an LLE associated with {names}: an LLE may be associated with only "
            "one organisation at a time (the association must end first).",
            rule="lle_exclusive_association",
        )
    return insert_live_association(
        actor=actor, leader=leader, organisation=organisation, starts_on=starts_on, automatic=False
    )


@transaction.atomic
def association_end(
    *,
    actor: User,
    association: Association,
    ends_on: dt.date,
    reason: str,
    notice_given_on: dt.date | None = None,
) -> Association:
    """End an association, recording the written notice (docs/rules.md, Association: "Ending an
    association is notified in writing") and its date (today unless given): a coordinator of the
    organisation. The association stops being live now; ``ends_on`` records the date the notice
    gives.

    Agreements already made are NEVER cancelled or changed here: "where agreements for deployment
    have been put in place, these must be honoured". Deployments, releases and designations are left
    exactly as they are."""
    association = (
        Association.objects.select_for_update(of=("self",))
        .select_related("leader__user", "organisation")
        .get(pk=association.pk)
    )
    if not may_coordinate(actor, association.organisation):
        raise NotAllowed(
            f"Only coordinators of {association.organisation.name} may end its associations."
        )
    errors = FieldErrors()
    text = require_text(reason, "reason", "Give the reason the association ends.", errors)
    if ends_on is None:
        errors["ends_on"] = ["Give the date the association ends."]
    elif ends_on < association.starts_on:
        errors["ends_on"] = [
            f"The association started on {date_in_words(association.starts_on)}: it cannot end "
            "before that."
        ]
    errors.raise_if_any()
    if not association.is_live:
        raise RuleViolation(
            f"The association with {association.organisation.name} already ended"
            + (f" on {date_in_words(association.ends_on)}." if association.ends_on else "."),
            rule="association_state",
        )
    notice_on = notice_given_on or timezone.localdate()
    association.is_live = False
    association.ends_on = ends_on
    association.end_reason = text
    association.notice_given_on = notice_on
    association.full_clean(validate_constraints=False)
    association.save(update_fields=["is_live", "ends_on", "end_reason", "notice_given_on"])
    event_record(
        actor=actor,
        subject=association,
        verb="association.ended",
        summary=f"{association.leader.name}'s association with {association.organisation.name} "
        f"ends on {date_in_words(ends_on)}",
        data={
            "ends_on": json_value(ends_on),
            "notice_given_on": json_value(notice_on),
            "reason": text,
        },
    )
    return association


@transaction.atomic
def association_review_open(
    *, actor: User, association: Association, reason: str, details: str = ""
) -> AssociationReview:
    """Review an association for lack of evidence of impact, no longer meeting the criteria, or
    inappropriate conduct (docs/rules.md: Association): a coordinator of the organisation. One open
    review at a time."""
    association = (
        Association.objects.select_for_update(of=("self",))
        .select_related("leader__user", "organisation")
        .get(pk=association.pk)
    )
    if not may_coordinate(actor, association.organisation):
        raise NotAllowed(
            f"Only coordinators of {association.organisation.name} may review its associations."
        )
    if reason not in AssociationReviewReason.values:
        raise field_error(
            "reason", "Choose a reason: lack of impact, criteria no longer met, or conduct."
        )
    if not association.is_live:
        raise RuleViolation("Only a live association can be reviewed.", rule="association_state")
    if association.reviews.filter(outcome=AssociationReviewOutcome.OPEN).exists():
        raise RuleViolation(
            "A review of this association is already open.", rule="association_review_open"
        )
    review = AssociationReview(
        association=association,
        reason=reason,
        details=(details or "").strip(),
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        opened_on=timezone.localdate(),
    )
    review.full_clean()
    review.save()
    event_record(
        actor=actor,
        subject=association,
        verb="association.review_opened",
        summary=f"Association under review: {review.get_reason_display().lower()}",
        data={"review": review.pk, "reason": reason, "details": review.details},
    )
    return review


@transaction.atomic
def association_review_close(
    *, actor: User, review: AssociationReview, outcome: str, notes: str = ""
) -> AssociationReview:
    """Decide an association review: the association continues, or is terminated (it then ends
    today, through ``association_end``, with agreements already made honoured). A coordinator of
    the organisation."""
    review = (
        AssociationReview.objects.select_for_update(of=("self",))
        .select_related("association__organisation", "association__leader__user")
        .get(pk=review.pk)
    )
    association = review.association
    if not may_coordinate(actor, association.organisation):
        raise NotAllowed(
            f"Only coordinators of {association.organisation.name} may decide its reviews."
        )
    if outcome not in (AssociationReviewOutcome.CONTINUED, AssociationReviewOutcome.TERMINATED):
        raise field_error("outcome", "Choose: the association continues or is terminated.")
    text = (notes or "").strip()
    if outcome == AssociationReviewOutcome.TERMINATED and not text:
        raise field_error("notes", "Say why the association is terminated.")
    if review.outcome != AssociationReviewOutcome.OPEN:
        raise RuleViolation("This review is already closed.", rule="association_review_closed")
    today = timezone.localdate()
    review.outcome = outcome
    review.outcome_notes = text
    review.closed_on = today
    review.save(update_fields=["outcome", "outcome_notes", "closed_on"])
    event_record(
        actor=actor,
        subject=association,
        verb="association.review_closed",
        summary=f"Association review closed: {review.get_outcome_display().lower()}",
        data={"review": review.pk, "outcome": outcome, "notes": text},
    )
    if outcome == AssociationReviewOutcome.TERMINATED and association.is_live:
        association_end(
            actor=actor,
            association=association,
            ends_on=max(today, association.starts_on),
            reason=f"Terminated after review ({review.get_reason_display().lower()}): {text}",
            notice_given_on=today,
        )
    return review
