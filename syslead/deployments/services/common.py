"""What every deployment service shares: who may act, locks, state guards, reading the agreement's
terms, and writing a new agreement (used by creation, re-brokering and amendment)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.utils import timezone

from syslead.accounts.access import coordinated_organisation_ids, is_administrator
from syslead.accounts.models import Role, RoleAssignment, User
from syslead.brokering.models import Route, SupportRequest
from syslead.capacity.ledger import lock_leader_capacity
from syslead.core.events import event_record
from syslead.core.exceptions import NotAllowed, RuleViolation, field_error
from syslead.core.money import money_text
from syslead.core.transitions import Transition
from syslead.deployments.costs import (
    COLLECTED_BY_HOME_SCHOOL,
    Rates,
    Sessions,
    collection_problem,
    deployment_costs,
)
from syslead.deployments.models import (
    LIVE_STATUSES,
    ChangeAction,
    ChangeKind,
    ChangeRecord,
    Deployment,
    FundingRoute,
    Objective,
    SupportPackage,
)
from syslead.deployments.rules import (
    capacity_shortfall_at_creation,
    check_eligibility,
)
from syslead.deployments.selectors import can_manage_deployment
from syslead.deployments.terms import Terms
from syslead.deployments.transitions import AGREEMENT, INITIAL
from syslead.leaders.models import LeaderProfile

#: The funding route a request's route implies when none is given.
ROUTE_FUNDING: dict[str, str] = {
    Route.SCHOOL.value: FundingRoute.SCHOOL.value,
    Route.LOCAL_AUTHORITY.value: FundingRoute.LOCAL_AUTHORITY.value,
}


def user_or_none(actor: User) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def in_words(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


# Guards ------------------------------------------------------------------------------------------


def require_manager(actor: User, deployment: Deployment, action: str) -> None:
    if not can_manage_deployment(actor, deployment):
        raise NotAllowed(
            f"Only a coordinator of {deployment.organisation.name} may {action} this agreement."
        )


def move(actor: User, deployment: Deployment, name: str, **fields: Any) -> Transition:
    """Take the agreement's step ``name`` (``transitions.AGREEMENT``): check its state, set its
    target status and ``fields``, save them. The caller records the event (the row's
    ``records``) with its own summary."""
    for field, value in fields.items():
        setattr(deployment, field, value)
    AGREEMENT.apply(
        name, deployment, actor=actor, summary="", update_fields=list(fields), record=False
    )
    return AGREEMENT[name]


def lock(deployment: Deployment) -> Deployment:
    """Take the leader's capacity lock, then re-read the agreement under a row lock: every
    change to one agreement, and every capacity check for its leader, runs one at a time."""
    lock_leader_capacity(deployment.leader_id)
    return (
        Deployment.objects.select_for_update(of=("self",))
        .select_related(
            "leader__user",
            "home_school",
            "client_school",
            "organisation",
            "support_request__school",
            "support_request__organisation",
            "package",
        )
        .get(pk=deployment.pk)
    )


def lock_leaders(*leaders: LeaderProfile) -> None:
    """Lock several leaders' capacity in id order (a fixed order cannot deadlock)."""
    for leader_id in sorted({leader.pk for leader in leaders}):
        lock_leader_capacity(leader_id)


def lock_request(support_request: SupportRequest) -> SupportRequest:
    return (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("school", "organisation")
        .get(pk=support_request.pk)
    )


# Rules and capacity ------------------------------------------------------------------------------


def check_rules(
    *,
    actor: User,
    support_request: SupportRequest,
    leader: LeaderProfile,
    terms: Terms,
    capacity_override_reason: str,
    deployment: Deployment | None = None,
) -> bool:
    """Eligibility and capacity for a new agreement (hold the leader's lock). Returns whether the
    capacity rule was passed by the coordinator's recorded reason."""
    check_eligibility(support_request, leader, terms.academic_year)
    shortfall = capacity_shortfall_at_creation(leader, terms.academic_year, terms.days, deployment)
    if shortfall is None:
        return False
    if not capacity_override_reason:
        raise RuleViolation(shortfall, rule="capacity")
    return True


def require_may_override(actor: User, support_request: SupportRequest) -> None:
    """Only a coordinator of the request's organisation passes the capacity rule with a reason."""
    if not (
        is_administrator(actor)
        or support_request.organisation_id in coordinated_organisation_ids(actor)
    ):
        raise NotAllowed(
            f"Only a coordinator of {support_request.organisation.name} may pass the capacity "
            "rule with a reason."
        )


# Writing an agreement ----------------------------------------------------------------------------


