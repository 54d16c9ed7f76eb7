"""Annual performance feedback (docs/rules.md, Quality assurance: "evaluations feed an annual
performance feedback to each leader; a leader who does not meet the standard may be
de-designated")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.core.exceptions import NotAllowed
from syslead.deployments.models import Deployment
from syslead.evaluation.models import Evaluation, EvaluationRating
from syslead.leaders.models import Designation, DesignationType
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation
from syslead.quality import services
from syslead.quality.models import PerformanceFeedback, QaOutcome
from syslead.quality.tests.factories import AUTUMN, YEAR, agreed_notes, deployment_for
from syslead.schools.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def deployment(
    leader_user: User, home_school: School, client_school: School, alliance: Organisation
) -> Deployment:
    return deployment_for(leader_user, home_school, client_school, alliance)


def feedback_url(deployment: Deployment) -> str:
    return reverse(
        "quality:feedback", args=[deployment.organisation_id, YEAR.label, deployment.leader_id]
    )


def write(
    user: User, deployment: Deployment, *, meets: bool = True, share: bool = True
) -> PerformanceFeedback:
    return services.save_feedback(
        user=user,
        leader=deployment.leader,
        organisation=deployment.organisation,
        year=YEAR,
        strengths="Clear, well-evidenced notes.",
        areas_to_develop="Set dated action points.",
        meets_standard=meets,
        share=share,
    )


def test_the_feedback_page_gathers_the_years_evaluations_and_qa_checks(
    deployment: Deployment,
    coordinator: User,
    client_head: User,
    login: Callable[[User], Client],
) -> None:
    evaluation = Evaluation.objects.create(deployment=deployment, submitted_by=client_head)
    EvaluationRating.objects.create(
        evaluation=evaluation, item="quality_of_support", rating="green", comment="Excellent"
    )
    EvaluationRating.objects.create(evaluation=evaluation, item="overall_success", rating="amber")
    agreed_notes(deployment, 3)
    sample = services.draw_sample(
        user=coordinator, organisation=deployment.organisation, term=AUTUMN
    )
    check = sample.checks.first()
    assert check is not None
    services.record_check(
        user=coordinator, check=check, outcome=QaOutcome.NEEDS_IMPROVEMENT, comment="Thin notes."
    )
    page = login(coordinator).get(feedback_url(deployment)).content.decode()
    assert "5. Quality of system leadership support" in page
    assert "6. Overall success of support" in page
    assert "Excellent" in page
    assert "Thin notes." in page
    assert reverse("visits:delivery", args=[deployment.pk]) in page


def test_sharing_the_feedback_tells_the_leader_who_reads_only_their_own(
    deployment: Deployment,
    coordinator: User,
    leader_user: User,
    home_head: User,
    home_school: School,
    far_school: School,
    login: Callable[[User], Client],
) -> None:
    draft = write(coordinator, deployment, share=False)
    assert draft.shared_at is None
    assert not Notification.objects.filter(user=leader_user).exists()
    mine = login(leader_user).get(reverse("quality:my_feedback")).content.decode()
    assert "Clear, well-evidenced notes." not in mine  # not shared yet
    write(coordinator, deployment)
    note = Notification.objects.get(user=leader_user)
    assert note.verb == "performance_feedback.shared"
    assert note.url == reverse("quality:my_feedback")
    assert PerformanceFeedback.objects.count() == 1
    # Another leader's feedback stays theirs.
    other = deployment_for(home_head, home_school, far_school, deployment.organisation)
    services.save_feedback(
        user=coordinator,
        leader=other.leader,
        organisation=deployment.organisation,
        year=YEAR,
        strengths="Someone else's strengths",
        areas_to_develop="Someone else's areas",
        meets_standard=True,
        share=True,
    )
    mine = login(leader_user).get(reverse("quality:my_feedback")).content.decode()
    assert "Clear, well-evidenced notes." in mine
    assert "Someone else&#x27;s strengths" not in mine
    assert "Someone else's strengths" not in mine
    home = login(leader_user).get(reverse("core:home")).content.decode()
    assert reverse("quality:my_feedback") in home


def test_one_feedback_per_leader_organisation_and_year(
    deployment: Deployment, coordinator: User
) -> None:
    write(coordinator, deployment)
    write(coordinator, deployment, meets=False)
    assert PerformanceFeedback.objects.get().meets_standard is False
    with pytest.raises(IntegrityError):
        PerformanceFeedback.objects.create(
            leader=deployment.leader,
            organisation=deployment.organisation,
            academic_year=YEAR.label,
            strengths="x",
            areas_to_develop="y",
            meets_standard=True,
        )


def test_feedback_needs_strengths_and_areas_to_develop(
    deployment: Deployment, coordinator: User
) -> None:
    with pytest.raises(ValidationError):
        services.save_feedback(
            user=coordinator,
            leader=deployment.leader,
            organisation=deployment.organisation,
            year=YEAR,
            strengths=" ",
            areas_to_develop="",
            meets_standard=True,
            share=True,
        )


def test_not_meeting_the_standard_links_to_the_designation_review(
    deployment: Deployment, coordinator: User, login: Callable[[User], Client]
) -> None:
    lle, _ = DesignationType.objects.get_or_create(
        code="LLE", organisation=None, defaults={"name": "Local leader of education"}
    )
    designation = Designation.objects.create(
        leader=deployment.leader,
        type=lle,
        organisation=deployment.organisation,
        designated_on=dt.date(2024, 9, 1),
    )
    write(coordinator, deployment, meets=True)
    page = login(coordinator).get(feedback_url(deployment)).content.decode()
    assert reverse("leaders:designation_review", args=[designation.pk]) not in page
    write(coordinator, deployment, meets=False)
    page = login(coordinator).get(feedback_url(deployment)).content.decode()
    assert "does not meet the standard" in page
    assert reverse("leaders:designation_review", args=[designation.pk]) in page
    assert reverse("leaders:revoke", args=[designation.pk]) in page


def test_only_the_organisations_coordinators_write_feedback(
    deployment: Deployment,
    stranger: User,
    other_coordinator: User,
    leader_user: User,
    broker_lead: User,
    coordinator: User,
    login: Callable[[User], Client],
) -> None:
    for person in (stranger, other_coordinator, leader_user, broker_lead):
        with pytest.raises(NotAllowed):
            write(person, deployment)
    post = {"strengths": "s", "areas_to_develop": "a", "meets_standard": "yes", "do": "share"}
    for person in (stranger, other_coordinator, leader_user):
        client = login(person)
        assert client.get(feedback_url(deployment)).status_code == 403
        assert client.post(feedback_url(deployment), post).status_code == 403
    reader = login(broker_lead)
    assert reader.get(feedback_url(deployment)).status_code == 200
    assert reader.post(feedback_url(deployment), post).status_code == 403
    assert not PerformanceFeedback.objects.exists()
    assert login(stranger).get(reverse("quality:my_feedback")).status_code == 403
    done = login(coordinator).post(feedback_url(deployment), post)
    assert done.status_code == 302
    assert PerformanceFeedback.objects.get().shared_at is not None


def test_a_leader_the_broker_never_worked_with_has_no_feedback_page(
    deployment: Deployment,
    coordinator: User,
    other_org: Organisation,
    login: Callable[[User], Client],
) -> None:
    url = reverse("quality:feedback", args=[other_org.pk, YEAR.label, deployment.leader_id])
    assert login(coordinator).get(url).status_code == 403
    with pytest.raises(NotAllowed):
        services.save_feedback(
            user=coordinator,
            leader=deployment.leader,
            organisation=deployment.organisation,
            year=YEAR.next().next(),
            strengths="s",
            areas_to_develop="a",
            meets_standard=True,
            share=False,
        )


def test_the_index_says_whose_feedback_is_written_and_offers_only_terms_begun(
    deployment: Deployment, coordinator: User, login: Callable[[User], Client]
) -> None:
    from django.utils import timezone

    from syslead.core.academic_years import Term

    client = login(coordinator)
    url = reverse("quality:index") + f"?year={YEAR.label}"
    assert "Not written" in client.get(url).content.decode()
    write(coordinator, deployment, share=False)
    assert "Draft" in client.get(url).content.decode()
    write(coordinator, deployment, share=True)
    response = client.get(url)
    assert "Shared with the leader" in response.content.decode()
    today = timezone.localdate()
    [area] = response.context["areas"]
    offered = area["form"].fields["term"].choices
    assert offered
    assert all(Term.from_key(key).starts_on <= today for key, _ in offered)
