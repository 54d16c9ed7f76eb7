"""Invitations to training events (docs/rules.md, "Training invitations"): each person invited is
e-mailed once, through the background e-mail task, with the event attached as a calendar
invitation (``METHOD:REQUEST``); the LLE group's lead officer is invited to its meetings; the event
page lists who was invited and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from syslead.accounts.models import User
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.leaders.models import LeaderProfile, TrainingEvent, TrainingInvitation, TrainingKind
from syslead.leaders.services import training_invitations_send
from syslead.leaders.tests.factories import associate, make_leader
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]


def _event(organisation: Organisation, kind: str = TrainingKind.NETWORK, days: int = 20) -> Any:
    return TrainingEvent.objects.create(
        organisation=organisation,
        kind=kind,
        title="Spring network meeting" if kind == TrainingKind.NETWORK else "LLE group meeting",
        held_on=timezone.localdate() + dt.timedelta(days=days),
        location="Lincoln",
    )


@pytest.fixture
def member(leader: LeaderProfile, alliance: Organisation) -> LeaderProfile:
    """Lee, associated with the alliance."""
    associate(leader, alliance)
    return leader


def test_rule_invitation_emails_the_event_as_a_calendar_request(
    coordinator: User,
    alliance: Organisation,
    member: LeaderProfile,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """docs/rules.md, "Training invitations": the invited leader is e-mailed, through the
    background e-mail task, with the event attached as text/calendar, METHOD:REQUEST, naming them
    as an attendee asked to reply."""
    event = _event(alliance)
    with django_capture_on_commit_callbacks(execute=True):
        result = training_invitations_send(actor=coordinator, event=event, leaders=[member])
    assert [i.person_id for i in result.sent] == [member.user_id]
    [message] = mail.outbox
    assert message.to == ["lee@mountstreet.test"]
    assert "Invitation: Spring network meeting" in message.subject
    assert "Spring network meeting" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert filename == f"training-{event.held_on.isoformat()}.ics"
    assert mimetype == "text/calendar; method=REQUEST"
    calendar = Calendar.from_ical(content)
    assert str(calendar["METHOD"]) == "REQUEST"
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"training-event-{event.pk}@syslead"
    assert str(vevent["ATTENDEE"]).lower() == "mailto:lee@mountstreet.test"
    assert vevent["ATTENDEE"].params["RSVP"] == "TRUE"
    assert str(vevent["ORGANIZER"]).startswith("mailto:")
    assert 'Content-Type: text/calendar; method="REQUEST"' in message.message().as_string()


def test_rule_reinviting_does_not_duplicate(
    coordinator: User,
    alliance: Organisation,
    member: LeaderProfile,
    client_school: School,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """docs/rules.md, "Training invitations": someone already invited is neither recorded nor
    e-mailed again; only the newly chosen are."""
    event = _event(alliance)
    with django_capture_on_commit_callbacks(execute=True):
        training_invitations_send(actor=coordinator, event=event, leaders=[member])
    nia = make_leader(school=client_school, name="Nia New")
    associate(nia, alliance)
    with django_capture_on_commit_callbacks(execute=True):
        again = training_invitations_send(actor=coordinator, event=event, leaders=[member, nia])
    assert again.already_invited == ["Lee Leader"]
    assert [i.person_id for i in again.sent] == [nia.user_id]
    assert TrainingInvitation.objects.filter(event=event).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == [nia.user.email, "lee@mountstreet.test"]


def test_rule_lle_group_invites_the_local_authority_lead_officer(
    coordinator: User,
    broker_lead: User,
    alliance: Organisation,
    member: LeaderProfile,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """docs/rules.md, "Training invitations": an LLE group meeting's invitations go to the
    organisation's lead officer (its broker lead) too; other kinds of event do not take one."""
    event = _event(alliance, TrainingKind.LLE_GROUP)
    with django_capture_on_commit_callbacks(execute=True):
        result = training_invitations_send(
            actor=coordinator, event=event, leaders=[member], officers=[broker_lead]
        )
    assert {(i.person_id, i.as_officer) for i in result.sent} == {
        (member.user_id, False),
        (broker_lead.pk, True),
    }
    assert broker_lead.email in {m.to[0] for m in mail.outbox}
    network = _event(alliance)
    with pytest.raises(Exception, match="LLE group"):
        training_invitations_send(actor=coordinator, event=network, officers=[broker_lead])


