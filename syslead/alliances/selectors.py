"""Reads of the alliance area: members, meetings by term, referrals and the KPI "schools in the
alliance year on year" (national KPI 7 in Hillmorton's MOU: the number of schools in teaching
school alliances increases year on year)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from syslead.alliances.models import (
    AllianceMember,
    BoardDecision,
    Meeting,
    MeetingAttendance,
    one_year_before,
)
from syslead.core.academic_years import AcademicYear, Term
from syslead.organisations.models import Organisation


def members_of(organisation: Organisation) -> QuerySet[AllianceMember]:
    """Every membership: current ones first, then those that left, latest first; by school."""
    return (
        AllianceMember.objects.filter(organisation=organisation)
        .select_related("school")
        .order_by(F("left_on").desc(nulls_first=True), "school__name", "id")
    )


def current_members_of(organisation: Organisation) -> QuerySet[AllianceMember]:
    return members_of(organisation).filter(left_on__isnull=True)


def referred_members_of(organisation: Organisation) -> QuerySet[AllianceMember]:
    return current_members_of(organisation).filter(referred_to_board=True)


def decisions_of(organisation: Organisation) -> QuerySet[BoardDecision]:
    return BoardDecision.objects.filter(member__organisation=organisation).select_related(
        "member__school", "decided_by"
    )


def meetings_of(organisation: Organisation) -> QuerySet[Meeting]:
    return Meeting.objects.filter(organisation=organisation).order_by("held_on", "id")


def attendance_of(meeting: Meeting) -> list[MeetingAttendance]:
    return list(
        MeetingAttendance.objects.filter(meeting=meeting)
        .select_related("member__school")
        .order_by("member__school__name")
    )


def member_attendance(member: AllianceMember) -> list[MeetingAttendance]:
    """The member's meetings, latest first."""
    return list(
        MeetingAttendance.objects.filter(member=member)
        .select_related("meeting")
        .order_by("-meeting__held_on", "-meeting_id")
    )


@dataclass(frozen=True)
class TermMeetings:
    term: Term
    meetings: list[Meeting]


def meetings_by_term(organisation: Organisation, year: AcademicYear) -> list[TermMeetings]:
    """Each term of the year with its meetings: a term with none shows as a gap to fill."""
    meetings = list(
        meetings_of(organisation)
        .filter(held_on__gte=year.starts_on, held_on__lte=year.ends_on)
        .prefetch_related(Prefetch("attendance", queryset=MeetingAttendance.objects.all()))
    )
    return [
        TermMeetings(term, [m for m in meetings if term.starts_on <= m.held_on <= term.ends_on])
        for term in year.terms()
    ]


def mou_reviews_due(today: dt.date, within_days: int) -> QuerySet[AllianceMember]:
    """Current members whose MOU review falls within ``within_days`` of ``today`` or has passed."""
    horizon = today + dt.timedelta(days=within_days)
    return (
        AllianceMember.objects.filter(
            left_on__isnull=True,
            mou_signed_on__isnull=False,
            mou_signed_on__lte=one_year_before(horizon),
        )
        .select_related("school", "organisation")
        .order_by("organisation_id", "mou_signed_on")
    )


@dataclass(frozen=True)
class YearCount:
    year: AcademicYear
    at_start: int
    joined: int
    left: int
    at_end: int
    change: int | None
    counted_on: dt.date


def schools_year_on_year(
    organisation: Organisation, today: dt.date | None = None
) -> list[YearCount]:
    """For each academic year from the first member's joining to this one: members as it began
    (on the last day of the year before, so at the start + joined − left = at the end), schools
    that joined and left during it, members at its end (today, for this year) and the
    change from the year before. One query."""
    today = today or timezone.localdate()
    spans = list(
        AllianceMember.objects.filter(organisation=organisation).values_list("joined_on", "left_on")
    )
    if not spans:
        return []
    current = AcademicYear.containing(today)
    year = AcademicYear.containing(min(joined for joined, _ in spans))
    rows: list[YearCount] = []
    previous_end: int | None = None

    def members_on(day: dt.date) -> int:
        return sum(1 for j, left in spans if j <= day and (left is None or day < left))

    while year <= current:
        end = min(year.ends_on, today)
        at_end = members_on(end)
        rows.append(
            YearCount(
                year=year,
                at_start=members_on(year.starts_on - dt.timedelta(days=1)),
                joined=sum(1 for j, _ in spans if year.starts_on <= j <= end),
                left=sum(1 for _, left in spans if left and year.starts_on <= left <= end),
                at_end=at_end,
                change=None if previous_end is None else at_end - previous_end,
                counted_on=end,
            )
        )
        previous_end = at_end
        year = year.next()
    return rows
