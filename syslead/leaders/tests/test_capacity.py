"""Release days and the policy caps (the ledger's own tests are in syslead/capacity/tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syslead.accounts.models import User
from syslead.capacity.ledger import leader_capacity
from syslead.core.academic_years import AcademicYear
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.leaders.models import CapacityPolicy, Designation, LeaderProfile, ReleaseAgreement
from syslead.leaders.release_policy import release_policy
from syslead.leaders.services import capacity_policy_set, release_set
from syslead.leaders.tests.factories import associate, make_deployment
from syslead.organisations.models import Organisation
from syslead.schools.models import School

YEAR = AcademicYear(2025)


def _release(
    actor: User, leader: LeaderProfile, days: str, year: AcademicYear = YEAR
) -> ReleaseAgreement:
    return release_set(
        actor=actor,
        leader=leader,
        academic_year=year,
        days=Decimal(days),
        agreed_on=dt.date(2025, 9, 5),
    )


# Who sets the days


def test_the_home_headteacher_releases_the_leader_and_their_consent_is_recorded(
    leader: LeaderProfile, home_head: User
) -> None:
    agreement = _release(home_head, leader, "10")
    assert agreement.days == Decimal("10")
    assert agreement.headteacher_consent_by == home_head
    assert agreement.headteacher_consent_at is not None
    assert events_for(agreement).get(verb="release.set").data["days"] == "10.0"


def test_a_coordinator_of_an_associated_organisation_sets_the_days(
    lle: Designation, leader: LeaderProfile, coordinator: User
) -> None:
    agreement = _release(coordinator, leader, "8")
    assert agreement.recorded_by == coordinator
    assert agreement.headteacher_consent_by is None


def test_others_may_not_set_the_days(
    leader: LeaderProfile,
    coordinator: User,
    other_coordinator: User,
    leader_user: User,
    client_head: User,
) -> None:
    # Alice created the profile but the leader is not associated with the alliance yet.
    for actor in (coordinator, other_coordinator, leader_user, client_head):
        with pytest.raises(NotAllowed):
            _release(actor, leader, "5")


def test_a_coordinator_changing_the_days_asks_for_the_headteachers_consent_again(
    lle: Designation, leader: LeaderProfile, coordinator: User, home_head: User
) -> None:
    _release(home_head, leader, "10")
    agreement = _release(coordinator, leader, "12")
    assert agreement.headteacher_consent_by is None
    assert ReleaseAgreement.objects.count() == 1


# The caps


def test_release_above_the_policy_cap_is_refused(
    lle: Designation, leader: LeaderProfile, home_head: User
) -> None:
    with pytest.raises(RuleViolation) as refused:
        _release(home_head, leader, "16")
    assert refused.value.rule == "release_cap"
    assert "at most 15 days a year under KYRA Teaching School Alliance's policy" in str(
        refused.value
    )
    assert not ReleaseAgreement.objects.exists()
    assert _release(home_head, leader, "15").days == 15


def test_la_policy_allows_twenty_days(
    leader: LeaderProfile, other_org: Organisation, other_coordinator: User, home_head: User
) -> None:
    capacity_policy_set(
        actor=other_coordinator,
        organisation=other_org,
        max_release_days=Decimal("20"),
        min_lle_days=Decimal("6"),
    )
    associate(leader, other_org)
    assert _release(home_head, leader, "20").days == 20
    with pytest.raises(RuleViolation):
        _release(home_head, leader, "20.5")


def test_the_strictest_cap_among_the_leaders_organisations_applies(
    leader: LeaderProfile,
    alliance: Organisation,
    other_org: Organisation,
    other_coordinator: User,
    home_head: User,
) -> None:
    capacity_policy_set(
        actor=other_coordinator,
        organisation=other_org,
        max_release_days=Decimal("20"),
        min_lle_days=Decimal("6"),
    )
    associate(leader, alliance)
    associate(leader, other_org)
    policy = release_policy(leader)
    assert policy.max_release_days == 15
    assert policy.capped_by == alliance
    with pytest.raises(RuleViolation) as refused:
        _release(home_head, leader, "18")
    assert "KYRA" in str(refused.value)


def test_a_leader_associated_with_no_one_gets_the_default_cap(
    leader: LeaderProfile, home_head: User
) -> None:
    with pytest.raises(RuleViolation) as refused:
        _release(home_head, leader, "16")
    assert "the default policy" in str(refused.value)


def test_release_below_six_days_for_an_associated_lle_is_flagged(
    lle: Designation, leader: LeaderProfile, home_head: User
) -> None:
    agreement = _release(home_head, leader, "4")
    assert agreement.below_minimum
    assert events_for(agreement).filter(verb="release.below_minimum").exists()
    assert not _release(home_head, leader, "6").below_minimum


def test_release_below_six_days_for_an_sle_is_not_flagged(
    leader: LeaderProfile, alliance: Organisation, home_head: User
) -> None:
    associate(leader, alliance)
    assert not _release(home_head, leader, "2").below_minimum


def test_release_cannot_be_lowered_below_the_days_already_committed(
    lle: Designation,
    leader: LeaderProfile,
    home_head: User,
    alliance: Organisation,
    client_school: School,
) -> None:
    _release(home_head, leader, "10")
    make_deployment(leader, organisation=alliance, client_school=client_school, full_days=6)
    with pytest.raises(RuleViolation) as refused:
        _release(home_head, leader, "5")
    assert refused.value.rule == "release_below_committed"
    assert _release(home_head, leader, "6").days == 6


def test_invalid_release_fields_are_reported_by_name(
    leader: LeaderProfile, home_head: User
) -> None:
    with pytest.raises(ValidationError) as error:
        _release(home_head, leader, "-1")
    assert set(error.value.message_dict) == {"days"}
    with pytest.raises(ValidationError) as error:
        _release(home_head, leader, "7.25")
    assert "half days" in error.value.message_dict["days"][0]


def test_the_policy_is_set_by_the_organisations_coordinator_or_broker_lead(
    alliance: Organisation, broker_lead: User, other_coordinator: User, sip: User
) -> None:
    policy = capacity_policy_set(
        actor=broker_lead,
        organisation=alliance,
        max_release_days=Decimal("12"),
        min_lle_days=Decimal("6"),
    )
    assert CapacityPolicy.objects.get(organisation=alliance) == policy
    for actor in (other_coordinator, sip):
        with pytest.raises(NotAllowed):
            capacity_policy_set(
                actor=actor,
                organisation=alliance,
                max_release_days=Decimal("20"),
                min_lle_days=Decimal("6"),
            )
    with pytest.raises(ValidationError):
        capacity_policy_set(
            actor=broker_lead,
            organisation=alliance,
            max_release_days=Decimal("5"),
            min_lle_days=Decimal("6"),
        )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(days=st.decimals(min_value=-30, max_value=40, places=2))
def test_released_days_are_never_negative_and_the_ledger_reads_what_was_agreed(
    lle: Designation, leader: LeaderProfile, home_head: User, days: Decimal
) -> None:
    outcome: object
    try:
        outcome = release_set(
            actor=home_head,
            leader=leader,
            academic_year=YEAR,
            days=days,
            agreed_on=dt.date(2025, 9, 5),
        )
    except (ValidationError, RuleViolation) as refusal:
        outcome = refusal
    invalid = days < 0 or days % Decimal("0.5") != 0
    if invalid:
        assert isinstance(outcome, ValidationError)
        assert "days" in outcome.message_dict
    elif days > 15:
        assert isinstance(outcome, RuleViolation)
        assert outcome.rule == "release_cap"
    else:
        assert isinstance(outcome, ReleaseAgreement)
        assert outcome.days == days
        capacity = leader_capacity(leader, YEAR)
        assert capacity.released == days
        assert capacity.released >= 0
        assert capacity.remaining == capacity.released - capacity.committed
