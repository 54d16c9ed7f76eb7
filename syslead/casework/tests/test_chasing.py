"""Chasing what is stuck: one service for the five kinds, each reminding the right people with
the right link, on the timeline, and never twice within a school day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from syslead.accounts.models import User
from syslead.brokering.access import request_timeline_for
from syslead.brokering.models import Approach, ApproachStatus
from syslead.casework.chasing import CHASE_KINDS, chase_send, chase_status
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment, Party, Signature
from syslead.deployments.selectors import deployment_timeline
from syslead.evaluation.models import FeedbackRequest
from syslead.notifications.models import Notification
from syslead.visits.models import Visit

Login = Callable[[User], Client]
FRIDAY = dt.date(2026, 12, 4)
SATURDAY = dt.date(2026, 12, 5)
MONDAY = dt.date(2026, 12, 7)


def test_chasing_an_approach_tells_the_leader_in_the_inbox_and_by_email_with_the_answer_link(
    asked: Approach, coordinator: User, leader_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        chase_send(actor=coordinator, kind="approach", target=asked, today=FRIDAY)
    note = Notification.objects.get(user=leader_user)
    assert note.url == f"/requests/approaches/{asked.pk}/"
    assert note.verb == "chase.approach"
    assert "Please answer the approach" in note.text
    [message] = mail.outbox
    assert message.to == [leader_user.email]
    assert f"/requests/approaches/{asked.pk}/" in message.body


@pytest.mark.parametrize(
    ("kind", "fixture", "people", "link"),
    [
        ("visit_note", "note", ["client_head"], "/visits/{pk}/agree/"),
        ("feedback", "feedback", ["client_head"], "/feedback/{pk}/"),
        ("no_visit", "deployment", ["leader_user", "client_head"], None),
        (
            "signature",
            "unsigned",
            ["leader_user", "home_head", "client_head", "broker_lead"],
            "/deployments/{pk}/sign/",
        ),
    ],
)
def test_each_kind_reminds_whoever_must_act_with_the_link_to_where_they_act(
    kind: str,
    fixture: str,
    people: list[str],
    link: str | None,
    request: pytest.FixtureRequest,
    coordinator: User,
) -> None:
    target = request.getfixturevalue(fixture)
    users = [request.getfixturevalue(name) for name in people]
    chase_send(actor=coordinator, kind=kind, target=target, today=FRIDAY)
    sent = {n.user_id: n.url for n in Notification.objects.filter(verb=f"chase.{kind}")}
    assert set(sent) == {u.pk for u in users}
    if link is not None:
        assert set(sent.values()) == {link.format(pk=target.pk)}


def test_no_visit_gives_the_leader_the_record_page_and_the_head_the_delivery_page(
    deployment: Deployment, coordinator: User, leader_user: User, client_head: User
) -> None:
    chase_send(actor=coordinator, kind="no_visit", target=deployment, today=FRIDAY)
    sent = {n.user_id: n.url for n in Notification.objects.filter(verb="chase.no_visit")}
    assert sent[leader_user.pk] == f"/deployments/{deployment.pk}/visits/new/"
    assert sent[client_head.pk] == f"/deployments/{deployment.pk}/delivery/"


def test_a_signature_chase_messages_only_the_parties_who_have_not_signed(
    unsigned: Deployment, coordinator: User, leader_user: User, home_head: User
) -> None:
    Signature.objects.create(
        deployment=unsigned, party=Party.LEADER, signed_by=leader_user, signed_as="System leader"
    )
    Signature.objects.create(
        deployment=unsigned,
        party=Party.HOME_HEADTEACHER,
        signed_by=home_head,
        signed_as="Headteacher",
    )
    chase_send(actor=coordinator, kind="signature", target=unsigned, today=FRIDAY)
    told = set(Notification.objects.filter(verb="chase.signature").values_list("user", flat=True))
    assert leader_user.pk not in told
    assert home_head.pk not in told
    assert len(told) == 2


def test_the_same_thing_is_not_chased_twice_within_a_school_day(
    asked: Approach, coordinator: User
) -> None:
    chase_send(actor=coordinator, kind="approach", target=asked, today=FRIDAY)
    with pytest.raises(RuleViolation) as refused:
        chase_send(actor=coordinator, kind="approach", target=asked, today=FRIDAY)
    assert refused.value.rule == "chased_recently"
    # The weekend is not a school day: the next chase is from Monday.
    with pytest.raises(RuleViolation, match="chase again from Monday 7 December 2026"):
        chase_send(actor=coordinator, kind="approach", target=asked, today=SATURDAY)
    chase_send(actor=coordinator, kind="approach", target=asked, today=MONDAY)
    assert Notification.objects.filter(verb="chase.approach").count() == 2


def test_the_wait_counts_school_days_through_the_calendar_helper(
    asked: Approach, coordinator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bank holiday (when the school calendar knows them) moves the next chase on: the rule
    asks the calendar's ``add_school_days`` and does no weekday arithmetic of its own."""
    chase_send(actor=coordinator, kind="approach", target=asked, today=FRIDAY)

    def monday_is_a_holiday(start: dt.date, days: int) -> dt.date:
        assert (start, days) == (FRIDAY, 1)
        return dt.date(2026, 12, 8)

    monkeypatch.setattr("syslead.casework.chasing.add_school_days", monday_is_a_holiday)
    assert not chase_status(CHASE_KINDS["approach"], asked, MONDAY).may_chase_now
    assert chase_status(CHASE_KINDS["approach"], asked, dt.date(2026, 12, 8)).may_chase_now


