"""The KYRA Teaching School Alliance's own business in the demo, each step through the area's
service as the featured coordinator (Alice Hart), dated by ``Clock.on``:

- members (docs/alliances.md): five Lincolnshire schools, the lead school a strategic partner,
  each with its MOU signed by its headteacher; this term's meeting with its attendance, and next
  term's scheduled;
- the board: a chair, two members and a clerk, this year's targets, an action plan of three (one
  overdue) and two budget lines;
- training: next term's leaders' network with its invitations, and delegates' feedback on this
  autumn's network meeting;
- last year's annual report for the members' governing bodies, made (docs/annual-report.md).

Each part is made once: a part whose records exist is left as it is (``load_demo`` runs again).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from syslead.accounts.models import Role, RoleAssignment, User
from syslead.alliances import services as alliances
from syslead.alliances.models import AllianceMember, AttendanceStatus, Meeting
from syslead.boards import services as boards
from syslead.boards.models import ActionItem, ActionStatus, BoardMember, BoardRole, BudgetLine
from syslead.core.academic_years import AcademicYear
from syslead.demo.clock import Clock
from syslead.demo.organisations import DemoOrganisations
from syslead.demo.people import DemoPeople
from syslead.leaders.models import (
    Association,
    LeaderProfile,
    TrainingAttendance,
    TrainingEvent,
    TrainingFeedback,
    TrainingInvitation,
    TrainingKind,
)
from syslead.leaders.services.training import training_event_create
from syslead.leaders.services.training_network import (
    training_feedback_give,
    training_invitations_send,
)
from syslead.organisations.models import Organisation
from syslead.reports.annual import annual_report_build, annual_report_request
from syslead.reports.models import AnnualReport, Audience
from syslead.schools.models import School

COORDINATOR = "alice.hart@kyra.example"
BROKER_LEAD = "jonathan.reed@kyra.example"
#: Member schools besides the lead school (headteachers of the demo's Lincolnshire schools).
OTHER_MEMBERS = 4
INVITED = 6
FEEDBACK = (
    (5, "Use the coaching model from the network session in my next two visits.", ""),
    (4, "Agree fewer, sharper objectives with the school at the first meeting.", ""),
    (
        4,
        "Share the moderation examples with the English leads I support.",
        "More time for the case studies, please.",
    ),
)


@dataclass
class DemoAlliance:
    """What the step made now (by part); parts already there are not counted."""

    made: list[str] = field(default_factory=list)

    def summary(self) -> str:
        made = ", ".join(self.made) if self.made else "nothing new (all there already)"
        return f"Alliance, board, training invitations and annual report: {made}."


def _weekday(day: dt.date, step: int = -1) -> dt.date:
    """The day, or the nearest weekday before it (``step`` -1) or after it (1)."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=step)
    return day


def _heads(alliance_lead: School | None) -> list[tuple[School, User]]:
    """The lead school with its head first, then demo headteachers' Lincolnshire schools."""
    rows = (
        RoleAssignment.objects.filter(
            role=Role.HEADTEACHER, school__local_authority="Lincolnshire", user__is_active=True
        )
        .select_related("school", "user")
        .order_by("school__urn")
    )
    lead = alliance_lead.pk if alliance_lead else None
    # The lead school first (False sorts before True), then by URN; one head a school.
    ordered = sorted(rows, key=lambda r: (r.school_id != lead, r.school_id or 0))
    seen: set[int] = set()
    chosen: list[tuple[School, User]] = []
    for row in ordered:
        school = row.school
        if school is not None and school.pk not in seen:
            seen.add(school.pk)
            chosen.append((school, row.user))
    return chosen[: OTHER_MEMBERS + 1]


