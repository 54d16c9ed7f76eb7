"""The agreement's draft starts from what the first meeting agreed (docs/rules.md, "The first
meeting"): its objectives as the aims and the objective rows, its days and its dates; the draft
shows the meeting's notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.brokering.models import FirstMeeting, RequestStatus, SupportRequest
from syslead.deployments.views.drafting import initial_for_request, objectives_from_first_meeting
from syslead.leaders.models import LeaderProfile

Login = Callable[[User], Client]


def _held(support_request: SupportRequest, leader: LeaderProfile) -> FirstMeeting:
    return FirstMeeting.objects.create(
        support_request=support_request,
        leader=leader,
        contacted_on=dt.date(2026, 11, 27),
        meeting_on=dt.date(2026, 12, 1),
        meeting_time=dt.time(9, 30),
        attendees="Lee and the headteacher",
        online=True,
        held_on=dt.date(2026, 12, 1),
        notes="We agreed reasoning comes first.",
        agreed_objectives="Raise reasoning scores in Year 5\nCoach the maths lead",
        agreed_days=Decimal("6.5"),
        agreed_starts_on=dt.date(2027, 1, 11),
        agreed_ends_on=dt.date(2027, 5, 28),
    )


def test_the_draft_agreement_is_prefilled_from_what_the_first_meeting_agreed(
    support_request: SupportRequest, leader: LeaderProfile
) -> None:
    before = initial_for_request(support_request, leader)
    assert before["aim_1"] != "Raise reasoning scores in Year 5"
    _held(support_request, leader)
    initial = initial_for_request(support_request, leader)
    assert (initial["aim_1"], initial["aim_2"]) == (
        "Raise reasoning scores in Year 5",
        "Coach the maths lead",
    )
    assert (initial["full_days"], initial["half_days"]) == (6, 1)
    assert (initial["starts_on"], initial["ends_on"]) == (
        dt.date(2027, 1, 11),
        dt.date(2027, 5, 28),
    )
    assert [row["text"] for row in objectives_from_first_meeting(support_request, leader)] == [
        "Raise reasoning scores in Year 5",
        "Coach the maths lead",
    ]


def test_a_meeting_not_yet_held_prefills_nothing(
    support_request: SupportRequest, leader: LeaderProfile
) -> None:
    meeting = _held(support_request, leader)
    before = initial_for_request(support_request, leader)
    FirstMeeting.objects.filter(pk=meeting.pk).update(held_on=None)
    after = initial_for_request(support_request, leader)
    assert after["aim_1"] != before["aim_1"]
    assert not objectives_from_first_meeting(support_request, leader)


def test_the_draft_shows_the_first_meetings_notes(
    login: Login, coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    SupportRequest.objects.filter(pk=support_request.pk).update(status=RequestStatus.MATCHED)
    _held(support_request, leader)
    page = login(coordinator).get(reverse("deployments:create", args=[support_request.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "From the first meeting on 1 December 2026" in body
    assert "We agreed reasoning comes first." in body
