"""The leaders' capacity page: every associated leader's bar this year, for the coordinator's own
organisation, moved off the home page (which keeps a summary and a link; docs/ux.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.leaders.tests.factories import associate, designate, make_leader
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]
URL = "/leaders/capacity/"


def _leaders(alliance: Organisation, school: School, n: int) -> None:
    for i in range(n):
        leader = make_leader(school=school, name=f"Leader {i:02d}")
        designate(leader, "SLE", alliance)
        associate(leader, alliance)


def test_capacity_page_shows_a_bar_for_every_associated_leader(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    other_org: Organisation,
    home_school: School,
) -> None:
    assert reverse("leaders:capacity") == URL
    _leaders(alliance, home_school, 3)
    elsewhere = make_leader(school=home_school, name="Elsewhere Leader")
    associate(elsewhere, other_org)
    response = login(coordinator).get(URL)
    assert response.status_code == 200
    assert [leader.name for leader, _ in response.context["rows"]] == [
        "Leader 00",
        "Leader 01",
        "Leader 02",
    ]
    assert response.context["summary"]["totals"].leaders == 3
    page = response.content.decode()
    assert page.count('class="capacity"') == 3
    assert "Elsewhere Leader" not in page
    # Another organisation asked for by id is not shown: one's own is.
    other = login(coordinator).get(URL, {"organisation": other_org.pk})
    assert other.context["organisation"] == alliance


def test_home_page_summarises_capacity_and_links_to_the_page(
    login: Login, coordinator: User, alliance: Organisation, home_school: School
) -> None:
    _leaders(alliance, home_school, 2)
    page = login(coordinator).get("/").content.decode()
    assert 'class="capacity"' not in page  # no bar per leader on the home page
    assert f'href="{URL}"' in page
    assert "Every leader&#x27;s capacity this year" in page


def test_capacity_page_is_for_coordinators(
    login: Login, client_head: User, leader_user: User, broker_lead: User
) -> None:
    for person in (client_head, leader_user, broker_lead):
        assert login(person).get(URL).status_code == 403


def test_capacity_page_query_budget(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    home_school: School,
    django_assert_max_num_queries: Any,
) -> None:
    _leaders(alliance, home_school, 30)
    client = login(coordinator)
    client.get(URL)
    with django_assert_max_num_queries(20):
        response = client.get(URL)
    assert len(response.context["rows"]) == 30
