"""A leader's portfolio (docs/rules.md, "A leader's portfolio"): the leader's signed deployments,
past and live, each with the leader's own self-evaluation.

- *Writes:* the deployment's leader only, once every party signed the agreement
  (``SELF_EVALUABLE``), and again at any time after.
- *Reads* (``may_read_self_evaluation``, the one rule for the record): the leader; the leader's
  coordinators — coordinators of an organisation concerned with the leader now (live association,
  live designation, the organisation that added the profile: ``leaders.access.may_manage_leader``)
  and of the agreement's own organisation; administrators. Not broker leads, headteachers, SIPs
  or governors. Self-evaluations are not on the agreement's timeline, whose readers are wider.
- *The portfolio page* of a leader: the leader, and coordinators of an organisation concerned with
  the leader now (404 for a leader the caller may not see, 403 for one they see but do not
  coordinate).
- *Feeding the reviews:* the annual performance feedback page and the designation review page
  show the self-evaluations of the period's deployments the viewer may read
  (``self_evaluations_for``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet

from syslead.accounts.access import coordinated_organisation_ids, is_administrator
from syslead.accounts.models import User
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation
from syslead.deployments.access import GOVERNED_STATUSES
from syslead.deployments.models import Deployment
from syslead.evaluation.models import ContributionRating, SelfEvaluation
from syslead.leaders.access import is_the_leader, may_manage_leader
from syslead.leaders.models import LeaderProfile

#: A deployment is self-evaluated once every party signed it (live, paused or closed).
SELF_EVALUABLE = GOVERNED_STATUSES


def may_read_portfolio(user: User, leader: LeaderProfile) -> bool:
    """The leader and their coordinators (see the module's docstring)."""
    return is_the_leader(user, leader) or may_manage_leader(user, leader)


def may_read_self_evaluation(user: User, deployment: Deployment) -> bool:
    """The leader, their coordinators and the agreement's organisation's coordinators."""
    if is_administrator(user) or is_the_leader(user, deployment.leader):
        return True
    if deployment.organisation_id in coordinated_organisation_ids(user):
        return True
    return may_manage_leader(user, deployment.leader)


def may_write_self_evaluation(user: User, deployment: Deployment) -> bool:
    """The deployment's own leader, nobody else (not an administrator either)."""
    return is_the_leader(user, deployment.leader)


def portfolio_deployments(leader: LeaderProfile) -> QuerySet[Deployment]:
    """The leader's signed deployments, newest first, each with its self-evaluation (one query)."""
    return (
        Deployment.objects.filter(leader=leader, status__in=SELF_EVALUABLE)
        .select_related("client_school", "organisation", "self_evaluation")
        .order_by("-starts_on", "-pk")
    )


def self_evaluation_of(deployment: Deployment) -> SelfEvaluation | None:
    return SelfEvaluation.objects.filter(deployment=deployment).first()


@transaction.atomic
def self_evaluation_save(
    *,
    actor: User,
    deployment: Deployment,
    went_well: str,
    impact_seen: str,
    do_differently: str,
    contribution: str,
) -> SelfEvaluation:
    """Write or rewrite the leader's self-evaluation of one deployment: the leader only
    (``NotAllowed``), once the agreement is signed (``RuleViolation``), every field given."""
    if not may_write_self_evaluation(actor, deployment):
        raise NotAllowed("Only the deployment's system leader writes its self-evaluation.")
    if deployment.status not in SELF_EVALUABLE:
        raise RuleViolation(
            "You can evaluate your part once every party has signed the agreement.",
            rule="self_evaluation_not_signed",
        )
    errors = FieldErrors()
    texts = {"went_well": went_well, "impact_seen": impact_seen, "do_differently": do_differently}
    missing = {
        "went_well": "Enter what went well.",
        "impact_seen": "Enter the impact you saw.",
        "do_differently": "Enter what you would do differently.",
    }
    for field, value in texts.items():
        if not (value or "").strip():
            errors.add(field, missing[field])
    if contribution not in ContributionRating.values:
        errors.add("contribution", "Select how you rate your own contribution.")
    errors.raise_if_any()
    evaluation, _ = SelfEvaluation.objects.update_or_create(
        deployment=deployment,
        defaults={
            **{field: value.strip() for field, value in texts.items()},
            "contribution": contribution,
            "written_by": actor,
        },
    )
    return evaluation


def self_evaluations_for(
    user: User,
    leader: LeaderProfile,
    starts_on: dt.date,
    ends_on: dt.date,
    organisation_id: int | None = None,
) -> list[SelfEvaluation]:
    """The leader's self-evaluations of deployments running at some time between the two dates
    (of one organisation, when given) that ``user`` may read, oldest first."""
    found = SelfEvaluation.objects.filter(
        deployment__leader=leader,
        deployment__starts_on__lte=ends_on,
        deployment__ends_on__gte=starts_on,
    ).select_related("deployment__client_school", "deployment__organisation", "deployment__leader")
    if organisation_id is not None:
        found = found.filter(deployment__organisation_id=organisation_id)
    found = found.order_by("deployment__starts_on", "pk")
    # ``may_read_self_evaluation`` for every row at once: all of them, or the ones of the
    # organisations the user coordinates.
    if is_administrator(user) or is_the_leader(user, leader) or may_manage_leader(user, leader):
        return list(found)
    return list(found.filter(deployment__organisation_id__in=coordinated_organisation_ids(user)))
