"""An agreement's charging while it is a draft: the charging model (who invoices the supported
school) and a bespoke price in place of the policy's rates, with its reason (docs/rules.md,
"Charging models" and "A bespoke price"). The rules live here; the page calls this service.

The agreement keeps its own copy of the rates (``deployments.services.common.apply_costs``): a
bespoke price replaces the full-day and half-day rates of that copy, the broker's fees stay the
policy's, and the agreement's costs are worked out again. The policy's floor for the leader's school
and ceiling for the broker (``services.limit_problems``) apply to a bespoke price as to the policy.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from syslead.accounts.models import User
from syslead.charging.selectors import charging_policy_for
from syslead.charging.services import limit_problems
from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.core.money import money, money_problem, pounds
from syslead.deployments.costs import COLLECTED_BY_BROKER, collection_problem
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.deployments.preview import rates_for
from syslead.deployments.selectors import can_manage_deployment
from syslead.deployments.services.common import (
    apply_costs,
    lock,
    rates_of_deployment,
    record_event,
)

#: The fields a refusal may name, as the page's form names them.
BESPOKE_FULL = "bespoke_full_day_rate"
BESPOKE_HALF = "bespoke_half_day_rate"
BESPOKE_REASON = "bespoke_reason"
#: What setting the charging writes: the model, the bespoke price and the costs it changes.
CHARGING_FIELDS = [
    "collected_by",
    "bespoke_full_day_rate",
    "bespoke_half_day_rate",
    "bespoke_reason",
    "bespoke_set_by",
    "bespoke_set_at",
    "full_day_rate",
    "half_day_rate",
    "full_day_broker_fee",
    "half_day_broker_fee",
    "total_cost",
    "payable_by_school",
    "payable_by_commissioner",
    "to_broker",
    "to_home_school",
]


def may_set_charging(user: User, deployment: Deployment) -> bool:
    """The agreement's coordinators (and administrators), while it is a draft."""
    return can_manage_deployment(user, deployment)