def test_a_chase_is_on_the_request_timeline_and_the_leader_reads_their_own(
    asked: Approach, coordinator: User, leader_user: User, client_head: User
) -> None:
    chase_send(actor=coordinator, kind="approach", target=asked, today=FRIDAY)
    request = asked.support_request
    [broker_view] = [
        e for e in request_timeline_for(coordinator, request) if e.verb == "chase.approach"
    ]
    assert broker_view.summary == "Reminder sent to Lee Leader about an answer to the approach"
    assert any(
        e.verb == "chase.approach" and "Lee Leader" in e.summary
        for e in request_timeline_for(leader_user, request)
    )
    [school_view] = [
        e for e in request_timeline_for(client_head, request) if e.verb == "chase.approach"
    ]
    assert school_view.summary == "A leader was reminded to answer"


def test_a_chase_on_an_agreement_is_read_by_the_broker_and_whom_it_reminds_not_the_sip(
    note: Visit, coordinator: User, client_head: User, sip: User, leader_user: User
) -> None:
    chase_send(actor=coordinator, kind="visit_note", target=note, today=FRIDAY)
    deployment = note.deployment
    deployment.support_request.route = "local_authority"
    deployment.support_request.save()

    def reads(user: User) -> bool:
        return any(e.verb == "chase.visit_note" for e in deployment_timeline(deployment, user))

    assert reads(coordinator)
    assert reads(client_head)
    assert not reads(sip)
    assert not reads(leader_user)


def test_only_a_coordinator_of_the_organisation_chases(
    asked: Approach, broker_lead: User, other_coordinator: User
) -> None:
    for person in (broker_lead, other_coordinator):
        with pytest.raises(NotAllowed):
            chase_send(actor=person, kind="approach", target=asked, today=FRIDAY)
    assert not Notification.objects.exists()


def test_nothing_is_chased_once_it_is_settled(
    asked: Approach, feedback: FeedbackRequest, coordinator: User
) -> None:
    Approach.objects.filter(pk=asked.pk).update(status=ApproachStatus.DECLINED)
    asked.refresh_from_db()
    with pytest.raises(RuleViolation) as refused:
        chase_send(actor=coordinator, kind="approach", target=asked, today=FRIDAY)
    assert refused.value.rule == "settled"
    FeedbackRequest.objects.filter(pk=feedback.pk).update(status="submitted")
    feedback.refresh_from_db()
    with pytest.raises(RuleViolation):
        chase_send(actor=coordinator, kind="feedback", target=feedback, today=FRIDAY)
    assert not Notification.objects.exists()
