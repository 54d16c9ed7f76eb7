"""The first meeting: after the choice, the chosen leader's first contact with the supported
school's headteacher, the first meeting scheduled and then held, with what was agreed there
(docs/rules.md, "The first meeting").

Each step is taken by the chosen leader or by a coordinator of the request's organisation on their
behalf, while the request waits for its agreement ("leader chosen"). What was agreed pre-fills the
agreement's draft (``agreed_terms``). ``first_meeting_due_by`` and ``first_meetings_overdue`` give
the 10-school-day rule the home pages read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from syslead.accounts.access import coordinated_organisation_ids
from syslead.accounts.models import User
from syslead.brokering.access import can_broker
from syslead.brokering.models import FirstMeeting, RequestStatus, SupportRequest
from syslead.brokering.services._helpers import _lock
from syslead.capacity.days import days_problem
from syslead.core.academic_years import add_school_days
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation
from syslead.core.limits import TEXT_MAX_LENGTH

#: The first meeting is due within this many school days of the choice.
FIRST_MEETING_WITHIN_SCHOOL_DAYS = 10


def is_chosen_leader(user: User, support_request: SupportRequest) -> bool:
    return (
        support_request.chosen_leader_id is not None
        and support_request.chosen_leader is not None
        and support_request.chosen_leader.user_id == user.pk
    )


def may_record_first_meeting(user: User, support_request: SupportRequest) -> bool:
    """The chosen leader, or a coordinator of the request's organisation (an administrator)."""
    return is_chosen_leader(user, support_request) or can_broker(user, support_request)


def first_meeting_of(support_request: SupportRequest) -> FirstMeeting | None:
    """The first meeting with the request's chosen leader, if anything is recorded yet."""
    if support_request.chosen_leader_id is None:
        return None
    return FirstMeeting.objects.filter(
        support_request=support_request, leader_id=support_request.chosen_leader_id
    ).first()


def chosen_on(support_request: SupportRequest) -> dt.date | None:
    """The day the leader was chosen (local time)."""
    if support_request.chosen_at is None:
        return None
    return timezone.localdate(support_request.chosen_at)


def first_meeting_due_by(support_request: SupportRequest) -> dt.date | None:
    """The last day the first meeting is on time: 10 school days after the choice, in the
    supported school's calendar (weekends, bank holidays and its authority's breaks not
    counted)."""
    day = chosen_on(support_request)
    if day is None:
        return None
    return add_school_days(
        day,
        FIRST_MEETING_WITHIN_SCHOOL_DAYS,
        local_authority=support_request.school.local_authority or None,
    )


def first_meeting_is_overdue(
    support_request: SupportRequest, meeting: FirstMeeting | None, today: dt.date | None = None
) -> bool:
    """The request still waits for its agreement, the first meeting is not recorded as held and
    the 10 school days after the choice are over."""
    if support_request.status != RequestStatus.MATCHED or (meeting and meeting.is_held):
        return False
    due = first_meeting_due_by(support_request)
    return due is not None and (today or timezone.localdate()) > due


@dataclass(frozen=True)
class Overdue:
    support_request: SupportRequest
    meeting: FirstMeeting | None
    due_by: dt.date


def _overdue(requests: QuerySet[SupportRequest], today: dt.date | None) -> list[Overdue]:
    rows = list(
        requests.filter(status=RequestStatus.MATCHED, chosen_at__isnull=False)
        .select_related("school", "organisation", "chosen_leader__user")
        .order_by("chosen_at", "id")
    )
    if not rows:
        return []
    meetings: dict[tuple[int, int | None], FirstMeeting] = {
        (m.support_request_id, m.leader_id): m
        for m in FirstMeeting.objects.filter(support_request__in=[r.pk for r in rows])
    }
    found = []
    for row in rows:
        meeting = meetings.get((row.pk, row.chosen_leader_id))
        if first_meeting_is_overdue(row, meeting, today):
            due = first_meeting_due_by(row)
            assert due is not None
            found.append(Overdue(row, meeting, due))
    return found


def first_meetings_overdue_for_coordinator(
    user: User, today: dt.date | None = None
) -> list[Overdue]:
    """Requests of the organisations the person coordinates whose first meeting is overdue."""
    org_ids: Iterable[int] = coordinated_organisation_ids(user)
    return _overdue(SupportRequest.objects.filter(organisation_id__in=org_ids), today)


def first_meetings_overdue_for_leader(user: User, today: dt.date | None = None) -> list[Overdue]:
    """Requests that chose this leader whose first meeting is overdue."""
    return _overdue(SupportRequest.objects.filter(chosen_leader__user=user), today)


