"""Delegates' feedback on training events (docs/rules.md, "Delegates' feedback"): a delegate
recorded as attending rates the event 1–5, says what they will do differently and may comment,
once, after the event; the coordinator reads the summary on the event's page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.leaders.models import (
    LeaderProfile,
    TrainingEvent,
    TrainingFeedback,
    TrainingKind,
)
from syslead.leaders.services import (
    attendance_record,
    training_feedback_give,
    training_feedback_summary,
    training_invitations_send,
)
from syslead.leaders.tests.factories import associate, make_leader
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]


def _event(organisation: Organisation, days: int = -7) -> TrainingEvent:
    return TrainingEvent.objects.create(
        organisation=organisation,
        kind=TrainingKind.NETWORK,
        title="Autumn network meeting",
        held_on=timezone.localdate() + dt.timedelta(days=days),
    )


@pytest.fixture
def member(leader: LeaderProfile, alliance: Organisation) -> LeaderProfile:
    associate(leader, alliance)
    return leader


@pytest.fixture
def attended(coordinator: User, alliance: Organisation, member: LeaderProfile) -> TrainingEvent:
    """An event held a week ago that Lee attended."""
    event = _event(alliance)
    attendance_record(actor=coordinator, event=event, leader=member)
    return event


def _give(user: User, event: TrainingEvent, **overrides: Any) -> TrainingFeedback:
    answers: dict[str, Any] = {
        "usefulness": 4,
        "will_do_differently": "Use the coaching model in my visits.",
        "comments": "Good pace.",
    }
    answers.update(overrides)
    return training_feedback_give(actor=user, event=event, **answers)


def test_rule_an_attending_delegate_gives_feedback_once(
    leader_user: User, attended: TrainingEvent
) -> None:
    """docs/rules.md, "Delegates' feedback": once, by a delegate who attended."""
    feedback = _give(leader_user, attended)
    assert (feedback.usefulness, feedback.comments) == (4, "Good pace.")
    with pytest.raises(RuleViolation, match="already given feedback"):
        _give(leader_user, attended, usefulness=2)
    assert TrainingFeedback.objects.get().usefulness == 4


def test_rule_one_feedback_per_delegate_is_a_database_constraint(
    leader_user: User, attended: TrainingEvent, member: LeaderProfile
) -> None:
    _give(leader_user, attended)
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingFeedback.objects.create(
            event=attended, leader=member, usefulness=3, will_do_differently="x"
        )


def test_rule_non_attendees_cannot_give_feedback(
    coordinator: User,
    leader_user: User,
    alliance: Organisation,
    member: LeaderProfile,
    client_school: School,
) -> None:
    """docs/rules.md, "Delegates' feedback": invited but not attending, recorded as absent, or
    not a leader at all: no feedback."""
    event = _event(alliance)
    with pytest.raises(NotAllowed):
        _give(leader_user, event)  # not on the register
    attendance_record(actor=coordinator, event=event, leader=member, attended=False)
    with pytest.raises(NotAllowed):
        _give(leader_user, event)  # recorded as absent
    with pytest.raises(NotAllowed):
        _give(coordinator, event)  # not a delegate
    assert not TrainingFeedback.objects.exists()


def test_rule_feedback_is_given_after_the_event(
    coordinator: User, leader_user: User, alliance: Organisation, member: LeaderProfile
) -> None:
    """docs/rules.md, "Delegates' feedback": not before the event is held."""
    event = _event(alliance, days=5)
    attendance_record(actor=coordinator, event=event, leader=member)
    with pytest.raises(RuleViolation, match="after it"):
        _give(leader_user, event)


def test_feedback_must_rate_1_to_5_and_say_what_changes(
    leader_user: User, attended: TrainingEvent
) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        _give(leader_user, attended, usefulness=6, will_do_differently="  ")
    assert set(refused.value.message_dict) == {"usefulness", "will_do_differently"}


def test_summary_counts_averages_and_lists_comments(
    coordinator: User,
    leader_user: User,
    alliance: Organisation,
    attended: TrainingEvent,
    client_school: School,
) -> None:
    """docs/rules.md, "Delegates' feedback": the summary per event."""
    _give(leader_user, attended, usefulness=5)
    nia = make_leader(school=client_school, name="Nia New")
    associate(nia, alliance)
    attendance_record(actor=coordinator, event=attended, leader=nia)
    _give(nia.user, attended, usefulness=2, comments="Too long.")
    summary = training_feedback_summary(attended)
    assert summary.count == 2
    assert summary.average == 3.5
    assert dict(summary.by_rating) == {5: 1, 4: 0, 3: 0, 2: 1, 1: 0}
    assert [e.comments for e in summary.entries] == ["Good pace.", "Too long."]


def test_delegate_gives_feedback_on_the_page_and_the_coordinator_sees_it(
    login: Login, coordinator: User, leader_user: User, attended: TrainingEvent
) -> None:
    client = login(leader_user)
    profile = client.get("/leaders/me/").content.decode()
    assert f"/leaders/training/{attended.pk}/feedback/" in profile
    home = client.get("/").content.decode()
    assert "Give your feedback on Autumn network meeting" in home
    url = f"/leaders/training/{attended.pk}/feedback/"
    refused = client.post(url, {"usefulness": "", "will_do_differently": ""})
    assert refused.status_code == 200
    assert "Choose how useful the event was, from 1 to 5." in refused.content.decode()
    response = client.post(
        url, {"usefulness": "5", "will_do_differently": "Plan joint visits.", "comments": ""}
    )
    assert response.status_code == 302
    again = client.get(url).content.decode()
    assert "Feedback is given once" in again
    assert "Give your feedback" not in client.get("/").content.decode()
    event_page = login(coordinator).get(f"/leaders/training/{attended.pk}/").content.decode()
    assert "Delegates' feedback (1)" in event_page
    assert "5.0 out of 5" in event_page
    assert "Plan joint visits." in event_page
    listing = login(coordinator).get("/leaders/training/").content.decode()
    assert "5.0 out of 5 (1)" in listing


def test_feedback_page_refuses_non_attendees(
    login: Login,
    coordinator: User,
    leader_user: User,
    alliance: Organisation,
    member: LeaderProfile,
    other_coordinator: User,
) -> None:
    """docs/rules.md, "Delegates' feedback": an invited leader who did not attend is refused
    (403); someone neither invited nor on the register does not see the event (404)."""
    event = _event(alliance, days=3)
    training_invitations_send(actor=coordinator, event=event, leaders=[member])
    TrainingEvent.objects.filter(pk=event.pk).update(held_on=timezone.localdate())
    assert login(leader_user).get(f"/leaders/training/{event.pk}/feedback/").status_code == 403
    assert (
        login(other_coordinator).get(f"/leaders/training/{event.pk}/feedback/").status_code == 404
    )