def _first_name_with_role(role: str, **where: Any) -> tuple[str, str]:
    assignment = (
        RoleAssignment.objects.filter(role=role, user__is_active=True, **where)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if assignment is None:
        return "", ""
    return assignment.user.get_full_name(), assignment.user.email


def default_details(
    leader: LeaderProfile, support_request: SupportRequest, client_school_id: int
) -> dict[str, str]:
    """The parties' names as the contract lists them, from the roles people hold today."""
    if leader.is_headteacher:
        home_head = leader.user.get_full_name()
    else:
        home_head, _ = _first_name_with_role(Role.HEADTEACHER, school_id=leader.home_school_id)
    client_head, client_email = _first_name_with_role(Role.HEADTEACHER, school_id=client_school_id)
    broker_lead, _ = _first_name_with_role(
        Role.BROKER_LEAD, organisation_id=support_request.organisation_id
    )
    return {
        "leader_role": leader.job_title,
        "leader_contact": leader.user.email,
        "home_headteacher_name": home_head,
        "client_headteacher_name": client_head,
        "client_headteacher_email": client_email,
        "broker_lead_name": broker_lead,
    }


def apply_costs(deployment: Deployment, rates: Rates) -> None:
    """Copy the rates into the agreement and work out its costs (``deployments.costs``)."""
    deployment.full_day_rate = rates.full_day_rate
    deployment.half_day_rate = rates.half_day_rate
    deployment.full_day_broker_fee = rates.full_day_broker_fee
    deployment.half_day_broker_fee = rates.half_day_broker_fee
    costs = deployment_costs(
        Sessions(deployment.full_days, deployment.half_days, deployment.twilight_sessions),
        rates,
        deployment.funding_route,
    )
    deployment.total_cost = costs.total
    deployment.payable_by_school = costs.payable_by_school
    deployment.payable_by_commissioner = costs.payable_by_commissioner
    deployment.to_broker = costs.to_broker
    deployment.to_home_school = costs.to_home_school


def with_charging(deployment: Deployment, rates: Rates) -> Rates:
    """The rates with the agreement's bespoke price in place of the policy's, where it has one
    (docs/rules.md, "A bespoke price")."""
    if deployment.bespoke_full_day_rate is None or deployment.bespoke_half_day_rate is None:
        return rates
    return replace(
        rates,
        full_day_rate=deployment.bespoke_full_day_rate,
        half_day_rate=deployment.bespoke_half_day_rate,
    )


def keep_collection_fitting(deployment: Deployment) -> None:
    """The broker collects only where the supported school pays: on another route the leader's
    school's model applies (docs/rules.md, "Charging models")."""
    if collection_problem(deployment.funding_route, deployment.collected_by):
        deployment.collected_by = COLLECTED_BY_HOME_SCHOOL


def rates_of_deployment(deployment: Deployment) -> Rates:
    return Rates(
        full_day_rate=deployment.full_day_rate,
        half_day_rate=deployment.half_day_rate,
        full_day_broker_fee=deployment.full_day_broker_fee,
        half_day_broker_fee=deployment.half_day_broker_fee,
    )


def apply_terms(deployment: Deployment, terms: Terms) -> None:
    deployment.starts_on = terms.starts_on
    deployment.ends_on = terms.ends_on
    deployment.academic_year = terms.academic_year
    deployment.full_days = terms.full_days
    deployment.half_days = terms.half_days
    deployment.twilight_sessions = terms.twilight_sessions
    deployment.aims = terms.aims
    deployment.funding_route = terms.funding_route
    deployment.length_justification = terms.length_justification
    for name, value in terms.details.items():
        setattr(deployment, name, value)


def write_objectives(deployment: Deployment, objectives: list[dict[str, Any]]) -> None:
    deployment.objectives.all().delete()
    rows = []
    for position, row in enumerate(objectives, start=1):
        objective = Objective(deployment=deployment, position=position, **row)
        objective.full_clean(exclude=["deployment"])
        rows.append(objective)
    Objective.objects.bulk_create(rows)


def package_has_other_lead(package: SupportPackage, deployment: Deployment | None) -> bool:
    leads = package.deployments.filter(is_lead=True, status__in=LIVE_STATUSES)
    if deployment is not None and deployment.pk is not None:
        leads = leads.exclude(pk=deployment.pk)
    return leads.exists()


def check_package(
    package: SupportPackage, support_request: SupportRequest, is_lead: bool | None
) -> bool:
    """Whether the new agreement leads the package: ``None`` means "if it has no lead yet"."""
    if (
        package.organisation_id != support_request.organisation_id
        or package.school_id != support_request.school_id
    ):
        raise field_error(
            "package", "The package is for another organisation or school than the request."
        )
    has_lead = package_has_other_lead(package, None)
    if is_lead is None:
        return not has_lead
    if is_lead and has_lead:
        raise RuleViolation(
            f"The package {package.title!r} already has a lead leader: a package has exactly one.",
            rule="package_lead",
        )
    return is_lead


@dataclass(frozen=True)
class NewAgreement:
    """Everything ``write_agreement`` needs besides the terms."""

    support_request: SupportRequest
    leader: LeaderProfile
    rates: Rates
    package: SupportPackage | None = None
    is_lead: bool = True
    capacity_override_reason: str = ""
    version: int = 1
    previous_version: Deployment | None = None
    replaces: Deployment | None = None
    #: A draft (made on the pages, sent for signature later) or waiting for signatures at once.
    status: str = INITIAL
    #: The agreement whose charging model and bespoke price the new one keeps (an amendment or a
    #: replacement: docs/rules.md, "A bespoke price").
    charging_from: Deployment | None = None


def write_agreement(actor: User, new: NewAgreement, terms: Terms, overridden: bool) -> Deployment:
    """Insert the agreement (awaiting signatures, or a draft) with its objectives and costs."""
    support_request = new.support_request
    defaults = default_details(new.leader, support_request, support_request.school_id)
    filled = {name: value for name, value in terms.details.items() if value}
    terms = replace(terms, details={**defaults, **filled})
    deployment = Deployment(
        organisation_id=support_request.organisation_id,
        support_request=support_request,
        package=new.package,
        is_lead=new.is_lead,
        leader=new.leader,
        client_school_id=support_request.school_id,
        home_school_id=new.leader.home_school_id,
        status=new.status,
        version=new.version,
        previous_version=new.previous_version,
        replaces=new.replaces,
        created_by=user_or_none(actor),
    )
    apply_terms(deployment, terms)
    if overridden:
        deployment.capacity_override_reason = new.capacity_override_reason
        deployment.capacity_overridden_by = user_or_none(actor)
    source = new.charging_from
    if source is not None:
        deployment.collected_by = source.collected_by
        deployment.bespoke_full_day_rate = source.bespoke_full_day_rate
        deployment.bespoke_half_day_rate = source.bespoke_half_day_rate
        deployment.bespoke_reason = source.bespoke_reason
        deployment.bespoke_set_by_id = source.bespoke_set_by_id
        deployment.bespoke_set_at = source.bespoke_set_at
        keep_collection_fitting(deployment)
    apply_costs(deployment, new.rates)
    deployment.full_clean()
    deployment.save()
    write_objectives(deployment, terms.objectives)
    return deployment


def agreement_summary(deployment: Deployment) -> dict[str, Any]:
    """The agreement's key terms for an event's data."""
    return {
        "leader": deployment.leader_id,
        "support_request": deployment.support_request_id,
        "version": deployment.version,
        "starts_on": jsonable(deployment.starts_on),
        "ends_on": jsonable(deployment.ends_on),
        "academic_year": deployment.academic_year,
        "full_days": deployment.full_days,
        "half_days": deployment.half_days,
        "twilight_sessions": deployment.twilight_sessions,
        "days": str(deployment.days),
        "funding_route": deployment.funding_route,
        "total": money_text(deployment.total_cost),
        "payable_by_school": money_text(deployment.payable_by_school),
        "payable_by_commissioner": money_text(deployment.payable_by_commissioner),
        "to_home_school": money_text(deployment.to_home_school),
        "to_broker": money_text(deployment.to_broker),
        "capacity_overridden": bool(deployment.capacity_override_reason),
    }


# Changes -----------------------------------------------------------------------------------------


def record_change(
    *,
    actor: User,
    deployment: Deployment,
    kind: str,
    reason: str,
    action: str = "",
    requested_by_party: str = "",
    resulting: Deployment | None = None,
) -> ChangeRecord:
    """Write a change record; taking an action settles the requests still open on the agreement."""
    if kind not in ChangeKind.values:
        raise field_error("kind", "Choose what changed: " + ", ".join(ChangeKind.values))
    if action and action not in ChangeAction.values:
        raise field_error("action", "Choose an action: " + ", ".join(ChangeAction.values))
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "Give the reason for the change.")
    now = timezone.now()
    if action:
        ChangeRecord.objects.filter(
            deployment=deployment, action="", resolved_at__isnull=True
        ).update(resolved_at=now)
    change = ChangeRecord(
        deployment=deployment,
        kind=kind,
        action=action,
        reason=reason,
        requested_by_party=requested_by_party,
        recorded_by=user_or_none(actor),
        resolved_at=now if action else None,
        resulting_deployment=resulting,
    )
    change.full_clean()
    change.save()
    return change


def record_event(actor: User, deployment: Deployment, verb: str, summary: str, **data: Any) -> None:
    event_record(
        actor=actor,
        subject=deployment,
        verb=verb,
        summary=summary,
        data={name: jsonable(value) for name, value in data.items()},
    )