def build_alliance(*, organisations: DemoOrganisations, people: DemoPeople) -> DemoAlliance:
    alliance = organisations.alliance
    coordinator = people.users[COORDINATOR]
    broker_lead = people.users[BROKER_LEAD]
    today = timezone.localdate()
    year = AcademicYear.current()
    clock = Clock(today)
    result = DemoAlliance()
    heads = _heads(alliance.lead_school)
    meeting_day = _weekday(today - dt.timedelta(days=14))
    if not AllianceMember.objects.filter(organisation=alliance).exists():
        for index, (school, head) in enumerate(heads):
            joined = dt.date(year.start_year - 1 - (index % 2), 9, 1)
            with clock.on(joined):
                member = alliances.member_add(
                    actor=coordinator,
                    organisation=alliance,
                    school=school,
                    joined_on=joined,
                    is_strategic_partner=index == 0,
                    duties="Hosts the leaders' network and the termly meetings."
                    if index == 0
                    else "Releases its leaders for the alliance's support; attends the meetings.",
                    contact_name=head.name,
                    contact_email=head.email,
                )
            signed = _weekday(year.starts_on + dt.timedelta(days=10 + 3 * index), step=1)
            if signed <= today:
                with clock.on(signed):
                    alliances.member_mou_record(
                        actor=coordinator,
                        member=member,
                        signed_on=signed,
                        version=year.label,
                        signed_by=head.name,
                    )
        result.made.append(f"{len(heads)} members")
    if not Meeting.objects.filter(organisation=alliance).exists() and heads:
        statuses = [
            AttendanceStatus.PRESENT,
            AttendanceStatus.PRESENT,
            AttendanceStatus.REPRESENTATIVE,
            AttendanceStatus.APOLOGIES,
            AttendanceStatus.PRESENT,
        ]
        with clock.on(meeting_day - dt.timedelta(days=28)):
            meeting = alliances.meeting_schedule(
                actor=coordinator,
                organisation=alliance,
                held_on=meeting_day,
                title=f"Termly alliance meeting, {meeting_day:%B %Y}",
                starts_at=dt.time(16),
                ends_at=dt.time(17, 30),
                location=alliance.lead_school.name if alliance.lead_school else "",
            )
        with clock.on(meeting_day, hour=18):
            alliances.attendance_record(
                actor=coordinator,
                meeting=meeting,
                attendance={
                    school.pk: statuses[i % len(statuses)] for i, (school, _) in enumerate(heads)
                },
            )
        next_day = _weekday(today + dt.timedelta(days=70), step=1)
        alliances.meeting_schedule(
            actor=coordinator,
            organisation=alliance,
            held_on=next_day,
            title=f"Termly alliance meeting, {next_day:%B %Y}",
            starts_at=dt.time(16),
            ends_at=dt.time(17, 30),
            location=alliance.lead_school.name if alliance.lead_school else "",
        )
        result.made.append("2 termly meetings")
    _board(
        alliance=alliance,
        coordinator=coordinator,
        broker_lead=broker_lead,
        heads=heads,
        year=year,
        today=today,
        clock=clock,
        result=result,
    )
    _training(
        alliance=alliance,
        coordinator=coordinator,
        today=today,
        clock=clock,
        result=result,
    )
    clock.settle()
    _annual_report(alliance=alliance, coordinator=coordinator, year=year, result=result)
    return result


