"""The outcomes factor (docs/rules.md, "Matching"): the overall-success ratings of the
end-of-support evaluations of a leader's earlier deployments count for 10 of the 100 points; a
leader with none is neutral (5 of 10)."""

from __future__ import annotations

from typing import Any

import pytest

from syslead.brokering.facts import leader_facts_for
from syslead.brokering.matching import Candidate, shortlist
from syslead.brokering.models import SupportRequest
from syslead.brokering.outcomes import evidence_from_ratings
from syslead.brokering.tests import factories
from syslead.deployments.models import Deployment, DeploymentStatus, FundingRoute
from syslead.evaluation.models import Evaluation, EvaluationItem, EvaluationRating, Rag
from syslead.evaluation.tallies import outcome_tally_refresh
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School


def _evaluated_deployment(
    leader: LeaderProfile,
    organisation: Organisation,
    home_school: School,
    overall: str,
    *,
    others: str = Rag.GREEN,
) -> Deployment:
    """A completed deployment last year, evaluated with ``overall`` for overall success."""
    year = factories.AcademicYear.parse(factories.YEAR).previous()
    school = factories.school(f"Earlier School {Deployment.objects.count()}")
    deployment = Deployment.objects.create(
        organisation=organisation,
        support_request=factories.support_request(school, organisation, academic_year=year.label),
        leader=leader,
        client_school=school,
        home_school=home_school,
        status=DeploymentStatus.COMPLETED,
        starts_on=year.starts_on,
        ends_on=year.ends_on,
        academic_year=year.label,
        full_days=5,
        funding_route=FundingRoute.SCHOOL,
    )
    evaluation = Evaluation.objects.create(deployment=deployment)
    EvaluationRating.objects.bulk_create(
        EvaluationRating(
            evaluation=evaluation,
            item=item,
            rating=overall if item == EvaluationItem.OVERALL_SUCCESS else others,
        )
        for item in EvaluationItem.values
    )
    # As evaluation_submit does: the outcomes tally is recounted with the ratings.
    outcome_tally_refresh([leader.pk])
    return deployment


def _lee(result: Any, lee: LeaderProfile) -> Candidate:
    [candidate] = [c for c in result.candidates if c.leader_id == lee.pk]
    return candidate


def _outcomes_reason(candidate: Candidate) -> str:
    [reason] = [r for r in candidate.reasons if r.startswith("Outcomes: ")]
    return reason


def test_outcomes_are_neutral_without_evaluated_deployments(
    lee: LeaderProfile, maths_request: SupportRequest
) -> None:
    candidate = _lee(shortlist(maths_request), lee)
    assert candidate.fractions.outcomes == 0.5
    assert (
        _outcomes_reason(candidate)
        == "Outcomes: no earlier deployment evaluated yet, counted as neutral (5/10)"
    )


def test_good_overall_success_ratings_raise_the_score(
    lee: LeaderProfile,
    maths_request: SupportRequest,
    alliance: Organisation,
    home_school: School,
) -> None:
    neutral = _lee(shortlist(maths_request), lee).score
    for _ in range(3):
        _evaluated_deployment(lee, alliance, home_school, Rag.GREEN)
    candidate = _lee(shortlist(maths_request), lee)
    assert candidate.fractions.outcomes == pytest.approx(0.8)
    assert candidate.score == pytest.approx(neutral + 3.0)
    assert _outcomes_reason(candidate) == (
        "Outcomes: 3 earlier deployments evaluated, overall success rated 3 green (8/10)"
    )


def test_poor_overall_success_ratings_lower_the_score(
    lee: LeaderProfile,
    maths_request: SupportRequest,
    alliance: Organisation,
    home_school: School,
) -> None:
    neutral = _lee(shortlist(maths_request), lee).score
    # Only the overall-success rating counts, not the other eight items.
    _evaluated_deployment(lee, alliance, home_school, Rag.RED, others=Rag.GREEN)
    _evaluated_deployment(lee, alliance, home_school, Rag.AMBER, others=Rag.GREEN)
    candidate = _lee(shortlist(maths_request), lee)
    assert candidate.fractions.outcomes == pytest.approx(0.375)
    assert candidate.score < neutral
    assert _outcomes_reason(candidate) == (
        "Outcomes: 2 earlier deployments evaluated, overall success rated 1 amber and 1 red "
        "(3.8/10)"
    )


def test_leader_facts_carry_the_overall_success_rating_of_each_evaluated_deployment(
    lee: LeaderProfile, alliance: Organisation, home_school: School
) -> None:
    other = factories.leader(home_school, organisation=alliance)
    _evaluated_deployment(lee, alliance, home_school, Rag.GREEN, others=Rag.RED)
    _evaluated_deployment(lee, alliance, home_school, Rag.AMBER)
    _evaluated_deployment(lee, alliance, home_school, Rag.GREEN)
    found = leader_facts_for([lee.pk, other.pk], factories.YEAR)
    assert {x.id: sorted(x.outcome_ratings) for x in found} == {
        lee.pk: ["amber", "green", "green"],
        other.pk: [],
    }


def test_one_evaluation_cannot_swing_the_factor_to_an_extreme() -> None:
    assert evidence_from_ratings([]).fraction == 0.5
    assert evidence_from_ratings(["green"]).fraction == pytest.approx(2 / 3)
    assert evidence_from_ratings(["red"]).fraction == pytest.approx(1 / 3)
    assert evidence_from_ratings(["green"] * 10).fraction == pytest.approx(11 / 12)
    assert evidence_from_ratings(["green"]).description == (
        "1 earlier deployment evaluated, overall success rated 1 green"
    )


def test_an_evaluation_given_through_the_service_reaches_the_shortlist_at_once(
    lee: LeaderProfile,
    maths_request: SupportRequest,
    alliance: Organisation,
    home_school: School,
) -> None:
    """docs/rules.md, "Matching", "The outcomes tally": the outcomes factor reads the tally,
    which is recounted from the ratings whenever they are written."""
    deployment = _evaluated_deployment(lee, alliance, home_school, Rag.GREEN)
    assert _lee(shortlist(maths_request), lee).fractions.outcomes == pytest.approx(2 / 3)
    evaluation = Evaluation.objects.get(deployment=deployment)
    EvaluationRating.objects.filter(
        evaluation=evaluation, item=EvaluationItem.OVERALL_SUCCESS
    ).update(rating=Rag.RED)
    outcome_tally_refresh([lee.pk])
    assert _lee(shortlist(maths_request), lee).fractions.outcomes == pytest.approx(1 / 3)
