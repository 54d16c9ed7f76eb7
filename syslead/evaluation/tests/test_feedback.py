"""Termly feedback: scheduled for each school term the agreement spans, due at the term's end,
given once by the supported headteacher with the fields of docs/rules.md, Feedback and
evaluation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from syslead.accounts.models import User
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.evaluation.models import FeedbackRequest, FeedbackStatus
from syslead.evaluation.services import feedback_schedule_for, feedback_submit, schedule_feedback
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.visits.tests.factories import make_deployment


def _form(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "work_managed_by": "Deputy headteacher",
        "days_in_school": Decimal("3.5"),
        "objectives": "Raise attainment in KS2 maths",
        "school_actions": "Weekly book looks",
        "leader_actions": "Model a lesson study",
        "impact": "Consistent feedback in every class.",
    }
    fields.update(overrides)
    return fields


def test_one_request_per_school_term_due_at_each_terms_end(deployment: Deployment) -> None:
    # The default term dates: autumn ends on the last Friday on or before 20 December, spring on
    # the Friday nine days before Easter Sunday (5 April 2026).
    schedule = schedule_feedback(deployment)
    assert [(f.academic_year, f.term, f.due_on) for f in schedule] == [
        ("2025-26", "autumn", dt.date(2025, 12, 19)),
        ("2025-26", "spring", dt.date(2026, 3, 27)),
    ]
    assert all(f.status == FeedbackStatus.DUE for f in schedule)


def test_scheduling_is_idempotent_and_adds_terms_when_the_agreement_grows(
    deployment: Deployment,
) -> None:
    schedule_feedback(deployment)
    schedule_feedback(deployment)
    assert FeedbackRequest.objects.count() == 2
    Deployment.objects.filter(pk=deployment.pk).update(ends_on=dt.date(2026, 9, 30))
    deployment.refresh_from_db()
    terms = [(f.academic_year, f.term) for f in schedule_feedback(deployment)]
    assert terms == [
        ("2025-26", "autumn"),
        ("2025-26", "spring"),
        ("2025-26", "summer"),
        ("2026-27", "autumn"),
    ]


def test_listing_ensures_the_schedule_only_once_the_agreement_is_under_way(
    leader: Any, alliance: Organisation, client_school: School
) -> None:
    waiting = make_deployment(
        leader=leader,
        organisation=alliance,
        client_school=client_school,
        status=DeploymentStatus.AWAITING_SIGNATURES,
    )
    assert feedback_schedule_for(waiting) == []
    Deployment.objects.filter(pk=waiting.pk).update(status=DeploymentStatus.ACTIVE)
    waiting.refresh_from_db()
    assert len(feedback_schedule_for(waiting)) == 2


def test_the_supported_head_gives_feedback_once(
    client_head: User, leader_user: User, deployment: Deployment
) -> None:
    autumn = schedule_feedback(deployment)[0]
    given = feedback_submit(actor=client_head, feedback=autumn, **_form())
    assert given.status == FeedbackStatus.SUBMITTED
    assert given.days_in_school == Decimal("3.5")
    assert given.submitted_by == client_head
    assert Notification.objects.filter(user=leader_user, verb="feedback.submitted").exists()
    with pytest.raises(RuleViolation):
        feedback_submit(actor=client_head, feedback=given, **_form())


@pytest.mark.parametrize("who", ["leader_user", "home_head", "coordinator", "stranger"])
def test_only_the_supported_head_gives_feedback(
    request: pytest.FixtureRequest, deployment: Deployment, who: str
) -> None:
    autumn = schedule_feedback(deployment)[0]
    with pytest.raises(NotAllowed):
        feedback_submit(actor=request.getfixturevalue(who), feedback=autumn, **_form())


def test_days_and_impact_are_required(client_head: User, deployment: Deployment) -> None:
    autumn = schedule_feedback(deployment)[0]
    with pytest.raises(ValidationError) as invalid:
        feedback_submit(actor=client_head, feedback=autumn, **_form(days_in_school=None, impact=""))
    assert set(invalid.value.message_dict) == {"days_in_school", "impact"}


def test_feedback_for_a_term_that_has_not_started_is_refused(
    client_head: User, leader: Any, alliance: Organisation, client_school: School
) -> None:
    future = make_deployment(
        leader=leader,
        organisation=alliance,
        client_school=client_school,
        starts_on=dt.date(2097, 9, 9),
        ends_on=dt.date(2097, 12, 17),
    )
    autumn = schedule_feedback(future)[0]
    with pytest.raises(RuleViolation) as refused:
        feedback_submit(actor=client_head, feedback=autumn, **_form())
    assert refused.value.rule == "feedback_not_open"