def _bespoke_problems(
    deployment: Deployment,
    full_day_rate: Decimal | None,
    half_day_rate: Decimal | None,
    reason: str,
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if full_day_rate is None and half_day_rate is None:
        if reason:
            problems[BESPOKE_FULL] = "Enter the bespoke full day rate, or remove the reason."
        return problems
    if full_day_rate is None:
        problems[BESPOKE_FULL] = "Enter the bespoke full day rate."
    if half_day_rate is None:
        problems[BESPOKE_HALF] = "Enter the bespoke half day (or twilight) rate."
    for name, value in ((BESPOKE_FULL, full_day_rate), (BESPOKE_HALF, half_day_rate)):
        problem = money_problem(value) if value is not None else ""
        if problem:
            problems[name] = problem
    if not reason:
        problems[BESPOKE_REASON] = "Say why this agreement has a bespoke price."
    elif len(reason) > TEXT_MAX_LENGTH:
        problems[BESPOKE_REASON] = f"Use at most {TEXT_MAX_LENGTH:,} characters."
    if problems:
        return problems
    assert full_day_rate is not None
    assert half_day_rate is not None
    if full_day_rate < deployment.full_day_broker_fee:
        problems[BESPOKE_FULL] = (
            f"The full day rate cannot be less than the broker's fee for a full day "
            f"({pounds(deployment.full_day_broker_fee)})."
        )
    if half_day_rate < deployment.half_day_broker_fee:
        problems[BESPOKE_HALF] = (
            f"The half day rate cannot be less than the broker's fee for a half day "
            f"({pounds(deployment.half_day_broker_fee)})."
        )
    policy = charging_policy_for(
        deployment.organisation, AcademicYear.parse(deployment.academic_year)
    )
    limits = limit_problems(
        full_day_rate=full_day_rate,
        full_day_broker_fee=deployment.full_day_broker_fee,
        floor=policy.home_school_floor,
        ceiling=policy.broker_fee_ceiling,
    )
    if "full_day_rate" in limits:
        problems.setdefault(BESPOKE_FULL, limits["full_day_rate"])
    return problems


@transaction.atomic
def agreement_charging_set(
    *,
    actor: User,
    deployment: Deployment,
    collected_by: str,
    bespoke_full_day_rate: Decimal | None = None,
    bespoke_half_day_rate: Decimal | None = None,
    bespoke_reason: str = "",
) -> Deployment:
    """Set a draft agreement's charging model and bespoke price (none: the policy's rates).

    Rules: only the organisation's coordinators (``NotAllowed``); only while the agreement is a
    draft, before anyone is asked to sign (``RuleViolation`` ``charging_draft_only``); the broker
    collects only on the school and local authority routes; a bespoke price gives both rates and a
    reason, each rate at least the broker's fee, and a full day leaves the leader's school at
    least the policy's floor when the policy sets one. Who set the price and why is recorded on
    the agreement and its timeline."""
    if not may_set_charging(actor, deployment):
        raise NotAllowed(
            f"Only a coordinator of {deployment.organisation.name} sets the agreement's charging."
        )
    locked = lock(deployment)
    if locked.status != DeploymentStatus.DRAFT:
        raise RuleViolation(
            "The charging model and a bespoke price are set while the agreement is a draft, "
            "before anyone signs it.",
            rule="charging_draft_only",
        )
    reason = (bespoke_reason or "").strip()
    problems: dict[str, str] = {}
    collection = collection_problem(locked.funding_route, collected_by)
    if collection:
        problems["collected_by"] = collection
    problems |= _bespoke_problems(locked, bespoke_full_day_rate, bespoke_half_day_rate, reason)
    if problems:
        raise ValidationError({name: [text] for name, text in problems.items()})

    before = (
        locked.collected_by,
        locked.bespoke_full_day_rate,
        locked.bespoke_half_day_rate,
        locked.bespoke_reason,
    )
    locked.collected_by = collected_by
    if bespoke_full_day_rate is not None and bespoke_half_day_rate is not None:
        full, half = money(bespoke_full_day_rate), money(bespoke_half_day_rate)
        if (full, half, reason) != (
            locked.bespoke_full_day_rate,
            locked.bespoke_half_day_rate,
            locked.bespoke_reason,
        ):
            locked.bespoke_set_by = actor
            locked.bespoke_set_at = timezone.now()
        locked.bespoke_full_day_rate, locked.bespoke_half_day_rate = full, half
        locked.bespoke_reason = reason
        rates = replace(rates_of_deployment(locked), full_day_rate=full, half_day_rate=half)
    else:
        if locked.bespoke_reason:
            locked.bespoke_set_by = actor
            locked.bespoke_set_at = timezone.now()
        locked.bespoke_full_day_rate = locked.bespoke_half_day_rate = None
        locked.bespoke_reason = ""
        rates, _default = rates_for(locked.support_request, locked.academic_year)
    apply_costs(locked, rates)
    locked.save(update_fields=CHARGING_FIELDS)
    after = (
        locked.collected_by,
        locked.bespoke_full_day_rate,
        locked.bespoke_half_day_rate,
        locked.bespoke_reason,
    )
    if after != before:
        who_collects = (
            f"{locked.organisation.name} invoices {locked.client_school.name} and pays "
            f"{locked.home_school.name} its share"
            if locked.collected_by == COLLECTED_BY_BROKER
            else f"{locked.home_school.name} invoices {locked.client_school.name}"
        )
        price = (
            f"a bespoke price of {pounds(locked.full_day_rate)} a full day and "
            f"{pounds(locked.half_day_rate)} a half day, because: {locked.bespoke_reason}"
            if locked.bespoke_reason
            else f"the policy's rates ({pounds(locked.full_day_rate)} a full day, "
            f"{pounds(locked.half_day_rate)} a half day)"
        )
        record_event(
            actor,
            locked,
            "deployment.charging_set",
            f"Charging set: {who_collects}; {price}",
            collected_by=locked.collected_by,
            bespoke_full_day_rate=str(locked.bespoke_full_day_rate or ""),
            bespoke_half_day_rate=str(locked.bespoke_half_day_rate or ""),
            bespoke_reason=locked.bespoke_reason,
            total_cost=str(locked.total_cost),
        )
    return locked
