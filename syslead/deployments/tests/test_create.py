"""Making an agreement: the form's fields, costs, eligibility, capacity, override, length."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import make_school, make_user
from syslead.accounts.models import Role, RoleAssignment, User
from syslead.brokering.models import RequestStatus, Route, SupportRequest
from syslead.capacity.ledger import leader_capacity
from syslead.charging.models import ChargingPolicy
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment, DeploymentStatus, FundingRoute
from syslead.deployments.services import deployment_create
from syslead.deployments.tests.factories import (
    YEAR,
    agreement_kwargs,
    make_leader,
    make_request,
    set_release,
)
from syslead.leaders.models import Association, DesignationStatus, LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School


def create(actor: User, support_request: SupportRequest, **overrides: Any) -> Deployment:
    return deployment_create(
        actor=actor, support_request=support_request, **agreement_kwargs(**overrides)
    )


def test_a_coordinator_makes_the_agreement_from_the_agreed_match(
    coordinator: User,
    support_request: SupportRequest,
    leader: LeaderProfile,
    home_head: User,
    client_head: User,
    broker_lead: User,
) -> None:
    deployment = create(coordinator, support_request)  # the request's chosen leader

    assert deployment.status == DeploymentStatus.AWAITING_SIGNATURES
    assert deployment.leader == leader
    assert deployment.academic_year == YEAR
    assert deployment.home_school_id == leader.home_school_id
    assert deployment.client_school_id == support_request.school_id
    assert deployment.funding_route == FundingRoute.SCHOOL
    assert (deployment.total_cost, deployment.to_home_school, deployment.to_broker) == (
        Decimal("1750.00"),
        Decimal("1500.00"),
        Decimal("250.00"),
    )
    assert deployment.payable_by_school == Decimal("1750.00")
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.AGREED
    assert [e.verb for e in events_for(deployment)] == ["deployment.created"]
    assert "request.agreed" in [e.verb for e in events_for(support_request)]
    # The contract's parties as the form lists them.
    assert deployment.home_headteacher_name == "Hal Home-Head"
    assert deployment.client_headteacher_name == "Cara Client-Head"
    assert deployment.client_headteacher_email == "cara@ermine.test"
    assert deployment.broker_lead_name == "Bea Broker-Lead"
    assert deployment.leader_role == "Maths lead"


def test_the_agreement_holds_every_field_of_the_seed_forms(
    coordinator: User, support_request: SupportRequest
) -> None:
    details = {
        "intervals": "One day a fortnight",
        "times_in_school": "Tuesday mornings",
        "purpose": "Coaching the maths lead",
        "staff_involved": "Year 5 and 6 teachers",
        "evaluation_strategy": "Lesson observations and pupil work scrutiny each half term",
        "monitoring_arrangements": "Record of support after every visit; deployment record termly",
        "exit_arrangements": "Final review meeting with the headteacher",
        "funding_notes": "School budget",
        "client_contact_name": "Dee Deputy",
        "client_contact_role": "Deputy headteacher",
        "client_contact_details": "01522 000000",
        "managed_by_name": "Dee Deputy",
        "managed_by_email": "dee@ermine.test",
        "leader_contact": "07700 900000",
    }
    deployment = create(
        coordinator,
        support_request,
        half_days=2,
        twilight_sessions=1,
        aims=["Aim one", "Aim two"],
        objectives=["A plain objective", agreement_kwargs()["objectives"][0]],
        **details,
    )
    for name, value in details.items():
        assert getattr(deployment, name) == value
    assert deployment.aims == ["Aim one", "Aim two"]
    assert deployment.days == Decimal("6.5")
    plain, table = list(deployment.objectives.all())
    assert (plain.position, plain.text, plain.review_on) == (1, "A plain objective", None)
    assert table.review_on == dt.date(2027, 3, 15)
    assert (table.baseline, table.actions, table.improvement, table.impact) == (
        "2 of 6 teachers model with bars.",
        "Coaching and joint planning with the maths lead.",
        "All 6 teachers model with bars.",
        "Reasoning scores up in the spring assessments.",
    )


def test_the_funding_route_follows_the_request_route_and_the_la_tops_up_the_budget(
    coordinator: User, alliance: Organisation, client_school: School, leader: LeaderProfile
) -> None:
    la_request = make_request(alliance, client_school, route=Route.LOCAL_AUTHORITY)
    deployment = create(coordinator, la_request, leader=leader)
    assert deployment.funding_route == FundingRoute.LOCAL_AUTHORITY
    assert deployment.payable_by_school == Decimal("1750.00")
    assert deployment.payable_by_commissioner == Decimal("1750.00")


def test_the_broker_and_other_routes_leave_nothing_for_the_school_to_pay(
    coordinator: User,
    support_request: SupportRequest,
    alliance: Organisation,
    client_school: School,
    leader: LeaderProfile,
) -> None:
    broker = create(coordinator, support_request, funding_route=FundingRoute.BROKER)
    assert (broker.payable_by_school, broker.payable_by_commissioner) == (0, Decimal("1750.00"))
    second = make_request(alliance, client_school)
    set_release(leader, 15)
    other = create(
        coordinator,
        second,
        leader=leader,
        funding_route=FundingRoute.OTHER,
        commissioner_name="The diocese",
    )
    assert (other.payable_by_school, other.payable_by_commissioner) == (0, Decimal("1750.00"))


def test_costs_come_from_the_policy_for_the_year_of_the_start_date(
    coordinator: User, support_request: SupportRequest, alliance: Organisation
) -> None:
    ChargingPolicy.objects.create(
        organisation=alliance,
        academic_year=YEAR,
        full_day_rate=Decimal("400"),
        half_day_rate=Decimal("200"),
        full_day_broker_fee=Decimal("60"),
        half_day_broker_fee=Decimal("30"),
    )
    ChargingPolicy.objects.create(
        organisation=alliance,
        academic_year="2025-26",
        full_day_rate=Decimal("999"),
        half_day_rate=Decimal("1"),
        full_day_broker_fee=Decimal("0"),
        half_day_broker_fee=Decimal("0"),
    )
    deployment = create(coordinator, support_request, full_days=2, half_days=1)
    assert deployment.full_day_rate == Decimal("400.00")
    assert deployment.total_cost == Decimal("1000.00")
    assert deployment.to_broker == Decimal("150.00")
    assert deployment.to_home_school == Decimal("850.00")


@pytest.mark.parametrize(
    "who", ["broker_lead", "client_head", "home_head", "stranger", "other_coordinator", "sip"]
)
def test_only_a_coordinator_of_the_requests_organisation_makes_it(
    who: str, request: pytest.FixtureRequest, support_request: SupportRequest
) -> None:
    with pytest.raises(NotAllowed):
        create(request.getfixturevalue(who), support_request)
    assert not Deployment.objects.exists()


def test_an_administrator_may_make_it(administrator: User, support_request: SupportRequest) -> None:
    assert create(administrator, support_request).status == DeploymentStatus.AWAITING_SIGNATURES


# Eligibility -------------------------------------------------------------------------------------


def _break(
    rule: str, leader: LeaderProfile, alliance: Organisation, other_org: Organisation
) -> None:
    if rule == "active_designation":
        leader.designations.update(status=DesignationStatus.REVOKED, revoked_on=dt.date(2026, 1, 1))
    elif rule == "core_training":
        LeaderProfile.objects.filter(pk=leader.pk).update(core_training_completed_on=None)
    elif rule == "phase":
        leader.phase_rows.update(phase="secondary")
    elif rule == "specialism":
        leader.specialisms.clear()
    elif rule == "not_considered":
        Association.objects.filter(leader=leader).update(organisation=other_org)
    elif rule == "no_release":
        leader.releases.all().delete()


@pytest.mark.parametrize(
    "rule",
    ["active_designation", "core_training", "phase", "specialism", "not_considered", "no_release"],
)
def test_a_leader_failing_a_rule_is_refused_naming_it(
    rule: str,
    coordinator: User,
    support_request: SupportRequest,
    leader: LeaderProfile,
    alliance: Organisation,
    other_org: Organisation,
) -> None:
    _break(rule, leader, alliance, other_org)
    with pytest.raises(RuleViolation) as refused:
        create(coordinator, support_request)
    assert refused.value.rule == rule
    assert not Deployment.objects.exists()
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.MATCHED


def test_a_leader_is_never_deployed_to_their_own_school(
    coordinator: User, alliance: Organisation, home_school: School, leader: LeaderProfile
) -> None:
    own = make_request(alliance, home_school)
    with pytest.raises(RuleViolation) as refused:
        create(coordinator, own, leader=leader)
    assert refused.value.rule == "conflict_of_interest"


def test_remaining_days_of_the_shortlist_is_not_a_rule_here(
    coordinator: User, alliance: Organisation, client_school: School, leader: LeaderProfile
) -> None:
    """The request asks for more days than Lee has left; the agreement's own days are checked."""
    big = make_request(alliance, client_school, days=40)
    assert create(coordinator, big, leader=leader, full_days=3).days == 3


