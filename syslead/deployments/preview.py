"""What an agreement would be before it is made: its terms read as the services read them, its
costs on each funding route, and the rules it would meet — for the check-your-answers page.

Nothing here decides anything: it calls the same functions the services call
(``terms.clean_terms``, ``rules.check_eligibility``, ``rules.capacity_shortfall_at_creation``,
``rules.length_concern``, ``costs.deployment_costs``, the charging policy) so the page can show a
refusal, with its rule named, before the person confirms. The services check everything again
when the agreement is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from syslead.brokering.models import SupportRequest
from syslead.brokering.selectors import broker_fee_waived
from syslead.capacity.ledger import leader_capacity
from syslead.charging.selectors import charging_policy_for, is_alliance_member, rates_of
from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import RuleViolation
from syslead.core.money import ZERO
from syslead.deployments.costs import (
    CostLine,
    Costs,
    Rates,
    cost_breakdown,
    deployment_costs,
)
from syslead.deployments.models import Deployment, FundingRoute
from syslead.deployments.rules import (
    capacity_shortfall_at_creation,
    check_eligibility,
    length_concern,
    remaining_for,
)
from syslead.deployments.selectors import commissioner_of
from syslead.deployments.terms import DETAIL_FIELDS, Terms, clean_terms
from syslead.leaders.models import LeaderProfile

#: Rule codes in words, for refusals shown in a page ("the rule named").
RULE_NAMES: dict[str, str] = {
    "capacity": "the capacity rule (days committed may not exceed the days released)",
    "no_release": "release days (the home school must agree the release for the year)",
    "not_considered": "association (the broker may only deploy its own or commissioned leaders)",
    "active_designation": "an active designation",
    "core_training": "core training before any deployment",
    "phase": "phase",
    "specialism": "specialism",
    "conflict_of_interest": "conflict of interest",
    "duplicate_agreement": "one agreement per leader per request",
    "request_state": "the request's state",
    "package_lead": "one lead per package",
    "read_only": "finished agreements are read-only",
    "already_signed": "each party signs once",
    "not_awaiting_signatures": "signing only while the agreement waits for signatures",
    "deployment_state": "the agreement's state",
    "chair_not_needed": "the chair of governors signs only when the leader is the headteacher",
    "nothing_to_carry_over": "days carried over to a new leader",
    "no_package": "packages",
}


def rule_name(rule: str) -> str:
    return RULE_NAMES.get(rule, rule.replace("_", " "))


def refusal_text(exc: RuleViolation) -> str:
    """A rule's refusal as the page shows it: the message, then the rule named."""
    if not exc.rule:
        return exc.message
    return f"{exc.message} (Rule: {rule_name(exc.rule)}.)"


@dataclass(frozen=True)
class RouteCosts:
    """What the agreement would cost on one funding route."""

    route: str
    label: str
    costs: Costs
    chosen: bool


@dataclass
class AgreementPreview:
    terms: Terms
    academic_year: str
    rates: Rates
    policy_is_default: bool
    lines: list[CostLine]
    by_route: list[RouteCosts]
    released: Decimal
    remaining: Decimal
    capacity_shortfall: str | None
    length_concern: str | None
    refusals: list[RuleViolation] = field(default_factory=list)

    @property
    def days(self) -> Decimal:
        return self.terms.days


def rates_for(support_request: SupportRequest, academic_year: str) -> tuple[Rates, bool]:
    """The organisation's rates for the year (the defaults when none are saved), and whether they
    are the defaults. A leader a school named directly who had no broker is engaged on the school
    route's charging with no broker fee: the fees are nil and the whole rate goes to the leader's
    school (docs/rules.md, "Direct commissioning"). A supported school that is a member of the
    organisation's alliance gets the policy's members' rates, where it sets them (docs/rules.md,
    Charging)."""
    organisation = support_request.organisation
    policy = charging_policy_for(organisation, AcademicYear.parse(academic_year))
    member = (
        policy.member_full_day_rate is not None or policy.member_half_day_rate is not None
    ) and is_alliance_member(organisation, support_request.school_id)
    rates = rates_of(policy, member=member)
    if broker_fee_waived(support_request):
        rates = replace(rates, full_day_broker_fee=ZERO, half_day_broker_fee=ZERO)
    return rates, policy.pk is None


def agreement_preview(
    *,
    support_request: SupportRequest,
    leader: LeaderProfile,
    terms: dict[str, Any],
    deployment: Deployment | None = None,
    rates: Rates | None = None,
) -> AgreementPreview:
    """Read the terms (ValidationError naming each invalid field, as the services raise it), cost
    them on every route and check the rules. ``deployment``: the agreement being changed (its own
    days do not count against the leader's capacity). ``rates``: those of an agreement being
    changed; otherwise the organisation's policy for the year."""
    details = {name: terms[name] for name in DETAIL_FIELDS if name in terms}
    cleaned = clean_terms(
        starts_on=terms["starts_on"],
        ends_on=terms["ends_on"],
        full_days=terms["full_days"],
        half_days=terms["half_days"],
        twilight_sessions=terms["twilight_sessions"],
        aims=terms["aims"],
        objectives=terms["objectives"],
        funding_route=terms["funding_route"],
        length_justification=terms["length_justification"],
        details=details,
    )
    year = cleaned.academic_year
    policy_is_default = False
    if rates is None:
        rates, policy_is_default = rates_for(support_request, year)
    by_route = [
        RouteCosts(
            route=str(value),
            label=str(label),
            costs=deployment_costs(cleaned.sessions, rates, str(value)),
            chosen=value == cleaned.funding_route,
        )
        for value, label in FundingRoute.choices
    ]
    chosen = next(r.costs for r in by_route if r.chosen)
    unsaved = Deployment(
        organisation=support_request.organisation,
        funding_route=cleaned.funding_route,
        commissioner_name=cleaned.details.get("commissioner_name", ""),
    )
    lines = cost_breakdown(
        chosen,
        broker=support_request.organisation.name,
        home_school=leader.home_school.name,
        client_school=support_request.school.name,
        commissioner=commissioner_of(unsaved),
    )
    refusals: list[RuleViolation] = []
    try:
        check_eligibility(support_request, leader, year)
    except RuleViolation as exc:
        refusals.append(exc)
    return AgreementPreview(
        terms=cleaned,
        academic_year=year,
        rates=rates,
        policy_is_default=policy_is_default,
        lines=lines,
        by_route=by_route,
        released=leader_capacity(leader, year).released,
        remaining=remaining_for(leader, year, deployment),
        capacity_shortfall=capacity_shortfall_at_creation(leader, year, cleaned.days, deployment),
        length_concern=length_concern(cleaned.starts_on, cleaned.ends_on),
        refusals=refusals,
    )
