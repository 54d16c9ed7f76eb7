"""Contract 1.1, "Alliance members and termly meetings", driven through /api/v1/ as the
acceptance tests will: members and the MOU, meetings, attendance, the referral to the board after
two consecutive meetings missed, and the board's decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from conftest import make_school
from syslead.accounts.models import User
from syslead.alliances.models import AllianceMember, BoardDecision, MeetingAttendance
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation
from syslead.schools.models import School

ApiFactory = Callable[[User | None], Any]

A, B, C = 131001, 131002, 131003


@pytest.fixture
def schools(db: None) -> list[School]:
    return [
        make_school(A, "Hillmorton Primary School"),
        make_school(B, "Brownsover Community School"),
        make_school(C, "Clifton upon Dunsmore CE Primary"),
    ]


def _join(client: Any, org: Organisation, urn: int, joined_on: str = "2025-09-01") -> Any:
    response = client.post(
        f"/organisations/{org.pk}/members",
        {"school": urn, "joined_on": joined_on, "mou_signed_on": None},
    )
    assert response.status_code == 201, response.json()
    return response.json()


def _meeting(client: Any, org: Organisation, held_on: str, title: str = "Termly meeting") -> int:
    response = client.post(
        f"/organisations/{org.pk}/meetings", {"held_on": held_on, "title": title}
    )
    assert response.status_code == 201, response.json()
    return int(response.json()["id"])


def _attend(client: Any, meeting_id: int, attendance: dict[str, str]) -> Any:
    response = client.put(f"/meetings/{meeting_id}/attendance", {"attendance": attendance})
    assert response.status_code == 200, response.json()
    return response


def _members(client: Any, org: Organisation) -> dict[int, dict[str, Any]]:
    response = client.get(f"/organisations/{org.pk}/members")
    assert response.status_code == 200
    return {item["school"]: item for item in response.json()["items"]}


# Members and the MOU ------------------------------------------------------------------------------


def test_a_school_joins_with_the_mou_signed_and_its_review_is_due_a_year_later(
    api: ApiFactory, coordinator: User, alliance: Organisation, schools: list[School]
) -> None:
    response = api(coordinator).post(
        f"/organisations/{alliance.pk}/members",
        {"school": A, "joined_on": "2025-09-01", "mou_signed_on": "2025-07-15"},
    )
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("school", "joined_on", "mou_signed_on", "mou_review_due_on")} == {
        "school": A,
        "joined_on": "2025-09-01",
        "mou_signed_on": "2025-07-15",
        "mou_review_due_on": "2026-07-15",
    }
    assert body["id"] == AllianceMember.objects.get().pk


def test_an_unsigned_mou_has_no_review_date(
    api: ApiFactory, broker_lead: User, alliance: Organisation, schools: list[School]
) -> None:
    body = _join(api(broker_lead), alliance, A)
    assert body["mou_signed_on"] is None
    assert body["mou_review_due_on"] is None


def test_an_mou_signed_on_29_february_is_reviewed_on_28_february(
    api: ApiFactory, coordinator: User, alliance: Organisation, schools: list[School]
) -> None:
    body = (
        api(coordinator)
        .post(
            f"/organisations/{alliance.pk}/members",
            {"school": A, "joined_on": "2024-03-01", "mou_signed_on": "2024-02-29"},
        )
        .json()
    )
    assert body["mou_review_due_on"] == "2025-02-28"


def test_a_current_member_cannot_join_twice(
    api: ApiFactory, coordinator: User, alliance: Organisation, schools: list[School]
) -> None:
    client = api(coordinator)
    _join(client, alliance, A)
    again = client.post(
        f"/organisations/{alliance.pk}/members",
        {"school": A, "joined_on": "2026-01-05", "mou_signed_on": None},
    )
    assert again.status_code == 409
    assert again.json()["rule"] == "current_member"
    assert "already a current member" in again.json()["detail"]
    assert AllianceMember.objects.count() == 1


def test_a_school_that_left_may_join_again(
    api: ApiFactory, coordinator: User, alliance: Organisation, schools: list[School]
) -> None:
    from syslead.alliances.services import member_leave

    client = api(coordinator)
    first = _join(client, alliance, A)
    member_leave(
        actor=coordinator,
        member=AllianceMember.objects.get(pk=first["id"]),
        left_on=__import__("datetime").date(2025, 12, 31),
    )
    again = _join(client, alliance, A, "2026-04-20")
    assert again["id"] != first["id"]
    members = client.get(f"/organisations/{alliance.pk}/members").json()["items"]
    assert [(m["joined_on"], m["left_on"]) for m in members] == [  # current members first
        ("2026-04-20", None),
        ("2025-09-01", "2025-12-31"),
    ]


def test_the_same_school_may_be_a_member_of_two_alliances(
    api: ApiFactory,
    coordinator: User,
    other_coordinator: User,
    alliance: Organisation,
    other_org: Organisation,
    schools: list[School],
) -> None:
    _join(api(coordinator), alliance, A)
    _join(api(other_coordinator), other_org, A)
    assert AllianceMember.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"school": 999999, "joined_on": "2025-09-01", "mou_signed_on": None}, "school"),
        ({"school": "Hillmorton", "joined_on": "2025-09-01", "mou_signed_on": None}, "school"),
        ({"school": 2**40, "joined_on": "2025-09-01", "mou_signed_on": None}, "school"),
        ({"school": A, "joined_on": "2025-02-30", "mou_signed_on": None}, "joined_on"),
        ({"school": A, "joined_on": "9999-12-31", "mou_signed_on": None}, "joined_on"),
        ({"school": A, "joined_on": "2025-09-01", "mou_signed_on": "9999-12-31"}, "mou_signed_on"),
        ({"school": A, "mou_signed_on": None}, "joined_on"),
        ({"joined_on": "2025-09-01", "mou_signed_on": None}, "school"),
    ],
)
def test_invalid_member_fields_are_422_and_nothing_is_written(
    api: ApiFactory,
    coordinator: User,
    alliance: Organisation,
    schools: list[School],
    body: dict[str, Any],
    field: str,
) -> None:
    response = api(coordinator).post(f"/organisations/{alliance.pk}/members", body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert isinstance(response.json()["detail"], str)
    assert not AllianceMember.objects.exists()


def test_members_list_every_field_of_the_contract(
    api: ApiFactory, coordinator: User, alliance: Organisation, schools: list[School]
) -> None:
    client = api(coordinator)
    _join(client, alliance, A)
    items = client.get(f"/organisations/{alliance.pk}/members").json()["items"]
    assert set(items[0]) >= {
        "id",
        "school",
        "joined_on",
        "left_on",
        "mou_signed_on",
        "mou_review_due_on",
        "consecutive_meetings_missed",
        "referred_to_board",
    }
    assert items[0]["consecutive_meetings_missed"] == 0
    assert items[0]["referred_to_board"] is False


# Meetings and attendance --------------------------------------------------------------------------


def test_a_meeting_is_scheduled(api: ApiFactory, coordinator: User, alliance: Organisation) -> None:
    response = api(coordinator).post(
        f"/organisations/{alliance.pk}/meetings",
        {"held_on": "2025-10-08", "title": "Autumn meeting"},
    )
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("held_on", "title")} == {
        "held_on": "2025-10-08",
        "title": "Autumn meeting",
    }
    assert isinstance(body["id"], int)


@pytest.mark.parametrize(
    "body",
    [
        {"held_on": "2025-10-08", "title": ""},
        {"held_on": "2025-10-08", "title": "x" * 201},
        {"held_on": "2025-13-01", "title": "Autumn"},
        {"held_on": "2025-10-08"},
        {"held_on": "2025-10-08", "title": None},
        {"held_on": "2025-10-08", "title": "Autumn", "starts_at": "09:30:00.000000" + "0" * 30},
        {"held_on": "2025-10-08", "title": "Autumn", "starts_at": "half past nine"},
        {"held_on": "2025-10-08", "title": "Autumn", "location": "x" * 201},
    ],
)
def test_invalid_meetings_are_422(
    api: ApiFactory, coordinator: User, alliance: Organisation, body: dict[str, Any]
) -> None:
    response = api(coordinator).post(f"/organisations/{alliance.pk}/meetings", body)
    assert response.status_code == 422
    assert response.json()["errors"]


def test_a_member_left_out_of_the_attendance_was_absent(
    api: ApiFactory, coordinator: User, alliance: Organisation, schools: list[School]
) -> None:
    client = api(coordinator)
    _join(client, alliance, A)
    _join(client, alliance, B)
    meeting = _meeting(client, alliance, "2025-10-08")
    body = _attend(client, meeting, {str(A): "present"}).json()
    assert body["attendance"] == {str(A): "present", str(B): "absent"}
    members = _members(client, alliance)
    assert members[A]["consecutive_meetings_missed"] == 0
    assert members[B]["consecutive_meetings_missed"] == 1


def test_two_consecutive_meetings_missed_refer_the_member_and_tell_the_broker_leads_once(
    api: ApiFactory,
    coordinator: User,
    broker_lead: User,
    alliance: Organisation,
    schools: list[School],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = api(coordinator)
    _join(client, alliance, A)
    _join(client, alliance, B)
    first = _meeting(client, alliance, "2025-10-08")
    second = _meeting(client, alliance, "2026-02-04")
    _attend(client, first, {str(A): "present", str(B): "absent"})
    assert _members(client, alliance)[B]["referred_to_board"] is False
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _attend(client, second, {str(A): "present", str(B): "apologies"})
    member = _members(client, alliance)[B]
    assert member["consecutive_meetings_missed"] == 2
    assert member["referred_to_board"] is True
    told = [m for m in mail.outbox if broker_lead.email in m.to]
    assert len(told) == 1
    assert "Brownsover Community School" in told[0].subject
    assert not [m for m in mail.outbox if coordinator.email in m.to]
    assert (
        Notification.objects.filter(user=broker_lead, verb="alliance.referred_to_board").count()
        == 1
    )
    # Re-submitting either meeting recomputes and tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        _attend(client, second, {str(A): "present", str(B): "absent"})
        _attend(client, first, {str(A): "present"})
    assert _members(client, alliance)[B]["referred_to_board"] is True
    assert Notification.objects.filter(verb="alliance.referred_to_board").count() == 1
    assert len([m for m in mail.outbox if broker_lead.email in m.to]) == 1


def test_a_third_meeting_missed_counts_three_without_telling_again(
    api: ApiFactory,
    coordinator: User,
    broker_lead: User,
    alliance: Organisation,
    schools: list[School],
) -> None:
    client = api(coordinator)
    _join(client, alliance, B)
    for held_on in ("2025-10-08", "2026-02-04", "2026-06-10"):
        _attend(client, _meeting(client, alliance, held_on), {})
    assert _members(client, alliance)[B]["consecutive_meetings_missed"] == 3
    assert Notification.objects.filter(verb="alliance.referred_to_board").count() == 1


@pytest.mark.parametrize("attended", ["present", "representative"])
def test_attending_in_person_or_by_representative_ends_the_run(
    api: ApiFactory, coordinator: User, alliance: Organisation, schools: list[School], attended: str
) -> None:
    client = api(coordinator)
    _join(client, alliance, A)
    first = _meeting(client, alliance, "2025-10-08")
    second = _meeting(client, alliance, "2026-02-04")
    third = _meeting(client, alliance, "2026-06-10")
    _attend(client, first, {str(A): "absent"})
    _attend(client, second, {str(A): attended})
    _attend(client, third, {str(A): "apologies"})
    member = _members(client, alliance)[A]
    assert member["consecutive_meetings_missed"] == 1
    assert member["referred_to_board"] is False


def test_apologies_count_as_missed(
    api: ApiFactory, coordinator: User, alliance: Organisation, schools: list[School]
) -> None:
    client = api(coordinator)
    _join(client, alliance, A)
    for held_on in ("2025-10-08", "2026-02-04"):
        _attend(client, _meeting(client, alliance, held_on), {str(A): "apologies"})
    assert _members(client, alliance)[A]["referred_to_board"] is True


def test_the_count_runs_latest_first_whatever_the_order_attendance_is_recorded(
    api: ApiFactory, coordinator: User, alliance: Organisation, schools: list[School]
) -> None:
    client = api(coordinator)
    _join(client, alliance, A)
    later = _meeting(client, alliance, "2026-02-04")
    earlier = _meeting(client, alliance, "2025-10-08")
    _attend(client, later, {str(A): "absent"})
    _attend(client, earlier, {str(A): "present"})
    assert _members(client, alliance)[A]["consecutive_meetings_missed"] == 1


def test_meetings_before_a_member_joined_do_not_count(
    api: ApiFactory, coordinator: User, alliance: Organisation, schools: list[School]
) -> None:
    client = api(coordinator)
    _join(client, alliance, A, "2025-09-01")
    before = _meeting(client, alliance, "2025-10-08")
    _attend(client, before, {str(A): "present"})
    _join(client, alliance, B, "2026-01-10")
    after = _meeting(client, alliance, "2026-02-04")
    _attend(client, after, {str(A): "present"})
    # Re-submitting the meeting held before B joined does not make B absent from it.
    _attend(client, before, {str(A): "present"})
    assert _members(client, alliance)[B]["consecutive_meetings_missed"] == 1
    assert not MeetingAttendance.objects.filter(meeting_id=before, member__school_id=B).exists()
    said = _attend(client, before, {str(A): "present", str(B): "absent"}).json()
    assert said["not_counted"] == [B]
    assert str(B) not in said["attendance"]
    assert _members(client, alliance)[B]["consecutive_meetings_missed"] == 1


def test_a_member_that_left_is_not_counted_or_referred(
    api: ApiFactory, coordinator: User, alliance: Organisation, schools: list[School]
) -> None:
    import datetime as dt

    from syslead.alliances.services import member_leave

    client = api(coordinator)
    joined = _join(client, alliance, A)
    _join(client, alliance, B)
    first = _meeting(client, alliance, "2025-10-08")
    _attend(client, first, {str(B): "present"})
    member_leave(
        actor=coordinator,
        member=AllianceMember.objects.get(pk=joined["id"]),
        left_on=dt.date(2025, 12, 1),
    )
    second = _meeting(client, alliance, "2026-02-04")
    _attend(client, second, {str(B): "present"})
    members = _members(client, alliance)
    assert members[A]["consecutive_meetings_missed"] == 1
    assert members[A]["referred_to_board"] is False
    assert not MeetingAttendance.objects.filter(meeting_id=second, member__school_id=A).exists()
    said = _attend(client, second, {str(A): "absent", str(B): "present"}).json()
    assert said["not_counted"] == [A]
    assert _members(client, alliance)[A]["consecutive_meetings_missed"] == 1


def test_correcting_attendance_withdraws_a_referral_and_a_new_one_is_not_told_again(
    api: ApiFactory,
    coordinator: User,
    broker_lead: User,
    alliance: Organisation,
    schools: list[School],
) -> None:
    client = api(coordinator)
    _join(client, alliance, A)
    first = _meeting(client, alliance, "2025-10-08")
    second = _meeting(client, alliance, "2026-02-04")
    _attend(client, first, {})
    _attend(client, second, {})
    assert _members(client, alliance)[A]["referred_to_board"] is True
    _attend(client, second, {str(A): "representative"})
    assert _members(client, alliance)[A]["referred_to_board"] is False
    _attend(client, second, {str(A): "absent"})
    assert _members(client, alliance)[A]["referred_to_board"] is True
    assert Notification.objects.filter(verb="alliance.referred_to_board").count() == 1


@pytest.mark.parametrize(
    "attendance",
    [
        {str(A): "late"},
        {"Hillmorton": "present"},
        {str(999999): "present"},
        {str(C): "present"},  # a school, never a member
        {str(2**40): "present"},
        None,
        [],
    ],
)
def test_invalid_attendance_is_422_and_nothing_is_written(
    api: ApiFactory,
    coordinator: User,
    alliance: Organisation,
    schools: list[School],
    attendance: Any,
) -> None:
    client = api(coordinator)
    _join(client, alliance, A)
    meeting = _meeting(client, alliance, "2025-10-08")
    response = client.put(f"/meetings/{meeting}/attendance", {"attendance": attendance})
    assert response.status_code == 422
    assert "attendance" in response.json()["errors"]
    assert not MeetingAttendance.objects.exists()


# The board's decision -----------------------------------------------------------------------------


def _referred(client: Any, org: Organisation, urn: int = B) -> dict[str, Any]:
    _join(client, org, A)
    member = _join(client, org, urn)
    for held_on in ("2025-10-08", "2026-02-04"):
        _attend(client, _meeting(client, org, held_on), {str(A): "present"})
    assert _members(client, org)[urn]["referred_to_board"] is True
    return member


def test_the_board_lets_a_member_continue_and_its_count_starts_again_from_the_next_meeting(
    api: ApiFactory,
    coordinator: User,
    broker_lead: User,
    alliance: Organisation,
    schools: list[School],
) -> None:
    client = api(coordinator)
    member = _referred(client, alliance)
    response = client.post(
        f"/members/{member['id']}/board-decision",
        {"decided_on": "2026-03-01", "decision": "continue", "notes": "Head was on sick leave."},
    )
    assert response.status_code == 200
    assert response.json()["referred_to_board"] is False
    assert response.json()["left_on"] is None
    after = _members(client, alliance)[B]
    assert after["referred_to_board"] is False
    assert after["consecutive_meetings_missed"] == 0
    # Re-recording a meeting before the decision does not bring the referral back.
    first = AllianceMember.objects.get(pk=member["id"]).attendance.order_by("meeting__held_on")[0]
    _attend(client, first.meeting_id, {str(A): "present"})
    assert _members(client, alliance)[B]["consecutive_meetings_missed"] == 0
    # The next meetings count afresh; two more missed refer it again, and the leads are told again.
    _attend(client, _meeting(client, alliance, "2026-06-10"), {str(A): "present"})
    assert _members(client, alliance)[B]["consecutive_meetings_missed"] == 1
    _attend(client, _meeting(client, alliance, "2026-10-07"), {str(A): "present"})
    assert _members(client, alliance)[B]["referred_to_board"] is True
    assert (
        Notification.objects.filter(user=broker_lead, verb="alliance.referred_to_board").count()
        == 2
    )


def test_the_board_ends_a_membership_on_the_date_of_its_decision(
    api: ApiFactory, broker_lead: User, alliance: Organisation, schools: list[School]
) -> None:
    client = api(broker_lead)
    member = _referred(client, alliance)
    response = client.post(
        f"/members/{member['id']}/board-decision",
        {"decided_on": "2026-03-01", "decision": "end_membership", "notes": ""},
    )
    assert response.status_code == 200
    after = _members(client, alliance)[B]
    assert after["left_on"] == "2026-03-01"
    assert after["referred_to_board"] is False
    assert BoardDecision.objects.get().decision == "end_membership"
    # It is no longer a current member: it may join again, and is not in new meetings.
    later = _meeting(client, alliance, "2026-06-10")
    body = _attend(client, later, {}).json()
    assert str(B) not in body["attendance"]


def test_a_decision_on_a_member_not_referred_is_409(
    api: ApiFactory, coordinator: User, alliance: Organisation, schools: list[School]
) -> None:
    client = api(coordinator)
    member = _join(client, alliance, A)
    response = client.post(
        f"/members/{member['id']}/board-decision",
        {"decided_on": "2026-03-01", "decision": "continue", "notes": ""},
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "not_referred"
    assert not BoardDecision.objects.exists()


def test_a_second_decision_on_the_same_referral_is_409(
    api: ApiFactory, coordinator: User, alliance: Organisation, schools: list[School]
) -> None:
    client = api(coordinator)
    member = _referred(client, alliance)
    body = {"decided_on": "2026-03-01", "decision": "continue", "notes": ""}
    assert client.post(f"/members/{member['id']}/board-decision", body).status_code == 200
    assert client.post(f"/members/{member['id']}/board-decision", body).status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"decided_on": "2026-03-01", "decision": "expel", "notes": ""},
        {"decided_on": "2026-02-30", "decision": "continue", "notes": ""},
        {"decision": "continue", "notes": ""},
        {"decided_on": "2020-01-01", "decision": "end_membership", "notes": ""},
    ],
)
def test_invalid_decisions_are_422_and_the_referral_stays(
    api: ApiFactory,
    coordinator: User,
    alliance: Organisation,
    schools: list[School],
    body: dict[str, Any],
) -> None:
    client = api(coordinator)
    member = _referred(client, alliance)
    response = client.post(f"/members/{member['id']}/board-decision", body)
    assert response.status_code == 422
    assert response.json()["errors"]
    assert _members(client, alliance)[B]["referred_to_board"] is True
    assert not BoardDecision.objects.exists()


# Who may ------------------------------------------------------------------------------------------


@pytest.fixture
def business(
    api: ApiFactory, coordinator: User, alliance: Organisation, schools: list[School]
) -> dict[str, int]:
    client = api(coordinator)
    member = _referred(client, alliance)
    meeting = _meeting(client, alliance, "2026-06-10")
    return {"member": member["id"], "meeting": meeting}


@pytest.mark.parametrize(
    "persona", ["other_coordinator", "leader_user", "client_head", "sip", "stranger"]
)
def test_people_outside_the_alliance_are_refused(
    request: pytest.FixtureRequest,
    api: ApiFactory,
    alliance: Organisation,
    business: dict[str, int],
    persona: str,
) -> None:
    client = api(request.getfixturevalue(persona))
    org = alliance.pk
    join = {"school": C, "joined_on": "2025-09-01", "mou_signed_on": None}
    refused = client.post(f"/organisations/{org}/members", join)
    assert refused.status_code == 403
    assert "KYRA" not in refused.json()["detail"]
    assert client.get(f"/organisations/{org}/members").status_code == 403
    meeting = {"held_on": "2026-06-11", "title": "Mine"}
    assert client.post(f"/organisations/{org}/meetings", meeting).status_code == 403
    attendance = client.put(f"/meetings/{business['meeting']}/attendance", {"attendance": {}})
    assert attendance.status_code == 404
    assert "Hillmorton" not in attendance.json()["detail"]
    decision = {"decided_on": "2026-03-01", "decision": "continue", "notes": ""}
    assert client.post(f"/members/{business['member']}/board-decision", decision).status_code == 404
    assert AllianceMember.objects.filter(school_id=C).count() == 0
    assert not BoardDecision.objects.exists()


def test_anonymous_callers_are_401(
    api: ApiFactory, alliance: Organisation, business: dict[str, int]
) -> None:
    client = api(None)
    assert client.get(f"/organisations/{alliance.pk}/members").status_code == 401
    assert (
        client.put(f"/meetings/{business['meeting']}/attendance", {"attendance": {}}).status_code
        == 401
    )


def test_an_administrator_may_run_any_alliance(
    api: ApiFactory, administrator: User, alliance: Organisation, business: dict[str, int]
) -> None:
    client = api(administrator)
    assert client.get(f"/organisations/{alliance.pk}/members").status_code == 200
    assert (
        client.put(f"/meetings/{business['meeting']}/attendance", {"attendance": {}}).status_code
        == 200
    )


@pytest.mark.parametrize("unknown", [987654, 2**40])
def test_unknown_organisations_meetings_and_members_are_404(
    api: ApiFactory, coordinator: User, unknown: int
) -> None:
    client = api(coordinator)
    assert client.get(f"/organisations/{unknown}/members").status_code == 404
    assert (
        client.post(
            f"/organisations/{unknown}/meetings", {"held_on": "2026-01-01", "title": "x"}
        ).status_code
        == 404
    )
    assert client.put(f"/meetings/{unknown}/attendance", {"attendance": {}}).status_code == 404
    decision = {"decided_on": "2026-03-01", "decision": "continue", "notes": ""}
    assert client.post(f"/members/{unknown}/board-decision", decision).status_code == 404
