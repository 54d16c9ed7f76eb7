"""Alliance members and termly meetings (docs/api.md, version 1.1): members joining with the MOU,
meetings, attendance, the referral to the board after two consecutive meetings missed, and the
board's decision. Coordinators and broker leads of the organisation (and administrators)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints

from syslead.alliances.access import (
    meeting_for_user,
    member_for_user,
    organisation_for_alliance,
)
from syslead.alliances.models import (
    AllianceMember,
    AttendanceStatus,
    BoardDecision,
    BoardDecisionKind,
    Meeting,
)
from syslead.alliances.selectors import attendance_of, meetings_of, members_of
from syslead.alliances.services import (
    EARLIEST_DATE,
    LATEST_DATE,
    attendance_record,
    board_decision_record,
    meeting_schedule,
    member_add,
    school_for_urn,
)
from syslead.api.auth import request_user
from syslead.api.schemas import (
    AUTH_ERRORS,
    TEXT_MAX_LENGTH,
    WRITE_ERRORS,
    ErrorOut,
    Time,
    Urn,
)

router = Router(tags=["Alliance members and meetings"])

#: A date the alliance records (a far-off year is a mistake, not a plan).
AllianceDate = Annotated[dt.date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=TEXT_MAX_LENGTH)]
UrnKey = Annotated[str, StringConstraints(pattern=r"^\s*[0-9]{1,10}\s*$")]

READ_ERRORS = {403: ErrorOut, 404: ErrorOut, **AUTH_ERRORS}


class MemberIn(Schema):
    school: Urn
    joined_on: AllianceDate
    mou_signed_on: AllianceDate | None = Field(
        None, description="When the headteacher signed the MOU; null while unsigned."
    )
    mou_version: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    mou_signed_by: Text200 = Field("", description="The headteacher who signed.")
    is_strategic_partner: bool = False
    duties: LongText = ""
    contact_name: Text200 = ""
    contact_email: Text200 = ""
    contact_phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""


class MemberOut(Schema):
    id: int
    school: int = Field(description="URN.")
    school_name: str
    joined_on: dt.date
    left_on: dt.date | None
    mou_signed_on: dt.date | None
    mou_review_due_on: dt.date | None = Field(
        description="One year after mou_signed_on; null while unsigned."
    )
    mou_version: str
    mou_signed_by: str
    is_strategic_partner: bool
    duties: str
    contact_name: str
    contact_email: str
    consecutive_meetings_missed: int
    referred_to_board: bool


class MembersOut(Schema):
    items: list[MemberOut]


class MeetingIn(Schema):
    held_on: AllianceDate
    title: Title
    starts_at: Time | None = None
    ends_at: Time | None = None
    location: Text200 = ""


class MeetingOut(Schema):
    id: int
    held_on: dt.date
    title: str
    term: str = Field(description='The school term, e.g. "Autumn term 2025-26".')
    starts_at: dt.time | None
    ends_at: dt.time | None
    location: str
    attendance_recorded: bool


class MeetingsOut(Schema):
    items: list[MeetingOut]


class AttendanceIn(Schema):
    attendance: dict[UrnKey, AttendanceStatus] = Field(
        max_length=10_000,
        description="Each member's URN (as a string key) and whether it attended; a member "
        "left out was absent.",
    )


class AttendanceOut(Schema):
    meeting: int
    held_on: dt.date
    attendance: dict[str, AttendanceStatus]
    not_counted: list[int] = Field(
        default_factory=list,
        description="URNs sent that were not members on the meeting's date (joined later or "
        "had left): not counted.",
    )
    members: list[MemberOut] = Field(description="The alliance's current members, recounted.")


class BoardDecisionIn(Schema):
    decided_on: AllianceDate
    decision: BoardDecisionKind
    notes: LongText = ""


class BoardDecisionOut(Schema):
    id: int
    decided_on: dt.date
    decision: BoardDecisionKind
    notes: str


class MemberDecidedOut(MemberOut):
    board_decision: BoardDecisionOut


def member_out(member: AllianceMember) -> MemberOut:
    return MemberOut(**_member_fields(member))


def _member_fields(member: AllianceMember) -> dict[str, Any]:
    return {
        "id": member.pk,
        "school": member.school_id,
        "school_name": member.school.name,
        "joined_on": member.joined_on,
        "left_on": member.left_on,
        "mou_signed_on": member.mou_signed_on,
        "mou_review_due_on": member.mou_review_due_on,
        "mou_version": member.mou_version,
        "mou_signed_by": member.mou_signed_by,
        "is_strategic_partner": member.is_strategic_partner,
        "duties": member.duties,
        "contact_name": member.contact_name,
        "contact_email": member.contact_email,
        "consecutive_meetings_missed": member.consecutive_meetings_missed,
        "referred_to_board": member.referred_to_board,
    }


def meeting_out(meeting: Meeting) -> MeetingOut:
    return MeetingOut(
        id=meeting.pk,
        held_on=meeting.held_on,
        title=meeting.title,
        term=meeting.term.label,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location=meeting.location,
        attendance_recorded=meeting.attendance_recorded_at is not None,
    )


def decision_out(decision: BoardDecision) -> BoardDecisionOut:
    return BoardDecisionOut(
        id=decision.pk,
        decided_on=decision.decided_on,
        decision=BoardDecisionKind(decision.decision),
        notes=decision.notes,
    )


@router.post(
    "/organisations/{organisation_id}/members",
    response={201: MemberOut, 404: ErrorOut, **WRITE_ERRORS},
    summary="A school joins the alliance (coordinators and broker leads)",
    description=(
        "`school` is a URN (422 when no school has it). `mou_signed_on` may be null while the "
        "headteacher has not signed the MOU; `mou_review_due_on` is one year after it. 409 "
        "(`rule`: `current_member`) when the school is already a current member. 404 for an "
        "unknown organisation, 403 for one the caller does not coordinate or lead."
    ),
)
def add_member(request: HttpRequest, organisation_id: int, payload: MemberIn) -> Status[MemberOut]:
    user = request_user(request)
    organisation = organisation_for_alliance(user, organisation_id)
    member = member_add(
        actor=user,
        organisation=organisation,
        school=school_for_urn(payload.school),
        joined_on=payload.joined_on,
        mou_signed_on=payload.mou_signed_on,
        mou_version=payload.mou_version,
        mou_signed_by=payload.mou_signed_by,
        is_strategic_partner=payload.is_strategic_partner,
        duties=payload.duties,
        contact_name=payload.contact_name,
        contact_email=payload.contact_email,
        contact_phone=payload.contact_phone,
    )
    return Status(201, member_out(member))


@router.get(
    "/organisations/{organisation_id}/members",
    response={200: MembersOut, **READ_ERRORS},
    summary="The alliance's members, current ones first, and those that left",
)
def list_members(request: HttpRequest, organisation_id: int) -> MembersOut:
    organisation = organisation_for_alliance(request_user(request), organisation_id)
    return MembersOut(items=[member_out(m) for m in members_of(organisation)])


@router.post(
    "/organisations/{organisation_id}/meetings",
    response={201: MeetingOut, 404: ErrorOut, **WRITE_ERRORS},
    summary="Schedule a termly meeting of the alliance",
)
def schedule_meeting(
    request: HttpRequest, organisation_id: int, payload: MeetingIn
) -> Status[MeetingOut]:
    user = request_user(request)
    organisation = organisation_for_alliance(user, organisation_id)
    meeting = meeting_schedule(
        actor=user,
        organisation=organisation,
        held_on=payload.held_on,
        title=payload.title,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        location=payload.location,
    )
    return Status(201, meeting_out(meeting))


@router.get(
    "/organisations/{organisation_id}/meetings",
    response={200: MeetingsOut, **READ_ERRORS},
    summary="The alliance's meetings, oldest first",
)
def list_meetings(request: HttpRequest, organisation_id: int) -> MeetingsOut:
    organisation = organisation_for_alliance(request_user(request), organisation_id)
    return MeetingsOut(items=[meeting_out(m) for m in meetings_of(organisation)])


def _attendance_out(meeting: Meeting, sent: list[int] | None = None) -> AttendanceOut:
    rows = attendance_of(meeting)
    recorded = {r.member.school_id for r in rows}
    current = [m for m in members_of(meeting.organisation) if m.left_on is None]
    return AttendanceOut(
        meeting=meeting.pk,
        held_on=meeting.held_on,
        attendance={str(r.member.school_id): AttendanceStatus(r.status) for r in rows},
        not_counted=sorted(urn for urn in sent or [] if urn not in recorded),
        members=[member_out(m) for m in current],
    )


@router.put(
    "/meetings/{meeting_id}/attendance",
    response={200: AttendanceOut, 404: ErrorOut, **WRITE_ERRORS},
    summary="Record who attended a meeting (replaces an earlier record)",
    description=(
        "`attendance` maps each member's URN to `present`, `representative`, `apologies` or "
        "`absent`; a member of the alliance on the meeting's date that is left out was absent. "
        "A school of the alliance that was not a member on that date (it joined later or had "
        "left) is not counted (`not_counted`); a URN that was never a member is 422. Each "
        "member's "
        "`consecutive_meetings_missed` counts its meetings since it joined, latest first, until "
        "one it attended (present or representative); at 2 it is `referred_to_board` and the "
        "organisation's broker leads are told once, until the board decides. 404 for a meeting "
        "the caller cannot see."
    ),
)
def record_attendance(
    request: HttpRequest, meeting_id: int, payload: AttendanceIn
) -> AttendanceOut:
    user = request_user(request)
    meeting = meeting_for_user(user, meeting_id)
    attendance = {int(urn.strip()): status.value for urn, status in payload.attendance.items()}
    attendance_record(actor=user, meeting=meeting, attendance=attendance)
    return _attendance_out(meeting, list(attendance))


@router.get(
    "/meetings/{meeting_id}/attendance",
    response={200: AttendanceOut, 404: ErrorOut, **AUTH_ERRORS},
    summary="Who attended a meeting (empty until recorded)",
)
def get_attendance(request: HttpRequest, meeting_id: int) -> AttendanceOut:
    return _attendance_out(meeting_for_user(request_user(request), meeting_id))


@router.post(
    "/members/{member_id}/board-decision",
    response={200: MemberDecidedOut, 404: ErrorOut, **WRITE_ERRORS},
    summary="Record the board's decision on a referred member",
    description=(
        "`continue` clears the referral (the count starts again from the next meeting); "
        "`end_membership` sets `left_on` to `decided_on`. 409 (`rule`: `not_referred`) when the "
        "member is not referred to the board. 404 for a member the caller cannot see."
    ),
)
def record_board_decision(
    request: HttpRequest, member_id: int, payload: BoardDecisionIn
) -> MemberDecidedOut:
    user = request_user(request)
    member = member_for_user(user, member_id)
    decision = board_decision_record(
        actor=user,
        member=member,
        decided_on=payload.decided_on,
        decision=payload.decision.value,
        notes=payload.notes,
    )
    fresh = member_for_user(user, member.pk)
    return MemberDecidedOut(**_member_fields(fresh), board_decision=decision_out(decision))
