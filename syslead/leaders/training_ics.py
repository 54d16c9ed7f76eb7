"""A training event as an iCalendar (RFC 5545) file that a leader adds to their calendar
(docs/rules.md: Training). The event is a whole day: training events record a date, not times."""

from __future__ import annotations

import datetime as dt
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, vCalAddress
from icalendar import Event as CalendarEvent

from syslead.leaders.models import TrainingEvent


def training_event_uid(event: TrainingEvent) -> str:
    return f"training-event-{event.pk}@syslead"


def training_event_ics(
    event: TrainingEvent,
    *,
    url: str = "",
    now: dt.datetime | None = None,
    invite: tuple[str, str] | None = None,
    organiser: str = "",
) -> bytes:
    """One all-day VEVENT in a VCALENDAR. The UID is stable, so downloading it again after the
    event changes updates the same entry in a calendar.

    With ``invite`` (the invitee's name and address) it is an invitation (iTIP ``METHOD:REQUEST``,
    docs/rules.md, "Training invitations"): the organiser's address and the invitee as an attendee
    asked to reply, so a mail client offers to accept it."""
    calendar = Calendar()
    calendar.add("prodid", "-//Syslead//Training//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST" if invite else "PUBLISH")
    item = CalendarEvent()
    item.add("uid", training_event_uid(event))
    item.add("dtstamp", (now or timezone.now()).astimezone(dt.UTC))
    item.add("dtstart", event.held_on)
    item.add("dtend", event.held_on + dt.timedelta(days=1))
    item.add("summary", f"{event.title} ({event.organisation.name})")
    if event.location:
        item.add("location", event.location)
    item.add("description", f"{event.get_kind_display()} run by {event.organisation.name}.")
    if url:
        item.add("url", url)
    if invite:
        name, address = invite
        organiser_address = organiser or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        item.add(
            "organizer",
            vCalAddress(f"mailto:{organiser_address}"),
            parameters={"CN": event.organisation.name},
        )
        item.add(
            "attendee",
            vCalAddress(f"mailto:{address}"),
            parameters={
                "CN": name or address,
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "NEEDS-ACTION",
                "RSVP": "TRUE",
            },
        )
        item.add("sequence", 0)
        item.add("status", "CONFIRMED")
    calendar.add_component(item)
    return bytes(calendar.to_ical())


def training_event_ics_filename(event: TrainingEvent) -> str:
    return f"training-{event.held_on.isoformat()}.ics"
