"""Termly progress reviews: each objective rated red/amber/green by the headteacher, the leader and
the coordinator; disagreement flagged when the viewpoints are not all the same (wide when red
meets green); revised measures recorded."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear, Term
from syslead.core.exceptions import NotAllowed
from syslead.core.models import Event
from syslead.deployments.models import Deployment
from syslead.evaluation.models import ObjectiveRating
from syslead.evaluation.selectors import Disagreement, disagreement, review_grid
from syslead.evaluation.services import progress_review_agree_measures, progress_review_rate

AUTUMN = Term(AcademicYear(2025), "autumn")
SPRING = Term(AcademicYear(2025), "spring")


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        ([], Disagreement.NONE),
        (["red"], Disagreement.NONE),
        (["green", "green", "green"], Disagreement.NONE),
        (["green", "amber"], Disagreement.DIFFER),
        (["amber", "amber", "red"], Disagreement.DIFFER),
        (["green", "red"], Disagreement.WIDE),
        (["green", "amber", "red"], Disagreement.WIDE),
    ],
)
def test_disagreement_is_any_difference_and_wide_when_red_meets_green(
    ratings: list[str], expected: Disagreement
) -> None:
    assert disagreement(ratings) is expected
    assert disagreement(ratings).flagged == (expected is not Disagreement.NONE)


def test_three_viewpoints_rate_each_objective_and_the_grid_flags_disagreement(
    client_head: User, leader_user: User, coordinator: User, deployment: Deployment
) -> None:
    first, second = deployment.objectives.all()
    progress_review_rate(
        actor=client_head,
        deployment=deployment,
        term=AUTUMN,
        ratings={first.pk: "green", second.pk: "amber"},
    )
    progress_review_rate(
        actor=leader_user,
        deployment=deployment,
        term=AUTUMN,
        ratings={first.pk: "green", second.pk: "red"},
    )
    progress_review_rate(
        actor=coordinator,
        deployment=deployment,
        term=AUTUMN,
        ratings={first.pk: "green", second.pk: "green"},
    )
    grid = review_grid(deployment)
    assert grid.terms == [AUTUMN, SPRING]
    first_row, second_row = grid.rows
    autumn_first, spring_first = first_row.cells
    assert {vp: r.rating for vp, r in autumn_first.ratings.items()} == {
        "headteacher": "green",
        "leader": "green",
        "coordinator": "green",
    }
    assert autumn_first.disagreement is Disagreement.NONE
    assert spring_first.ratings == {}
    assert second_row.cells[0].disagreement is Disagreement.WIDE
    assert second_row.flagged
    assert not first_row.flagged
    assert grid.disagreements == 1


def test_rating_again_replaces_your_own_and_the_event_keeps_the_old_value(
    leader_user: User, deployment: Deployment
) -> None:
    first = deployment.objectives.first()
    assert first is not None
    progress_review_rate(
        actor=leader_user, deployment=deployment, term=AUTUMN, ratings={first.pk: "red"}
    )
    progress_review_rate(
        actor=leader_user, deployment=deployment, term=AUTUMN, ratings={first.pk: "amber"}
    )
    assert list(ObjectiveRating.objects.values_list("viewpoint", "rating")) == [("leader", "amber")]
    last = Event.objects.filter(verb="progress.rated").last()
    assert last is not None
    assert last.data["ratings"][str(first.pk)] == {"before": "red", "after": "amber"}


@pytest.mark.parametrize(
    "who", ["home_head", "broker_lead", "sip", "stranger", "other_coordinator"]
)
def test_only_the_head_the_leader_and_coordinators_rate(
    request: pytest.FixtureRequest, deployment: Deployment, who: str
) -> None:
    first = deployment.objectives.first()
    assert first is not None
    with pytest.raises(NotAllowed):
        progress_review_rate(
            actor=request.getfixturevalue(who),
            deployment=deployment,
            term=AUTUMN,
            ratings={first.pk: "red"},
        )


def test_a_leader_cannot_rate_as_the_headteacher(leader_user: User, deployment: Deployment) -> None:
    first = deployment.objectives.first()
    assert first is not None
    with pytest.raises(NotAllowed):
        progress_review_rate(
            actor=leader_user,
            deployment=deployment,
            term=AUTUMN,
            ratings={first.pk: "green"},
            viewpoint="headteacher",
        )


def test_ratings_must_be_rag_for_this_agreements_objectives_in_its_terms(
    leader_user: User, deployment: Deployment
) -> None:
    first = deployment.objectives.first()
    assert first is not None
    for ratings in ({first.pk: "blue"}, {999_999: "red"}, {}):
        with pytest.raises(ValidationError) as invalid:
            progress_review_rate(
                actor=leader_user, deployment=deployment, term=AUTUMN, ratings=ratings
            )
        assert list(invalid.value.message_dict) == ["ratings"]
    with pytest.raises(ValidationError) as invalid:
        progress_review_rate(
            actor=leader_user,
            deployment=deployment,
            term=Term(AcademicYear(2026), "autumn"),
            ratings={first.pk: "red"},
        )
    assert list(invalid.value.message_dict) == ["term"]


def test_revised_measures_are_recorded_with_who_and_when(
    client_head: User, deployment: Deployment
) -> None:
    review = progress_review_agree_measures(
        actor=client_head,
        deployment=deployment,
        term=AUTUMN,
        revised_measures="80% of Year 6 at expected standard in maths by July.",
    )
    assert review.revised_measures_agreed_by == client_head
    assert review.revised_measures_agreed_at is not None
    assert review_grid(deployment).revised_measures[AUTUMN][0].startswith("80%")
    with pytest.raises(ValidationError):
        progress_review_agree_measures(
            actor=client_head, deployment=deployment, term=AUTUMN, revised_measures=" "
        )
