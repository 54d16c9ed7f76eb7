"""Calendars as iCalendar (RFC 5545): a person's private feed and one visit's file.

The feed holds only the person's own items, with titles and dates and nothing of the records'
contents (no notes, no objectives): a calendar app stores what it fetches, and the address is a
secret that may leak. Its items:

* visits on agreements where the person is the system leader or the supported school's
  headteacher ("Visit to <school>");
* agreements waiting for the person's signature ("Sign the agreement for <school>"), on the
  agreement's start date (or today, once that has passed);
* training of the organisations the person is associated with as a system leader, and any
  training they were recorded at;
* termly meetings of the alliances whose member schools the person leads as headteacher, or for
  which they are the member's named contact.

Items are from a year back onwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from syslead.accounts.access import headteacher_school_urns
from syslead.accounts.models import User
from syslead.alliances.models import AllianceMember, Meeting
from syslead.deployments.selectors import awaiting_signature_of
from syslead.leaders.models import LeaderProfile, TrainingEvent
from syslead.visits.models import Visit

#: How far back the feed goes.
FEED_HISTORY = dt.timedelta(days=366)
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Item:
    """One all-day (or timed, for meetings) event of a calendar."""

    uid: str
    summary: str
    starts: dt.date | dt.datetime
    ends: dt.date | dt.datetime
    location: str = ""


def _calendar(name: str, items: Iterable[Item], now: dt.datetime | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Syslead//Calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = (now or timezone.now()).astimezone(dt.UTC)
    timed = False
    for item in items:
        event = CalendarEvent()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.starts)
        event.add("dtend", item.ends)
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        timed = timed or isinstance(item.starts, dt.datetime)
        calendar.add_component(event)
    if timed:
        calendar.add_missing_timezones()
    return calendar


def ics_response(calendar: Calendar, filename: str, *, attachment: bool = True) -> HttpResponse:
    response = HttpResponse(bytes(calendar.to_ical()), content_type="text/calendar; charset=utf-8")
    if attachment:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Items ---------------------------------------------------------------------------------------


def _visit_item(visit: Visit) -> Item:
    return Item(
        uid=f"visit-{visit.pk}@syslead",
        summary=f"Visit to {visit.deployment.client_school.name}",
        starts=visit.date,
        ends=visit.date + ONE_DAY,
    )


def visit_calendar(visit: Visit) -> Calendar:
    """One visit: its title and date (the page's reader may download it)."""
    return _calendar("Syslead visit", [_visit_item(visit)])


def _visits(user: User, since: dt.date) -> list[Item]:
    schools = headteacher_school_urns(user)
    visits = (
        Visit.objects.filter(date__gte=since)
        .filter(Q(deployment__leader__user=user) | Q(deployment__client_school_id__in=schools))
        .select_related("deployment__client_school")
        .order_by("date", "pk")
    )
    return [_visit_item(visit) for visit in visits]


def _signatures(user: User, today: dt.date) -> list[Item]:
    items = []
    for deployment in awaiting_signature_of(user):
        day = max(deployment.starts_on, today)
        items.append(
            Item(
                uid=f"signature-{deployment.pk}-{user.pk}@syslead",
                summary=f"Sign the agreement for {deployment.client_school.name}",
                starts=day,
                ends=day + ONE_DAY,
            )
        )
    return items


def _training(user: User, since: dt.date) -> list[Item]:
    profile = LeaderProfile.objects.filter(user=user).first()
    if profile is None:
        return []
    events = (
        TrainingEvent.objects.filter(held_on__gte=since)
        .filter(
            Q(organisation__associations__leader=profile, organisation__associations__is_live=True)
            | Q(attendances__leader=profile)
        )
        .select_related("organisation")
        .distinct()
        .order_by("held_on", "pk")
    )
    return [
        Item(
            uid=f"training-{event.pk}@syslead",
            summary=f"{event.title} ({event.organisation.name})",
            starts=event.held_on,
            ends=event.held_on + ONE_DAY,
            location=event.location,
        )
        for event in events
    ]


def _meetings(user: User, since: dt.date) -> list[Item]:
    from syslead.alliances.invitations import DEFAULT_LENGTH, LONDON

    mine = Q(school_id__in=headteacher_school_urns(user))
    if user.email:
        mine |= Q(contact_email__iexact=user.email)
    members = list(AllianceMember.objects.filter(mine))
    meetings = (
        Meeting.objects.filter(
            held_on__gte=since, organisation_id__in={m.organisation_id for m in members}
        )
        .select_related("organisation")
        .order_by("held_on", "pk")
    )
    items = []
    for meeting in meetings:
        if not any(
            m.organisation_id == meeting.organisation_id
            and m.joined_on <= meeting.held_on
            and (m.left_on is None or m.left_on >= meeting.held_on)
            for m in members
        ):
            continue  # not a member on the meeting's date: not invited
        starts: dt.date | dt.datetime = meeting.held_on
        ends: dt.date | dt.datetime = meeting.held_on + ONE_DAY
        if meeting.starts_at is not None:
            starts = dt.datetime.combine(meeting.held_on, meeting.starts_at, tzinfo=LONDON)
            ends = (
                dt.datetime.combine(meeting.held_on, meeting.ends_at, tzinfo=LONDON)
                if meeting.ends_at is not None
                else starts + DEFAULT_LENGTH
            )
        items.append(
            Item(
                uid=f"alliance-meeting-{meeting.pk}@syslead",
                summary=f"{meeting.title} ({meeting.organisation.name})",
                starts=starts,
                ends=ends,
                location=meeting.location,
            )
        )
    return items


def feed_items(user: User, today: dt.date | None = None) -> list[Item]:
    """The person's own items, oldest first (see the module's docstring)."""
    today = today or timezone.localdate()
    since = today - FEED_HISTORY
    items = [
        *_visits(user, since),
        *_signatures(user, today),
        *_training(user, since),
        *_meetings(user, since),
    ]

    def when(item: Item) -> dt.date:
        start = item.starts
        return start.date() if isinstance(start, dt.datetime) else start

    return sorted(items, key=lambda item: (when(item), item.uid))


def feed_calendar(user: User, today: dt.date | None = None) -> Calendar:
    return _calendar("Syslead", feed_items(user, today))
