"""Writes of the alliance area: members joining, signing the MOU and leaving, termly meetings,
attendance, the two-consecutive-absences referral to the board and the board's decision
(Hillmorton Teaching School Alliance's memorandum of understanding, "All Alliance Members").

Every service checks who may act (``access.may_manage_alliance``), locks the organisation's row so
two writers of one alliance take turns, writes an event, and refuses before it writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.models import Role, User
from syslead.alliances.access import may_manage_alliance
from syslead.alliances.models import (
    REFERRAL_THRESHOLD,
    AllianceMember,
    AttendanceStatus,
    BoardDecision,
    BoardDecisionKind,
    Meeting,
    MeetingAttendance,
)
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation, field_error
from syslead.notifications.inbox import notify
from syslead.organisations.models import Organisation
from syslead.schools.models import School

#: Dates the alliance records: early enough for any real membership, late enough for planning,
#: and far from the calendar's end so that "one year after" always exists.
EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2099, 8, 31)


def _check_allowed(actor: User, organisation: Organisation) -> None:
    if not may_manage_alliance(actor, organisation.pk):
        raise NotAllowed(
            "Only the organisation's coordinators and broker leads may change its alliance's "
            "members and meetings."
        )


def _lock(organisation: Organisation) -> None:
    """Serialise the alliance's writers: the counts and referrals are recomputed from all of it."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


def _check_date(errors: FieldErrors, name: str, value: dt.date | None) -> None:
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        errors.add(
            name, f"Enter a date between {EARLIEST_DATE:%-d %B %Y} and {LATEST_DATE:%-d %B %Y}."
        )


# Members ------------------------------------------------------------------------------------------


def school_for_urn(urn: int) -> School:
    """The school with that URN; a ValidationError on ``school`` otherwise."""
    school = School.objects.filter(urn=urn).first() if 0 < urn < 2**31 else None
    if school is None:
        raise field_error("school", f"There is no school with URN {urn}.")
    return school


def member_add(
    *,
    actor: User,
    organisation: Organisation,
    school: School,
    joined_on: dt.date,
    mou_signed_on: dt.date | None = None,
    mou_version: str = "",
    mou_signed_by: str = "",
    is_strategic_partner: bool = False,
    duties: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
) -> AllianceMember:
    """A school joins the alliance; a school is a current member of an alliance at most once
    (also a database constraint, so two requests at once cannot both add it)."""
    _check_allowed(actor, organisation)
    errors = FieldErrors()
    _check_date(errors, "joined_on", joined_on)
    _check_date(errors, "mou_signed_on", mou_signed_on)
    errors.raise_if_any()
    member = AllianceMember(
        organisation=organisation,
        school=school,
        joined_on=joined_on,
        mou_signed_on=mou_signed_on,
        mou_version=mou_version.strip(),
        mou_signed_by=mou_signed_by.strip(),
        is_strategic_partner=is_strategic_partner,
        duties=duties.strip(),
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        contact_phone=contact_phone.strip(),
    )
    member.full_clean(
        exclude=["organisation", "school", "count_after_meeting"],
        validate_unique=False,
        validate_constraints=False,
    )
    already = RuleViolation(
        f"{school.name} is already a current member of the alliance.", rule="current_member"
    )
    with transaction.atomic():
        _lock(organisation)
        if AllianceMember.objects.filter(
            organisation=organisation, school=school, left_on__isnull=True
        ).exists():
            raise already
        try:
            with transaction.atomic():
                member.save()
        except IntegrityError:
            raise already from None
        event_record(
            actor=actor,
            subject=member,
            verb="alliance.member_joined",
            summary=f"{school.name} joined {organisation.name} on {joined_on:%-d %B %Y}.",
            data={"school": school.urn, "joined_on": joined_on.isoformat()},
        )
    return member


