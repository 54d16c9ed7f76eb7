"""Schools that could benefit and unmet demand (with its map): who may read them, what they show,
and what they cost."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from conftest import make_school
from syslead.accounts.models import User
from syslead.brokering.models import RequestStatus
from syslead.brokering.selectors import DemandRow, designation_priorities
from syslead.brokering.tests import factories
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.maps import (
    ENGLAND,
    HEIGHT,
    LAND_CACHE_KEY,
    WIDTH,
    _runs,
    extent_around,
    land_path,
    markers,
    project,
)
from syslead.schools.models import OfstedRating, School

Login = Callable[[User], Client]


def test_unmet_demand_lists_the_gap_and_the_priorities_with_a_map(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    lee: LeaderProfile,
) -> None:
    factories.support_request(client_school, alliance, needs=("science",), days="8")
    factories.support_request(
        factories.school("Waiting Primary"),
        alliance,
        needs=("science",),
        days="4",
        status=RequestStatus.WAITING_LIST,
    )
    response = login(coordinator).get(reverse("brokering:unmet_demand"))
    rows = response.context["rows"]
    assert [(r.specialism, r.requests, r.days) for r in rows] == [("science", 2, 12)]
    content = response.content.decode()
    assert "Priorities for the next designation round" in content
    assert "Science in primary schools in Lincolnshire: 12 days short" in content
    assert 'role="img" aria-labelledby="map-title map-desc"' in content
    assert "2 requests waiting (red circles) and 1 leader (blue squares)" in content
    assert len(response.context["map"].requests) == 2


def test_unmet_demand_shows_its_tables_a_page_at_a_time(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    lee: LeaderProfile,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    """The demand table and the schools waiting show 25 rows a page, so the page's work does not
    grow with the rows; the priorities and the map still count every request."""
    for n in range(30):
        factories.support_request(
            factories.school(f"Waiting School {n:02d}", local_authority=f"Authority {n:02d}"),
            alliance,
            needs=("science",),
            days="4",
        )
    client = login(coordinator)
    with django_assert_max_num_queries(30):
        first = client.get(reverse("brokering:unmet_demand"))
    content = first.content.decode()
    assert len(first.context["rows"]) == 30
    assert len(first.context["page"]) == 25
    assert len(first.context["waiting_places"]) == 25
    assert len(first.context["map"].requests) == 30
    assert "rows 1 to 25 of 30" in content
    assert "1 to 25 of 30" in content
    second = client.get(reverse("brokering:unmet_demand"), {"page": 2, "places": 2})
    assert len(second.context["page"]) == 5
    assert len(second.context["waiting_places"]) == 5
    assert "Waiting School 29" in second.content.decode()


def test_unmet_demand_is_for_coordinators_and_broker_leads_of_the_organisation(
    login: Login,
    broker_lead: User,
    sip: User,
    client_head: User,
    other_coordinator: User,
    alliance: Organisation,
) -> None:
    url = reverse("brokering:unmet_demand")
    assert login(broker_lead).get(url).status_code == 200
    assert login(sip).get(url).status_code == 403
    assert login(client_head).get(url).status_code == 403
    assert login(other_coordinator).get(url, {"organisation": alliance.pk}).status_code == 404


def test_unmet_demand_query_budget(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(20):
        factories.support_request(factories.school(f"Client {i}"), alliance, needs=("science",))
    for i in range(5):
        factories.leader(factories.school(f"Home {i}"), organisation=alliance)
    client = login(coordinator)
    # The requests' schools and the leaders' home schools for the map come with the rows and the
    # supply (12 on 3 December 2026, down from 17).
    with django_assert_max_num_queries(12):
        assert client.get(reverse("brokering:unmet_demand")).status_code == 200


def test_schools_that_could_benefit_is_refused_to_others(
    login: Login, client_head: User, stranger: User, other_coordinator: User, alliance: Organisation
) -> None:
    url = reverse("brokering:schools_that_could_benefit")
    assert login(client_head).get(url).status_code == 403
    assert login(stranger).get(url).status_code == 403
    assert login(other_coordinator).get(url, {"organisation": alliance.pk}).status_code == 404


def test_broker_lead_reads_schools_that_could_benefit_without_starting_requests(
    login: Login, broker_lead: User, alliance: Organisation
) -> None:
    alliance.local_authority_name = "Lincolnshire"
    alliance.save()
    make_school(120055, "Weak Primary", ofsted_rating=OfstedRating.INADEQUATE)
    response = login(broker_lead).get(reverse("brokering:schools_that_could_benefit"))
    assert len(response.context["rows"]) == 1
    assert "Start a request" not in response.content.decode()


def test_schools_that_could_benefit_query_budget(
    login: Login, sip: User, alliance: Organisation, django_assert_max_num_queries: Any
) -> None:
    alliance.local_authority_name = "Lincolnshire"
    alliance.save()
    for urn in range(130001, 130041):
        make_school(urn, f"Weak {urn}", ofsted_rating=OfstedRating.REQUIRES_IMPROVEMENT)
    client = login(sip)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("brokering:schools_that_could_benefit"))
    assert len(response.context["rows"]) == 25
    assert response.context["page"].paginator.count == 40


def test_the_map_is_drawn_from_school_coordinates_only(client_school: School) -> None:
    cache.delete(LAND_CACHE_KEY)
    path = land_path()
    x, y = project(client_school.latitude or 0, client_school.longitude or 0)
    assert path.startswith("M")
    assert 0 < x < WIDTH
    assert 0 < y < HEIGHT
    # Places outside England's extent, or without a location, are left out.
    assert markers([(None, None, "nowhere"), (40.0, -3.0, "Madrid"), (53.2, -0.5, "Lincoln")]) == [
        markers([(53.2, -0.5, "Lincoln")])[0]
    ]


def test_the_land_is_drawn_as_runs_of_neighbouring_cells() -> None:
    assert _runs([(1, 1), (1, 2), (1, 3), (1, 5), (2, 3)]) == [(1, 1, 3), (1, 5, 1), (2, 3, 1)]


def _row(specialism: str, days: str, left_in_area: str, requests: int = 1) -> DemandRow:
    return DemandRow(
        specialism,
        "primary",
        "Lincolnshire",
        requests=requests,
        days=Decimal(days),
        remaining_days_in_area=Decimal(left_in_area),
    )


def test_designation_priorities_rank_only_real_gaps_largest_first() -> None:
    surplus = _row("curriculum", "8", "76")  # a gap of -68 days: leaders to spare
    even = _row("maths", "5", "5")
    small = _row("science", "6", "2")
    large = _row("send", "12", "0")
    tie_more_requests = _row("english", "4", "0", requests=3)
    tie_fewer_requests = _row("phonics", "4", "0", requests=1)
    rows = [surplus, even, small, large, tie_fewer_requests, tie_more_requests]
    assert designation_priorities(rows) == [large, tie_more_requests, tie_fewer_requests, small]
    assert designation_priorities([surplus, even]) == []
    assert large.priority == "SEND in primary schools in Lincolnshire"


def test_unmet_demand_with_leaders_to_spare_names_no_priority(
    login: Login, coordinator: User, alliance: Organisation, client_school: School
) -> None:
    factories.support_request(client_school, alliance, needs=("science",), days="2")
    response = login(coordinator).get(reverse("brokering:unmet_demand"))
    assert response.context["priorities"] == [r for r in response.context["rows"] if r.gap_days > 0]
    for row in response.context["priorities"]:
        assert row.gap_days > 0


def test_unmet_demand_map_is_zoomed_to_the_brokers_own_requests_and_leaders(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    lee: LeaderProfile,
) -> None:
    factories.support_request(client_school, alliance, needs=("science",), days="8")
    response = login(coordinator).get(reverse("brokering:unmet_demand"))
    area = response.context["map"]
    assert area.zoomed
    extent = area.extent
    points = [(client_school.latitude, client_school.longitude)]
    points.append((lee.home_school.latitude, lee.home_school.longitude))
    for latitude, longitude in points:
        assert latitude is not None
        assert longitude is not None
        assert extent.contains(latitude, longitude)
    # A county, not the country: a small part of England's extent.
    assert (extent.north - extent.south) < (ENGLAND.north - ENGLAND.south) / 4
    assert (extent.east - extent.west) < (ENGLAND.east - ENGLAND.west) / 4
    assert len(area.requests) == 1
    assert len(area.leaders) == 1
    for marker in (*area.requests, *area.leaders):
        assert 0 <= marker.x <= area.width
        assert 0 <= marker.y <= area.height
    # The accessible table alongside names the school waiting.
    assert "Schools with a request waiting, as on the map" in response.content.decode()


def test_a_map_with_no_located_point_shows_all_of_england() -> None:
    assert extent_around([]) == ENGLAND
    assert extent_around([(None, None), (40.0, -3.0)]) == ENGLAND  # Madrid is not in England
    one = extent_around([(53.2, -0.5)])
    assert one.contains(53.2, -0.5)
    assert one != ENGLAND
