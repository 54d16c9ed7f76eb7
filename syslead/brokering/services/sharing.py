"""Sharing leaders between brokers (docs/rules.md, Association: "One broker may use a leader
associated with another only with that broker's agreement") and each broker's matching weights."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from syslead.accounts.access import (
    coordinated_organisation_ids,
    is_administrator,
)
from syslead.accounts.models import User
from syslead.brokering.access import was_asked
from syslead.brokering.models import (
    Commission,
    MatchingWeights,
    SupportRequest,
)
from syslead.brokering.services._helpers import _lock
from syslead.brokering.transitions import (
    COMMISSION_TRANSITIONS,
    LIVE_COMMISSION_STATUSES,
    REQUEST_TRANSITIONS,
)
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation, field_error
from syslead.leaders.models import Association, LeaderProfile
from syslead.organisations.models import Organisation

# --- Sharing between brokers ---------------------------------------------------------------------


def _owning_organisation_id(actor: User, leader: LeaderProfile, requesting_org_id: int) -> int:
    associations = list(
        Association.objects.filter(leader=leader, is_live=True).order_by(
            "-exclusive", "starts_on", "id"
        )
    )
    org_ids = [a.organisation_id for a in associations]
    if requesting_org_id in org_ids:
        raise RuleViolation(
            f"{leader.user.get_full_name()} is already associated with the requesting "
            "organisation: shortlist them directly.",
            rule="already_associated",
        )
    if not org_ids:
        raise RuleViolation(
            f"{leader.user.get_full_name()} is not associated with any broker, so no broker can "
            "agree to share them.",
            rule="not_associated",
        )
    mine = [org_id for org_id in org_ids if org_id in coordinated_organisation_ids(actor)]
    return mine[0] if mine else org_ids[0]


@transaction.atomic
def commission_offer(
    *, actor: User, request: SupportRequest, leader: LeaderProfile, note: str = ""
) -> Commission:
    """Propose a leader of one broker for another broker's request (a commission: docs/rules.md,
    Association). A coordinator of the requesting organisation (asking: the
    leader's organisation then sees the request, to answer), or of an organisation the request's
    owner already asked (offering another of its leaders in answer); nobody else, so an
    organisation never learns of a request by proposing a leader for it. Always recorded as
    proposed: the owning organisation agrees in ``commission_decide``, since it brokers the leader
    exclusively."""
    support_request = _lock(request)
    leader = LeaderProfile.objects.select_related("user").get(pk=leader.pk)
    asking = REQUEST_TRANSITIONS.permitted("ask_to_share", actor, support_request)
    step = "ask_to_share" if asking else "offer_to_share"
    refusal = (
        "Only a coordinator of the requesting organisation may ask for a leader, and a "
        "coordinator of an organisation it asked may offer one of its leaders."
    )
    REQUEST_TRANSITIONS.require_permitted(step, actor, support_request, refusal)
    owning_id = _owning_organisation_id(actor, leader, support_request.organisation_id)
    if not asking and owning_id not in was_asked(actor, support_request):
        # One's own leaders only: an organisation offers a leader it brokers.
        raise NotAllowed(refusal)
    REQUEST_TRANSITIONS.require_source(step, support_request)
    if Commission.objects.filter(
        support_request=support_request,
        leader=leader,
        status__in=LIVE_COMMISSION_STATUSES,
    ).exists():
        raise RuleViolation(
            f"{leader.user.get_full_name()} has already been proposed for this request.",
            rule="already_commissioned",
        )
    commission = Commission(
        support_request=support_request,
        leader=leader,
        owning_organisation_id=owning_id,
        asked=asking,
        proposed_by=actor if getattr(actor, "is_authenticated", False) else None,
        note=note.strip(),
    )
    commission.full_clean()
    commission.save()
    owner = Organisation.objects.get(pk=owning_id)
    REQUEST_TRANSITIONS.apply(
        step,
        support_request,
        actor=actor,
        summary=(
            f"{leader.user.get_full_name()} of {owner.name} proposed for this request; waiting "
            f"for {owner.name} to agree"
        ),
        data={"commission": commission.pk, "leader": leader.pk, "owning_organisation": owning_id},
    )
    return commission


@transaction.atomic
def commission_decide(
    *, actor: User, commission: Commission, approve: bool, note: str = ""
) -> Commission:
    """The leader's own organisation agrees (or refuses, with a note) to share the leader for
    another organisation's request ("with that broker's agreement": docs/rules.md). A coordinator
    of the owning organisation. Once approved, the leader is considered for the request."""
    commission = (
        Commission.objects.select_for_update(of=("self",))
        .select_related("leader__user", "owning_organisation", "support_request")
        .get(pk=commission.pk)
    )
    step = "approve" if approve else "refuse"
    if not COMMISSION_TRANSITIONS.permitted(step, actor, commission):
        if commission.owning_organisation_id not in coordinated_organisation_ids(actor):
            raise NotAllowed(
                f"Only a coordinator of {commission.owning_organisation.name} may decide this."
            )
        # Proposed without the request's owner ever asking this organisation: nothing to decide.
        raise NotAllowed("Only a request's own organisation may ask for a leader to be shared.")
    COMMISSION_TRANSITIONS.require_source(
        step, commission, f"This commission is already {commission.get_status_display().lower()}."
    )
    if not approve and not (note or "").strip():
        raise field_error("note", "Say why the leader cannot be shared.")
    commission.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    commission.decided_at = timezone.now()
    if note.strip():
        commission.note = note.strip()
    owner = commission.owning_organisation.name
    name = commission.leader.user.get_full_name()
    COMMISSION_TRANSITIONS.apply(
        step,
        commission,
        actor=actor,
        subject=commission.support_request,
        update_fields=["decided_by", "decided_at", "note"],
        summary=(
            f"{owner} agreed to share {name} for this request"
            if approve
            else f"{owner} refused to share {name}: {note.strip()}"
        ),
        data={"commission": commission.pk, "leader": commission.leader_id, "note": note.strip()},
    )
    return commission


# --- Matching weights ----------------------------------------------------------------------------

WEIGHT_FIELDS = (
    "specialism",
    "phase",
    "distance",
    "remaining_days",
    "experience",
    "outcomes",
    "same_local_authority",
)


@transaction.atomic
def matching_weights_set(
    *, actor: User, organisation: Organisation, weights: dict[str, int]
) -> MatchingWeights:
    """Set how much each factor counts in the organisation's match scores (0 switches one off).
    A coordinator of the organisation."""
    if not (is_administrator(actor) or organisation.pk in coordinated_organisation_ids(actor)):
        raise NotAllowed(f"Only a coordinator of {organisation.name} may change its weights.")
    unknown = sorted(set(weights) - set(WEIGHT_FIELDS))
    errors = FieldErrors()
    for name in unknown:
        errors.add(name, "Not a matching factor.")
    errors.raise_if_any()
    row, _ = MatchingWeights.objects.select_for_update().get_or_create(organisation=organisation)
    before = {name: getattr(row, name) for name in WEIGHT_FIELDS}
    errors = FieldErrors()
    for name, value in weights.items():
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
            errors[name] = ["A weight is a whole number from 0 to 100."]
        else:
            setattr(row, name, value)
    errors.raise_if_any()
    if sum(getattr(row, name) for name in WEIGHT_FIELDS) == 0:
        raise field_error("__all__", "At least one factor must count.")
    row.full_clean()
    row.save()
    after = {name: getattr(row, name) for name in WEIGHT_FIELDS}
    event_record(
        actor=actor,
        subject=organisation,
        verb="brokering.weights_changed",
        summary="Matching weights changed: "
        + ", ".join(f"{k.replace('_', ' ')} {after[k]}" for k in WEIGHT_FIELDS),
        data={"before": before, "after": after},
    )
    return row
