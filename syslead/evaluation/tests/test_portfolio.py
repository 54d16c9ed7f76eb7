"""A leader's portfolio (docs/rules.md, "A leader's portfolio"): the leader's signed deployments
with a self-evaluation each, written by the leader only, read by the leader's coordinators, and
shown on the annual performance feedback page and the designation review page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.evaluation.models import SelfEvaluation
from syslead.evaluation.portfolio import self_evaluation_save, self_evaluations_for
from syslead.leaders.models import (
    Association,
    Designation,
    DesignationStatus,
    DesignationType,
    LeaderProfile,
)
from syslead.organisations.models import Organisation
from syslead.visits.tests.factories import make_deployment

Login = Callable[[User], Client]
ANSWERS = {
    "went_well": "Coaching the maths leader through book looks.",
    "impact_seen": "Marking is consistent across KS2.",
    "do_differently": "Agree the baseline measures earlier.",
    "contribution": "good",
}


def _save(actor: User, deployment: Deployment) -> SelfEvaluation:
    return self_evaluation_save(
        actor=actor,
        deployment=deployment,
        went_well=ANSWERS["went_well"],
        impact_seen=ANSWERS["impact_seen"],
        do_differently=ANSWERS["do_differently"],
        contribution=ANSWERS["contribution"],
    )


@pytest.fixture
def associated(leader: LeaderProfile, alliance: Organisation) -> Association:
    """Lee is associated with the alliance: its coordinators are Lee's coordinators."""
    return Association.objects.create(
        leader=leader, organisation=alliance, starts_on=dt.date(2024, 9, 1)
    )


def test_the_leader_writes_a_self_evaluation_per_deployment_and_changes_it(
    login: Login, leader_user: User, deployment: Deployment
) -> None:
    """Rule: the leader writes their self-evaluation of a signed deployment, and may change it."""
    client = login(leader_user)
    path = f"/deployments/{deployment.pk}/self-evaluation/"
    assert client.get(path).status_code == 200
    response = client.post(path, ANSWERS)
    assert response.status_code == 302
    saved = SelfEvaluation.objects.get(deployment=deployment)
    assert saved.contribution == "good"
    assert saved.written_by == leader_user
    client.post(path, {**ANSWERS, "contribution": "strong"})
    assert SelfEvaluation.objects.get(deployment=deployment).contribution == "strong"
    assert SelfEvaluation.objects.count() == 1


