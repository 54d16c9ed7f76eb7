"""The end-of-support evaluation through its service: the nine items of docs/rules.md, Feedback and
evaluation, once per agreement, and a new request for further support started from it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from syslead.accounts.models import User
from syslead.brokering.models import Route, SupportRequest
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment
from syslead.evaluation.models import Evaluation, EvaluationItem, LeaderOutcomeTally
from syslead.evaluation.selectors import evaluation_lines
from syslead.evaluation.services import evaluation_start_new_request, evaluation_submit
from syslead.evaluation.tallies import outcome_tallies, outcome_tally_refresh
from syslead.notifications.models import Notification

NINE = [
    "progress_made",
    "evidence_of_impact",
    "objectives_set",
    "information_and_reports",
    "outcomes_and_priorities",
    "headteacher_experience",
    "staff_experience",
    "quality_of_support",
    "overall_success",
]


def _submit(actor: User, deployment: Deployment, **overrides: Any) -> Evaluation:
    fields: dict[str, Any] = {
        "ratings": dict.fromkeys(NINE, "green") | {"progress_made": "amber"},
        "comments": {"progress_made": "Year 6 books show it."},
        "future_priorities": "Writing",
        "future_support_requested": "An English SLE for the spring term",
    }
    fields.update(overrides)
    return evaluation_submit(actor=actor, deployment=deployment, **fields)


def test_the_form_has_nine_rated_items_in_the_rules_order() -> None:
    assert EvaluationItem.values == NINE
    assert EvaluationItem.PROGRESS_MADE.label.startswith("1.")
    assert EvaluationItem.OUTCOMES_AND_PRIORITIES.label.startswith("3c.")
    assert EvaluationItem.OVERALL_SUCCESS.label.startswith("6.")


def test_the_supported_head_evaluates_and_the_leader_and_broker_hear(
    client_head: User, leader_user: User, coordinator: User, deployment: Deployment
) -> None:
    evaluation = _submit(client_head, deployment)
    lines = evaluation_lines(evaluation)
    assert [line.item for line in lines] == NINE
    assert lines[0].rating == "amber"
    assert lines[0].comment == "Year 6 books show it."
    assert lines[1].comment == ""
    for person in (leader_user, coordinator):
        assert Notification.objects.filter(user=person, verb="evaluation.submitted").exists()


def test_every_item_must_be_rated_and_nothing_is_written_otherwise(
    client_head: User, deployment: Deployment
) -> None:
    with pytest.raises(ValidationError) as invalid:
        _submit(client_head, deployment, ratings={"progress_made": "green"})
    assert list(invalid.value.message_dict) == ["ratings"]
    assert len(invalid.value.message_dict["ratings"]) == 8
    assert not Evaluation.objects.exists()


def test_once_per_agreement(client_head: User, deployment: Deployment) -> None:
    _submit(client_head, deployment)
    with pytest.raises(RuleViolation) as refused:
        _submit(client_head, deployment)
    assert refused.value.rule == "evaluation_already_given"


def test_only_the_supported_head(leader_user: User, deployment: Deployment) -> None:
    with pytest.raises(NotAllowed):
        _submit(leader_user, deployment)


def test_future_support_requested_starts_a_new_request_once(
    client_head: User, leader_user: User, deployment: Deployment
) -> None:
    evaluation = _submit(client_head, deployment)
    with pytest.raises(NotAllowed):
        evaluation_start_new_request(actor=leader_user, evaluation=evaluation)
    request = evaluation_start_new_request(actor=client_head, evaluation=evaluation)
    assert request.school == deployment.client_school
    assert request.organisation == deployment.organisation
    assert request.route == Route.SCHOOL
    assert request.summary == "An English SLE for the spring term"
    evaluation.refresh_from_db()
    assert evaluation.new_request == request
    with pytest.raises(RuleViolation):
        evaluation_start_new_request(actor=client_head, evaluation=evaluation)
    assert SupportRequest.objects.filter(school=deployment.client_school).count() == 2


def test_no_new_request_without_future_support_requested(
    client_head: User, deployment: Deployment
) -> None:
    evaluation = _submit(client_head, deployment, future_support_requested="")
    with pytest.raises(ValidationError):
        evaluation_start_new_request(actor=client_head, evaluation=evaluation)


def test_the_outcomes_tally_is_recounted_when_an_evaluation_is_given(
    client_head: User, deployment: Deployment
) -> None:
    """docs/rules.md, "Matching", "The outcomes tally": submitting the evaluation recounts the
    leader's row, so matching never reads a stale count."""
    assert not LeaderOutcomeTally.objects.filter(leader_id=deployment.leader_id).exists()
    _submit(
        client_head,
        deployment,
        ratings=dict.fromkeys(NINE, "green") | {"overall_success": "amber"},
    )
    tally = LeaderOutcomeTally.objects.get(leader_id=deployment.leader_id)
    assert (tally.red, tally.amber, tally.green) == (0, 1, 0)
    assert outcome_tallies([deployment.leader_id]) == {
        deployment.leader_id: {"red": 0, "amber": 1, "green": 0}
    }


def test_refreshing_the_outcomes_tally_recounts_from_the_ratings(
    client_head: User, deployment: Deployment
) -> None:
    """docs/rules.md, "Matching", "The outcomes tally": a refresh puts back the exact count, and
    a leader with no evaluated deployment has no row."""
    _submit(client_head, deployment)
    LeaderOutcomeTally.objects.filter(leader_id=deployment.leader_id).update(green=7, red=3)
    outcome_tally_refresh()
    tally = LeaderOutcomeTally.objects.get(leader_id=deployment.leader_id)
    assert (tally.red, tally.amber, tally.green) == (0, 0, 1)
    Evaluation.objects.filter(deployment=deployment).delete()
    outcome_tally_refresh([deployment.leader_id])
    assert not LeaderOutcomeTally.objects.filter(leader_id=deployment.leader_id).exists()
