"""Termly reviews and the training needs they identify (docs/rules.md, "Termly reviews and
training needs"): a coordinator records the review; its needs stay open on the leader's profile
until the leader attends an event of the need's kind, or a coordinator marks the need met."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.academic_years import Term
from syslead.core.dates import date_input_data
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.leaders.models import (
    LeaderProfile,
    TermlyReview,
    TrainingEvent,
    TrainingKind,
    TrainingNeed,
)
from syslead.leaders.services import (
    attendance_record,
    termly_review_record,
    training_need_mark_met,
)
from syslead.leaders.tests.factories import associate, make_leader
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]


@pytest.fixture
def member(leader: LeaderProfile, alliance: Organisation) -> LeaderProfile:
    associate(leader, alliance)
    return leader


def _review(
    actor: User, leader: LeaderProfile, organisation: Organisation, **overrides: Any
) -> TermlyReview:
    answers: dict[str, Any] = {
        "held_on": timezone.localdate() - dt.timedelta(days=10),
        "attended_by": "Lee Leader, Alice Coordinator",
        "notes": "Going well.",
        "needs": [
            ("Coaching headteachers", TrainingKind.ENRICHMENT),
            ("Data for governors", ""),
        ],
    }
    answers.update(overrides)
    return termly_review_record(actor=actor, leader=leader, organisation=organisation, **answers)


def _event(organisation: Organisation, kind: str, held_on: dt.date) -> TrainingEvent:
    return TrainingEvent.objects.create(
        organisation=organisation, kind=kind, title=f"A {kind} event", held_on=held_on
    )


def test_rule_coordinator_records_a_termly_review_with_its_training_needs(
    coordinator: User, alliance: Organisation, member: LeaderProfile
) -> None:
    """docs/rules.md, "Termly reviews and training needs": date, term (from the date), who
    attended, notes and the needs, each with an optional kind of event."""
    review = _review(coordinator, member, alliance)
    assert review.term == Term.containing(review.held_on).key
    assert review.attended_by == "Lee Leader, Alice Coordinator"
    assert [(n.description, n.event_kind, n.is_open) for n in review.needs.all()] == [
        ("Coaching headteachers", "enrichment", True),
        ("Data for governors", "", True),
    ]


def test_rule_only_a_coordinator_of_an_associated_organisation_records_reviews(
    coordinator: User,
    other_coordinator: User,
    other_org: Organisation,
    alliance: Organisation,
    leader: LeaderProfile,
) -> None:
    """docs/rules.md, "Termly reviews and training needs": the leader must be associated with the
    coordinator's organisation."""
    with pytest.raises(NotAllowed):
        _review(coordinator, leader, alliance)  # Lee is not associated yet
    associate(leader, alliance)
    with pytest.raises(NotAllowed):
        _review(other_coordinator, leader, other_org)
    assert not TermlyReview.objects.exists()


def test_review_input_is_checked(
    coordinator: User, alliance: Organisation, member: LeaderProfile
) -> None:
    with pytest.raises(ValidationError) as refused:
        _review(
            coordinator,
            member,
            alliance,
            held_on=timezone.localdate() + dt.timedelta(days=1),
            attended_by=" ",
            needs=[("", TrainingKind.NETWORK), ("Something", "no-such-kind")],
        )
    assert set(refused.value.message_dict) == {"held_on", "attended_by", "need_1", "need_2_kind"}


def test_rule_attending_a_matching_event_meets_the_need(
    coordinator: User, alliance: Organisation, member: LeaderProfile
) -> None:
    """docs/rules.md, "Termly reviews and training needs": attending an event of the need's kind
    held on or after the review meets it; an event of another kind, or one before the review,
    does not; recording the leader absent again reopens it."""
    review = _review(coordinator, member, alliance)
    coaching = review.needs.get(description="Coaching headteachers")
    before = _event(alliance, TrainingKind.ENRICHMENT, review.held_on - dt.timedelta(days=5))
    attendance_record(actor=coordinator, event=before, leader=member)
    network = _event(alliance, TrainingKind.NETWORK, timezone.localdate())
    attendance_record(actor=coordinator, event=network, leader=member)
    coaching.refresh_from_db()
    assert coaching.is_open
    enrichment = _event(alliance, TrainingKind.ENRICHMENT, timezone.localdate())
    attendance_record(actor=coordinator, event=enrichment, leader=member)
    coaching.refresh_from_db()
    assert (coaching.met_on, coaching.met_by_event_id) == (enrichment.held_on, enrichment.pk)
    assert review.needs.get(description="Data for governors").is_open
    attendance_record(actor=coordinator, event=enrichment, leader=member, attended=False)
    coaching.refresh_from_db()
    assert coaching.is_open


