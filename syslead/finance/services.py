"""Writes of charging: setting an organisation's policy for a year, keeping its history
(docs/rules.md: Charging — "reviewed every year by its board")."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from syslead.core.academic_years import AcademicYear
from syslead.core.events import event_record
from syslead.core.exceptions import NotAllowed
from syslead.deployments.costs import money_text
from syslead.finance.models import ChargingPolicy, ChargingPolicyRevision
from syslead.finance.selectors import can_set_charging_policy, charging_policy_for
from syslead.organisations.models import Organisation

__all__ = ["charging_policy_for", "charging_policy_set"]

#: The policy's amounts, in the order forms and the API list them.
AMOUNT_FIELDS = ("full_day_rate", "half_day_rate", "full_day_broker_fee", "half_day_broker_fee")
#: The largest amount the columns hold (9 digits, 2 of them pence).
MAX_AMOUNT = Decimal("9999999.99")


def _amount(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal:
    try:
        amount = Decimal(str(value).strip()) if value is not None else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        errors[field] = ["Enter an amount in pounds, like 350.00."]
        return Decimal(0)
    if amount < 0:
        errors[field] = ["Enter an amount of 0.00 or more."]
    elif amount != amount.quantize(Decimal("0.01")):
        errors[field] = ["Enter pounds and pence, with at most two decimal places."]
    elif amount > MAX_AMOUNT:
        errors[field] = [f"Enter an amount of at most {MAX_AMOUNT}."]
    return amount


@transaction.atomic
def charging_policy_set(
    *,
    actor: Any,
    organisation: Organisation,
    academic_year: AcademicYear | str,
    full_day_rate: Decimal | str,
    half_day_rate: Decimal | str,
    full_day_broker_fee: Decimal | str,
    half_day_broker_fee: Decimal | str,
) -> ChargingPolicy:
    """Set the organisation's rates and broker fees for a year: its broker lead or a coordinator
    (docs/api.md). A broker fee may not exceed its rate (the rest goes to the leader's school).
    The values before the change are kept as a ``ChargingPolicyRevision``."""
    if not can_set_charging_policy(actor, organisation):
        raise NotAllowed(
            f"Only a broker lead or coordinator of {organisation.name} may set its charging policy."
        )
    errors: dict[str, list[str]] = {}
    label = ""
    try:
        label = (
            academic_year.label
            if isinstance(academic_year, AcademicYear)
            else AcademicYear.parse(academic_year).label
        )
    except ValueError as exc:
        errors["academic_year"] = [str(exc)]
    values = {
        "full_day_rate": _amount(full_day_rate, "full_day_rate", errors),
        "half_day_rate": _amount(half_day_rate, "half_day_rate", errors),
        "full_day_broker_fee": _amount(full_day_broker_fee, "full_day_broker_fee", errors),
        "half_day_broker_fee": _amount(half_day_broker_fee, "half_day_broker_fee", errors),
    }
    for fee, rate, session in (
        ("full_day_broker_fee", "full_day_rate", "full day"),
        ("half_day_broker_fee", "half_day_rate", "half day"),
    ):
        if fee not in errors and rate not in errors and values[fee] > values[rate]:
            errors[fee] = [
                f"The broker's fee for a {session} cannot be more than the {session} rate "
                f"({money_text(values[rate])})."
            ]
    if errors:
        raise ValidationError(errors)

    policy = (
        ChargingPolicy.objects.select_for_update()
        .filter(organisation=organisation, academic_year=label)
        .first()
    )
    if policy is None:
        policy = charging_policy_for(organisation, label)
    before = {name: money_text(getattr(policy, name)) for name in AMOUNT_FIELDS}
    after = {name: money_text(values[name]) for name in AMOUNT_FIELDS}
    created = policy.pk is None
    if not created and before != after:
        ChargingPolicyRevision.objects.create(
            policy=policy, changed_by=_user(actor), **{n: getattr(policy, n) for n in AMOUNT_FIELDS}
        )
    for name in AMOUNT_FIELDS:
        setattr(policy, name, values[name])
    policy.updated_by = _user(actor)
    policy.full_clean()
    policy.save()
    event_record(
        actor=actor,
        subject=policy,
        verb="charging_policy.set",
        summary=(
            f"Charging policy {label}: £{after['full_day_rate']} a full day "
            f"(£{after['full_day_broker_fee']} to {organisation.name}), "
            f"£{after['half_day_rate']} a half day or twilight "
            f"(£{after['half_day_broker_fee']} to {organisation.name})"
        ),
        data={"academic_year": label, "before": None if created else before, "after": after},
    )
    return policy


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