# --- Writes --------------------------------------------------------------------------------------


def _begin(actor: User, support_request: SupportRequest, what: str) -> SupportRequest:
    locked = _lock(support_request)
    if locked.chosen_leader_id is not None:
        locked = SupportRequest.objects.select_related(
            "school", "organisation", "chosen_leader__user"
        ).get(pk=locked.pk)
    if not may_record_first_meeting(actor, locked):
        raise NotAllowed(
            f"Only the chosen leader or a coordinator of {locked.organisation.name} may {what}."
        )
    if locked.status != RequestStatus.MATCHED or locked.chosen_leader_id is None:
        raise RuleViolation(
            "The first meeting is recorded after the school chooses its leader and before the "
            f"agreement is made: this request is {locked.get_status_display().lower()}.",
            rule="not_matched",
        )
    return locked


def _meeting(actor: User, support_request: SupportRequest) -> FirstMeeting:
    meeting, _ = FirstMeeting.objects.select_for_update().get_or_create(
        support_request=support_request,
        leader_id=support_request.chosen_leader_id,
        defaults={"updated_by": actor},
    )
    return meeting


def _not_future(errors: FieldErrors, name: str, day: dt.date | None, label: str) -> None:
    if day is not None and day > timezone.localdate():
        errors.add(name, f"The {label} cannot be in the future.")


def _record(actor: User, support_request: SupportRequest, verb: str, summary: str) -> None:
    by = "" if is_chosen_leader(actor, support_request) else " (recorded by the broker)"
    event_record(actor=actor, subject=support_request, verb=verb, summary=summary + by)


@transaction.atomic
def first_meeting_record_contact(
    *, actor: User, request: SupportRequest, contacted_on: dt.date | None
) -> FirstMeeting:
    """The day the chosen leader first contacted the headteacher: not before the choice, not in
    the future."""
    support_request = _begin(actor, request, "record the first contact")
    errors = FieldErrors()
    if contacted_on is None:
        errors.add("contacted_on", "Enter the date of the first contact.")
    _not_future(errors, "contacted_on", contacted_on, "first contact")
    chosen = chosen_on(support_request)
    if contacted_on is not None and chosen is not None and contacted_on < chosen:
        errors.add(
            "contacted_on",
            f"The first contact cannot be before the leader was chosen on {chosen:%-d %B %Y}.",
        )
    errors.raise_if_any()
    meeting = _meeting(actor, support_request)
    if meeting.meeting_on is not None and contacted_on and contacted_on > meeting.meeting_on:
        raise RuleViolation(
            "The first contact cannot be after the meeting it arranged: change the meeting first.",
            rule="contact_after_meeting",
        )
    meeting.contacted_on = contacted_on
    meeting.updated_by = actor
    meeting.save(update_fields=["contacted_on", "updated_by", "updated_at"])
    _record(
        actor,
        support_request,
        "request.first_contact",
        f"First contact with the headteacher on {contacted_on:%-d %B %Y}",
    )
    return meeting


@transaction.atomic
def first_meeting_schedule(
    *,
    actor: User,
    request: SupportRequest,
    meeting_on: dt.date | None,
    meeting_time: dt.time | None,
    attendees: str,
    place: str = "",
    online: bool = False,
) -> FirstMeeting:
    """Schedule (or move) the first meeting: once the first contact is recorded, for a day not
    before it, with its time, who attends and a place unless it is online; not once held."""
    support_request = _begin(actor, request, "schedule the first meeting")
    meeting = _meeting(actor, support_request)
    if meeting.contacted_on is None:
        raise RuleViolation(
            "Record the first contact with the headteacher before scheduling the meeting.",
            rule="no_first_contact",
        )
    if meeting.is_held:
        raise RuleViolation("The first meeting is already held.", rule="meeting_held")
    attendees = (attendees or "").strip()
    place = " ".join((place or "").split())
    errors = FieldErrors()
    if meeting_on is None:
        errors.add("meeting_on", "Enter the date of the meeting.")
    elif meeting_on < meeting.contacted_on:
        errors.add(
            "meeting_on",
            f"The meeting cannot be before the first contact on {meeting.contacted_on:%-d %B %Y}.",
        )
    if meeting_time is None:
        errors.add("meeting_time", "Enter the time of the meeting, like 09:30.")
    if not attendees:
        errors.add("attendees", "Say who attends the meeting.")
    elif len(attendees) > TEXT_MAX_LENGTH:
        errors.add("attendees", f"Use at most {TEXT_MAX_LENGTH:,} characters.")
    if not online and not place:
        errors.add("place", "Say where the meeting is, or that it is online.")
    elif len(place) > 200:
        errors.add("place", "Use at most 200 characters.")
    errors.raise_if_any()
    assert meeting_on is not None
    assert meeting_time is not None
    moved = meeting.meeting_on is not None
    meeting.meeting_on = meeting_on
    meeting.meeting_time = meeting_time
    meeting.attendees = attendees
    meeting.place = "" if online else place
    meeting.online = online
    meeting.updated_by = actor
    meeting.save()
    where = "online" if online else f"at {place}"
    _record(
        actor,
        support_request,
        "request.first_meeting_scheduled",
        f"First meeting {'moved to' if moved else 'scheduled for'} {meeting_on:%-d %B %Y} at "
        f"{meeting_time:%H:%M}, {where}",
    )
    return meeting


