"""A meeting as an iCalendar (RFC 5545) invitation, for the e-mail and the download."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from syslead.alliances.models import Meeting

#: Meetings happen in England: times are local to London.
LONDON = ZoneInfo("Europe/London")
#: A meeting with a start and no end is taken to last this long.
DEFAULT_LENGTH = dt.timedelta(hours=2)


def meeting_uid(meeting: Meeting) -> str:
    return f"alliance-meeting-{meeting.pk}@syslead"


def meeting_ics(meeting: Meeting, *, url: str = "", now: dt.datetime | None = None) -> bytes:
    """One VEVENT in a VCALENDAR: timed in London when the meeting has a start time, otherwise a
    whole day. The UID is stable, so a second invitation updates the first in a calendar."""
    calendar = Calendar()
    calendar.add("prodid", "-//Syslead//Alliance meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = CalendarEvent()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", (now or timezone.now()).astimezone(dt.UTC))
    if meeting.starts_at is not None:
        starts = dt.datetime.combine(meeting.held_on, meeting.starts_at, tzinfo=LONDON)
        ends = (
            dt.datetime.combine(meeting.held_on, meeting.ends_at, tzinfo=LONDON)
            if meeting.ends_at is not None
            else starts + DEFAULT_LENGTH
        )
        event.add("dtstart", starts)
        event.add("dtend", ends)
    else:
        event.add("dtstart", meeting.held_on)
        event.add("dtend", meeting.held_on + dt.timedelta(days=1))
    event.add("summary", f"{meeting.title} ({meeting.organisation.name})")
    if meeting.location:
        event.add("location", meeting.location)
    description = (
        f"Termly meeting of {meeting.organisation.name}. Every member is invited: please attend, "
        "send a representative in your place, or send apologies."
    )
    event.add("description", description)
    if url:
        event.add("url", url)
    calendar.add_component(event)
    if meeting.starts_at is not None:
        calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def meeting_ics_filename(meeting: Meeting) -> str:
    return f"meeting-{meeting.held_on.isoformat()}.ics"
