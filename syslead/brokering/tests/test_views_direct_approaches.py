"""Direct approaches through the pages (docs/rules.md: "A leader approached directly by a school or
another agency tells their broker, which records it"): the coordinator records one for a leader
of their organisation, the leader tells their broker, the organisation's brokers list them.
Nobody else records or reads them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.models import User
from syslead.brokering.models import SupportRequest
from syslead.brokering.selectors import direct_approaches, request_timeline
from syslead.brokering.services import direct_approach_record
from syslead.brokering.tests import factories
from syslead.core.dates import date_input_data
from syslead.core.events import events_for
from syslead.core.models import Event
from syslead.leaders.models import LeaderProfile
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]
LIST = reverse("brokering:direct_approaches")
NEW = reverse("brokering:direct_approach_new")
TELL = reverse("brokering:direct_approach_tell")


def _recorded() -> int:
    return Event.objects.filter(verb="leader.direct_approach").count()


def test_coordinator_records_a_direct_approach_about_a_request(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    lee: LeaderProfile,
    maths_request: SupportRequest,
    client_school: School,
) -> None:
    client = login(coordinator)
    form = client.get(f"{NEW}?leader={lee.pk}").context["form"]
    assert [value for value, _ in form.fields["leader"].choices] == ["", str(lee.pk)]
    assert form["leader"].value() == str(lee.pk)
    assert str(maths_request.pk) in [value for value, _ in form.fields["request"].choices]
    done = client.post(
        NEW,
        {
            "leader": lee.pk,
            "approached_by": "Lincoln Diocese",
            "school": str(client_school.urn),
            **date_input_data("approached_on", "2025-03-03"),
            "details": "Two days of maths coaching in the spring term.",
            "request": maths_request.pk,
        },
    )
    assert done.status_code == 302
    assert done["Location"] == f"{LIST}?organisation={alliance.pk}"
    [event] = events_for(lee)
    assert event.verb == "leader.direct_approach"
    assert event.actor == coordinator
    assert event.summary == (
        "Lee Leader was approached directly by Lincoln Diocese about Ermine Primary Academy on "
        "3 March 2025: Two days of maths coaching in the spring term."
    )
    assert request_timeline(maths_request)[-1].verb == "request.direct_approach"
    page = client.get(done["Location"])
    html = page.content.decode()
    assert "The direct approach to Lee Leader has been recorded" in html
    [row] = page.context["rows"]
    assert row.leader == lee
    assert row.school == client_school
    assert row.approached_on == dt.date(2025, 3, 3)
    assert row.request_id == maths_request.pk
    assert "Lincoln Diocese" in html
    assert "by Alice Coordinator" in html


def test_a_direct_approach_needs_who_approached_and_a_school_that_exists(
    login: Login, coordinator: User, lee: LeaderProfile
) -> None:
    client = login(coordinator)
    refused = client.post(NEW, {"leader": "", "approached_by": "  ", "school": "no such place"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_leader">Choose the leader who was approached.' in html
    assert 'href="#id_approached_by">Say which school or agency approached the leader.' in html
    assert 'href="#id_school">No school matches “no such place”' in html
    assert _recorded() == 0


def test_rule_the_date_of_a_direct_approach_cannot_be_in_the_future(
    login: Login, coordinator: User, lee: LeaderProfile
) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    refused = login(coordinator).post(
        NEW,
        {
            "leader": lee.pk,
            "approached_by": "A school",
            **date_input_data("approached_on", tomorrow),
        },
    )
    assert refused.status_code == 200
    assert (
        'href="#id_approached_on_0">The date of the approach cannot be in the future.'
        in refused.content.decode()
    )
    assert _recorded() == 0


def test_the_date_defaults_to_today(login: Login, coordinator: User, lee: LeaderProfile) -> None:
    login(coordinator).post(NEW, {"leader": lee.pk, "approached_by": "A school"})
    [event] = events_for(lee)
    assert event.data["approached_on"] == timezone.localdate().isoformat()
    assert event.data["school"] is None


def test_leader_tells_their_broker_who_is_told(
    login: Login,
    coordinator: User,
    other_coordinator: User,
    alliance: Organisation,
    lee: LeaderProfile,
) -> None:
    client = login(lee.user)
    assert "Tell your broker" in client.get(reverse("brokering:approaches")).content.decode()
    page = client.get(TELL)
    assert page.status_code == 200
    assert "leader" not in page.context["form"].fields
    assert "request" not in page.context["form"].fields
    refused = client.post(TELL, {"approached_by": ""})
    assert 'href="#id_approached_by">Say which school or agency' in refused.content.decode()
    assert _recorded() == 0
    done = client.post(TELL, {"approached_by": "Ermine Primary Academy", "details": "Three days"})
    assert done["Location"] == reverse("brokering:approaches")
    assert "KYRA Teaching School Alliance has been told" in client.get(TELL).content.decode()
    [event] = direct_approaches(alliance)
    assert event.actor == lee.user
    assert event.data["recorded_by_leader"] is True
    [told] = Notification.objects.all()
    assert told.user == coordinator
    assert told.verb == "brokering.direct_approach"
    assert told.url == f"{LIST}?organisation={alliance.pk}"
    assert told.text.startswith("Lee Leader was approached directly by Ermine Primary Academy")
    assert not Notification.objects.filter(user=other_coordinator).exists()
    listing = login(coordinator).get(told.url).content.decode()
    assert "by the leader" in listing


def test_telling_the_broker_is_for_leaders_with_a_profile(
    login: Login, leader_user: User, coordinator: User, stranger: User
) -> None:
    # Lee has the system leader role but no profile yet.
    for person in (leader_user, coordinator, stranger):
        client = login(person)
        assert client.get(TELL).status_code == 403
        assert client.post(TELL, {"approached_by": "A school"}).status_code == 403
    assert _recorded() == 0


@pytest.mark.parametrize("person", ["stranger", "leader_user", "client_head", "sip"])
def test_direct_approaches_are_refused_to_people_who_do_not_broker(
    request: pytest.FixtureRequest,
    login: Login,
    alliance: Organisation,
    lee: LeaderProfile,
    person: str,
) -> None:
    client = login(request.getfixturevalue(person))
    assert client.get(f"{LIST}?organisation={alliance.pk}").status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"leader": lee.pk, "approached_by": "A school"}).status_code == 403
    assert _recorded() == 0


def test_broker_lead_reads_direct_approaches_but_does_not_record_them(
    login: Login, broker_lead: User, coordinator: User, lee: LeaderProfile
) -> None:
    direct_approach_record(actor=coordinator, leader=lee, approached_by="A school")
    client = login(broker_lead)
    page = client.get(LIST)
    assert len(page.context["rows"]) == 1
    assert not page.context["may_record"]
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {"leader": lee.pk, "approached_by": "A school"}).status_code == 403
    assert _recorded() == 1


def test_a_coordinator_of_another_organisation_neither_reads_nor_records_them(
    login: Login,
    coordinator: User,
    other_coordinator: User,
    alliance: Organisation,
    other_org: Organisation,
    lee: LeaderProfile,
) -> None:
    direct_approach_record(actor=coordinator, leader=lee, approached_by="A school")
    client = login(other_coordinator)
    assert client.get(f"{LIST}?organisation={alliance.pk}").status_code == 404
    own = client.get(LIST)
    assert own.context["organisation"] == other_org
    assert own.context["rows"] == []
    form = client.get(f"{NEW}?leader={lee.pk}").context["form"]
    assert str(lee.pk) not in [value for value, _ in form.fields["leader"].choices]
    refused = client.post(NEW, {"leader": lee.pk, "approached_by": "Another school"})
    assert refused.status_code == 200
    assert 'href="#id_leader">' in refused.content.decode()
    assert _recorded() == 1


def test_direct_approach_list_queries(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    lee: LeaderProfile,
    client_school: School,
    django_assert_max_num_queries: Any,
) -> None:
    client = login(coordinator)
    direct_approach_record(
        actor=coordinator, leader=lee, approached_by="A school", school_urn=client_school.urn
    )
    with django_assert_max_num_queries(10) as one:
        client.get(LIST)
    for n in range(6):
        leader = factories.leader(factories.school(f"School {n}"), organisation=alliance)
        direct_approach_record(
            actor=coordinator,
            leader=leader,
            approached_by=f"Agency {n}",
            school_urn=factories.school(f"Approaching {n}").urn,
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(LIST)
    assert len(page.context["rows"]) == 7