def test_rule_only_the_organisations_coordinators_invite_to_events_to_come(
    coordinator: User,
    other_coordinator: User,
    alliance: Organisation,
    member: LeaderProfile,
) -> None:
    """docs/rules.md, "Training invitations": a coordinator of the event's organisation invites,
    to an event still to come, only leaders associated with the organisation."""
    event = _event(alliance)
    with pytest.raises(NotAllowed):
        training_invitations_send(actor=other_coordinator, event=event, leaders=[member])
    past = _event(alliance, days=-3)
    with pytest.raises(RuleViolation):
        training_invitations_send(actor=coordinator, event=past, leaders=[member])
    stranger = make_leader(school=member.home_school, name="Sam Stranger")
    with pytest.raises(Exception, match="not associated"):
        training_invitations_send(actor=coordinator, event=event, leaders=[stranger])
    assert not TrainingInvitation.objects.exists()


def test_invitation_skips_a_closed_account(
    coordinator: User, alliance: Organisation, member: LeaderProfile
) -> None:
    """docs/rules.md, "Training invitations": nobody is invited through a closed account."""
    User.objects.filter(pk=member.user_id).update(is_active=False)
    member.refresh_from_db()
    result = training_invitations_send(
        actor=coordinator, event=_event(alliance), leaders=[LeaderProfile.objects.get(pk=member.pk)]
    )
    assert result.unreachable == ["Lee Leader"]
    assert not result.sent


def test_invite_page_sends_and_the_event_page_lists_the_invitations(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    member: LeaderProfile,
    broker_lead: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    event = _event(alliance, TrainingKind.LLE_GROUP)
    client = login(coordinator)
    page = client.get(f"/leaders/training/{event.pk}/invite/").content.decode()
    assert "Lee Leader" in page
    assert "Bea Broker-Lead, local-authority lead officer" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/leaders/training/{event.pk}/invite/",
            {"people": [f"leader-{member.pk}", f"officer-{broker_lead.pk}"]},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    body = client.get(f"/leaders/training/{event.pk}/").content.decode()
    assert "Invitations (2)" in body
    assert "lee@mountstreet.test" in body
    assert "local-authority lead officer" in body
    again = client.get(f"/leaders/training/{event.pk}/invite/").content.decode()
    assert "Lee Leader (already invited)" in again


def test_invite_page_with_nobody_chosen_shows_the_error(
    login: Login, coordinator: User, alliance: Organisation, member: LeaderProfile
) -> None:
    event = _event(alliance)
    response = login(coordinator).post(f"/leaders/training/{event.pk}/invite/", {})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Choose at least one person to invite." in body


def test_invite_page_is_the_coordinators(
    login: Login, broker_lead: User, alliance: Organisation, member: LeaderProfile
) -> None:
    event = _event(alliance)
    assert login(broker_lead).get(f"/leaders/training/{event.pk}/invite/").status_code == 403


def test_event_page_query_budget_with_invitations(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    django_assert_max_num_queries: Any,
) -> None:
    """The event page's invitation and feedback lists stay within a fixed number of queries."""
    event = _event(alliance)
    leaders = []
    for n in range(6):
        leader = make_leader(school=client_school, name=f"Leader {n}")
        associate(leader, alliance)
        leaders.append(leader)
    training_invitations_send(actor=coordinator, event=event, leaders=leaders)
    client = login(coordinator)
    with django_assert_max_num_queries(20):
        assert client.get(f"/leaders/training/{event.pk}/").status_code == 200
