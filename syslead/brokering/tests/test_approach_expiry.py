"""Approaches expire: no answer after three school days reminds the leader (once); after five
the coordinators are told (once) and may withdraw it and ask the next leader in one step. A
leader who declined is never pre-selected to be asked again.

The calendar is moved by passing ``today``: school days are counted by the school calendar's
helpers (``syslead.calendars.school_calendar``), so the cases below run over a weekend, and over a
weekend followed by a bank holiday (the early May bank holiday, Monday 3 May 2027, inside the
default summer term; docs/calendars.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from syslead.accounts.models import User
from syslead.brokering.models import Approach, ApproachStatus, RequestStatus, SupportRequest
from syslead.brokering.services import (
    approach_expire_and_ask_next,
    approach_respond,
    approach_send,
    shortlist_save,
)
from syslead.brokering.tests import factories
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.leaders.models import LeaderProfile
from syslead.notifications.models import Notification
from syslead.notifications.reminders import send_reminders
from syslead.organisations.models import Organisation

Login = Callable[[User], Client]
SOURCES = [
    "syslead.brokering.reminders.approaches_to_answer",
    "syslead.brokering.reminders.approaches_expired",
]
#: Sent on Thursday 3 December 2026, 10:00.
SENT = dt.datetime(2026, 12, 3, 10, 0)

#: (day, school days waited since Thursday 3 December): Friday, the weekend, then Monday on.
CALENDAR = [
    (dt.date(2026, 12, 4), 1),
    (dt.date(2026, 12, 5), 1),  # Saturday
    (dt.date(2026, 12, 6), 1),  # Sunday
    (dt.date(2026, 12, 7), 2),
    (dt.date(2026, 12, 8), 3),
    (dt.date(2026, 12, 9), 4),
    (dt.date(2026, 12, 10), 5),
]
DAY_OF_REMINDER = dt.date(2026, 12, 8)
DAY_OF_EXPIRY = dt.date(2026, 12, 10)

#: Sent on Thursday 29 April 2027, 10:00; then a weekend and the early May bank holiday.
SENT_BEFORE_BANK_HOLIDAY = dt.datetime(2027, 4, 29, 10, 0)
BANK_HOLIDAY = dt.date(2027, 5, 3)
CALENDAR_WITH_BANK_HOLIDAY = [
    (dt.date(2027, 4, 30), 1),
    (dt.date(2027, 5, 1), 1),  # Saturday
    (dt.date(2027, 5, 2), 1),  # Sunday
    (BANK_HOLIDAY, 1),  # Monday: the early May bank holiday
    (dt.date(2027, 5, 4), 2),
    (dt.date(2027, 5, 5), 3),
    (dt.date(2027, 5, 6), 4),
    (dt.date(2027, 5, 7), 5),
]


@pytest.fixture
def three(alliance: Organisation) -> list[LeaderProfile]:
    """Three maths SLEs of the alliance, A nearest."""
    return [
        factories.leader(
            factories.school(f"School {i}", lat=53.25 + 0.05 * i),
            organisation=alliance,
            name=f"Leader {chr(65 + i)}",
        )
        for i in range(3)
    ]


def _asked(coordinator: User, request: SupportRequest, leader: LeaderProfile) -> Approach:
    approach = approach_send(actor=coordinator, request=request, leader=leader)
    Approach.objects.filter(pk=approach.pk).update(sent_at=timezone.make_aware(SENT))
    approach.refresh_from_db()
    return approach


@pytest.fixture
def waiting(
    coordinator: User, maths_request: SupportRequest, three: list[LeaderProfile]
) -> Approach:
    """A shortlist of three; Leader A asked on Thursday and not answering."""
    shortlist_save(actor=coordinator, request=maths_request)
    return _asked(coordinator, maths_request, three[0])


@pytest.mark.parametrize(("today", "waited"), CALENDAR)
def test_school_days_waited_skip_the_weekend(
    waiting: Approach, today: dt.date, waited: int
) -> None:
    from syslead.brokering.web_selectors import school_days_waiting

    assert school_days_waiting(waiting, today) == waited


def test_approach_expiry_skips_a_weekend_and_a_bank_holiday(
    waiting: Approach, three: list[LeaderProfile], coordinator: User
) -> None:
    """docs/casework.md, "Approaches expire": 3 and 5 *school* days; the calendar's bank
    holidays (docs/calendars.md) do not count, so the reminder and the expiry move a day on."""
    from syslead.brokering.web_selectors import is_waiting_too_long, school_days_waiting
    from syslead.calendars.school_calendar import bank_holiday_name

    assert bank_holiday_name(BANK_HOLIDAY) == "May Day"
    Approach.objects.filter(pk=waiting.pk).update(
        sent_at=timezone.make_aware(SENT_BEFORE_BANK_HOLIDAY)
    )
    waiting.refresh_from_db()
    for today, waited in CALENDAR_WITH_BANK_HOLIDAY:
        assert school_days_waiting(waiting, today) == waited, today
        send_reminders(today, SOURCES)
        reminded = Notification.objects.filter(
            user=three[0].user, verb="reminder.approach_to_answer"
        )
        assert reminded.count() == (1 if today >= dt.date(2027, 5, 5) else 0), today
        expired = Notification.objects.filter(user=coordinator, verb="reminder.approach_expired")
        assert expired.count() == (1 if today >= dt.date(2027, 5, 7) else 0), today
    # Five calendar weekdays after sending (Thursday 6 May) it has not expired: the bank holiday
    # is not a school day; it has on Friday 7 May.
    assert not is_waiting_too_long(waiting, dt.date(2027, 5, 4))
    assert Notification.objects.get(verb="reminder.approach_expired").reminded_on == dt.date(
        2027, 5, 7
    )


def test_the_leader_is_reminded_once_three_school_days_after_being_asked(
    waiting: Approach, three: list[LeaderProfile]
) -> None:
    for today, _waited in CALENDAR:
        send_reminders(today, SOURCES)
        told = Notification.objects.filter(user=three[0].user, verb="reminder.approach_to_answer")
        assert told.count() == (1 if today >= DAY_OF_REMINDER else 0), today
    reminder = Notification.objects.get(verb="reminder.approach_to_answer")
    assert reminder.reminded_on == DAY_OF_REMINDER
    assert reminder.url == f"/requests/approaches/{waiting.pk}/"
    # Long after, still once.
    send_reminders(dt.date(2026, 12, 21), SOURCES)
    assert Notification.objects.filter(verb="reminder.approach_to_answer").count() == 1


def test_the_coordinators_are_told_once_after_five_school_days(
    waiting: Approach, coordinator: User, broker_lead: User
) -> None:
    for today, _waited in CALENDAR:
        send_reminders(today, SOURCES)
        told = Notification.objects.filter(verb="reminder.approach_expired")
        assert told.count() == (1 if today >= DAY_OF_EXPIRY else 0), today
    send_reminders(dt.date(2026, 12, 21), SOURCES)
    [told] = Notification.objects.filter(verb="reminder.approach_expired")
    assert told.user == coordinator
    assert told.url == f"/requests/{waiting.support_request_id}/#approaches"


def test_an_answered_approach_is_never_reminded(
    waiting: Approach, three: list[LeaderProfile]
) -> None:
    approach_respond(actor=three[0].user, approach=waiting, accept=True)
    send_reminders(DAY_OF_EXPIRY, SOURCES)
    assert not Notification.objects.filter(verb__startswith="reminder.approach").exists()


def test_expire_and_ask_next_in_one_step(
    waiting: Approach,
    coordinator: User,
    three: list[LeaderProfile],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn, asked = approach_expire_and_ask_next(
            actor=coordinator, approach=waiting, today=DAY_OF_EXPIRY
        )
    assert withdrawn.status == ApproachStatus.WITHDRAWN
    assert asked.leader == three[1]
    assert asked.status == ApproachStatus.PENDING
    request = SupportRequest.objects.get(pk=waiting.support_request_id)
    assert request.status == RequestStatus.APPROACHING
    [withdrawal] = [e for e in events_for(request) if e.verb == "request.approach_withdrawn"]
    assert "Expired: no answer after 5 school days" in withdrawal.summary
    assert [m.to for m in mail.outbox] == [[three[1].user.email]]


@pytest.mark.parametrize(("today", "waited"), [c for c in CALENDAR if c[1] < 5])
def test_an_approach_cannot_be_expired_before_five_school_days(
    waiting: Approach, coordinator: User, today: dt.date, waited: int
) -> None:
    with pytest.raises(RuleViolation) as refused:
        approach_expire_and_ask_next(actor=coordinator, approach=waiting, today=today)
    assert refused.value.rule == "not_expired"
    waiting.refresh_from_db()
    assert waiting.status == ApproachStatus.PENDING
    assert Approach.objects.count() == 1


def test_the_next_leader_is_never_one_who_declined(
    coordinator: User, maths_request: SupportRequest, three: list[LeaderProfile]
) -> None:
    shortlist_save(actor=coordinator, request=maths_request)
    first = _asked(coordinator, maths_request, three[0])
    second = _asked(coordinator, maths_request, three[1])
    approach_respond(actor=three[0].user, approach=first, accept=False, reason="Ofsted due")
    _withdrawn, asked = approach_expire_and_ask_next(
        actor=coordinator, approach=second, today=DAY_OF_EXPIRY
    )
    assert asked.leader == three[2]


def test_with_nobody_left_to_ask_nothing_changes(
    coordinator: User, maths_request: SupportRequest, three: list[LeaderProfile]
) -> None:
    shortlist_save(actor=coordinator, request=maths_request)
    declined = _asked(coordinator, maths_request, three[0])
    _asked(coordinator, maths_request, three[1])
    last = _asked(coordinator, maths_request, three[2])
    approach_respond(actor=three[0].user, approach=declined, accept=False, reason="No time")
    Approach.objects.filter(leader=three[1]).update(status=ApproachStatus.ACCEPTED)
    with pytest.raises(RuleViolation) as refused:
        approach_expire_and_ask_next(actor=coordinator, approach=last, today=DAY_OF_EXPIRY)
    assert refused.value.rule == "nobody_to_ask"
    last.refresh_from_db()
    assert last.status == ApproachStatus.PENDING


def test_only_the_coordinator_expires_an_approach(
    waiting: Approach, broker_lead: User, other_coordinator: User
) -> None:
    for person in (broker_lead, other_coordinator):
        with pytest.raises(NotAllowed):
            approach_expire_and_ask_next(actor=person, approach=waiting, today=DAY_OF_EXPIRY)
    assert Approach.objects.count() == 1


# --- The pages ---------------------------------------------------------------------------------


@pytest.fixture
def expired(waiting: Approach) -> Approach:
    """Leader A's approach, sent two weeks ago (at least five school days whatever today is)."""
    Approach.objects.filter(pk=waiting.pk).update(sent_at=timezone.now() - dt.timedelta(days=14))
    waiting.refresh_from_db()
    return waiting