def test_a_self_evaluation_with_a_missing_answer_shows_the_errors(
    login: Login, leader_user: User, deployment: Deployment
) -> None:
    response = login(leader_user).post(
        f"/deployments/{deployment.pk}/self-evaluation/",
        {"went_well": "", "impact_seen": "x", "do_differently": "", "contribution": "brilliant"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Enter what went well." in text
    assert "Enter what you would do differently." in text
    assert not SelfEvaluation.objects.exists()


def test_only_the_leader_writes_it(
    login: Login,
    coordinator: User,
    client_head: User,
    administrator: User,
    deployment: Deployment,
    stranger: User,
) -> None:
    """Rule: editable by the leader only — not their coordinators, the school, nor an
    administrator (403); 404 to someone who may not see the agreement."""
    path = f"/deployments/{deployment.pk}/self-evaluation/"
    for person in (coordinator, client_head, administrator):
        assert login(person).post(path, ANSWERS).status_code == 403
        with pytest.raises(NotAllowed):
            _save(person, deployment)
    assert login(stranger).get(path).status_code == 404
    assert not SelfEvaluation.objects.exists()


def test_a_deployment_not_yet_signed_is_not_self_evaluated(
    login: Login, leader_user: User, deployment: Deployment
) -> None:
    """Rule: self-evaluated once every party signed the agreement."""
    Deployment.objects.filter(pk=deployment.pk).update(status=DeploymentStatus.AWAITING_SIGNATURES)
    deployment.refresh_from_db()
    with pytest.raises(RuleViolation):
        _save(leader_user, deployment)
    page = login(leader_user).get(f"/deployments/{deployment.pk}/self-evaluation/")
    assert "once every party has signed" in page.content.decode()


def test_the_portfolio_lists_past_and_live_deployments_with_their_self_evaluations(
    login: Login,
    leader_user: User,
    leader: LeaderProfile,
    alliance: Organisation,
    deployment: Deployment,
) -> None:
    """Rule: the portfolio lists the leader's signed deployments, live and past, not drafts."""
    past_school = make_school(120201, "Past Primary")
    past = make_deployment(
        leader=leader,
        organisation=alliance,
        client_school=past_school,
        status=DeploymentStatus.COMPLETED,
        starts_on=dt.date(2024, 9, 9),
        ends_on=dt.date(2025, 3, 28),
    )
    draft_school = make_school(120202, "Draft Primary")
    make_deployment(
        leader=leader, organisation=alliance, client_school=draft_school, status="draft"
    )
    _save(leader_user, past)
    text = login(leader_user).get("/portfolio/").content.decode()
    assert deployment.client_school.name in text
    assert "Past Primary" in text
    assert ANSWERS["impact_seen"] in text
    assert "Draft Primary" not in text
    assert f"/deployments/{deployment.pk}/self-evaluation/" in text


def test_the_leaders_coordinators_read_the_portfolio_and_nobody_else(
    login: Login,
    leader_user: User,
    leader: LeaderProfile,
    deployment: Deployment,
    associated: Association,
    coordinator: User,
    broker_lead: User,
    home_head: User,
    other_coordinator: User,
) -> None:
    """Rule: visible to the leader's coordinators; not to broker leads or the home headteacher
    (who see the leader: 403), nor to another broker's coordinator (404)."""
    _save(leader_user, deployment)
    path = f"/portfolio/{leader.pk}/"
    page = login(coordinator).get(path)
    assert page.status_code == 200
    assert ANSWERS["went_well"] in page.content.decode()
    assert f"/deployments/{deployment.pk}/self-evaluation/" not in page.content.decode()
    assert login(broker_lead).get(path).status_code == 403
    assert login(home_head).get(path).status_code == 403
    assert login(other_coordinator).get(path).status_code == 404
    assert login(leader_user).get(path).status_code == 200


def test_the_portfolio_costs_the_same_queries_whatever_the_number_of_deployments(
    login: Login,
    leader_user: User,
    leader: LeaderProfile,
    alliance: Organisation,
    deployment: Deployment,
    django_assert_max_num_queries: Any,
) -> None:
    for urn in range(120210, 120215):
        other = make_deployment(
            leader=leader, organisation=alliance, client_school=make_school(urn, f"School {urn}")
        )
        _save(leader_user, other)
    client = login(leader_user)
    with django_assert_max_num_queries(12):
        response = client.get("/portfolio/")
    assert response.content.decode().count("/self-evaluation/") == 6


def test_the_annual_performance_feedback_shows_the_years_self_evaluations_to_coordinators(
    login: Login,
    leader_user: User,
    deployment: Deployment,
    coordinator: User,
    broker_lead: User,
) -> None:
    """Rule: the annual performance feedback page shows the self-evaluations of the year's
    deployments with the broker, to whoever may read them (a coordinator; not a broker lead)."""
    _save(leader_user, deployment)
    year = AcademicYear.containing(deployment.starts_on)
    path = reverse(
        "quality:feedback", args=[deployment.organisation_id, year.label, deployment.leader_id]
    )
    assert ANSWERS["impact_seen"] in login(coordinator).get(path).content.decode()
    page = login(broker_lead).get(path)
    assert page.status_code == 200
    assert ANSWERS["impact_seen"] not in page.content.decode()
    # The period is the year's: a year with no deployment of the leader's shows none.
    earlier = AcademicYear(year.start_year - 1)
    assert not self_evaluations_for(
        coordinator, deployment.leader, earlier.starts_on, earlier.ends_on
    )


def test_the_designation_review_shows_the_self_evaluations_since_the_designation(
    login: Login,
    leader_user: User,
    leader: LeaderProfile,
    alliance: Organisation,
    deployment: Deployment,
    associated: Association,
    coordinator: User,
) -> None:
    """Rule: the designation review page shows the self-evaluations of the deployments since
    the designation was made (an earlier deployment's is not shown)."""
    _save(leader_user, deployment)
    earlier = make_deployment(
        leader=leader,
        organisation=alliance,
        client_school=make_school(120220, "Before Primary"),
        status=DeploymentStatus.COMPLETED,
        starts_on=dt.date(2023, 9, 4),
        ends_on=dt.date(2024, 3, 22),
    )
    self_evaluation_save(
        actor=leader_user,
        deployment=earlier,
        went_well="Long ago",
        impact_seen="Before the designation",
        do_differently="-",
        contribution="mixed",
    )
    lle, _ = DesignationType.objects.get_or_create(
        code="LLE", organisation=None, defaults={"name": "Local leader of education"}
    )
    designation = Designation.objects.create(
        leader=leader,
        type=lle,
        organisation=alliance,
        status=DesignationStatus.ACTIVE,
        designated_on=dt.date(2025, 1, 6),
    )
    page = login(coordinator).get(reverse("leaders:designation_review", args=[designation.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert ANSWERS["went_well"] in text
    assert "Before the designation" not in text


def test_another_brokers_coordinator_reads_no_self_evaluation(
    leader_user: User, deployment: Deployment, other_org: Organisation
) -> None:
    from syslead.evaluation.portfolio import may_read_self_evaluation

    _save(leader_user, deployment)
    outsider = make_user("x@other.test", "X Other", (Role.COORDINATOR, other_org))
    assert not may_read_self_evaluation(outsider, deployment)
    assert may_read_self_evaluation(leader_user, deployment)


def test_the_schools_do_not_read_it(
    client_head: User, home_head: User, deployment: Deployment
) -> None:
    from syslead.evaluation.portfolio import may_read_self_evaluation

    assert not may_read_self_evaluation(client_head, deployment)
    assert not may_read_self_evaluation(home_head, deployment)
