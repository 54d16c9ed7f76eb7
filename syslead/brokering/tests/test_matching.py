"""The matching engine: who is considered, every hard rule (one test each), the score and its
reasons, the order, and the cost in queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from syslead.accounts.models import User
from syslead.brokering.matching import Weights, shortlist
from syslead.brokering.models import (
    Commission,
    CommissionStatus,
    MatchingWeights,
    SupportRequest,
)
from syslead.brokering.tests import factories
from syslead.deployments.models import Deployment, DeploymentStatus, FundingRoute
from syslead.leaders.models import Association, DesignationStatus, LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School


def _ids(items: list[Any]) -> list[int]:
    return [item.leader_id for item in items]


def _excluded(result: Any, leader: LeaderProfile) -> list[str]:
    [found] = [e for e in result.excluded if e.leader_id == leader.pk]
    return list(found.reasons)


def test_a_leader_passing_every_rule_is_a_candidate_with_reasons(
    lee: LeaderProfile, maths_request: SupportRequest
) -> None:
    result = shortlist(maths_request)
    assert _ids(result.candidates) == [lee.pk]
    [candidate] = result.candidates
    assert 0 <= candidate.score <= 100
    assert candidate.remaining_days == Decimal("10")
    assert candidate.distance_km == pytest.approx(1.35, abs=0.1)
    assert candidate.reasons[0] == "Specialism: maths matches (30/30)"
    assert candidate.reasons[1].startswith("Phase: works in a primary school")
    assert candidate.reasons[2].startswith("Distance: 1.4 km from Ermine Primary Academy (24.9/25)")
    assert any(r.startswith("Outcomes: no earlier deployment evaluated") for r in candidate.reasons)
    assert any(
        r.startswith("Local authority: both schools are in Lincolnshire") for r in candidate.reasons
    )


def test_specialism_reason_names_both_matching_needs(
    lee: LeaderProfile, client_school: School, alliance: Organisation
) -> None:
    request = factories.support_request(client_school, alliance, needs=("maths", "english"))
    [candidate] = shortlist(request).candidates
    assert candidate.reasons[0] == "Specialism: maths and English both match (30/30)"


def test_partial_specialism_match_scores_half_the_specialism_points(
    lee: LeaderProfile, client_school: School, alliance: Organisation
) -> None:
    request = factories.support_request(client_school, alliance, needs=("maths", "science"))
    [candidate] = shortlist(request).candidates
    assert candidate.reasons[0] == "Specialism: maths matches; science not (15/30)"


def test_leader_of_another_organisation_is_never_considered(
    maths_request: SupportRequest, home_school: School, other_org: Organisation
) -> None:
    outsider = factories.leader(home_school, organisation=other_org)
    result = shortlist(maths_request)
    assert outsider.pk not in _ids(result.candidates)
    assert outsider.pk not in _ids(result.excluded)


def test_leader_with_an_ended_association_is_not_considered(
    lee: LeaderProfile, maths_request: SupportRequest
) -> None:
    Association.objects.filter(leader=lee).update(is_live=False, ends_on="2025-01-01")
    result = shortlist(maths_request)
    assert result.considered == 0


def test_leader_approved_through_a_commission_is_considered(
    maths_request: SupportRequest, home_school: School, other_org: Organisation
) -> None:
    shared = factories.leader(home_school, organisation=other_org)
    Commission.objects.create(
        support_request=maths_request,
        leader=shared,
        owning_organisation=other_org,
        status=CommissionStatus.APPROVED,
    )
    assert _ids(shortlist(maths_request).candidates) == [shared.pk]


def test_leader_only_proposed_in_a_commission_is_not_yet_considered(
    maths_request: SupportRequest, home_school: School, other_org: Organisation
) -> None:
    shared = factories.leader(home_school, organisation=other_org)
    Commission.objects.create(
        support_request=maths_request, leader=shared, owning_organisation=other_org
    )
    assert shortlist(maths_request).considered == 0


# --- One test per hard rule ------------------------------------------------------------------


def test_leader_without_an_active_designation_is_excluded_with_the_reason(
    maths_request: SupportRequest, home_school: School, alliance: Organisation
) -> None:
    revoked = factories.leader(
        home_school, organisation=alliance, designation_status=DesignationStatus.REVOKED
    )
    result = shortlist(maths_request)
    assert _excluded(result, revoked) == ["No active designation (SLE revoked or under review)"]


def test_leader_never_designated_is_excluded_with_the_reason(
    maths_request: SupportRequest, home_school: School, alliance: Organisation
) -> None:
    undesignated = factories.leader(home_school, organisation=alliance, designation=None)
    assert _excluded(shortlist(maths_request), undesignated) == ["No active designation"]


def test_leader_under_review_is_excluded(
    maths_request: SupportRequest, home_school: School, alliance: Organisation
) -> None:
    reviewed = factories.leader(
        home_school, organisation=alliance, designation_status=DesignationStatus.UNDER_REVIEW
    )
    assert "No active designation" in _excluded(shortlist(maths_request), reviewed)[0]


def test_leader_without_core_training_is_excluded_with_the_reason(
    maths_request: SupportRequest, home_school: School, alliance: Organisation
) -> None:
    untrained = factories.leader(home_school, organisation=alliance, trained=False)
    assert _excluded(shortlist(maths_request), untrained) == ["Core training not completed"]


def test_leader_who_does_not_support_the_schools_phase_is_excluded(
    maths_request: SupportRequest, home_school: School, alliance: Organisation
) -> None:
    secondary = factories.leader(home_school, organisation=alliance, phases=("secondary",))
    assert _excluded(shortlist(maths_request), secondary) == [
        "Does not support primary schools (supports secondary)"
    ]


def test_leader_with_no_specialism_in_common_is_excluded(
    maths_request: SupportRequest, home_school: School, alliance: Organisation
) -> None:
    phonics = factories.leader(home_school, organisation=alliance, specialisms=("phonics",))
    assert _excluded(shortlist(maths_request), phonics) == [
        "No specialism in common with the needs (maths)"
    ]


def test_leader_without_enough_remaining_days_is_excluded(
    maths_request: SupportRequest, home_school: School, alliance: Organisation
) -> None:
    busy = factories.leader(home_school, organisation=alliance, release="3")
    assert _excluded(shortlist(maths_request), busy) == [
        f"Only 3 days left in {factories.YEAR}; the request needs 5 days"
    ]


def test_days_committed_in_agreements_reduce_remaining_days(
    maths_request: SupportRequest,
    lee: LeaderProfile,
    alliance: Organisation,
    far_school: School,
    home_school: School,
) -> None:
    year = factories.AcademicYear.parse(factories.YEAR)
    Deployment.objects.create(
        organisation=alliance,
        support_request=factories.support_request(far_school, alliance),
        leader=lee,
        client_school=far_school,
        home_school=home_school,
        status=DeploymentStatus.ACTIVE,
        starts_on=year.starts_on,
        ends_on=year.ends_on,
        academic_year=year.label,
        full_days=6,
        funding_route=FundingRoute.SCHOOL,
    )
    assert _excluded(shortlist(maths_request), lee) == [
        f"Only 4 days left in {factories.YEAR}; the request needs 5 days"
    ]


def test_leader_without_release_days_this_year_is_excluded(
    maths_request: SupportRequest, home_school: School, alliance: Organisation
) -> None:
    unreleased = factories.leader(home_school, organisation=alliance, release=None)
    assert _excluded(shortlist(maths_request), unreleased) == [
        f"Only 0 days left in {factories.YEAR}; the request needs 5 days"
    ]


def test_leader_is_never_shortlisted_for_their_own_home_school(
    client_school: School, alliance: Organisation
) -> None:
    insider = factories.leader(client_school, organisation=alliance)
    request = factories.support_request(client_school, alliance)
    result = shortlist(request)
    assert result.candidates == []
    assert _excluded(result, insider) == [
        "Conflict of interest: Ermine Primary Academy is their own home school"
    ]


def test_leader_is_excluded_for_a_school_of_the_same_trust(
    alliance: Organisation, home_school: School
) -> None:
    School.objects.filter(pk=home_school.pk).update(trust_name="Lincoln Learning Trust")
    member = factories.school("Trust Primary", trust_name="Lincoln Learning Trust")
    leader = factories.leader(home_school, organisation=alliance)
    result = shortlist(factories.support_request(member, alliance))
    assert _excluded(result, leader) == [
        "Conflict of interest: their school is in the same trust as Trust Primary "
        "(Lincoln Learning Trust)"
    ]


def test_schools_with_no_trust_are_not_a_conflict(
    lee: LeaderProfile, maths_request: SupportRequest
) -> None:
    assert _ids(shortlist(maths_request).candidates) == [lee.pk]


@pytest.mark.parametrize(
    "declared",
    [
        "My sister teaches at Ermine Primary Academy.",
        "URN 120001: former employer",
        "ermine primary academy (governor)",
    ],
)
def test_leader_is_excluded_for_a_declared_conflict_with_the_school(
    maths_request: SupportRequest, home_school: School, alliance: Organisation, declared: str
) -> None:
    conflicted = factories.leader(home_school, organisation=alliance, declared_conflicts=declared)
    assert _excluded(shortlist(maths_request), conflicted) == [
        "Conflict of interest: they have declared a conflict with Ermine Primary Academy"
    ]


def test_a_declared_conflict_with_another_school_does_not_exclude(
    maths_request: SupportRequest, home_school: School, alliance: Organisation
) -> None:
    leader = factories.leader(
        home_school,
        organisation=alliance,
        declared_conflicts="Governor at Ermine Secondary, 1200011",
    )
    assert _ids(shortlist(maths_request).candidates) == [leader.pk]


def test_excluded_leader_lists_every_failing_rule(
    client_school: School, alliance: Organisation
) -> None:
    hopeless = factories.leader(
        client_school,
        organisation=alliance,
        designation=None,
        trained=False,
        phases=("secondary",),
        specialisms=("science",),
        release="1",
    )
    result = shortlist(factories.support_request(client_school, alliance))
    [excluded] = result.excluded
    assert excluded.leader_id == hopeless.pk
    assert excluded.rules == (
        "active_designation",
        "core_training",
        "phase",
        "specialism",
        "remaining_days",
        "conflict_of_interest",
    )
    assert len(excluded.reasons) == 6


# --- Score and order -------------------------------------------------------------------------


def test_nearer_leader_scores_higher_with_all_else_equal(
    maths_request: SupportRequest, alliance: Organisation
) -> None:
    near_school = factories.school("Near Primary", lat=53.30, lon=-0.53)  # about 6 km
    far_school = factories.school("Far Primary", lat=53.60, lon=-0.53)  # about 39 km
    far = factories.leader(far_school, organisation=alliance)
    near = factories.leader(near_school, organisation=alliance)
    result = shortlist(maths_request)
    assert _ids(result.candidates) == [near.pk, far.pk]
    assert result.candidates[0].score > result.candidates[1].score


def test_distance_keeps_counting_beyond_fifty_km(
    maths_request: SupportRequest, alliance: Organisation
) -> None:
    a = factories.leader(factories.school("A", lat=54.0, lon=-0.53), organisation=alliance)
    b = factories.leader(factories.school("B", lat=54.3, lon=-0.53), organisation=alliance)
    result = shortlist(maths_request)
    assert _ids(result.candidates) == [a.pk, b.pk]
    assert result.candidates[0].score > result.candidates[1].score


def test_ties_are_broken_by_leader_id(
    maths_request: SupportRequest, home_school: School, alliance: Organisation
) -> None:
    first = factories.leader(home_school, organisation=alliance)
    second = factories.leader(home_school, organisation=alliance)
    result = shortlist(maths_request)
    assert result.candidates[0].score == result.candidates[1].score
    assert _ids(result.candidates) == [first.pk, second.pk]


def test_equal_shown_scores_put_the_nearer_leader_first(
    maths_request: SupportRequest, alliance: Organisation
) -> None:
    MatchingWeights.objects.create(
        organisation=alliance,
        specialism=100,
        phase=0,
        distance=0,
        remaining_days=0,
        experience=0,
        outcomes=0,
        same_local_authority=0,
    )
    far = factories.leader(factories.school("Far", lat=53.6, lon=-0.53), organisation=alliance)
    near = factories.leader(factories.school("Near", lat=53.3, lon=-0.53), organisation=alliance)
    assert far.pk < near.pk
    assert _ids(shortlist(maths_request).candidates) == [near.pk, far.pk]


def test_more_experience_and_more_remaining_days_score_higher(
    maths_request: SupportRequest, home_school: School, alliance: Organisation
) -> None:
    novice = factories.leader(home_school, organisation=alliance, years=2, release="5")
    veteran = factories.leader(home_school, organisation=alliance, years=10, release="10")
    assert _ids(shortlist(maths_request).candidates) == [veteran.pk, novice.pk]


def test_limit_cuts_the_candidates_but_not_the_excluded(
    maths_request: SupportRequest, home_school: School, alliance: Organisation
) -> None:
    for _ in range(5):
        factories.leader(home_school, organisation=alliance)
    factories.leader(home_school, organisation=alliance, trained=False)
    result = shortlist(maths_request, limit=3)
    assert len(result.candidates) == 3
    assert len(result.ranked) == 5
    assert len(result.excluded) == 1


def test_organisation_weights_change_the_score_and_say_so(
    lee: LeaderProfile, maths_request: SupportRequest, alliance: Organisation
) -> None:
    MatchingWeights.objects.create(organisation=alliance, distance=0, outcomes=0)
    [candidate] = shortlist(maths_request).candidates
    assert not any(r.startswith("Distance") for r in candidate.reasons)
    assert candidate.reasons[-1].startswith("Total: ")
    assert Weights.for_organisation(alliance.pk).total == 65


def test_shortlist_costs_the_same_queries_for_many_leaders(
    maths_request: SupportRequest,
    home_school: School,
    alliance: Organisation,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(3):
        factories.leader(home_school, organisation=alliance)
    with django_assert_max_num_queries(12) as small:
        shortlist(maths_request)
    for _ in range(40):
        factories.leader(home_school, organisation=alliance, specialisms=("maths", "english"))
    with django_assert_max_num_queries(len(small.captured_queries)):
        result = shortlist(maths_request)
    assert result.considered == 43


def test_school_without_a_location_gets_no_distance_points(
    lee: LeaderProfile, alliance: Organisation, client_head: User
) -> None:
    unplaced = factories.school("Unplaced Primary", lat=None, lon=None)  # type: ignore[arg-type]
    [candidate] = shortlist(factories.support_request(unplaced, alliance)).candidates
    assert candidate.distance_km is None
    assert "Distance: not known (a school has no location) (0/25)" in candidate.reasons