def test_a_withdrawn_request_gets_no_agreement(
    coordinator: User, support_request: SupportRequest
) -> None:
    SupportRequest.objects.filter(pk=support_request.pk).update(status=RequestStatus.WITHDRAWN)
    support_request.refresh_from_db()
    with pytest.raises(RuleViolation) as refused:
        create(coordinator, support_request)
    assert refused.value.rule == "request_state"


def test_a_request_may_hold_several_agreements_for_the_same_leader(
    coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    """E.g. a second phase of support: each agreement's days count against the leader."""
    create(coordinator, support_request, full_days=4)
    create(coordinator, support_request, full_days=4)
    assert leader_capacity(leader, YEAR).committed == 8
    with pytest.raises(RuleViolation) as refused:
        create(coordinator, support_request, full_days=4)
    assert refused.value.rule == "capacity"


# Capacity ----------------------------------------------------------------------------------------


def test_the_capacity_rule_names_the_days_remaining_and_needed(
    coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    set_release(leader, 3)
    with pytest.raises(RuleViolation) as refused:
        create(coordinator, support_request, full_days=5)
    assert refused.value.rule == "capacity"
    assert str(refused.value) == (
        "Capacity: Lee Leader has 3 days remaining in 2026-27 and this agreement needs 5."
    )


def test_half_days_and_twilights_count_half_against_capacity(
    coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    set_release(leader, 5)
    with pytest.raises(RuleViolation, match=r"needs 5\.5"):
        create(coordinator, support_request, full_days=4, half_days=2, twilight_sessions=1)
    deployment = create(coordinator, support_request, full_days=4, half_days=1, twilight_sessions=1)
    assert leader_capacity(leader, YEAR).remaining == 0
    assert deployment.days == 5


def test_making_an_agreement_reserves_its_days(
    coordinator: User,
    support_request: SupportRequest,
    leader: LeaderProfile,
    alliance: Organisation,
    client_school: School,
) -> None:
    create(coordinator, support_request, full_days=8)
    assert leader_capacity(leader, YEAR).committed == 8
    second = make_request(alliance, client_school)
    with pytest.raises(
        RuleViolation, match="has 2 days remaining in 2026-27 and this agreement needs 3"
    ):
        create(coordinator, second, leader=leader, full_days=3)


def test_a_coordinator_passes_the_capacity_rule_with_a_recorded_reason(
    coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    set_release(leader, 3)
    deployment = create(
        coordinator, support_request, capacity_override_reason="Governors agreed two extra days."
    )
    assert deployment.capacity_override_reason == "Governors agreed two extra days."
    assert deployment.capacity_overridden_by == coordinator
    assert events_for(deployment).get().data["capacity_overridden"] is True
    assert leader_capacity(leader, YEAR).remaining == -2


def test_an_override_reason_passes_only_the_capacity_rule(
    coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    LeaderProfile.objects.filter(pk=leader.pk).update(core_training_completed_on=None)
    with pytest.raises(RuleViolation) as refused:
        create(coordinator, support_request, capacity_override_reason="Urgent")
    assert refused.value.rule == "core_training"


def test_an_unneeded_override_reason_is_not_recorded(
    coordinator: User, support_request: SupportRequest
) -> None:
    deployment = create(coordinator, support_request, capacity_override_reason="Just in case")
    assert deployment.capacity_override_reason == ""
    assert deployment.capacity_overridden_by is None


def test_only_a_coordinator_of_the_requests_organisation_overrides(
    other_coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    set_release(leader, 3)
    with pytest.raises(NotAllowed):
        create(other_coordinator, support_request, capacity_override_reason="Please")


def test_a_coordinator_of_two_organisations_overrides_only_for_the_requests(
    alliance: Organisation,
    other_org: Organisation,
    support_request: SupportRequest,
    leader: LeaderProfile,
) -> None:
    """Coordinating the request's organisation is what counts, not coordinating somewhere."""
    both = make_user(
        "bo@both.test", "Bo Both", (Role.COORDINATOR, other_org), (Role.BROKER_LEAD, alliance)
    )
    set_release(leader, 3)
    with pytest.raises(NotAllowed):
        create(both, support_request, capacity_override_reason="Please")


# Fields and length -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": dt.date(2026, 12, 1)}, "ends_on"),
        ({"full_days": 0}, "full_days"),
        ({"full_days": -1}, "full_days"),
        ({"aims": ["  "]}, "aims"),
        ({"objectives": [{"text": "Read", "review_on": "31/12/2027"}]}, "objectives"),
        ({"funding_route": "lottery"}, "funding_route"),
        ({"funding_route": FundingRoute.OTHER}, "commissioner_name"),
        ({"managed_by_email": "not an address"}, "managed_by_email"),
    ],
)
def test_invalid_fields_are_refused_naming_them(
    overrides: dict[str, Any], field: str, coordinator: User, support_request: SupportRequest
) -> None:
    with pytest.raises(ValidationError) as refused:
        create(coordinator, support_request, **overrides)
    assert field in refused.value.message_dict
    assert not Deployment.objects.exists()


def test_an_agreement_shorter_than_a_term_needs_a_justification(
    coordinator: User, support_request: SupportRequest
) -> None:
    short = {"starts_on": dt.date(2027, 1, 4), "ends_on": dt.date(2027, 1, 29), "full_days": 2}
    with pytest.raises(ValidationError) as refused:
        create(coordinator, support_request, **short)
    assert "shorter than a term" in refused.value.message_dict["length_justification"][0]
    deployment = create(
        coordinator, support_request, length_justification="A two-day diagnostic.", **short
    )
    assert deployment.length_justification == "A two-day diagnostic."


def test_an_agreement_over_six_terms_needs_a_justification(
    coordinator: User, support_request: SupportRequest
) -> None:
    with pytest.raises(ValidationError) as refused:
        create(coordinator, support_request, ends_on=dt.date(2029, 3, 1))
    assert "runs into 7 terms" in refused.value.message_dict["length_justification"][0]


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        (dt.date(2026, 9, 7), dt.date(2028, 7, 20)),  # six terms
        (dt.date(2026, 10, 1), dt.date(2028, 10, 1)),  # two years from mid-autumn
        (dt.date(2027, 1, 5), dt.date(2027, 3, 26)),  # one (short) spring term
    ],
)
def test_one_to_six_terms_need_no_justification(
    starts_on: dt.date, ends_on: dt.date, coordinator: User, support_request: SupportRequest
) -> None:
    deployment = create(coordinator, support_request, starts_on=starts_on, ends_on=ends_on)
    assert deployment.length_justification == ""


def test_a_rule_refusal_comes_before_asking_for_a_justification(
    coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    set_release(leader, 1)
    with pytest.raises(RuleViolation):
        create(coordinator, support_request, ends_on=dt.date(2027, 1, 20))


def test_a_request_with_no_chosen_leader_needs_one(
    coordinator: User, alliance: Organisation, client_school: School
) -> None:
    bare = make_request(alliance, client_school, status=RequestStatus.OPEN)
    with pytest.raises(ValidationError) as refused:
        create(coordinator, bare)
    assert "leader" in refused.value.message_dict


def test_a_coordinator_may_deploy_another_leader_than_the_one_chosen(
    coordinator: User,
    alliance: Organisation,
    support_request: SupportRequest,
) -> None:
    school = make_school(120010, "Bracebridge Infant School")
    other_user = make_user("olu@bracebridge.test", "Olu Other-Leader", (Role.SYSTEM_LEADER, None))
    other_leader = make_leader(other_user, school, alliance)
    deployment = create(coordinator, support_request, leader=other_leader)
    assert deployment.leader == other_leader


@pytest.mark.parametrize(
    ("missing", "section"),
    [
        ({"objectives": []}, "aims and objectives section"),
        ({"evaluation_strategy": ""}, "evaluation section"),
    ],
)
def test_rule_required_parts_an_agreement_without_them_is_refused_naming_the_section(
    coordinator: User,
    support_request: SupportRequest,
    leader: LeaderProfile,
    missing: dict[str, Any],
    section: str,
):
    with pytest.raises(ValidationError) as refused:
        deployment_create(
            actor=coordinator,
            support_request=support_request,
            leader=leader,
            **agreement_kwargs(**missing),
        )
    (name,) = missing
    assert section in refused.value.message_dict[name][0]
    assert not Deployment.objects.exists()


def test_rule_required_parts_the_home_headteacher_is_required_when_no_one_holds_the_role(
    coordinator: User, support_request: SupportRequest, leader: LeaderProfile
):
    RoleAssignment.objects.filter(role=Role.HEADTEACHER, school_id=leader.home_school_id).delete()
    assert not leader.is_headteacher
    with pytest.raises(ValidationError) as refused:
        deployment_create(
            actor=coordinator,
            support_request=support_request,
            leader=leader,
            **agreement_kwargs(home_headteacher_name=""),
        )
    assert "parties section" in refused.value.message_dict["home_headteacher_name"][0]


def test_rule_required_parts_the_api_contract_leaves_them_optional(
    coordinator: User, support_request: SupportRequest, leader: LeaderProfile
):
    deployment = deployment_create(
        actor=coordinator,
        support_request=support_request,
        leader=leader,
        parts_required=False,
        **agreement_kwargs(objectives=[], evaluation_strategy=""),
    )
    assert deployment.evaluation_strategy == ""