@transaction.atomic
def first_meeting_record_held(
    *,
    actor: User,
    request: SupportRequest,
    held_on: dt.date | None,
    notes: str,
    agreed_objectives: str,
    agreed_days: Decimal | None = None,
    agreed_starts_on: dt.date | None = None,
    agreed_ends_on: dt.date | None = None,
) -> FirstMeeting:
    """Record the first meeting held: the day (once scheduled, not before the first contact, not
    in the future), notes, and what was agreed (objectives, and days and dates if agreed), from
    which the agreement is drafted."""
    support_request = _begin(actor, request, "record the first meeting")
    meeting = _meeting(actor, support_request)
    if not meeting.is_scheduled:
        raise RuleViolation(
            "Schedule the first meeting before recording it held.", rule="not_scheduled"
        )
    notes = (notes or "").strip()
    objectives = "\n".join(
        line.strip() for line in (agreed_objectives or "").splitlines() if line.strip()
    )
    errors = FieldErrors()
    if held_on is None:
        errors.add("held_on", "Enter the date the meeting was held.")
    _not_future(errors, "held_on", held_on, "meeting's date")
    if held_on is not None and meeting.contacted_on and held_on < meeting.contacted_on:
        errors.add(
            "held_on",
            f"The meeting cannot be before the first contact on {meeting.contacted_on:%-d %B %Y}.",
        )
    if not notes:
        errors.add("notes", "Write notes of the meeting: what was discussed and agreed.")
    elif len(notes) > TEXT_MAX_LENGTH:
        errors.add("notes", f"Use at most {TEXT_MAX_LENGTH:,} characters.")
    if not objectives:
        errors.add("agreed_objectives", "Enter the objectives agreed, one a line.")
    elif len(objectives) > TEXT_MAX_LENGTH:
        errors.add("agreed_objectives", f"Use at most {TEXT_MAX_LENGTH:,} characters.")
    if agreed_days is not None:
        problem = days_problem(agreed_days) or (
            "Enter at least half a day." if agreed_days <= 0 else None
        )
        if problem:
            errors.add("agreed_days", problem)
    if agreed_starts_on and agreed_ends_on and agreed_ends_on < agreed_starts_on:
        errors.add("agreed_ends_on", "The end date cannot be before the start date.")
    errors.raise_if_any()
    assert held_on is not None
    meeting.held_on = held_on
    meeting.notes = notes
    meeting.agreed_objectives = objectives
    meeting.agreed_days = agreed_days
    meeting.agreed_starts_on = agreed_starts_on
    meeting.agreed_ends_on = agreed_ends_on
    meeting.updated_by = actor
    meeting.save()
    _record(
        actor,
        support_request,
        "request.first_meeting_held",
        f"First meeting held on {held_on:%-d %B %Y}: "
        f"{len(objectives.splitlines())} objective(s) agreed",
    )
    return meeting


def agreed_terms(meeting: FirstMeeting | None) -> dict[str, object]:
    """What the first meeting agreed, as the agreement draft's initial values (nothing when it is
    not held): the objectives as aims, the days, the dates."""
    if meeting is None or not meeting.is_held:
        return {}
    terms: dict[str, object] = {"aims": meeting.agreed_objectives.splitlines()}
    if meeting.agreed_days is not None:
        terms["days"] = Decimal(meeting.agreed_days)
    if meeting.agreed_starts_on is not None:
        terms["starts_on"] = meeting.agreed_starts_on
    if meeting.agreed_ends_on is not None:
        terms["ends_on"] = meeting.agreed_ends_on
    return terms