def test_rule_coordinator_marks_a_need_met(
    coordinator: User,
    other_coordinator: User,
    alliance: Organisation,
    member: LeaderProfile,
) -> None:
    """docs/rules.md, "Termly reviews and training needs": a coordinator of the review's
    organisation marks a need met, once."""
    review = _review(coordinator, member, alliance)
    need = review.needs.get(description="Data for governors")
    with pytest.raises(NotAllowed):
        training_need_mark_met(actor=other_coordinator, need=need)
    training_need_mark_met(actor=coordinator, need=need)
    need.refresh_from_db()
    assert need.met_on == timezone.localdate()
    assert need.marked_met_by == coordinator
    with pytest.raises(RuleViolation):
        training_need_mark_met(actor=coordinator, need=need)


def test_profile_shows_open_needs_and_the_review_form_records_one(
    login: Login,
    coordinator: User,
    leader_user: User,
    alliance: Organisation,
    member: LeaderProfile,
) -> None:
    client = login(coordinator)
    page = client.get(f"/leaders/{member.pk}/").content.decode()
    assert "Open training needs (0)" in page
    assert f"/leaders/{member.pk}/termly-review/" in page
    form = client.get(f"/leaders/{member.pk}/termly-review/")
    assert form.status_code == 200
    held_on = timezone.localdate() - dt.timedelta(days=2)
    refused = client.post(f"/leaders/{member.pk}/termly-review/", {"attended_by": ""})
    assert refused.status_code == 200
    assert "There is a problem" in refused.content.decode()
    response = client.post(
        f"/leaders/{member.pk}/termly-review/",
        {
            "organisation": alliance.pk,
            **date_input_data("held_on", held_on),
            "attended_by": "Lee and Alice",
            "notes": "Fine.",
            "need_1": "Lead a network session",
            "need_1_kind": TrainingKind.NETWORK,
            "need_2": "",
            "need_2_kind": "",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/leaders/{member.pk}/").content.decode()
    assert "Open training needs (1)" in page
    assert "Lead a network session" in page
    need = TrainingNeed.objects.get()
    assert f"/leaders/training-needs/{need.pk}/met/" in page
    own = login(leader_user).get("/leaders/me/").content.decode()
    assert "Lead a network session" in own
    assert f"/leaders/training-needs/{need.pk}/met/" not in own
    done = login(coordinator).post(f"/leaders/training-needs/{need.pk}/met/")
    assert done.status_code == 302
    need.refresh_from_db()
    assert not need.is_open


def test_review_form_is_refused_to_those_who_do_not_coordinate_the_leader(
    login: Login, broker_lead: User, leader_user: User, member: LeaderProfile
) -> None:
    assert login(broker_lead).get(f"/leaders/{member.pk}/termly-review/").status_code == 403
    assert login(leader_user).get(f"/leaders/{member.pk}/termly-review/").status_code == 403


def test_leader_page_query_budget_with_reviews(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    member: LeaderProfile,
    django_assert_max_num_queries: Any,
) -> None:
    """The reviews and needs on the leader's page stay within a fixed number of queries."""
    client = login(coordinator)
    client.get(f"/leaders/{member.pk}/")
    for _ in range(4):
        _review(coordinator, member, alliance)
    with django_assert_max_num_queries(60) as counted:
        assert client.get(f"/leaders/{member.pk}/").status_code == 200
    many = len(counted.captured_queries)
    for _ in range(4):
        _review(coordinator, member, alliance)
    with django_assert_max_num_queries(many):
        assert client.get(f"/leaders/{member.pk}/").status_code == 200


def test_other_leaders_needs_are_not_shown(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    member: LeaderProfile,
    client_school: School,
) -> None:
    nia = make_leader(school=client_school, name="Nia New")
    associate(nia, alliance)
    _review(coordinator, nia, alliance)
    page = login(coordinator).get(f"/leaders/{member.pk}/").content.decode()
    assert "Coaching headteachers" not in page
