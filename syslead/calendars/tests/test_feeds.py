"""Each person's private calendar feed: only their own items, titles and dates only; the address
is secret, shown once, and resetting it invalidates the old one. A visit's .ics file has the
visit page's access."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from syslead.accounts.models import User
from syslead.alliances.models import AllianceMember, Meeting
from syslead.calendars.models import CalendarFeed
from syslead.calendars.services import calendar_feed_reset, token_hash
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.leaders.models import Association, LeaderProfile, TrainingEvent, TrainingKind
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.visits.tests.factories import make_deployment, make_visit

Login = Callable[[User], Client]


def _soon(days: int = 7) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _feed(client: Client, token: str) -> Calendar:
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def _summaries(calendar: Calendar) -> list[str]:
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


@pytest.fixture
def others_deployment(other_leader_user: User, other_org: Organisation) -> Deployment:
    from conftest import make_school

    school = make_school(120088, "Secret Garden Primary", local_authority="Kent")
    return make_deployment(
        leader=LeaderProfile.objects.get(user=other_leader_user),
        organisation=other_org,
        client_school=school,
    )


def test_a_leaders_feed_has_their_visits_and_never_another_persons(
    client: Client,
    leader_user: User,
    deployment: Deployment,
    others_deployment: Deployment,
) -> None:
    visit = make_visit(deployment, date=_soon())
    visit.focus = "Confidential: the deputy's capability"
    visit.save()
    make_visit(others_deployment, date=_soon())
    token = calendar_feed_reset(actor=leader_user)
    calendar = _feed(client, token)
    assert _summaries(calendar) == ["Visit to Ermine Primary Academy"]
    body = calendar.to_ical().decode()
    assert "Secret Garden" not in body
    assert "capability" not in body  # no notes content
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("DTSTART") == _soon()


def test_the_supported_headteacher_sees_visits_to_their_school(
    client: Client, client_head: User, deployment: Deployment
) -> None:
    make_visit(deployment, date=_soon())
    assert _summaries(_feed(client, calendar_feed_reset(actor=client_head))) == [
        "Visit to Ermine Primary Academy"
    ]


def test_a_signature_due_training_and_alliance_meetings_appear_for_their_people(
    client: Client,
    leader_user: User,
    leader: LeaderProfile,
    client_head: User,
    alliance: Organisation,
    other_org: Organisation,
    client_school: School,
) -> None:
    make_deployment(
        leader=leader,
        organisation=alliance,
        client_school=client_school,
        status=DeploymentStatus.AWAITING_SIGNATURES,
        starts_on=_soon(30),
        ends_on=_soon(200),
    )
    Association.objects.create(leader=leader, organisation=alliance, starts_on=dt.date(2025, 9, 1))
    TrainingEvent.objects.create(
        organisation=alliance, kind=TrainingKind.CORE, title="Coaching skills", held_on=_soon(3)
    )
    TrainingEvent.objects.create(
        organisation=other_org, kind=TrainingKind.CORE, title="Not yours", held_on=_soon(3)
    )
    AllianceMember.objects.create(
        organisation=alliance, school=client_school, joined_on=dt.date(2025, 9, 1)
    )
    Meeting.objects.create(
        organisation=alliance,
        held_on=_soon(10),
        title="Spring meeting",
        starts_at=dt.time(16, 0),
    )
    leader_feed = _summaries(_feed(client, calendar_feed_reset(actor=leader_user)))
    assert "Sign the agreement for Ermine Primary Academy" in leader_feed
    assert "Coaching skills (KYRA Teaching School Alliance)" in leader_feed
    assert not any("Not yours" in s for s in leader_feed)
    assert not any("Spring meeting" in s for s in leader_feed)
    head_feed = _feed(client, calendar_feed_reset(actor=client_head))
    assert "Spring meeting (KYRA Teaching School Alliance)" in _summaries(head_feed)
    assert "Sign the agreement for Ermine Primary Academy" in _summaries(head_feed)
    assert not any("Coaching" in s for s in _summaries(head_feed))


def test_resetting_the_address_invalidates_the_old_one(
    client: Client, leader_user: User, deployment: Deployment
) -> None:
    old = calendar_feed_reset(actor=leader_user)
    new = calendar_feed_reset(actor=leader_user)
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    feed = CalendarFeed.objects.get(user=leader_user)
    assert feed.token_hash == token_hash(new)
    assert new not in feed.token_hash  # only the hash is kept


def test_an_unknown_address_or_an_inactive_persons_is_404(
    client: Client, leader_user: User
) -> None:
    token = calendar_feed_reset(actor=leader_user)
    assert client.get("/calendar/" + "x" * 43 + ".ics").status_code == 404
    User.objects.filter(pk=leader_user.pk).update(is_active=False)
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_the_account_page_makes_shows_once_and_resets_the_address(
    login: Login, leader_user: User
) -> None:
    client = login(leader_user)
    page = client.get("/accounts/").content.decode()
    assert "Make my calendar address" in page
    made = client.post("/accounts/calendar/reset/")
    html = made.content.decode()
    assert made.status_code == 200
    assert "Copy this address" in html
    address = re.search(r'value="(http://testserver/calendar/[^"]+\.ics)"', html)
    assert address is not None
    first = address.group(1).removeprefix("http://testserver")
    assert Client().get(first).status_code == 200
    page = client.get("/accounts/").content.decode()
    assert "Reset the address" in page
    assert first not in page  # shown once only
    again = client.post("/accounts/calendar/reset/").content.decode()
    second = re.search(r'value="http://testserver(/calendar/[^"]+\.ics)"', again)
    assert second is not None
    assert Client().get(first).status_code == 404
    assert Client().get(second.group(1)).status_code == 200


def test_resetting_needs_a_post_and_a_sign_in(client: Client, leader_user: User) -> None:
    assert client.post("/accounts/calendar/reset/").status_code == 302
    assert not CalendarFeed.objects.exists()
    client.force_login(leader_user)
    assert client.get("/accounts/calendar/reset/").status_code == 405


# --- A visit's .ics -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader_user", "client_head", "coordinator", "administrator"])
def test_whoever_reads_the_visit_downloads_a_valid_ics(
    request: pytest.FixtureRequest, login: Login, deployment: Deployment, who: str
) -> None:
    visit = make_visit(deployment)
    response = login(request.getfixturevalue(who)).get(f"/visits/{visit.pk}/visit.ics")
    assert response.status_code == 200
    assert 'filename="visit-2025-10-06.ics"' in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Visit to Ermine Primary Academy"
    assert event.decoded("DTSTART") == dt.date(2025, 10, 6)
    assert event.decoded("DTEND") == dt.date(2025, 10, 7)
    assert str(event["UID"]) == f"visit-{visit.pk}@syslead"


@pytest.mark.parametrize("who", ["other_coordinator", "other_head", "stranger"])
def test_outsiders_get_404_for_a_visits_ics(
    request: pytest.FixtureRequest, login: Login, deployment: Deployment, who: str
) -> None:
    visit = make_visit(deployment)
    client = login(request.getfixturevalue(who))
    assert client.get(f"/visits/{visit.pk}/visit.ics").status_code == 404
    assert client.get(f"/visits/{visit.pk}/").status_code == 404


def test_the_visit_page_offers_the_ics(
    login: Login, leader_user: User, deployment: Deployment
) -> None:
    visit = make_visit(deployment)
    page = login(leader_user).get(f"/visits/{visit.pk}/").content.decode()
    assert f'href="/visits/{visit.pk}/visit.ics"' in page


def test_erasing_a_person_removes_their_calendar_address(
    client: Client, administrator: User, leader_user: User
) -> None:
    from syslead.privacy.erasure import erase_person

    token = calendar_feed_reset(actor=leader_user)
    erase_person(actor=administrator, person=leader_user, reason="Request")
    assert not CalendarFeed.objects.filter(user=leader_user).exists()
    assert client.get(f"/calendar/{token}.ics").status_code == 404