def member_mou_record(
    *,
    actor: User,
    member: AllianceMember,
    signed_on: dt.date,
    version: str,
    signed_by: str,
) -> AllianceMember:
    """Record the MOU signed by the member's headteacher, with the MOU's version; it is reviewed
    every year, so a new signature replaces the last (kept in the member's timeline)."""
    _check_allowed(actor, member.organisation)
    errors = FieldErrors()
    _check_date(errors, "signed_on", signed_on)
    if not version.strip():
        errors["version"] = ["Enter the version of the MOU that was signed."]
    if not signed_by.strip():
        errors["signed_by"] = ["Enter the name of the headteacher who signed."]
    if member.left_on is not None:
        raise RuleViolation("The school has left the alliance.", rule="member_left")
    errors.raise_if_any()
    previous = {
        "signed_on": member.mou_signed_on.isoformat() if member.mou_signed_on else None,
        "version": member.mou_version,
        "signed_by": member.mou_signed_by,
    }
    with transaction.atomic():
        _lock(member.organisation)
        member.mou_signed_on = signed_on
        member.mou_version = version.strip()[:40]
        member.mou_signed_by = signed_by.strip()[:200]
        member.save(update_fields=["mou_signed_on", "mou_version", "mou_signed_by"])
        event_record(
            actor=actor,
            subject=member,
            verb="alliance.mou_signed",
            summary=f"MOU {member.mou_version} signed by {member.mou_signed_by} on "
            f"{signed_on:%-d %B %Y}.",
            data={"previous": previous, "signed_on": signed_on.isoformat()},
        )
    return member


def member_details_set(
    *,
    actor: User,
    member: AllianceMember,
    is_strategic_partner: bool,
    duties: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str,
) -> AllianceMember:
    """A member's role in the alliance: strategic partner or not, its duties and its contact."""
    _check_allowed(actor, member.organisation)
    fields = {
        "is_strategic_partner": is_strategic_partner,
        "duties": duties.strip(),
        "contact_name": contact_name.strip(),
        "contact_email": contact_email.strip(),
        "contact_phone": contact_phone.strip(),
    }
    previous = {name: getattr(member, name) for name in fields}
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean(
        exclude=["organisation", "school", "count_after_meeting"],
        validate_unique=False,
        validate_constraints=False,
    )
    changed = {name: value for name, value in fields.items() if previous[name] != value}
    with transaction.atomic():
        _lock(member.organisation)
        member.save(update_fields=list(fields))
        if changed:
            event_record(
                actor=actor,
                subject=member,
                verb="alliance.member_details_changed",
                summary="Changed " + ", ".join(name.replace("_", " ") for name in changed) + ".",
                data={"previous": {k: previous[k] for k in changed}, "now": changed},
            )
    return member


def member_leave(
    *, actor: User, member: AllianceMember, left_on: dt.date, reason: str = ""
) -> AllianceMember:
    """A member leaves the alliance (it is no longer invited, counted or referred)."""
    _check_allowed(actor, member.organisation)
    with transaction.atomic():
        _lock(member.organisation)
        member.refresh_from_db()
        if member.left_on is not None:
            raise RuleViolation(
                f"The school left the alliance on {member.left_on:%-d %B %Y}.", rule="member_left"
            )
        _end_membership(member, left_on, reason, field="left_on")
        event_record(
            actor=actor,
            subject=member,
            verb="alliance.member_left",
            summary=f"{member.school.name} left the alliance on {left_on:%-d %B %Y}."
            + (f" {reason.strip()}" if reason.strip() else ""),
            data={"left_on": left_on.isoformat()},
        )
    return member


def _end_membership(member: AllianceMember, left_on: dt.date, reason: str, *, field: str) -> None:
    errors = FieldErrors()
    _check_date(errors, field, left_on)
    if not errors and left_on < member.joined_on:
        errors[field] = [
            "The date must be on or after the day the school joined "
            f"({member.joined_on:%-d %B %Y})."
        ]
    errors.raise_if_any()
    member.left_on = left_on
    member.leaving_reason = reason.strip()
    member.referred_to_board = False
    member.referred_on = None
    member.board_told = False
    member.save(
        update_fields=[
            "left_on",
            "leaving_reason",
            "referred_to_board",
            "referred_on",
            "board_told",
        ]
    )