def test_the_request_page_offers_to_withdraw_and_ask_the_next_leader(
    login: Login, coordinator: User, expired: Approach, three: list[LeaderProfile]
) -> None:
    client = login(coordinator)
    page = client.get(f"/requests/{expired.support_request_id}/").content.decode()
    action = f"/requests/approaches/{expired.pk}/expire/"
    assert f'action="{action}"' in page
    assert "Withdraw and ask Leader B" in page
    response = client.post(action, follow=True)
    body = response.content.decode()
    assert "Leader B has been asked for provisional agreement" in body
    assert Approach.objects.get(pk=expired.pk).status == ApproachStatus.WITHDRAWN
    assert Approach.objects.filter(leader=three[1], status=ApproachStatus.PENDING).exists()


def test_the_home_page_says_the_approach_has_expired(
    login: Login, coordinator: User, expired: Approach
) -> None:
    items = login(coordinator).get("/").context["attention"]
    [item] = [i for i in items if i.text.startswith("No answer from Leader A")]
    assert item.text.endswith("the approach has expired")
    assert "ask the next leader" in item.detail


def test_who_may_expire_an_approach_on_the_web(
    client: Client,
    login: Login,
    expired: Approach,
    broker_lead: User,
    other_coordinator: User,
    client_head: User,
) -> None:
    action = f"/requests/approaches/{expired.pk}/expire/"
    assert client.post(action).status_code == 302
    assert login(other_coordinator).post(action).status_code == 404
    assert login(broker_lead).post(action).status_code == 403
    assert login(client_head).post(action).status_code == 403
    assert login(broker_lead).get(action).status_code == 405
    assert Approach.objects.count() == 1


def test_a_leader_who_declined_is_offered_but_never_ticked(
    login: Login, coordinator: User, maths_request: SupportRequest, three: list[LeaderProfile]
) -> None:
    shortlist_save(actor=coordinator, request=maths_request)
    declined = approach_send(actor=coordinator, request=maths_request, leader=three[0])
    approach_send(actor=coordinator, request=maths_request, leader=three[1])
    approach_respond(actor=three[0].user, approach=declined, accept=False, reason="No time")
    form = login(coordinator).get(f"/requests/{maths_request.pk}/").context["approach_form"]
    offered = [value for value, _label in form.fields["leaders"].choices]
    assert str(three[0].pk) in offered
    assert str(three[0].pk) not in form.fields["leaders"].initial
    assert form.fields["leaders"].initial == [str(three[2].pk)]
