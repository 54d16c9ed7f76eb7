"""Writes of charging: setting an organisation's policy for a year, keeping its history
(docs/rules.md: Charging — "reviewed every year by its board")."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
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
#: The policy's optional limits on a full day's split (blank: no limit).
LIMIT_FIELDS = ("home_school_floor", "broker_fee_ceiling")
#: The policy's optional rates for members of the organisation's alliance (blank: the standard).
MEMBER_FIELDS = ("member_full_day_rate", "member_half_day_rate")
#: Every optional amount; each is kept when not given.
OPTIONAL_FIELDS = LIMIT_FIELDS + MEMBER_FIELDS


class Keep(Enum):
    """A limit not given: keep the one the policy has (the API's PUT does not send limits)."""

    KEEP = "keep"


KEEP = Keep.KEEP


def limit_problems(
    *,
    full_day_rate: Decimal,
    full_day_broker_fee: Decimal,
    floor: Decimal | None,
    ceiling: Decimal | None,
) -> dict[str, str]:
    """The field errors when a full day's split breaks the policy's limits (docs/rules.md,
    Charging: at least the floor to the leader's school, at most the ceiling to the broker)."""
    problems: dict[str, str] = {}
    if ceiling is not None and full_day_broker_fee > ceiling:
        problems["full_day_broker_fee"] = (
            f"The broker's fee for a full day cannot be more than the policy's ceiling of "
            f"£{money_text(ceiling)}."
        )
    if floor is not None and full_day_rate - full_day_broker_fee < floor:
        problems["full_day_rate"] = (
            f"The leader's school must get at least £{money_text(floor)} of a full day: "
            f"the full day rate less the broker's fee is "
            f"£{money_text(full_day_rate - full_day_broker_fee)}."
        )
    return problems


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
    home_school_floor: Decimal | Keep | None = KEEP,
    broker_fee_ceiling: Decimal | Keep | None = KEEP,
    member_full_day_rate: Decimal | Keep | None = KEEP,
    member_half_day_rate: Decimal | Keep | None = KEEP,
) -> ChargingPolicy:
    """Set the organisation's rates and broker fees for a year: its broker lead or a coordinator
    (docs/api.md). A broker fee may not exceed its rate (the rest goes to the leader's school).
    The values before the change are kept as a ``ChargingPolicyRevision``. The optional limits
    (a floor for the leader's school and a ceiling for the broker, per full day) are checked
    against the rates whenever either changes, the members' full-day rate included. Members of
    the alliance may have their own rates (the same broker fees); ``KEEP`` leaves an optional
    amount as it was."""
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
    policy = (
        ChargingPolicy.objects.select_for_update()
        .filter(organisation=organisation, academic_year=label)
        .first()
    )
    if policy is None:
        policy = charging_policy_for(organisation, academic_year)
    given: dict[str, Decimal | Keep | None] = {
        "home_school_floor": home_school_floor,
        "broker_fee_ceiling": broker_fee_ceiling,
        "member_full_day_rate": member_full_day_rate,
        "member_half_day_rate": member_half_day_rate,
    }
    optional: dict[str, Decimal | None] = {
        name: getattr(policy, name) if isinstance(value, Keep) else value
        for name, value in given.items()
    }
    for name, extra in optional.items():
        problem = money_problem(extra) if extra is not None else None
        if problem:
            errors[name] = [problem]
    floor, ceiling = optional["home_school_floor"], optional["broker_fee_ceiling"]
    if floor is not None and "full_day_rate" not in errors and floor > values["full_day_rate"]:
        errors["home_school_floor"] = [
            "The floor cannot be more than the full day rate "
            f"({money_text(values['full_day_rate'])})."
        ]
    for member, fee, session in (
        ("member_full_day_rate", "full_day_broker_fee", "full day"),
        ("member_half_day_rate", "half_day_broker_fee", "half day"),
    ):
        member_rate = optional[member]
        if (
            member_rate is not None
            and member not in errors
            and fee not in errors
            and values[fee] > member_rate
        ):
            errors[member] = [
                f"The members' {session} rate cannot be less than the broker's fee for a "
                f"{session} ({money_text(values[fee])})."
            ]
    if not errors:
        full_day_rates: list[tuple[str, Decimal]] = [("full_day_rate", values["full_day_rate"])]
        member_full = optional["member_full_day_rate"]
        if member_full is not None:
            full_day_rates.append(("member_full_day_rate", member_full))
        for rate_field, day_rate in full_day_rates:
            for name, message in limit_problems(
                full_day_rate=day_rate,
                full_day_broker_fee=values["full_day_broker_fee"],
                floor=floor,
                ceiling=ceiling,
            ).items():
                errors[rate_field if name == "full_day_rate" else name] = [message]
    errors.raise_if_any()
    before: dict[str, str | None] = {n: money_text(getattr(policy, n)) for n in AMOUNT_FIELDS}
    after: dict[str, str | None] = {n: money_text(values[n]) for n in AMOUNT_FIELDS}
    before.update({n: _text(getattr(policy, n)) for n in OPTIONAL_FIELDS})
    after.update({n: _text(optional[n]) for n in OPTIONAL_FIELDS})
    created = policy.pk is None
    if not created and any(before[n] != after[n] for n in AMOUNT_FIELDS):
        ChargingPolicyRevision.objects.create(
            policy=policy, changed_by=_user(actor), **{n: getattr(policy, n) for n in AMOUNT_FIELDS}
        )
    for name in AMOUNT_FIELDS:
        setattr(policy, name, values[name])
    for name in OPTIONAL_FIELDS:
        setattr(policy, name, optional[name])
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
            + _limits_summary(floor, ceiling, organisation.name)
            + _members_summary(optional)
        ),
        data={"academic_year": label, "before": None if created else before, "after": after},
    )
    return policy


def _limits_summary(floor: Decimal | None, ceiling: Decimal | None, broker: str) -> str:
    parts = []
    if floor is not None:
        parts.append(f"at least £{money_text(floor)} to the leader's school")
    if ceiling is not None:
        parts.append(f"at most £{money_text(ceiling)} to {broker}")
    return f"; a full day: {' and '.join(parts)}" if parts else ""


def _members_summary(optional: dict[str, Decimal | None]) -> str:
    full, half = optional["member_full_day_rate"], optional["member_half_day_rate"]
    parts = []
    if full is not None:
        parts.append(f"£{money_text(full)} a full day")
    if half is not None:
        parts.append(f"£{money_text(half)} a half day or twilight")
    return f"; members of the alliance: {' and '.join(parts)}" if parts else ""


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else money_text(amount)


def _user(actor: User) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
