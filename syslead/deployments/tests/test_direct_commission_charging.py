"""The charging of an agreement made from a school's direct commission (docs/rules.md, "Direct
commissioning" and "Charging"): a leader with no broker is engaged on the school route's charging
with no broker fee, so the whole rate goes to the leader's school; a leader with a broker is
charged the broker's policy as usual."""

from __future__ import annotations

from decimal import Decimal

from syslead.accounts.models import User
from syslead.brokering.models import RequestStatus
from syslead.brokering.services import approach_respond, direct_commission_create
from syslead.charging.services import charging_policy_set
from syslead.core.academic_years import AcademicYear
from syslead.deployments.models import Deployment
from syslead.deployments.preview import rates_for
from syslead.deployments.services import deployment_create, deployment_update
from syslead.deployments.tests.factories import YEAR, agreement_kwargs, make_leader
from syslead.leaders.models import Association, LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School


def _agreement_for_named(
    head: User, school: School, leader: LeaderProfile, broker: Organisation, coordinator: User
) -> Deployment:
    request = direct_commission_create(
        actor=head,
        school_urn=school.urn,
        needs=["maths"],
        days_requested=Decimal("5"),
        summary="Maths coaching for key stage 2.",
        leader=leader,
        organisation=broker,
        academic_year=AcademicYear.parse(YEAR),
    )
    approach_respond(actor=leader.user, approach=request.approaches.get(), accept=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.MATCHED
    return deployment_create(
        actor=coordinator,
        support_request=request,
        **agreement_kwargs(home_headteacher_name="Hal Home-Head"),
    )


def test_an_unassociated_leader_named_directly_is_charged_with_no_broker_fee(
    leader_user: User,
    home_school: School,
    client_school: School,
    client_head: User,
    alliance: Organisation,
    coordinator: User,
) -> None:
    """Rule: an unassociated leader is engaged with the school route's charging: no broker fee;
    five full days at £350 are £1,750, all of it to the leader's school, paid by the school."""
    leader = make_leader(leader_user, home_school, alliance)
    Association.objects.filter(leader=leader).delete()  # association is optional
    agreement = _agreement_for_named(client_head, client_school, leader, alliance, coordinator)
    assert agreement.funding_route == "school"
    assert agreement.full_day_rate == Decimal("350.00")
    assert agreement.full_day_broker_fee == Decimal("0.00")
    assert agreement.half_day_broker_fee == Decimal("0.00")
    assert agreement.total_cost == Decimal("1750.00")
    assert agreement.to_broker == Decimal("0.00")
    assert agreement.to_home_school == Decimal("1750.00")
    assert agreement.payable_by_school == Decimal("1750.00")
    # Changing the year of the agreement reads the rates again: still no broker fee.
    charging_policy_set(
        actor=coordinator,
        organisation=alliance,
        academic_year=AcademicYear.parse("2027-28"),
        full_day_rate=Decimal("400.00"),
        half_day_rate=Decimal("200.00"),
        full_day_broker_fee=Decimal("60.00"),
        half_day_broker_fee=Decimal("30.00"),
    )
    rates, _default = rates_for(agreement.support_request, "2027-28")
    assert (rates.full_day_rate, rates.full_day_broker_fee) == (Decimal("400.00"), Decimal("0"))


def test_an_associated_leader_named_directly_is_charged_the_brokers_policy(
    leader_user: User,
    home_school: School,
    client_school: School,
    client_head: User,
    alliance: Organisation,
    coordinator: User,
) -> None:
    """Rule: a leader with a broker is brokered by it, and its fee applies as on any request:
    five days are £1,750, £250 to the broker and £1,500 to the leader's school."""
    leader = make_leader(leader_user, home_school, alliance)
    agreement = _agreement_for_named(client_head, client_school, leader, alliance, coordinator)
    assert agreement.to_broker == Decimal("250.00")
    assert agreement.to_home_school == Decimal("1500.00")
    assert agreement.total_cost == Decimal("1750.00")
    changed = deployment_update(actor=coordinator, deployment=agreement, full_days=4, half_days=1)
    assert changed.to_broker == Decimal("225.00")  # 4 × £50 + 1 × £25
