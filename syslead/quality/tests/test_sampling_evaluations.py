"""Sampling end-of-support evaluations beside notes of visit (docs/rules.md, Quality assurance,
"Sampling evaluations")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.deployments.models import Deployment
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation
from syslead.quality import services
from syslead.quality.models import QaCheck, QaOutcome
from syslead.quality.tests.factories import AUTUMN, agreed_notes, deployment_for, evaluations
from syslead.schools.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def deployment(
    leader_user: User, home_school: School, client_school: School, alliance: Organisation
) -> Deployment:
    return deployment_for(leader_user, home_school, client_school, alliance)


def test_evaluations_are_sampled_at_the_same_rate_as_notes_of_visit_counted_on_their_own(
    deployment: Deployment, coordinator: User, alliance: Organisation, client_school: School
) -> None:
    agreed_notes(deployment, 12)
    evaluations(deployment.leader, alliance, client_school, 31)
    sample = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    assert sample.population == 12
    assert sample.evaluation_population == 31
    # 10% rounded up, at least 3: 3 of the 12 notes and 4 of the 31 evaluations.
    assert sample.checks.filter(visit__isnull=False).count() == 3
    assert sample.checks.filter(evaluation__isnull=False).count() == 4


def test_fewer_than_three_evaluations_are_all_sampled_and_the_draw_is_reproducible(
    deployment: Deployment, coordinator: User, alliance: Organisation, client_school: School
) -> None:
    made = evaluations(deployment.leader, alliance, client_school, 2)
    sample = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    chosen = sorted(sample.checks.values_list("evaluation_id", flat=True))
    assert chosen == sorted(e.pk for e in made)
    evaluations(deployment.leader, alliance, client_school, 30)
    sample.delete()
    first = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    drawn = sorted(first.checks.values_list("evaluation_id", flat=True))
    first.delete()
    again = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    assert sorted(again.checks.values_list("evaluation_id", flat=True)) == drawn
    assert len(drawn) == 4


def test_only_the_brokers_evaluations_submitted_in_the_term_are_sampled(
    deployment: Deployment,
    coordinator: User,
    alliance: Organisation,
    other_org: Organisation,
    client_school: School,
) -> None:
    inside = evaluations(deployment.leader, alliance, client_school, 1)
    evaluations(deployment.leader, alliance, client_school, 1, on=dt.date(2026, 2, 2))
    evaluations(deployment.leader, other_org, client_school, 1)
    sample = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    assert sample.evaluation_population == 1
    assert list(sample.checks.values_list("evaluation_id", flat=True)) == [inside[0].pk]


def test_a_qa_check_is_of_a_note_of_visit_or_an_evaluation_never_both_nor_neither(
    deployment: Deployment, coordinator: User, alliance: Organisation, client_school: School
) -> None:
    visit = agreed_notes(deployment, 1)[0]
    evaluation = evaluations(deployment.leader, alliance, client_school, 1)[0]
    sample = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    QaCheck.objects.all().delete()
    for fields in ({"visit": visit, "evaluation": evaluation}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            QaCheck.objects.create(sample=sample, **fields)


def test_the_reviewer_records_an_evaluations_outcome_and_needs_improvement_tells_the_leader(
    deployment: Deployment,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    leader_user: User,
) -> None:
    evaluation = evaluations(deployment.leader, alliance, client_school, 1)[0]
    sample = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    check = sample.checks.get()
    with pytest.raises(ValidationError) as refused:
        services.record_check(
            user=coordinator, check=check, outcome=QaOutcome.NEEDS_IMPROVEMENT, comment=""
        )
    assert "Say what the leader's work needs to improve." in str(refused.value)
    services.record_check(
        user=coordinator,
        check=check,
        outcome=QaOutcome.NEEDS_IMPROVEMENT,
        comment="The school saw no impact on attainment.",
    )
    check.refresh_from_db()
    assert check.outcome == QaOutcome.NEEDS_IMPROVEMENT
    assert check.checked_by == coordinator
    note = Notification.objects.get(user=leader_user, verb="qa_check.needs_improvement")
    assert "The school saw no impact on attainment." in note.text
    assert note.url == reverse("evaluation:evaluation", args=[evaluation.deployment_id])


def test_the_coordinator_checks_a_sampled_evaluation_on_the_sample_page(
    deployment: Deployment,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    login: Callable[[User], Client],
) -> None:
    evaluation = evaluations(deployment.leader, alliance, client_school, 1)[0]
    sample = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    check = sample.checks.get()
    client = login(coordinator)
    url = reverse("quality:sample", args=[sample.pk])
    page = client.get(url).content.decode()
    assert "End-of-support evaluations" in page
    assert reverse("evaluation:evaluation", args=[evaluation.deployment_id]) in page
    assert "Does the work the evaluation shows meet the standard?" in page
    refused = client.post(url, {"check": check.pk, f"c{check.pk}-outcome": "needs_improvement"})
    assert refused.status_code == 200
    assert "Say what the leader&#x27;s work needs to improve." in refused.content.decode()
    done = client.post(url, {"check": check.pk, f"c{check.pk}-outcome": "meets_standard"})
    assert done.status_code == 302
    check.refresh_from_db()
    assert check.outcome == QaOutcome.MEETS_STANDARD


def test_checked_evaluations_are_evidence_for_the_leaders_performance_feedback(
    deployment: Deployment,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    login: Callable[[User], Client],
) -> None:
    evaluations(deployment.leader, alliance, client_school, 1)
    sample = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    check = sample.checks.get()
    services.record_check(
        user=coordinator, check=check, outcome=QaOutcome.MEETS_STANDARD, comment="Strong."
    )
    evidence = services.year_evidence(deployment.leader, alliance.pk, AcademicYear(2025))
    assert [c.pk for c in evidence.qa_checks] == [check.pk]
    page = login(coordinator).get(
        reverse("quality:feedback", args=[alliance.pk, "2025-26", deployment.leader_id])
    )
    assert "Evaluation, " + client_school.name in page.content.decode()
