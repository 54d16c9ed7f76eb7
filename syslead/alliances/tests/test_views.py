"""The alliance pages (issue 15, items 1 and 2): members with the MOU, adding a member by URN or
name, the MOU signed, role and contact, leaving; termly meetings with the .ics invitation,
attendance, the referrals and the board's decision; and who may see each page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_school
from syslead.accounts.models import User
from syslead.alliances import services
from syslead.alliances.models import AllianceMember, BoardDecision, Meeting, MeetingAttendance
from syslead.core.dates import date_input_data
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]


@pytest.fixture
def member(coordinator: User, alliance: Organisation, client_school: School) -> AllianceMember:
    return services.member_add(
        actor=coordinator,
        organisation=alliance,
        school=client_school,
        joined_on=dt.date(2025, 9, 1),
        mou_signed_on=dt.date(2025, 7, 1),
        mou_version="2025",
        mou_signed_by="Cara Client-Head",
    )


@pytest.fixture
def meeting(coordinator: User, alliance: Organisation) -> Meeting:
    return services.meeting_schedule(
        actor=coordinator,
        organisation=alliance,
        held_on=dt.date(2025, 11, 12),
        title="Autumn meeting",
        starts_at=dt.time(16, 0),
    )


def _missed_twice(coordinator: User, alliance: Organisation, member: AllianceMember) -> None:
    for day in (dt.date(2025, 10, 8), dt.date(2026, 2, 4)):
        held = services.meeting_schedule(
            actor=coordinator, organisation=alliance, held_on=day, title="Termly meeting"
        )
        services.attendance_record(actor=coordinator, meeting=held, attendance={})
    member.refresh_from_db()
    assert member.referred_to_board


# Members ------------------------------------------------------------------------------------------


def test_the_alliance_page_lists_members_with_their_mou_and_the_year_on_year_table(
    login: Login, broker_lead: User, alliance: Organisation, member: AllianceMember
) -> None:
    response = login(broker_lead).get(reverse("alliances:alliance", args=[alliance.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ermine Primary Academy" in page
    assert "version 2025" in page
    assert "1 Jul 2026" in page  # review due
    assert "Schools in the alliance year on year" in page
    assert re.search(r'<th data-label="[^"]+" scope="row">2025-26</th>', page)


def test_the_alliance_index_takes_a_one_alliance_person_straight_there(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    response = login(coordinator).get(reverse("alliances:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("alliances:alliance", args=[alliance.pk])


def test_a_member_is_added_by_urn(
    login: Login, coordinator: User, alliance: Organisation, home_school: School
) -> None:
    response = login(coordinator).post(
        reverse("alliances:member_add", args=[alliance.pk]),
        {
            "school": str(home_school.urn),
            **date_input_data("joined_on", "2025-09-01"),
            **date_input_data("mou_signed_on", "2025-08-20"),
            "mou_version": "2025",
            "mou_signed_by": "Hal Home-Head",
            "is_strategic_partner": "on",
            "duties": "Leads the English network.",
            "contact_email": "office@mountstreet.test",
        },
    )
    member = AllianceMember.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("alliances:member", args=[member.pk])
    assert member.is_strategic_partner
    assert member.mou_review_due_on == dt.date(2026, 8, 20)


def test_a_member_is_picked_by_name_when_several_schools_match(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    make_school(160001, "Hillmorton Primary School", town="Rugby")
    wanted = make_school(160002, "Hillmorton Infant School", town="Rugby")
    client = login(coordinator)
    url = reverse("alliances:member_add", args=[alliance.pk])
    first = client.post(url, {"school": "hillmorton", **date_input_data("joined_on", "2025-09-01")})
    assert first.status_code == 200
    assert "More than one school matches: choose one" in first.content.decode()
    assert "Hillmorton Infant School, Rugby (URN 160002)" in first.content.decode()
    assert not AllianceMember.objects.exists()
    second = client.post(
        url,
        {"school": "hillmorton", "pick": "160002", **date_input_data("joined_on", "2025-09-01")},
    )
    assert second.status_code == 302
    assert AllianceMember.objects.get().school == wanted


def test_adding_a_current_member_again_shows_the_rule_on_the_school(
    login: Login, coordinator: User, alliance: Organisation, member: AllianceMember
) -> None:
    response = login(coordinator).post(
        reverse("alliances:member_add", args=[alliance.pk]),
        {"school": str(member.school_id), **date_input_data("joined_on", "2026-01-05")},
    )
    assert response.status_code == 200
    assert "is already a current member of the alliance" in response.content.decode()
    assert AllianceMember.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"school": "", **date_input_data("joined_on", "2025-09-01")},
            "Enter the school&#x27;s URN or name",
        ),
        (
            {"school": "999999", **date_input_data("joined_on", "2025-09-01")},
            "No school has that URN or name",
        ),
        ({"school": "120001", "joined_on": ""}, "Enter the date the school joined"),
        (
            {
                "school": "120001",
                "joined_on_day": "30",
                "joined_on_month": "2",
                "joined_on_year": "2025",
            },
            "must be a real date",
        ),
        (
            {"school": "120001", **date_input_data("joined_on", "9999-01-01")},
            "Enter a date between",
        ),
        (
            {
                "school": "120001",
                **date_input_data("joined_on", "2025-09-01"),
                **date_input_data("mou_signed_on", "2025-08-01"),
            },
            "Enter the version of the MOU that was signed",
        ),
    ],
)
def test_adding_a_member_with_bad_input_says_what_to_fix(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    data: dict[str, str],
    message: str,
) -> None:
    response = login(coordinator).post(reverse("alliances:member_add", args=[alliance.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not AllianceMember.objects.exists()


def test_the_signed_mou_is_recorded_with_its_version(
    login: Login, coordinator: User, member: AllianceMember
) -> None:
    response = login(coordinator).post(
        reverse("alliances:member_mou", args=[member.pk]),
        {
            **date_input_data("signed_on", "2026-06-30"),
            "version": "2026",
            "signed_by": "Cara Client-Head",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.mou_version, member.mou_review_due_on) == ("2026", dt.date(2027, 6, 30))


def test_role_duties_and_contact_are_saved(
    login: Login, coordinator: User, member: AllianceMember
) -> None:
    response = login(coordinator).post(
        reverse("alliances:member_details", args=[member.pk]),
        {
            "is_strategic_partner": "on",
            "duties": "Hosts the spring meeting.",
            "contact_name": "Dee Deputy",
            "contact_email": "dee@ermine.test",
            "contact_phone": "01522 000000",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_strategic_partner
    assert member.contact_name == "Dee Deputy"


def test_a_member_leaves_and_is_listed_as_a_former_member(
    login: Login, coordinator: User, alliance: Organisation, member: AllianceMember
) -> None:
    client = login(coordinator)
    bad = client.post(
        reverse("alliances:member_leave", args=[member.pk]),
        {**date_input_data("left_on", "2025-01-01")},
    )
    assert "on or after the day the school joined" in bad.content.decode()
    response = client.post(
        reverse("alliances:member_leave", args=[member.pk]),
        {**date_input_data("left_on", "2026-03-31"), "reason": "Joined a trust."},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_on == dt.date(2026, 3, 31)
    page = client.get(reverse("alliances:alliance", args=[alliance.pk])).content.decode()
    assert "Former members" in page


# Meetings -----------------------------------------------------------------------------------------


def test_a_meeting_is_scheduled_and_listed_under_its_term(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    client = login(coordinator)
    url = reverse("alliances:meetings", args=[alliance.pk])
    response = client.post(
        url,
        {
            **date_input_data("held_on", "2026-02-04"),
            "title": "Spring meeting",
            "starts_at": "16:00",
            "ends_at": "17:30",
            "location": "Hillmorton Primary School",
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("alliances:meeting", args=[meeting.pk])
    page = client.get(url + "?year=2025-26").content.decode()
    assert "Spring term 2025-26" in page
    assert "Spring meeting" in page
    assert page.count("No meeting scheduled") == 2  # autumn and summer


def test_a_meeting_that_ends_before_it_starts_is_refused(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    response = login(coordinator).post(
        reverse("alliances:meetings", args=[alliance.pk]),
        {
            **date_input_data("held_on", "2026-02-04"),
            "title": "Spring",
            "starts_at": "17:00",
            "ends_at": "16:00",
        },
    )
    assert "The meeting must end after it starts" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_invitation_downloads_as_an_ics_file(
    login: Login, coordinator: User, meeting: Meeting
) -> None:
    response = login(coordinator).get(reverse("alliances:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert 'filename="meeting-2025-11-12.ics"' in response["Content-Disposition"]
    assert b"BEGIN:VEVENT" in response.content


def test_invitations_are_emailed_from_the_meeting_page(
    login: Login,
    coordinator: User,
    member: AllianceMember,
    meeting: Meeting,
    client_head: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        response = login(coordinator).post(reverse("alliances:meeting_invite", args=[meeting.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[client_head.email]]
    assert mail.outbox[0].attachments[0][0].endswith(".ics")


def test_attendance_is_recorded_and_two_misses_refer_the_member(
    login: Login,
    coordinator: User,
    broker_lead: User,
    alliance: Organisation,
    member: AllianceMember,
) -> None:
    client = login(coordinator)
    for day in (dt.date(2025, 10, 8), dt.date(2026, 2, 4)):
        held = services.meeting_schedule(
            actor=coordinator, organisation=alliance, held_on=day, title="Termly meeting"
        )
        response = client.post(
            reverse("alliances:attendance", args=[held.pk]), {f"member_{member.pk}": "apologies"}
        )
        assert response.status_code == 302
    member.refresh_from_db()
    assert member.referred_to_board
    assert Notification.objects.filter(user=broker_lead).count() == 1
    page = client.get(reverse("alliances:referrals", args=[alliance.pk])).content.decode()
    assert "Ermine Primary Academy" in page
    assert "2 meetings missed in a row" in page


def test_attendance_must_be_given_for_every_member(
    login: Login, coordinator: User, member: AllianceMember, meeting: Meeting
) -> None:
    response = login(coordinator).post(reverse("alliances:attendance", args=[meeting.pk]), {})
    assert response.status_code == 200
    assert "Say whether Ermine Primary Academy attended" in response.content.decode()
    assert not MeetingAttendance.objects.exists()


def test_the_attendance_form_shows_what_was_recorded(
    login: Login, coordinator: User, member: AllianceMember, meeting: Meeting
) -> None:
    services.attendance_record(
        actor=coordinator, meeting=meeting, attendance={member.school_id: "representative"}
    )
    page = login(coordinator).get(reverse("alliances:attendance", args=[meeting.pk]))
    checked = re.findall(
        r'<input type="radio"[^>]*value="(\w+)"[^>]*checked', page.content.decode()
    )
    assert checked == ["representative"]


def test_the_board_decision_is_recorded_from_the_referrals(
    login: Login, coordinator: User, alliance: Organisation, member: AllianceMember
) -> None:
    _missed_twice(coordinator, alliance, member)
    response = login(coordinator).post(
        reverse("alliances:board_decision", args=[member.pk]),
        {
            **date_input_data("decided_on", "2026-03-01"),
            "decision": "continue",
            "notes": "Illness.",
        },
    )
    assert response["Location"] == reverse("alliances:referrals", args=[alliance.pk])
    member.refresh_from_db()
    assert not member.referred_to_board
    assert BoardDecision.objects.get().notes == "Illness."


def test_a_decision_on_a_member_not_referred_is_refused_in_the_form(
    login: Login, coordinator: User, member: AllianceMember
) -> None:
    response = login(coordinator).post(
        reverse("alliances:board_decision", args=[member.pk]),
        {**date_input_data("decided_on", "2026-03-01"), "decision": "continue"},
    )
    assert response.status_code == 200
    assert "not referred to the board" in response.content.decode()


def test_the_home_page_points_to_members_waiting_for_the_board(
    login: Login,
    broker_lead: User,
    coordinator: User,
    alliance: Organisation,
    member: AllianceMember,
) -> None:
    _missed_twice(coordinator, alliance, member)
    page = login(broker_lead).get("/").content.decode()
    assert "1 member of KYRA Teaching School Alliance referred to the board" in page
    assert reverse("alliances:referrals", args=[alliance.pk]) in page


# Who may see each page ----------------------------------------------------------------------------


def _urls(alliance: Organisation, member: AllianceMember, meeting: Meeting) -> list[str]:
    return [
        reverse("alliances:alliance", args=[alliance.pk]),
        reverse("alliances:member_add", args=[alliance.pk]),
        reverse("alliances:meetings", args=[alliance.pk]),
        reverse("alliances:referrals", args=[alliance.pk]),
        reverse("alliances:member", args=[member.pk]),
        reverse("alliances:member_mou", args=[member.pk]),
        reverse("alliances:member_details", args=[member.pk]),
        reverse("alliances:member_leave", args=[member.pk]),
        reverse("alliances:board_decision", args=[member.pk]),
        reverse("alliances:meeting", args=[meeting.pk]),
        reverse("alliances:meeting_ics", args=[meeting.pk]),
        reverse("alliances:attendance", args=[meeting.pk]),
    ]


@pytest.mark.parametrize("persona", ["coordinator", "broker_lead", "administrator"])
def test_the_alliance_and_administrators_see_every_page(
    request: pytest.FixtureRequest,
    login: Login,
    alliance: Organisation,
    member: AllianceMember,
    meeting: Meeting,
    persona: str,
) -> None:
    client = login(request.getfixturevalue(persona))
    for url in _urls(alliance, member, meeting):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "persona", ["other_coordinator", "leader_user", "client_head", "sip", "stranger"]
)
def test_everyone_else_is_refused_every_page(
    request: pytest.FixtureRequest,
    login: Login,
    alliance: Organisation,
    member: AllianceMember,
    meeting: Meeting,
    persona: str,
) -> None:
    client = login(request.getfixturevalue(persona))
    urls = _urls(alliance, member, meeting)
    for url in urls[:4]:  # the organisation is known: 403
        assert client.get(url).status_code == 403, url
    for url in urls[4:]:  # its members and meetings are not shown: 404
        assert client.get(url).status_code == 404, url
    index = client.get(reverse("alliances:index"))
    if persona == "other_coordinator":  # to its own alliance
        assert index["Location"] != reverse("alliances:alliance", args=[alliance.pk])
    else:
        assert index.status_code == 403
    refused = client.post(
        reverse("alliances:attendance", args=[meeting.pk]), {f"member_{member.pk}": "present"}
    )
    assert refused.status_code == 404
    assert not MeetingAttendance.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(
    client: Client, alliance: Organisation, member: AllianceMember, meeting: Meeting
) -> None:
    for url in [reverse("alliances:index"), *_urls(alliance, member, meeting)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"]


def test_the_alliance_page_takes_a_fixed_number_of_queries(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(12):
        services.member_add(
            actor=coordinator,
            organisation=alliance,
            school=make_school(170000 + n, f"School {n}"),
            joined_on=dt.date(2024 + n % 2, 9, 1),
        )
    client = login(coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("alliances:alliance", args=[alliance.pk])).status_code == 200


def test_the_admin_lists_the_alliance_read_only(
    login: Login, administrator: User, member: AllianceMember, meeting: Meeting
) -> None:
    client = login(administrator)
    for name in ("alliancemember", "meeting", "meetingattendance", "boarddecision"):
        assert client.get(f"/admin/alliances/{name}/").status_code == 200, name
    assert client.get("/admin/alliances/alliancemember/add/").status_code == 403


def test_the_pages_have_no_inline_script_or_event_handler() -> None:
    """A content security policy without 'unsafe-inline' is coming: nothing inline to break."""
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "templates"
    for template in folder.rglob("*.html"):
        text = template.read_text()
        assert "<script" not in text, template
        assert not re.search(r"\son[a-z]+\s*=", text), template
