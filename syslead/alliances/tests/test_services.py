"""The alliance's services and reads beyond the API: the MOU and its yearly review reminders,
leaving, the .ics invitation and its e-mail, and schools in the alliance year on year."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from icalendar import Calendar

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.alliances import services
from syslead.alliances.invitations import meeting_ics
from syslead.alliances.models import AllianceMember, one_year_after
from syslead.alliances.reminders import mou_reviews
from syslead.alliances.selectors import schools_year_on_year
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.models import Event
from syslead.notifications.models import Notification
from syslead.notifications.reminders import send_reminders
from syslead.organisations.models import Organisation
from syslead.schools.models import School


def _member(
    actor: User, organisation: Organisation, school: School, **extra: Any
) -> AllianceMember:
    extra.setdefault("joined_on", dt.date(2025, 9, 1))
    return services.member_add(actor=actor, organisation=organisation, school=school, **extra)


def test_one_year_after_keeps_the_day_and_moves_29_february_to_28() -> None:
    assert one_year_after(dt.date(2025, 7, 15)) == dt.date(2026, 7, 15)
    assert one_year_after(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


def test_recording_the_signed_mou_keeps_the_version_and_the_previous_signature(
    coordinator: User, alliance: Organisation, client_school: School
) -> None:
    member = _member(
        coordinator, alliance, client_school, mou_signed_on=dt.date(2025, 7, 1), mou_version="2025"
    )
    services.member_mou_record(
        actor=coordinator,
        member=member,
        signed_on=dt.date(2026, 6, 20),
        version="2026",
        signed_by="Cara Client-Head",
    )
    member.refresh_from_db()
    assert (member.mou_signed_on, member.mou_version, member.mou_signed_by) == (
        dt.date(2026, 6, 20),
        "2026",
        "Cara Client-Head",
    )
    assert member.mou_review_due_on == dt.date(2027, 6, 20)
    event = Event.objects.get(verb="alliance.mou_signed")
    assert event.data["previous"]["version"] == "2025"


def test_the_mou_needs_its_version_and_the_headteacher(
    coordinator: User, alliance: Organisation, client_school: School
) -> None:
    member = _member(coordinator, alliance, client_school)
    with pytest.raises(ValidationError) as refused:
        services.member_mou_record(
            actor=coordinator,
            member=member,
            signed_on=dt.date(2026, 1, 1),
            version="",
            signed_by="",
        )
    assert set(refused.value.message_dict) == {"version", "signed_by"}


def test_strategic_partner_duties_and_contact_are_recorded_with_an_event(
    broker_lead: User, alliance: Organisation, client_school: School
) -> None:
    member = _member(broker_lead, alliance, client_school)
    services.member_details_set(
        actor=broker_lead,
        member=member,
        is_strategic_partner=True,
        duties="Hosts the maths network.",
        contact_name="Dee Deputy",
        contact_email="dee@ermine.test",
        contact_phone="",
    )
    member.refresh_from_db()
    assert member.is_strategic_partner
    assert member.duties == "Hosts the maths network."
    assert Event.objects.filter(verb="alliance.member_details_changed").exists()


def test_a_bad_contact_address_is_refused(
    coordinator: User, alliance: Organisation, client_school: School
) -> None:
    member = _member(coordinator, alliance, client_school)
    with pytest.raises(ValidationError) as refused:
        services.member_details_set(
            actor=coordinator,
            member=member,
            is_strategic_partner=False,
            duties="",
            contact_name="",
            contact_email="not an address",
            contact_phone="",
        )
    assert "contact_email" in refused.value.message_dict


def test_a_member_cannot_leave_before_it_joined_or_twice(
    coordinator: User, alliance: Organisation, client_school: School
) -> None:
    member = _member(coordinator, alliance, client_school)
    with pytest.raises(ValidationError):
        services.member_leave(actor=coordinator, member=member, left_on=dt.date(2025, 8, 1))
    services.member_leave(actor=coordinator, member=member, left_on=dt.date(2026, 1, 1))
    with pytest.raises(RuleViolation):
        services.member_leave(actor=coordinator, member=member, left_on=dt.date(2026, 2, 1))


def test_only_the_alliance_may_change_its_members(
    other_coordinator: User, coordinator: User, alliance: Organisation, client_school: School
) -> None:
    with pytest.raises(NotAllowed):
        _member(other_coordinator, alliance, client_school)
    member = _member(coordinator, alliance, client_school)
    with pytest.raises(NotAllowed):
        services.member_leave(actor=other_coordinator, member=member, left_on=dt.date(2026, 1, 1))


# Reminders of the MOU's yearly review -------------------------------------------------------------


def test_the_alliance_is_reminded_from_30_days_before_the_mou_review(
    coordinator: User, broker_lead: User, alliance: Organisation, client_school: School
) -> None:
    _member(coordinator, alliance, client_school, mou_signed_on=dt.date(2025, 7, 15))
    assert list(mou_reviews(dt.date(2026, 6, 14))) == []
    due = list(mou_reviews(dt.date(2026, 6, 15)))
    assert len(due) == 1
    assert {u.pk for u in due[0].users} == {coordinator.pk, broker_lead.pk}
    assert "15 July 2026" in due[0].text
    assert "was due" in next(iter(mou_reviews(dt.date(2026, 8, 1)))).text


def test_the_reminder_is_sent_once_a_week_and_stops_when_the_mou_is_signed_again(
    coordinator: User, alliance: Organisation, client_school: School
) -> None:
    member = _member(coordinator, alliance, client_school, mou_signed_on=dt.date(2025, 7, 15))
    sources = ["syslead.alliances.reminders.mou_reviews"]
    assert send_reminders(dt.date(2026, 6, 20), sources) == 1
    assert send_reminders(dt.date(2026, 6, 21), sources) == 0
    assert send_reminders(dt.date(2026, 6, 27), sources) == 1
    services.member_mou_record(
        actor=coordinator,
        member=member,
        signed_on=dt.date(2026, 7, 1),
        version="2026",
        signed_by="Cara Client-Head",
    )
    assert send_reminders(dt.date(2026, 7, 4), sources) == 0
    assert Notification.objects.filter(verb="reminder.mou_review").count() == 2


def test_members_that_left_or_never_signed_are_not_reminded(
    coordinator: User, alliance: Organisation, client_school: School, home_school: School
) -> None:
    gone = _member(coordinator, alliance, client_school, mou_signed_on=dt.date(2025, 7, 15))
    services.member_leave(actor=coordinator, member=gone, left_on=dt.date(2026, 1, 1))
    _member(coordinator, alliance, home_school)
    assert list(mou_reviews(dt.date(2026, 7, 10))) == []


def test_the_mou_review_is_a_registered_daily_reminder() -> None:
    from syslead.notifications.reminders import REMINDER_SOURCES

    assert "syslead.alliances.reminders.mou_reviews" in REMINDER_SOURCES


# Invitations --------------------------------------------------------------------------------------


def _meeting(actor: User, organisation: Organisation, **extra: Any) -> Any:
    extra.setdefault("held_on", dt.date(2025, 11, 12))
    extra.setdefault("title", "Autumn meeting")
    return services.meeting_schedule(actor=actor, organisation=organisation, **extra)


def test_the_ics_invitation_is_a_timed_event_in_london(
    coordinator: User, alliance: Organisation
) -> None:
    meeting = _meeting(
        coordinator,
        alliance,
        starts_at=dt.time(16, 0),
        ends_at=dt.time(17, 30),
        location="Hillmorton Primary School, Rugby; hall",
    )
    raw = meeting_ics(meeting)
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = Calendar.from_ical(raw)
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == f"alliance-meeting-{meeting.pk}@syslead"
    starts = event.decoded("DTSTART")
    assert starts == dt.datetime(2025, 11, 12, 16, 0, tzinfo=starts.tzinfo)
    assert str(starts.tzinfo) == "Europe/London"
    assert event.decoded("DTEND") - starts == dt.timedelta(minutes=90)
    assert str(event["LOCATION"]) == "Hillmorton Primary School, Rugby; hall"
    assert calendar.walk("VTIMEZONE")
    assert b"LOCATION:Hillmorton Primary School\\, Rugby\\; hall" in raw


def test_a_meeting_without_a_time_is_a_whole_day_event(
    coordinator: User, alliance: Organisation
) -> None:
    event = Calendar.from_ical(meeting_ics(_meeting(coordinator, alliance))).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == dt.date(2025, 11, 12)
    assert event.decoded("DTEND") == dt.date(2025, 11, 13)


def test_invitations_go_to_each_members_contact_or_headteachers_with_the_ics(
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    home_school: School,
    far_school: School,
    home_head: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _member(coordinator, alliance, client_school, contact_email="office@ermine.test")
    _member(coordinator, alliance, home_school)  # no contact: its headteacher
    _member(coordinator, alliance, far_school)  # nobody to write to
    meeting = _meeting(coordinator, alliance)
    with django_capture_on_commit_callbacks(execute=True):
        sent, unreachable = services.meeting_invitations_send(actor=coordinator, meeting=meeting)
    assert sent == 2
    assert [m.school_id for m in unreachable] == [far_school.urn]
    assert sorted(m.to[0] for m in mail.outbox) == ["hal@mountstreet.test", "office@ermine.test"]
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert name == "meeting-2025-11-12.ics"
    assert mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in content
    meeting.refresh_from_db()
    assert meeting.invitations_sent_at is not None


# Schools in the alliance year on year -------------------------------------------------------------


def test_schools_in_the_alliance_year_on_year(coordinator: User, alliance: Organisation) -> None:
    a, b, c = (make_school(150000 + n, f"School {n}") for n in range(3))
    _member(coordinator, alliance, a, joined_on=dt.date(2023, 10, 1))
    left = _member(coordinator, alliance, b, joined_on=dt.date(2024, 9, 1))
    _member(coordinator, alliance, c, joined_on=dt.date(2025, 1, 15))
    services.member_leave(actor=coordinator, member=left, left_on=dt.date(2025, 11, 1))
    rows = schools_year_on_year(alliance, today=dt.date(2026, 3, 1))
    assert [(r.year.label, r.at_start, r.joined, r.left, r.at_end, r.change) for r in rows] == [
        ("2023-24", 0, 1, 0, 1, None),
        ("2024-25", 1, 2, 0, 3, 2),
        ("2025-26", 3, 0, 1, 2, -1),
    ]
    assert rows[-1].counted_on == dt.date(2026, 3, 1)


def test_no_figures_before_any_school_joins(alliance: Organisation) -> None:
    assert schools_year_on_year(alliance, today=dt.date(2026, 3, 1)) == []


def test_broker_leads_are_told_or_the_coordinators_when_there_is_none(
    coordinator: User, alliance: Organisation
) -> None:
    assert services.broker_leads_of(alliance) == [coordinator]
    lead = make_user("lead@kyra.test", "Lead", (Role.BROKER_LEAD, alliance))
    assert services.broker_leads_of(alliance) == [lead]


def test_erasing_a_person_replaces_their_name_as_a_members_contact_and_mou_signer(
    coordinator: User,
    administrator: User,
    alliance: Organisation,
    client_school: School,
    home_head: User,
) -> None:
    """docs/privacy.md, "Erasure by anonymisation": an erased person's name is replaced wherever
    it appears in free text, here an alliance member's contact and the headteacher who signed its
    MOU (as on a board seat); the member's contact e-mail, theirs, is cleared. Another member's
    contact stays."""
    from syslead.privacy.erasure import erase_person, pseudonym_for

    theirs = _member(
        coordinator,
        alliance,
        client_school,
        contact_name=home_head.name,
        contact_email=home_head.email.upper(),
        contact_phone="01522 000000",
    )
    services.member_mou_record(
        actor=coordinator,
        member=theirs,
        signed_on=dt.date(2025, 9, 2),
        version="2025",
        signed_by=home_head.name,
    )
    other = _member(
        coordinator,
        alliance,
        make_school(130001, "Other Primary"),
        contact_name="Olive Other",
        contact_email="olive@other.test",
        mou_signed_by="Olive Other",
    )
    erase_person(actor=administrator, person=home_head, reason="Asked")
    pseudonym = pseudonym_for(home_head)
    theirs.refresh_from_db()
    other.refresh_from_db()
    assert (theirs.contact_name, theirs.mou_signed_by) == (pseudonym, pseudonym)
    assert theirs.contact_email == ""
    assert theirs.contact_phone == "01522 000000"  # the school's number, not theirs
    assert (other.contact_name, other.mou_signed_by, other.contact_email) == (
        "Olive Other",
        "Olive Other",
        "olive@other.test",
    )
    mou = Event.objects.get(verb="alliance.mou_signed")
    assert home_head.name not in mou.summary
