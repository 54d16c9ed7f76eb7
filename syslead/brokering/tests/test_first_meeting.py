"""The first meeting (docs/rules.md, "The first meeting"): after the choice the chosen leader (or a
coordinator on their behalf) records the first contact, schedules the meeting and records it held
with what was agreed; it is due within 10 school days of the choice, counted in the school
calendar (weekends and bank holidays do not count), after which it needs attention on the home
pages of the request's coordinators and of the leader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.models import User
from syslead.brokering.home import coordinator_requests, system_leader_first_meetings
from syslead.brokering.models import FirstMeeting, RequestStatus, SupportRequest
from syslead.brokering.services.first_meetings import (
    first_meeting_due_by,
    first_meeting_is_overdue,
    first_meeting_record_contact,
    first_meeting_record_held,
    first_meeting_schedule,
)
from syslead.casework.chasing import chase_send
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.home import AttentionItem
from syslead.leaders.models import LeaderProfile
from syslead.notifications.models import Notification

Login = Callable[[User], Client]

#: Chosen on Thursday 26 November 2026: ten school days later, over two weekends, is Thursday
#: 10 December.
CHOSEN = dt.datetime(2026, 11, 26, 10, 0)
DUE = dt.date(2026, 12, 10)
#: Chosen on Thursday 29 April 2027: a weekend, then the early May bank holiday (Monday 3 May),
#: so the tenth school day is Friday 14 May, not Thursday 13 May.
CHOSEN_BEFORE_BANK_HOLIDAY = dt.datetime(2027, 4, 29, 10, 0)
DUE_AFTER_BANK_HOLIDAY = dt.date(2027, 5, 14)


def _matched(support_request: SupportRequest, leader: LeaderProfile, at: dt.datetime) -> Any:
    SupportRequest.objects.filter(pk=support_request.pk).update(
        status=RequestStatus.MATCHED,
        chosen_leader=leader,
        chosen_at=timezone.make_aware(at),
    )
    return SupportRequest.objects.select_related("school", "organisation", "chosen_leader").get(
        pk=support_request.pk
    )


@pytest.fixture
def matched(maths_request: SupportRequest, lee: LeaderProfile) -> SupportRequest:
    """Ermine Primary chose Lee on Thursday 26 November 2026."""
    return _matched(maths_request, lee, CHOSEN)


def _schedule(actor: User, request: SupportRequest, **changes: object) -> FirstMeeting:
    values: dict[str, object] = {
        "meeting_on": dt.date(2026, 12, 1),
        "meeting_time": dt.time(9, 30),
        "attendees": "Lee and the headteacher",
        "place": "Ermine Primary",
        "online": False,
    }
    values.update(changes)
    return first_meeting_schedule(actor=actor, request=request, **values)  # type: ignore[arg-type]


def _hold(actor: User, request: SupportRequest, **changes: object) -> FirstMeeting:
    values: dict[str, object] = {
        "held_on": dt.date(2026, 12, 1),
        "notes": "Agreed to focus on reasoning in Year 5.",
        "agreed_objectives": "Raise reasoning scores in Year 5\nCoach the maths lead",
        "agreed_days": Decimal("6.5"),
        "agreed_starts_on": dt.date(2027, 1, 4),
        "agreed_ends_on": dt.date(2027, 4, 30),
    }
    values.update(changes)
    return first_meeting_record_held(actor=actor, request=request, **values)  # type: ignore[arg-type]


# --- The 10 school days --------------------------------------------------------------------------


def test_the_first_meeting_is_due_ten_school_days_after_the_choice_across_weekends(
    matched: SupportRequest,
) -> None:
    assert first_meeting_due_by(matched) == DUE
    assert not first_meeting_is_overdue(matched, None, today=DUE)
    assert first_meeting_is_overdue(matched, None, today=DUE + dt.timedelta(days=1))


def test_the_ten_school_days_skip_a_weekend_and_a_bank_holiday(
    maths_request: SupportRequest, lee: LeaderProfile
) -> None:
    matched = _matched(maths_request, lee, CHOSEN_BEFORE_BANK_HOLIDAY)
    assert first_meeting_due_by(matched) == DUE_AFTER_BANK_HOLIDAY
    # Thursday 13 May would be the tenth day if the bank holiday counted: still on time.
    assert not first_meeting_is_overdue(matched, None, today=dt.date(2027, 5, 13))
    assert not first_meeting_is_overdue(matched, None, today=DUE_AFTER_BANK_HOLIDAY)
    assert first_meeting_is_overdue(matched, None, today=dt.date(2027, 5, 17))


def test_a_first_meeting_held_is_not_overdue(matched: SupportRequest, leader_user: User) -> None:
    first_meeting_record_contact(
        actor=leader_user, request=matched, contacted_on=dt.date(2026, 11, 27)
    )
    _schedule(leader_user, matched)
    meeting = _hold(leader_user, matched)
    assert not first_meeting_is_overdue(matched, meeting, today=dt.date(2027, 1, 20))


def test_a_request_no_longer_waiting_for_its_agreement_is_not_overdue(
    matched: SupportRequest,
) -> None:
    matched.status = RequestStatus.AGREED
    assert not first_meeting_is_overdue(matched, None, today=dt.date(2027, 1, 20))


# --- Who, when, in which order -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "client_head", "sip"])
def test_only_the_chosen_leader_or_a_coordinator_records_the_first_meeting(
    who: str, request: pytest.FixtureRequest, matched: SupportRequest
) -> None:
    with pytest.raises(NotAllowed):
        first_meeting_record_contact(
            actor=request.getfixturevalue(who),
            request=matched,
            contacted_on=dt.date(2026, 11, 27),
        )


def test_a_coordinator_records_the_first_contact_on_the_leaders_behalf(
    matched: SupportRequest, coordinator: User
) -> None:
    meeting = first_meeting_record_contact(
        actor=coordinator, request=matched, contacted_on=dt.date(2026, 11, 27)
    )
    assert meeting.contacted_on == dt.date(2026, 11, 27)
    assert meeting.leader_id == matched.chosen_leader_id


def test_the_first_contact_is_not_before_the_choice_nor_in_the_future(
    matched: SupportRequest, leader_user: User
) -> None:
    for day in (dt.date(2026, 11, 25), timezone.localdate() + dt.timedelta(days=1), None):
        with pytest.raises(ValidationError) as refused:
            first_meeting_record_contact(actor=leader_user, request=matched, contacted_on=day)
        assert "contacted_on" in refused.value.message_dict


def test_the_first_meeting_is_recorded_only_while_the_request_waits_for_its_agreement(
    matched: SupportRequest, coordinator: User
) -> None:
    SupportRequest.objects.filter(pk=matched.pk).update(status=RequestStatus.AGREED)
    with pytest.raises(RuleViolation) as refused:
        first_meeting_record_contact(
            actor=coordinator, request=matched, contacted_on=dt.date(2026, 11, 27)
        )
    assert refused.value.rule == "not_matched"


def test_the_meeting_is_scheduled_only_after_the_first_contact_and_not_before_it(
    matched: SupportRequest, leader_user: User
) -> None:
    with pytest.raises(RuleViolation) as refused:
        _schedule(leader_user, matched)
    assert refused.value.rule == "no_first_contact"
    first_meeting_record_contact(
        actor=leader_user, request=matched, contacted_on=dt.date(2026, 11, 30)
    )
    with pytest.raises(ValidationError) as early:
        _schedule(leader_user, matched, meeting_on=dt.date(2026, 11, 27))
    assert "meeting_on" in early.value.message_dict


def test_a_meeting_is_somewhere_or_online_with_who_attends(
    matched: SupportRequest, leader_user: User
) -> None:
    first_meeting_record_contact(
        actor=leader_user, request=matched, contacted_on=dt.date(2026, 11, 27)
    )
    with pytest.raises(ValidationError) as refused:
        _schedule(leader_user, matched, place="", attendees="", meeting_time=None)
    assert set(refused.value.message_dict) == {"place", "attendees", "meeting_time"}
    meeting = _schedule(leader_user, matched, place="", online=True)
    assert (meeting.online, meeting.meeting_on) == (True, dt.date(2026, 12, 1))


def test_the_meeting_is_recorded_held_only_once_scheduled(
    matched: SupportRequest, leader_user: User
) -> None:
    first_meeting_record_contact(
        actor=leader_user, request=matched, contacted_on=dt.date(2026, 11, 27)
    )
    with pytest.raises(RuleViolation) as refused:
        _hold(leader_user, matched)
    assert refused.value.rule == "not_scheduled"


def test_a_meeting_held_has_notes_objectives_and_sound_days_and_dates(
    matched: SupportRequest, leader_user: User
) -> None:
    first_meeting_record_contact(
        actor=leader_user, request=matched, contacted_on=dt.date(2026, 11, 27)
    )
    _schedule(leader_user, matched)
    with pytest.raises(ValidationError) as refused:
        _hold(
            leader_user,
            matched,
            held_on=timezone.localdate() + dt.timedelta(days=1),
            notes=" ",
            agreed_objectives="\n",
            agreed_days=Decimal("2.25"),
            agreed_ends_on=dt.date(2026, 12, 31),
        )
    assert set(refused.value.message_dict) == {
        "held_on",
        "notes",
        "agreed_objectives",
        "agreed_days",
        "agreed_ends_on",
    }
    meeting = _hold(leader_user, matched)
    assert meeting.agreed_objectives.splitlines() == [
        "Raise reasoning scores in Year 5",
        "Coach the maths lead",
    ]
    with pytest.raises(RuleViolation) as again:
        _schedule(leader_user, matched)
    assert again.value.rule == "meeting_held"


# --- Needs attention -----------------------------------------------------------------------------


def _items(blocks: object) -> list[AttentionItem]:
    return [b for b in blocks if isinstance(b, AttentionItem)]  # type: ignore[attr-defined]


def test_an_overdue_first_meeting_needs_the_coordinators_and_the_leaders_attention(
    maths_request: SupportRequest, lee: LeaderProfile, coordinator: User, leader_user: User
) -> None:
    """Chosen in September: the 10 school days are long over, and no meeting is held."""
    matched = _matched(maths_request, lee, dt.datetime(2026, 9, 10, 10, 0))
    url = reverse("brokering:first_meeting", args=[matched.pk])
    coordinator_items = [i for i in _items(coordinator_requests(coordinator)) if i.url == url]
    assert len(coordinator_items) == 1
    assert "not held within 10 school days" in coordinator_items[0].text
    assert "Chase" in coordinator_items[0].detail
    assert "record the first contact" in coordinator_items[0].detail
    leader_items = _items(system_leader_first_meetings(leader_user))
    assert [i.url for i in leader_items] == [url]
    assert "due within 10 school days" in leader_items[0].text


def test_a_first_meeting_not_yet_due_asks_only_the_leader_to_arrange_it(
    maths_request: SupportRequest, lee: LeaderProfile, coordinator: User, leader_user: User
) -> None:
    matched = _matched(maths_request, lee, timezone.localtime().replace(tzinfo=None))
    url = reverse("brokering:first_meeting", args=[matched.pk])
    assert not [i for i in _items(coordinator_requests(coordinator)) if i.url == url]
    leader_items = _items(system_leader_first_meetings(leader_user))
    assert [i.url for i in leader_items] == [url]
    assert leader_items[0].text.startswith("Contact the headteacher")


# --- The page ------------------------------------------------------------------------------------


def test_the_leader_records_each_step_on_the_first_meeting_page(
    login: Login, matched: SupportRequest, leader_user: User
) -> None:
    client = login(leader_user)
    url = reverse("brokering:first_meeting", args=[matched.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Record the first contact" in page.content.decode()
    refused = client.post(url, {"step": "contact"})
    assert "There is a problem" in refused.content.decode()
    assert "Enter the date of the first contact" in refused.content.decode()
    done = client.post(
        url,
        {
            "step": "contact",
            "contact-contacted_on_day": "27",
            "contact-contacted_on_month": "11",
            "contact-contacted_on_year": "2026",
        },
    )
    assert done.status_code == 302
    client.post(
        url,
        {
            "step": "schedule",
            "schedule-meeting_on_day": "1",
            "schedule-meeting_on_month": "12",
            "schedule-meeting_on_year": "2026",
            "schedule-meeting_time": "09:30",
            "schedule-attendees": "Lee and the headteacher",
            "schedule-online": "on",
        },
    )
    client.post(
        url,
        {
            "step": "held",
            "held-held_on_day": "1",
            "held-held_on_month": "12",
            "held-held_on_year": "2026",
            "held-notes": "Reasoning first.",
            "held-agreed_objectives": "Raise reasoning scores",
            "held-agreed_days": "6",
        },
    )
    meeting = FirstMeeting.objects.get(support_request=matched)
    assert (meeting.contacted_on, meeting.online, meeting.held_on, meeting.agreed_days) == (
        dt.date(2026, 11, 27),
        True,
        dt.date(2026, 12, 1),
        Decimal("6"),
    )


def test_a_coordinator_chases_the_leader_for_an_overdue_first_meeting(
    login: Login, maths_request: SupportRequest, lee: LeaderProfile, coordinator: User
) -> None:
    """The "needs attention" item's action: the chase reaches the chosen leader, once a school
    day, and only while the first meeting is overdue."""
    matched = _matched(maths_request, lee, dt.datetime(2026, 9, 10, 10, 0))
    page = login(coordinator).get(reverse("brokering:first_meeting", args=[matched.pk]))
    assert "Send a reminder" in page.content.decode()
    chase_send(actor=coordinator, kind="first_meeting", target=matched)
    note = Notification.objects.get(user=lee.user, verb="chase.first_meeting")
    assert note.url == reverse("brokering:first_meeting", args=[matched.pk])
    not_yet = _matched(maths_request, lee, timezone.localtime().replace(tzinfo=None))
    with pytest.raises(RuleViolation) as refused:
        chase_send(actor=coordinator, kind="first_meeting", target=not_yet)
    assert refused.value.rule == "settled"
