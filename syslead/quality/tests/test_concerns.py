"""Concerns about a leader's work, or raised by a leader (docs/rules.md, "Concerns about or from a
leader")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment
from syslead.leaders.models import (
    Association,
    AssociationReviewOutcome,
    AssociationReviewReason,
    Designation,
    DesignationStatus,
    DesignationType,
)
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation
from syslead.quality import concerns, services
from syslead.quality.access import leader_concern_for_user, leader_concerns_visible_to
from syslead.quality.models import (
    ConcernDirection,
    LeaderConcern,
    LeaderConcernCategory,
    LeaderConcernStatus,
)
from syslead.quality.tests.factories import AUTUMN, agreed_notes, deployment_for
from syslead.schools.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def deployment(
    leader_user: User, home_school: School, client_school: School, alliance: Organisation
) -> Deployment:
    return deployment_for(leader_user, home_school, client_school, alliance)


@pytest.fixture
def associated(deployment: Deployment, alliance: Organisation) -> Association:
    """The leader is associated with the alliance (so one of its leaders this year)."""
    return Association.objects.create(
        leader=deployment.leader, organisation=alliance, starts_on=dt.date(2025, 9, 1)
    )


def raise_about(actor: User, deployment: Deployment, **extra: Any) -> LeaderConcern:
    fields = {
        "category": LeaderConcernCategory.COMMITMENTS,
        "summary": "Two visits cancelled at short notice",
        "description": "The leader cancelled the visits of 3 and 10 November on the day.",
    }
    fields.update(extra)
    return concerns.concern_raise(actor=actor, deployment=deployment, **fields)


# --- Raising ----------------------------------------------------------------------------------


def test_a_head_raises_a_concern_about_the_leaders_work_and_the_coordinators_are_told(
    deployment: Deployment, client_head: User, coordinator: User, leader_user: User
) -> None:
    concern = raise_about(client_head, deployment)
    assert concern.direction == ConcernDirection.ABOUT_LEADER
    assert concern.leader == deployment.leader
    assert concern.organisation == deployment.organisation
    assert concern.status == LeaderConcernStatus.OPEN
    assert concern.raised_as == "the supported school's headteacher"
    note = Notification.objects.get(user=coordinator, verb="leader_concern.raised")
    assert note.url == reverse("quality:concern", args=[concern.pk])
    # The leader is not told of a concern about them until a coordinator shares it.
    assert not Notification.objects.filter(user=leader_user).exists()


def test_the_leader_raises_their_own_concern_from_the_agreement(
    deployment: Deployment, leader_user: User
) -> None:
    concern = raise_about(leader_user, deployment, category=LeaderConcernCategory.PARTNERSHIP)
    assert concern.direction == ConcernDirection.FROM_LEADER
    assert concern.raised_as == "the leader"


def test_only_someone_who_sees_the_agreement_raises_a_concern_on_it(
    deployment: Deployment, other_coordinator: User, stranger: User, login: Callable[[User], Client]
) -> None:
    for person in (other_coordinator, stranger):
        with pytest.raises(NotAllowed):
            raise_about(person, deployment)
        url = reverse("quality:concern_raise", args=[deployment.pk])
        assert login(person).get(url).status_code == 404
    assert not LeaderConcern.objects.exists()


def test_a_concern_needs_its_category_summary_and_description(
    deployment: Deployment, client_head: User, login: Callable[[User], Client]
) -> None:
    with pytest.raises(ValidationError) as refused:
        raise_about(client_head, deployment, category="gossip", summary=" ", description="")
    assert set(refused.value.message_dict) == {"category", "summary", "description"}
    page = login(client_head).post(reverse("quality:concern_raise", args=[deployment.pk]), {})
    assert page.status_code == 200
    text = page.content.decode()
    assert "There is a problem" in text
    assert "Choose what the concern is about." in text
    assert not LeaderConcern.objects.exists()


def test_the_concern_form_says_it_is_not_the_safeguarding_route_and_links_to_it(
    deployment: Deployment, client_head: User, login: Callable[[User], Client]
) -> None:
    page = login(client_head).get(reverse("quality:concern_raise", args=[deployment.pk]))
    text = page.content.decode()
    assert "This is not for safeguarding." in text
    assert reverse("visits:concern_raise", args=[deployment.pk]) in text


def test_the_broker_raises_a_concern_about_one_of_its_leaders_and_a_leader_their_own(
    deployment: Deployment,
    associated: Association,
    alliance: Organisation,
    coordinator: User,
    broker_lead: User,
    leader_user: User,
    other_coordinator: User,
    home_head: User,
    login: Callable[[User], Client],
) -> None:
    leader = deployment.leader
    about = concerns.concern_raise(
        actor=broker_lead,
        organisation=alliance,
        leader=leader,
        category=LeaderConcernCategory.CONDUCT,
        summary="Comments at the network meeting",
        description="Disparaging remarks about a member school.",
    )
    assert about.direction == ConcernDirection.ABOUT_LEADER
    assert about.deployment is None
    own = concerns.concern_raise(
        actor=leader_user,
        organisation=alliance,
        category=LeaderConcernCategory.WORKLOAD,
        summary="Too many days asked of me",
        description="Three agreements overlap this term.",
    )
    assert own.direction == ConcernDirection.FROM_LEADER
    assert own.leader == leader
    with pytest.raises(NotAllowed):
        concerns.concern_raise(
            actor=other_coordinator,
            organisation=alliance,
            leader=leader,
            category=LeaderConcernCategory.CONDUCT,
            summary="x",
            description="y",
        )
    url = reverse("quality:concern_raise_for", args=[alliance.pk])
    assert login(home_head).get(url).status_code == 403
    # The page offers the broker's leaders and raises the concern.
    client = login(coordinator)
    assert leader.name in client.get(url).content.decode()
    done = client.post(
        url,
        {
            "leader": leader.pk,
            "category": "quality",
            "summary": "Reports arrive late",
            "description": "The last two final reports were a month late.",
        },
    )
    assert done.status_code == 302
    assert LeaderConcern.objects.filter(summary="Reports arrive late", leader=leader).exists()


def test_the_broker_names_only_a_leader_of_its_own(
    deployment: Deployment,
    alliance: Organisation,
    coordinator: User,
    home_head: User,
    far_school: School,
    other_org: Organisation,
) -> None:
    elsewhere = deployment_for(home_head, far_school, far_school, other_org)
    with pytest.raises(ValidationError) as refused:
        concerns.concern_raise(
            actor=coordinator,
            organisation=alliance,
            leader=elsewhere.leader,
            category=LeaderConcernCategory.CONDUCT,
            summary="x",
            description="y",
        )
    assert "leader" in refused.value.message_dict


# --- Who sees it ----------------------------------------------------------------------------


def test_the_leader_sees_a_concern_about_them_only_once_a_coordinator_shares_it(
    deployment: Deployment,
    client_head: User,
    coordinator: User,
    leader_user: User,
    login: Callable[[User], Client],
) -> None:
    concern = raise_about(client_head, deployment)
    url = reverse("quality:concern", args=[concern.pk])
    assert login(leader_user).get(url).status_code == 404
    assert not leader_concerns_visible_to(leader_user).exists()
    concerns.concern_record_action(
        actor=coordinator, concern=concern, text="Spoke to the head.", status="under_review"
    )
    concerns.concern_share_with_leader(actor=coordinator, concern=concern)
    note = Notification.objects.get(user=leader_user, verb="leader_concern.shared")
    assert note.url == url
    page = login(leader_user).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert concern.description in text
    assert "Spoke to the head." in text
    # Who raised it stays with the broker.
    assert client_head.name not in text
    assert "Share with" not in text


def test_the_raiser_sees_their_concerns_status_but_not_the_actions_log(
    deployment: Deployment, client_head: User, coordinator: User, login: Callable[[User], Client]
) -> None:
    concern = raise_about(client_head, deployment)
    concerns.concern_record_action(
        actor=coordinator,
        concern=concern,
        text="Confidential: leader's home school told.",
        status="action_taken",
    )
    note = Notification.objects.get(user=client_head, verb="leader_concern.status")
    assert "action taken" in note.text
    text = login(client_head).get(reverse("quality:concern", args=[concern.pk])).content.decode()
    assert "Action taken" in text
    assert "Confidential: leader&#x27;s home school told." not in text
    assert "Record the action" not in text
    listed = login(client_head).get(reverse("quality:concerns")).content.decode()
    assert concern.summary in listed


def test_the_brokers_coordinators_act_its_leads_read_others_do_not_see(
    deployment: Deployment,
    client_head: User,
    broker_lead: User,
    other_coordinator: User,
    home_head: User,
    login: Callable[[User], Client],
) -> None:
    concern = raise_about(client_head, deployment)
    url = reverse("quality:concern", args=[concern.pk])
    with pytest.raises(NotAllowed):
        concerns.concern_record_action(
            actor=broker_lead, concern=concern, text="x", status="closed"
        )
    lead = login(broker_lead)
    assert lead.get(url).status_code == 200
    assert lead.post(url, {"do": "action", "text": "x", "status": "closed"}).status_code == 403
    for person in (other_coordinator, home_head):
        with pytest.raises(Http404):
            leader_concern_for_user(person, concern.pk)
        assert login(person).get(url).status_code == 404
        assert login(person).post(url, {"do": "share"}).status_code == 404
    concern.refresh_from_db()
    assert concern.status == LeaderConcernStatus.OPEN


# --- Acting on it -----------------------------------------------------------------------------


def test_each_action_is_logged_with_who_when_what_and_the_status_it_leaves(
    deployment: Deployment, client_head: User, coordinator: User, login: Callable[[User], Client]
) -> None:
    concern = raise_about(client_head, deployment)
    client = login(coordinator)
    url = reverse("quality:concern", args=[concern.pk])
    refused = client.post(url, {"do": "action", "text": "", "status": ""})
    assert refused.status_code == 200
    assert "Describe what was done." in refused.content.decode()
    done = client.post(
        url, {"do": "action", "text": "Met the leader on 12 November.", "status": "action_taken"}
    )
    assert done.status_code == 302
    concern.refresh_from_db()
    assert concern.status == LeaderConcernStatus.ACTION_TAKEN
    action = concern.actions.get()
    assert (action.recorded_by, action.text, action.status) == (
        coordinator,
        "Met the leader on 12 November.",
        LeaderConcernStatus.ACTION_TAKEN,
    )
    assert action.recorded_at is not None
    page = client.get(url).content.decode()
    assert "Met the leader on 12 November." in page
    assert coordinator.name in page


def test_a_closed_concern_takes_no_more_actions(
    deployment: Deployment, client_head: User, coordinator: User
) -> None:
    concern = raise_about(client_head, deployment)
    concerns.concern_record_action(
        actor=coordinator, concern=concern, text="Resolved with the school.", status="closed"
    )
    with pytest.raises(RuleViolation):
        concerns.concern_record_action(
            actor=coordinator, concern=concern, text="More", status="under_review"
        )


def test_a_concern_the_leader_raised_is_not_shared_with_them_and_sharing_is_once(
    deployment: Deployment, client_head: User, leader_user: User, coordinator: User
) -> None:
    own = raise_about(leader_user, deployment)
    with pytest.raises(RuleViolation):
        concerns.concern_share_with_leader(actor=coordinator, concern=own)
    about = raise_about(client_head, deployment)
    concerns.concern_share_with_leader(actor=coordinator, concern=about)
    with pytest.raises(RuleViolation):
        concerns.concern_share_with_leader(actor=coordinator, concern=about)
    with pytest.raises(IntegrityError), transaction.atomic():
        LeaderConcern.objects.filter(pk=own.pk).update(shared_with_leader_at=timezone.now())


# --- Quality assurance ------------------------------------------------------------------------


def test_a_concern_links_to_a_qa_check_of_the_same_leader_and_broker_and_qa_pages_show_it(
    deployment: Deployment,
    client_head: User,
    coordinator: User,
    alliance: Organisation,
    home_head: User,
    home_school: School,
    far_school: School,
    login: Callable[[User], Client],
) -> None:
    agreed_notes(deployment, 1)
    other_leader = deployment_for(home_head, home_school, far_school, alliance)
    agreed_notes(other_leader, 1)
    sample = services.draw_sample(user=coordinator, organisation=alliance, term=AUTUMN)
    mine = sample.checks.get(visit__deployment=deployment)
    theirs = sample.checks.get(visit__deployment=other_leader)
    concern = raise_about(client_head, deployment)
    assert list(concerns.linkable_qa_checks(concern)) == [mine]
    with pytest.raises(ValidationError):
        concerns.concern_link_qa_check(actor=coordinator, concern=concern, check=theirs)
    client = login(coordinator)
    url = reverse("quality:concern", args=[concern.pk])
    assert client.post(url, {"do": "link_qa", "qa_check": mine.pk}).status_code == 302
    concern.refresh_from_db()
    assert concern.qa_check == mine
    assert reverse("quality:sample", args=[sample.pk]) in client.get(url).content.decode()
    # The QA pages show the leader's open concerns.
    sample_page = client.get(reverse("quality:sample", args=[sample.pk])).content.decode()
    assert reverse("quality:concern", args=[concern.pk]) in sample_page
    feedback = client.get(
        reverse("quality:feedback", args=[alliance.pk, "2025-26", deployment.leader_id])
    ).content.decode()
    assert concern.summary in feedback
    concerns.concern_record_action(
        actor=coordinator, concern=concern, text="Done.", status="closed"
    )
    sample_page = client.get(reverse("quality:sample", args=[sample.pk])).content.decode()
    assert reverse("quality:concern", args=[concern.pk]) not in sample_page


# --- De-designation -------------------------------------------------------------------------


def test_a_coordinator_starts_the_designation_review_from_a_concern_and_it_records_the_link(
    deployment: Deployment,
    client_head: User,
    coordinator: User,
    alliance: Organisation,
    login: Callable[[User], Client],
) -> None:
    lle, _ = DesignationType.objects.get_or_create(
        code="LLE", organisation=None, defaults={"name": "Local leader of education"}
    )
    designation = Designation.objects.create(
        leader=deployment.leader, type=lle, organisation=alliance, designated_on=dt.date(2024, 9, 1)
    )
    concern = raise_about(client_head, deployment, category=LeaderConcernCategory.QUALITY)
    assert (f"designation:{designation.pk}") in dict(concerns.review_targets(concern))
    client = login(coordinator)
    url = reverse("quality:concern", args=[concern.pk])
    refused = client.post(url, {"do": "review", "target": f"designation:{designation.pk}"})
    assert "Say why it is being reviewed." in refused.content.decode()
    done = client.post(
        url,
        {
            "do": "review",
            "target": f"designation:{designation.pk}",
            "reason": "Third concern about quality this year.",
        },
    )
    assert done.status_code == 302
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.UNDER_REVIEW
    assert "Third concern about quality this year." in designation.review_reason
    concern.refresh_from_db()
    assert concern.designation_review == designation
    assert concern.status == LeaderConcernStatus.UNDER_REVIEW
    assert "Started the review of the LLE designation" in concern.actions.get().text
    page = client.get(url).content.decode()
    assert reverse("leaders:designation_review", args=[designation.pk]) in page


def test_a_coordinator_starts_the_association_review_for_conduct_from_a_concern(
    deployment: Deployment,
    associated: Association,
    client_head: User,
    coordinator: User,
) -> None:
    concern = raise_about(client_head, deployment, category=LeaderConcernCategory.CONDUCT)
    concerns.concern_start_review(
        actor=coordinator,
        concern=concern,
        target=f"association:{associated.pk}",
        reason="Conduct at the school.",
    )
    concern.refresh_from_db()
    review = concern.association_review
    assert review is not None
    assert review.association == associated
    assert review.reason == AssociationReviewReason.CONDUCT
    assert review.outcome == AssociationReviewOutcome.OPEN
    # One open review at a time: it is no longer offered.
    assert concerns.review_targets(concern) == []


def test_a_designation_of_another_broker_cannot_be_reviewed_from_a_concern(
    deployment: Deployment, client_head: User, coordinator: User, other_org: Organisation
) -> None:
    lle, _ = DesignationType.objects.get_or_create(
        code="LLE", organisation=None, defaults={"name": "Local leader of education"}
    )
    elsewhere = Designation.objects.create(
        leader=deployment.leader,
        type=lle,
        organisation=other_org,
        designated_on=dt.date(2024, 9, 1),
    )
    concern = raise_about(client_head, deployment)
    with pytest.raises(ValidationError):
        concerns.concern_start_review(
            actor=coordinator, concern=concern, target=f"designation:{elsewhere.pk}", reason="x"
        )
    elsewhere.refresh_from_db()
    assert elsewhere.status == DesignationStatus.ACTIVE


# --- Needs attention ------------------------------------------------------------------------


def _age(concern: LeaderConcern, days: int) -> None:
    LeaderConcern.objects.filter(pk=concern.pk).update(
        touched_at=timezone.now() - dt.timedelta(days=days)
    )


def test_a_concern_untouched_for_ten_school_days_needs_the_coordinators_attention(
    deployment: Deployment, client_head: User, coordinator: User, alliance: Organisation
) -> None:
    stale = raise_about(client_head, deployment, summary="Stale")
    fresh = raise_about(client_head, deployment, summary="Fresh")
    closed = raise_about(client_head, deployment, summary="Closed")
    concerns.concern_record_action(actor=coordinator, concern=closed, text="x", status="closed")
    # 2 March 2026 to 16 March 2026: ten school days (no holiday between them).
    monday = dt.date(2026, 3, 16)
    for concern in (stale, closed):
        LeaderConcern.objects.filter(pk=concern.pk).update(
            touched_at=timezone.make_aware(dt.datetime(2026, 3, 2, 9))
        )
    LeaderConcern.objects.filter(pk=fresh.pk).update(
        touched_at=timezone.make_aware(dt.datetime(2026, 3, 3, 9))
    )
    assert [c.pk for c in concerns.untouched_concerns([alliance.pk], today=monday)] == [stale.pk]
    assert concerns.UNTOUCHED_SCHOOL_DAYS == 10


def test_the_coordinators_home_lists_an_untouched_concern_with_the_action(
    deployment: Deployment,
    client_head: User,
    coordinator: User,
    other_coordinator: User,
    login: Callable[[User], Client],
) -> None:
    concern = raise_about(client_head, deployment)
    home = login(coordinator).get(reverse("core:home")).content.decode()
    assert "Act on the concern" not in home
    _age(concern, 120)
    home = login(coordinator).get(reverse("core:home")).content.decode()
    assert "Act on the concern about" in home
    assert reverse("quality:concern", args=[concern.pk]) in home
    assert (
        "Act on the concern"
        not in login(other_coordinator).get(reverse("core:home")).content.decode()
    )
    # Recording an action touches it: it no longer needs attention.
    concerns.concern_record_action(
        actor=coordinator, concern=concern, text="Called the head.", status="under_review"
    )
    home = login(coordinator).get(reverse("core:home")).content.decode()
    assert "Act on the concern" not in home


# --- The list -----------------------------------------------------------------------------


def test_the_concerns_list_filters_by_status_and_reads_in_a_fixed_number_of_queries(
    deployment: Deployment,
    client_head: User,
    coordinator: User,
    login: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    made = [raise_about(client_head, deployment, summary=f"Concern {n}") for n in range(12)]
    concerns.concern_record_action(actor=coordinator, concern=made[0], text="x", status="closed")
    client = login(coordinator)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("quality:concerns"))
    text = page.content.decode()
    assert "Concern 11" in text
    assert "Concern 0<" not in text
    closed = client.get(reverse("quality:concerns") + "?status=closed").content.decode()
    assert "Concern 0<" in closed
    assert "Concern 11" not in closed
    ignored = client.get(reverse("quality:concerns") + "?status=nonsense")
    assert ignored.status_code == 200