# Meetings -----------------------------------------------------------------------------------------


def meeting_schedule(
    *,
    actor: User,
    organisation: Organisation,
    held_on: dt.date,
    title: str,
    starts_at: dt.time | None = None,
    ends_at: dt.time | None = None,
    location: str = "",
) -> Meeting:
    """Schedule one of the alliance's termly meetings, to which every member is invited."""
    _check_allowed(actor, organisation)
    errors = FieldErrors()
    _check_date(errors, "held_on", held_on)
    if not title.strip():
        errors["title"] = ["Enter the meeting's title."]
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = ["The meeting must end after it starts."]
    errors.raise_if_any()
    meeting = Meeting(
        organisation=organisation,
        held_on=held_on,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    meeting.full_clean(exclude=["organisation", "created_by"])
    with transaction.atomic():
        meeting.save()
        event_record(
            actor=actor,
            subject=meeting,
            verb="alliance.meeting_scheduled",
            summary=f"{meeting.title} scheduled for {held_on:%-d %B %Y}.",
            data={"held_on": held_on.isoformat()},
        )
    return meeting


def members_on(organisation: Organisation, day: dt.date) -> list[AllianceMember]:
    """The members of the alliance on ``day`` (joined by then and not yet left)."""
    return [
        m
        for m in AllianceMember.objects.filter(organisation=organisation, joined_on__lte=day)
        .select_related("school")
        .order_by("school__name", "id")
        if m.was_member_on(day)
    ]


def attendance_record(
    *, actor: User, meeting: Meeting, attendance: Mapping[int, str]
) -> list[MeetingAttendance]:
    """Record who attended (by URN). Every member on the meeting's date that is left out was
    absent; a school of the alliance that was not a member on that date (it joined later or had
    left) is not counted, whatever is said of it. A URN that was never a member is refused. A
    second recording replaces the first. Each member's consecutive meetings missed are
    then recounted and a member that missed two in a row is referred to the board, whose broker
    leads are told once per referral."""
    organisation = meeting.organisation
    _check_allowed(actor, organisation)
    known = {s.value for s in AttendanceStatus}
    with transaction.atomic():
        _lock(organisation)
        members = {m.school_id: m for m in members_on(organisation, meeting.held_on)}
        ever = set(
            AllianceMember.objects.filter(organisation=organisation).values_list(
                "school_id", flat=True
            )
        )
        problems = FieldErrors()
        for urn, status in attendance.items():
            if urn not in ever:
                problems.add("attendance", f"{urn} is not the URN of a member of the alliance.")
            elif status not in known:
                problems.add(
                    "attendance", f"{urn}: {status!r} is not one of {', '.join(sorted(known))}."
                )
        problems.raise_if_any()
        MeetingAttendance.objects.filter(meeting=meeting).delete()
        rows = MeetingAttendance.objects.bulk_create(
            [
                MeetingAttendance(
                    meeting=meeting,
                    member=member,
                    status=attendance.get(urn, AttendanceStatus.ABSENT.value),
                )
                for urn, member in members.items()
            ]
        )
        meeting.attendance_recorded_at = timezone.now()
        meeting.save(update_fields=["attendance_recorded_at"])
        event_record(
            actor=actor,
            subject=meeting,
            verb="alliance.attendance_recorded",
            summary=f"Attendance recorded for {len(rows)} member{'s' if len(rows) != 1 else ''}.",
            data={"attendance": {str(r.member.school_id): r.status for r in rows}},
        )
        _recount(actor, organisation)
    return rows


def consecutive_missed(member: AllianceMember, rows: Iterable[MeetingAttendance]) -> int:
    """The member's meetings since it joined (and since the board last let it continue), latest
    first, until one it attended: present or through a representative (apologies are a miss)."""
    after = member.count_after_meeting
    mark = (after.held_on, after.pk) if after is not None else None
    counted = sorted(
        (
            r
            for r in rows
            if r.meeting.held_on >= member.joined_on
            and (mark is None or (r.meeting.held_on, r.meeting.pk) > mark)
        ),
        key=lambda r: (r.meeting.held_on, r.meeting.pk),
        reverse=True,
    )
    missed = 0
    for row in counted:
        if row.attended:
            break
        missed += 1
    return missed


def _recount(actor: User, organisation: Organisation) -> None:
    """Recount every member's consecutive meetings missed; refer a current member at two and
    tell the broker leads of a referral they have not been told of."""
    members = list(
        AllianceMember.objects.filter(organisation=organisation)
        .select_related("school", "count_after_meeting")
        .order_by("id")
    )
    rows_by_member: dict[int, list[MeetingAttendance]] = {}
    for row in MeetingAttendance.objects.filter(meeting__organisation=organisation).select_related(
        "meeting"
    ):
        rows_by_member.setdefault(row.member_id, []).append(row)
    today = timezone.localdate()
    to_tell: list[AllianceMember] = []
    for member in members:
        missed = consecutive_missed(member, rows_by_member.get(member.pk, []))
        referred = member.left_on is None and missed >= REFERRAL_THRESHOLD
        changed = (
            missed != member.consecutive_meetings_missed or referred != member.referred_to_board
        )
        member.consecutive_meetings_missed = missed
        if referred and not member.referred_to_board:
            member.referred_on = today
            event_record(
                actor=actor,
                subject=member,
                verb="alliance.referred_to_board",
                summary=f"Referred to the board: {missed} consecutive meetings missed.",
                data={"missed": missed},
            )
        elif not referred and member.referred_to_board:
            member.referred_on = None
            event_record(
                actor=actor,
                subject=member,
                verb="alliance.referral_withdrawn",
                summary="No longer referred: the attendance was corrected.",
                data={"missed": missed},
            )
        member.referred_to_board = referred
        if referred and not member.board_told:
            member.board_told = True
            to_tell.append(member)
            changed = True
        if changed:
            member.save(
                update_fields=[
                    "consecutive_meetings_missed",
                    "referred_to_board",
                    "referred_on",
                    "board_told",
                ]
            )
    if to_tell:
        _tell_broker_leads(organisation, to_tell)


def broker_leads_of(organisation: Organisation) -> list[User]:
    """Who is told of referrals: the broker leads (the coordinators where there is none)."""
    for role in (Role.BROKER_LEAD, Role.COORDINATOR):
        people = list(
            User.objects.filter(
                role_assignments__role=role,
                role_assignments__organisation=organisation,
                is_active=True,
            )
            .distinct()
            .order_by("id")
        )
        if people:
            return people
    return []


def _tell_broker_leads(organisation: Organisation, members: list[AllianceMember]) -> None:
    url = reverse("alliances:referrals", args=[organisation.pk])
    for member in members:
        notify(
            users=broker_leads_of(organisation),
            verb="alliance.referred_to_board",
            text=f"{member.school.name} has missed {member.consecutive_meetings_missed} "
            f"consecutive meetings of {organisation.name}: the board is to decide whether it "
            "continues as a member.",
            url=url,
            subject=f"Referred to the board: {member.school.name}",
            detail="The memorandum of understanding says that when a member does not attend two "
            "consecutive meetings, the board considers the circumstances and decides about its "
            "continued involvement. Record the board's decision on the referrals page.",
        )


def board_decision_record(
    *,
    actor: User,
    member: AllianceMember,
    decided_on: dt.date,
    decision: str,
    notes: str = "",
) -> BoardDecision:
    """The board's decision on a referred member: ``continue`` clears the referral (only later
    meetings count), ``end_membership`` ends the membership on ``decided_on``."""
    organisation = member.organisation
    _check_allowed(actor, organisation)
    errors = FieldErrors()
    _check_date(errors, "decided_on", decided_on)
    if decision not in {d.value for d in BoardDecisionKind}:
        errors["decision"] = ["Choose continue or end_membership."]
    errors.raise_if_any()
    with transaction.atomic():
        _lock(organisation)
        member.refresh_from_db()
        if not member.referred_to_board:
            raise RuleViolation(
                "The member is not referred to the board: a member is referred when it misses "
                f"{REFERRAL_THRESHOLD} consecutive meetings.",
                rule="not_referred",
            )
        missed = member.consecutive_meetings_missed
        if decision == BoardDecisionKind.END_MEMBERSHIP:
            _end_membership(member, decided_on, notes, field="decided_on")
        else:
            latest = (
                MeetingAttendance.objects.filter(member=member)
                .select_related("meeting")
                .order_by("-meeting__held_on", "-meeting_id")
                .first()
            )
            member.count_after_meeting = latest.meeting if latest else None
            member.consecutive_meetings_missed = 0
            member.referred_to_board = False
            member.referred_on = None
            member.board_told = False
            member.save(
                update_fields=[
                    "count_after_meeting",
                    "consecutive_meetings_missed",
                    "referred_to_board",
                    "referred_on",
                    "board_told",
                ]
            )
        made = BoardDecision.objects.create(
            member=member,
            decided_on=decided_on,
            decision=decision,
            notes=notes.strip(),
            meetings_missed=missed,
            decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        event_record(
            actor=actor,
            subject=member,
            verb="alliance.board_decided",
            summary=f"The board decided on {decided_on:%-d %B %Y}: "
            f"{BoardDecisionKind(decision).label.lower()}.",
            data={"decision": decision, "decided_on": decided_on.isoformat()},
        )
    return made


# Invitations --------------------------------------------------------------------------------------


def invitation_addresses(member: AllianceMember) -> list[str]:
    """Where a member's invitation goes: its named contact, else its headteachers' accounts."""
    if member.contact_email:
        return [member.contact_email]
    return sorted(
        User.objects.filter(
            role_assignments__role=Role.HEADTEACHER,
            role_assignments__school_id=member.school_id,
            is_active=True,
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def meeting_invitations_send(*, actor: User, meeting: Meeting) -> tuple[int, list[AllianceMember]]:
    """E-mail every member of the alliance on the meeting's date an invitation with the meeting
    as an .ics attachment; returns how many e-mails were queued and the members with no address."""
    from syslead.alliances.invitations import meeting_ics, meeting_ics_filename
    from syslead.notifications.services import email_enqueue

    organisation = meeting.organisation
    _check_allowed(actor, organisation)
    ics = meeting_ics(meeting).decode()
    attachment = (meeting_ics_filename(meeting), ics, "text/calendar; method=PUBLISH")
    sent = 0
    unreachable: list[AllianceMember] = []
    with transaction.atomic():
        for member in members_on(organisation, meeting.held_on):
            addresses = invitation_addresses(member)
            if not addresses:
                unreachable.append(member)
                continue
            for address in addresses:
                context = {"meeting": meeting, "member": member, "organisation": organisation}
                transaction.on_commit(
                    lambda address=address, context=context: email_enqueue(  # type: ignore[misc]
                        to=address,
                        subject=f"Invitation: {meeting.title}, {meeting.held_on:%-d %B %Y}",
                        template="alliances/email/meeting_invitation",
                        context=context,
                        attachments=[attachment],
                    )
                )
                sent += 1
        meeting.invitations_sent_at = timezone.now()
        meeting.save(update_fields=["invitations_sent_at"])
        event_record(
            actor=actor,
            subject=meeting,
            verb="alliance.invitations_sent",
            summary=f"Invitations e-mailed to {sent} address{'es' if sent != 1 else ''}.",
            data={"sent": sent, "without_address": [m.school_id for m in unreachable]},
        )
    return sent, unreachable
