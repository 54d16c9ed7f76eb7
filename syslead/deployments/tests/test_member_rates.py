"""Members of an alliance may have a different rate from non-members (docs/rules.md, Charging):
an agreement for a supported school that is a current member of the broker's alliance is costed
at the policy's members' rates; other schools, and former members, pay the standard rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from syslead.accounts.models import User
from syslead.alliances.models import AllianceMember
from syslead.brokering.models import SupportRequest
from syslead.charging.services import charging_policy_set
from syslead.core.academic_years import AcademicYear
from syslead.deployments.preview import rates_for
from syslead.deployments.services import deployment_create
from syslead.deployments.tests.factories import YEAR, agreement_kwargs
from syslead.organisations.models import Organisation
from syslead.schools.models import School


def _policy_with_member_rates(coordinator: User, alliance: Organisation) -> None:
    charging_policy_set(
        actor=coordinator,
        organisation=alliance,
        academic_year=AcademicYear.parse(YEAR),
        full_day_rate=Decimal("380.00"),
        half_day_rate=Decimal("170.00"),
        full_day_broker_fee=Decimal("50.00"),
        half_day_broker_fee=Decimal("25.00"),
        member_full_day_rate=Decimal("350.00"),
        member_half_day_rate=Decimal("150.00"),
    )


def test_a_member_school_is_costed_at_the_members_rate(
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    support_request: SupportRequest,
) -> None:
    """Rule: a supported school that is a current member of the alliance gets the member rate;
    the broker's fee is the same, so the leader's school gets the difference."""
    _policy_with_member_rates(coordinator, alliance)
    AllianceMember.objects.create(
        organisation=alliance, school=client_school, joined_on=dt.date(2025, 9, 1)
    )
    rates, _default = rates_for(support_request, YEAR)
    assert (rates.full_day_rate, rates.half_day_rate) == (Decimal("350.00"), Decimal("150.00"))
    assert rates.full_day_broker_fee == Decimal("50.00")
    agreement = deployment_create(
        actor=coordinator, support_request=support_request, **agreement_kwargs()
    )
    assert agreement.full_day_rate == Decimal("350.00")
    assert agreement.total_cost == Decimal("1750.00")
    assert agreement.to_home_school == Decimal("1500.00")


def test_a_non_member_or_former_member_pays_the_standard_rate(
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    support_request: SupportRequest,
) -> None:
    """Rule: non-members (and schools that have left the alliance) pay the standard rates."""
    _policy_with_member_rates(coordinator, alliance)
    rates, _default = rates_for(support_request, YEAR)
    assert rates.full_day_rate == Decimal("380.00")
    AllianceMember.objects.create(
        organisation=alliance,
        school=client_school,
        joined_on=dt.date(2024, 9, 1),
        left_on=dt.date(2025, 7, 31),
    )
    rates, _default = rates_for(support_request, YEAR)
    assert (rates.full_day_rate, rates.half_day_rate) == (Decimal("380.00"), Decimal("170.00"))