def _board(
    *,
    alliance: Organisation,
    coordinator: User,
    broker_lead: User,
    heads: list[tuple[School, User]],
    year: AcademicYear,
    today: dt.date,
    clock: Clock,
    result: DemoAlliance,
) -> None:
    started = dt.date(year.start_year - 1, 9, 1)
    if not BoardMember.objects.filter(organisation=alliance).exists():
        seats = [
            (broker_lead.name, BoardRole.CHAIR, "The lead school", broker_lead.email),
            *[
                (head.name, BoardRole.MEMBER, school.name, head.email)
                for school, head in heads[1:3]
            ],
            ("Margaret Ellis", BoardRole.CLERK, "", ""),
        ]
        with clock.on(started):
            for name, role, represents, email in seats:
                boards.board_member_save(
                    actor=coordinator,
                    organisation=alliance,
                    name=name,
                    role=role,
                    started_on=started,
                    represents=represents,
                    account_email=email,
                )
        result.made.append(f"a board of {len(seats)}")
    if not ActionItem.objects.filter(organisation=alliance).exists():
        agreed = min(today, _weekday(year.starts_on + dt.timedelta(days=20)))
        with clock.on(agreed):
            boards.targets_set(
                actor=coordinator,
                organisation=alliance,
                year=year,
                sles_to_designate=6,
                schools_to_support=10,
                days_of_support=Decimal("60"),
            )
            actions = [
                (
                    "Agree the year's targets and share them with every member school.",
                    broker_lead.name,
                    agreed,
                    ActionStatus.DONE,
                    agreed,
                ),
                (
                    "Publish the alliance's offer of support on the member schools' websites.",
                    coordinator.name,
                    _weekday(today - dt.timedelta(days=10)),
                    ActionStatus.IN_PROGRESS,
                    None,
                ),
                (
                    "Review the MOU with every member before the summer meeting.",
                    coordinator.name,
                    _weekday(today + dt.timedelta(days=90), step=1),
                    ActionStatus.NOT_STARTED,
                    None,
                ),
            ]
            for action, owner, due_on, status, done_on in actions:
                boards.action_save(
                    actor=coordinator,
                    organisation=alliance,
                    year=year,
                    action=action,
                    owner=owner,
                    due_on=due_on,
                    status=status,
                    done_on=done_on,
                )
        result.made.append("targets and 3 actions")
    if not BudgetLine.objects.filter(organisation=alliance).exists():
        for heading, planned, actual, notes in (
            (
                "Leaders' training and network meetings",
                Decimal("3500.00"),
                Decimal("1240.50"),
                "Venue, refreshments and the speaker.",
            ),
            ("Coordination and administration", Decimal("6000.00"), Decimal("2750.00"), ""),
        ):
            boards.budget_line_save(
                actor=coordinator,
                organisation=alliance,
                year=year,
                heading=heading,
                planned=planned,
                actual=actual,
                notes=notes,
            )
        result.made.append("2 budget lines")


def _training(
    *,
    alliance: Organisation,
    coordinator: User,
    today: dt.date,
    clock: Clock,
    result: DemoAlliance,
) -> None:
    if not TrainingInvitation.objects.filter(event__organisation=alliance).exists():
        held_on = _weekday(today + dt.timedelta(days=21), step=1)
        title = f"Leaders' network, {held_on:%B %Y}"
        invited = LeaderProfile.objects.filter(
            pk__in=Association.objects.filter(organisation=alliance, is_live=True).values(
                "leader_id"
            ),
            user__is_active=True,
        ).order_by("pk")[:INVITED]
        # Scheduled, and its invitations sent, a week ago.
        with clock.on(_weekday(today - dt.timedelta(days=7))):
            event = TrainingEvent.objects.filter(organisation=alliance, title=title).first()
            if event is None:
                event = training_event_create(
                    actor=coordinator,
                    organisation=alliance,
                    kind=TrainingKind.NETWORK,
                    title=title,
                    held_on=held_on,
                    location=alliance.lead_school.name if alliance.lead_school else "",
                )
            sent = training_invitations_send(actor=coordinator, event=event, leaders=list(invited))
        result.made.append(f"{len(sent.sent)} invitations to {title}")
    past = (
        TrainingEvent.objects.filter(
            organisation=alliance, kind=TrainingKind.NETWORK, held_on__lt=today
        )
        .order_by("-held_on")
        .first()
    )
    if past is not None and not TrainingFeedback.objects.filter(event=past).exists():
        delegates = (
            TrainingAttendance.objects.filter(
                event=past, attended=True, leader__user__is_active=True
            )
            .select_related("leader__user")
            .order_by("leader_id")[: len(FEEDBACK)]
        )
        given = 0
        for row, (usefulness, differently, comments) in zip(delegates, FEEDBACK, strict=False):
            with clock.on(min(today, past.held_on + dt.timedelta(days=2)), hour=19):
                training_feedback_give(
                    actor=row.leader.user,
                    event=past,
                    usefulness=usefulness,
                    will_do_differently=differently,
                    comments=comments,
                )
            given += 1
        result.made.append(f"{given} delegates' feedback on {past.title}")


def _annual_report(
    *, alliance: Organisation, coordinator: User, year: AcademicYear, result: DemoAlliance
) -> None:
    last = AcademicYear(year.start_year - 1)
    if AnnualReport.objects.filter(organisation=alliance).exists():
        return
    asked = annual_report_request(
        actor=coordinator,
        organisation=alliance,
        academic_year=last.label,
        audience=Audience.GOVERNORS,
    )
    annual_report_build(asked.report.pk)
    result.made.append(f"the {last.label} annual report")
