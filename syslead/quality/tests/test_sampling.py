"""Sampling notes of visit (docs/rules.md, Quality assurance: "Notes of visit are sampled")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.core.exceptions import NotAllowed
from syslead.deployments.models import Deployment
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation
from syslead.quality import services
from syslead.quality.models import QaCheck, QaOutcome, QaSample
from syslead.quality.tests.factories import AUTUMN, agreed_notes, deployment_for
from syslead.schools.models import School
from syslead.visits.models import VisitStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def deployment(
    leader_user: User, home_school: School, client_school: School, alliance: Organisation
) -> Deployment:
    return deployment_for(leader_user, home_school, client_school, alliance)


@pytest.mark.parametrize(
    ("population", "expected"),
    [(0, 0), (1, 1), (2, 2), (3, 3), (10, 3), (30, 3), (31, 4), (45, 5), (100, 10), (101, 11)],
)
def test_sample_is_ten_percent_rounded_up_at_least_three(population: int, expected: int) -> None:
    assert services.sample_size(population) == expected


def test_a_drawn_sample_takes_ten_percent_rounded_up_of_the_terms_agreed_notes(
    deployment: Deployment, coordinator: User, alliance: Organisation
) -> None:
    agreed_notes(deployment, 41)
    sample = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    assert sample.population == 41
    assert sample.checks.count() == 5


def test_the_sample_is_reproducible_and_stored_once(
    deployment: Deployment, coordinator: User, alliance: Organisation
) -> None:
    agreed_notes(deployment, 40)
    first = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    chosen = sorted(first.checks.values_list("visit_id", flat=True))
    again = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    assert again.pk == first.pk
    assert QaSample.objects.count() == 1
    assert QaCheck.objects.count() == 4
    first.delete()
    redrawn = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    assert sorted(redrawn.checks.values_list("visit_id", flat=True)) == chosen


def test_only_agreed_or_signed_off_notes_of_the_organisation_in_the_term_are_sampled(
    deployment: Deployment,
    coordinator: User,
    alliance: Organisation,
    other_org: Organisation,
    far_school: School,
    home_head: User,
    home_school: School,
) -> None:
    agreed = agreed_notes(deployment, 1) + agreed_notes(
        deployment, 1, status=VisitStatus.SIGNED_OFF
    )
    agreed_notes(deployment, 2, status=VisitStatus.AWAITING_AGREEMENT)
    agreed_notes(deployment, 2, status=VisitStatus.CHANGES_REQUESTED)
    elsewhere = deployment_for(home_head, home_school, far_school, other_org)
    agreed_notes(elsewhere, 3)
    sample = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    assert sample.population == 2
    assert sorted(sample.checks.values_list("visit_id", flat=True)) == sorted(v.pk for v in agreed)


def test_only_the_organisations_coordinators_draw_or_check(
    deployment: Deployment,
    alliance: Organisation,
    broker_lead: User,
    other_coordinator: User,
    leader_user: User,
    coordinator: User,
) -> None:
    agreed_notes(deployment, 3)
    for person in (broker_lead, other_coordinator, leader_user):
        with pytest.raises(NotAllowed):
            services.draw_sample(user=person, organisation=alliance, term=AUTUMN)
    sample = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    check = sample.checks.first()
    assert check is not None
    with pytest.raises(NotAllowed):
        services.record_check(user=broker_lead, check=check, outcome="meets_standard", comment="")
    assert services.sample_for_user(broker_lead, sample.pk) == sample
    with pytest.raises(QaSample.DoesNotExist):
        services.sample_for_user(other_coordinator, sample.pk)


def test_needs_improvement_tells_the_leader_with_the_comment(
    deployment: Deployment, coordinator: User, alliance: Organisation, leader_user: User
) -> None:
    agreed_notes(deployment, 3)
    sample = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    good, weak, _ = list(sample.checks.all())
    services.record_check(
        user=coordinator, check=good, outcome=QaOutcome.MEETS_STANDARD, comment=""
    )
    assert not Notification.objects.filter(user=leader_user).exists()
    with pytest.raises(ValidationError):
        services.record_check(
            user=coordinator, check=weak, outcome=QaOutcome.NEEDS_IMPROVEMENT, comment=" "
        )
    services.record_check(
        user=coordinator,
        check=weak,
        outcome=QaOutcome.NEEDS_IMPROVEMENT,
        comment="Action points have no dates.",
    )
    note = Notification.objects.get(user=leader_user)
    assert note.verb == "qa_check.needs_improvement"
    assert "Action points have no dates." in note.text
    assert note.url == reverse("visits:detail", args=[weak.visit_id])


def test_the_coordinator_draws_and_checks_on_the_pages(
    deployment: Deployment, coordinator: User, login: Callable[[User], Client], leader_user: User
) -> None:
    agreed_notes(deployment, 3)
    client = login(coordinator)
    assert client.get(reverse("quality:index") + "?year=2025-26").status_code == 200
    org = deployment.organisation_id
    response = client.post(reverse("quality:draw", args=[org]), {f"o{org}-term": "2025-26-autumn"})
    sample = QaSample.objects.get()
    assert response["Location"] == reverse("quality:sample", args=[sample.pk])
    page = client.get(response["Location"])
    check = sample.checks.first()
    assert check is not None
    assert reverse("visits:detail", args=[check.visit_id]) in page.content.decode()
    refused = client.post(
        page.request["PATH_INFO"],
        {
            "check": check.pk,
            f"c{check.pk}-outcome": "needs_improvement",
            f"c{check.pk}-comment": "",
        },
    )
    assert refused.status_code == 200
    assert "Say what the note of visit needs to improve." in refused.content.decode()
    done = client.post(
        page.request["PATH_INFO"],
        {
            "check": check.pk,
            f"c{check.pk}-outcome": "needs_improvement",
            f"c{check.pk}-comment": "Thin.",
        },
    )
    assert done.status_code == 302
    check.refresh_from_db()
    assert check.outcome == QaOutcome.NEEDS_IMPROVEMENT


def test_a_sample_is_not_found_by_anyone_outside_the_broker_nor_a_check_recorded(
    deployment: Deployment,
    coordinator: User,
    alliance: Organisation,
    stranger: User,
    other_coordinator: User,
    leader_user: User,
    broker_lead: User,
    login: Callable[[User], Client],
) -> None:
    agreed_notes(deployment, 3)
    sample = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    check = sample.checks.first()
    assert check is not None
    url = reverse("quality:sample", args=[sample.pk])
    post = {"check": check.pk, f"c{check.pk}-outcome": "meets_standard"}
    for person in (stranger, other_coordinator, leader_user):
        client = login(person)
        # The sample is the broker's record: to anyone outside it there is no such sample.
        assert client.get(url).status_code == 404
        assert client.post(url, post).status_code == 404
        # The organisation is public (it has a public page): drawing is refused, not unknown.
        assert client.post(reverse("quality:draw", args=[alliance.pk]), {}).status_code == 403
    assert login(stranger).get(reverse("quality:index")).status_code == 403
    reader = login(broker_lead)
    assert reader.get(url).status_code == 200
    assert reader.post(url, post).status_code == 403
    check.refresh_from_db()
    assert check.outcome == ""


def test_the_sample_page_reads_in_a_fixed_number_of_queries(
    deployment: Deployment,
    coordinator: User,
    alliance: Organisation,
    login: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    agreed_notes(deployment, 80)
    sample = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    assert sample.checks.count() == 8
    client = login(coordinator)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("quality:sample", args=[sample.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("quality:index") + "?year=2025-26").status_code == 200
