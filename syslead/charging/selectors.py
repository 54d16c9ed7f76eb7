"""Reads of charging: each organisation's policy per academic year (docs/rules.md: Charging)."""

from __future__ import annotations

from syslead.accounts.access import broker_organisation_ids, is_administrator
from syslead.accounts.models import User
from syslead.alliances.models import AllianceMember
from syslead.charging.models import (
    DEFAULT_FULL_DAY_BROKER_FEE,
    DEFAULT_FULL_DAY_RATE,
    DEFAULT_HALF_DAY_BROKER_FEE,
    DEFAULT_HALF_DAY_RATE,
    ChargingPolicy,
    ChargingPolicyRevision,
)
from syslead.core.academic_years import AcademicYear
from syslead.deployments.costs import Rates
from syslead.organisations.models import Organisation


def charging_policy_for(organisation: Organisation, academic_year: AcademicYear) -> ChargingPolicy:
    """The organisation's policy for the year: the stored one, or the defaults (350.00 / 150.00 /
    50.00 / 25.00, docs/api.md) as an unsaved policy (``pk`` is None)."""
    label = academic_year.label
    policy = ChargingPolicy.objects.filter(organisation=organisation, academic_year=label).first()
    if policy is not None:
        return policy
    return ChargingPolicy(
        organisation=organisation,
        academic_year=label,
        full_day_rate=DEFAULT_FULL_DAY_RATE,
        half_day_rate=DEFAULT_HALF_DAY_RATE,
        full_day_broker_fee=DEFAULT_FULL_DAY_BROKER_FEE,
        half_day_broker_fee=DEFAULT_HALF_DAY_BROKER_FEE,
    )


def rates_of(policy: ChargingPolicy, *, member: bool = False) -> Rates:
    """A policy's rates and fees as plain values for ``deployments.costs``. ``member``: the
    supported school is a member of the organisation's alliance, so the members' rates apply
    where the policy sets them (docs/rules.md, Charging; the broker's fees are the same)."""
    full = policy.member_full_day_rate if member else None
    half = policy.member_half_day_rate if member else None
    return Rates(
        full_day_rate=policy.full_day_rate if full is None else full,
        half_day_rate=policy.half_day_rate if half is None else half,
        full_day_broker_fee=policy.full_day_broker_fee,
        half_day_broker_fee=policy.half_day_broker_fee,
    )


def is_alliance_member(organisation: Organisation, school_id: int) -> bool:
    """Whether the school is a current member of the organisation's alliance."""
    return AllianceMember.objects.filter(
        organisation=organisation, school_id=school_id, left_on__isnull=True
    ).exists()


def charging_policies_of(organisation: Organisation) -> list[ChargingPolicy]:
    """Every stored policy of the organisation, newest year first."""
    return list(ChargingPolicy.objects.filter(organisation=organisation))


def charging_policy_history(policy: ChargingPolicy) -> list[ChargingPolicyRevision]:
    """The values the policy had before each change, newest first (empty for a default)."""
    if policy.pk is None:
        return []
    return list(policy.revisions.select_related("changed_by"))


def can_set_charging_policy(user: User, organisation: Organisation) -> bool:
    """Broker leads and coordinators of the organisation, and administrators (docs/api.md)."""
    return is_administrator(user) or organisation.pk in broker_organisation_ids(user)


def can_read_charging_policy(user: User, organisation: Organisation) -> bool:
    """The same people who may set it."""
    return can_set_charging_policy(user, organisation)
