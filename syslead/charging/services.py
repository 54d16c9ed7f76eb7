"""Writes of charging: setting an organisation's policy for a year, keeping its history
(docs/rules.md: Charging — "reviewed every year by its board")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from syslead.accounts.models import User
from syslead.charging.models import ChargingPolicy, ChargingPolicyRevision
from syslead.charging.selectors import can_set_charging_policy, charging_policy_for
from syslead.core.academic_years import AcademicYear
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed
from syslead.core.money import money_problem, money_text
from syslead.organisations.models import Organisation

__all__ = ["charging_policy_for", "charging_policy_set"]

#: The policy's amounts, in the order forms and the API list them.
AMOUNT_FIELDS = ("full_day_rate", "half_day_rate", "full_day_broker_fee", "half_day_broker_fee")


@transaction.atomic
def charging_policy_set(
    *,
    actor: User,
    organisation: Organisation,
    academic_year: AcademicYear,
    full_day_rate: Decimal,
    half_day_rate: Decimal,
    full_day_broker_fee: Decimal,
    half_day_broker_fee: Decimal,
) -> ChargingPolicy:
    """Set the organisation's rates and broker fees for a year: its broker lead or a coordinator
    (docs/api.md). A broker fee may not exceed its rate (the rest goes to the leader's school).
    The values before the change are kept as a ``ChargingPolicyRevision``."""
    if not can_set_charging_policy(actor, organisation):
        raise NotAllowed(
            f"Only a broker lead or coordinator of {organisation.name} may set its charging policy."
        )
    errors = FieldErrors()
    label = academic_year.label
    values = {
        "full_day_rate": full_day_rate,
        "half_day_rate": half_day_rate,
        "full_day_broker_fee": full_day_broker_fee,
        "half_day_broker_fee": half_day_broker_fee,
    }
    for name, amount in values.items():
        problem = money_problem(amount)
        if problem:
            errors[name] = [problem]
    for fee, rate, session in (
        ("full_day_broker_fee", "full_day_rate", "full day"),
        ("half_day_broker_fee", "half_day_rate", "half day"),
    ):
        if fee not in errors and rate not in errors and values[fee] > values[rate]:
            errors[fee] = [
                f"The broker's fee for a {session} cannot be more than the {session} rate "
                f"({money_text(values[rate])})."
            ]
    errors.raise_if_any()

    policy = (
        ChargingPolicy.objects.select_for_update()
        .filter(organisation=organisation, academic_year=label)
        .first()
    )
    if policy is None:
        policy = charging_policy_for(organisation, academic_year)
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


def _user(actor: User) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
