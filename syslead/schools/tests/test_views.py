"""The school search page and the school page: anyone signed in may look schools up (the
register is public data); anonymous visitors are sent to sign in."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_school
from syslead.accounts.models import User
from syslead.schools.models import OfstedInspection, OfstedRating, Phase, PostcodeArea, School

Login = Callable[[User], Client]


@pytest.fixture
def register(db: None) -> list[School]:
    """A few schools in Lincoln and Bristol, and the LN1 postcode area."""
    PostcodeArea.objects.create(outward="LN1", latitude=53.2394, longitude=-0.5531)
    return [
        make_school(
            140001,
            "Ermine Primary Academy",
            postcode="LN2 2HG",
            latitude=53.2467,
            longitude=-0.5284,
        ),
        make_school(
            140002,
            "Mount Street Academy",
            postcode="LN1 3JG",
            latitude=53.2412,
            longitude=-0.5466,
            ofsted_rating=OfstedRating.OUTSTANDING,
        ),
        make_school(
            140003,
            "St Mary's Special School",
            phase=Phase.SPECIAL,
            postcode="LN6 7UE",
            latitude=53.2101,
            longitude=-0.5702,
        ),
        make_school(
            149001,
            "Bristol Road Primary",
            local_authority="South Gloucestershire",
            town="Bristol",
            postcode="BS16 1AA",
            latitude=51.4816,
            longitude=-2.5122,
        ),
    ]


def _names(response: object) -> list[str]:
    return [school.name for school, _ in response.context["rows"]]  # type: ignore[attr-defined]


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, register: list[School]) -> None:
    for url in (reverse("schools:search"), reverse("schools:detail", args=[140001])):
        response = client.get(url)

        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_a_signed_in_stranger_may_search_the_public_register(
    login: Login, stranger: User, register: list[School]
) -> None:
    response = login(stranger).get(reverse("schools:search"), {"q": "ermine"})

    assert response.status_code == 200
    assert _names(response) == ["Ermine Primary Academy"]


def test_the_search_form_has_its_fields_and_button(login: Login, coordinator: User) -> None:
    response = login(coordinator).get(reverse("schools:search"))

    html = response.content.decode()
    for field_id in ('id="id_q"', 'id="id_la"', 'id="id_phase"'):
        assert field_id in html
    assert '<button type="submit" class="button">Search</button>' in html
    assert "rows" not in response.context


def test_search_by_name_links_each_school_to_its_page(
    login: Login, coordinator: User, register: list[School]
) -> None:
    response = login(coordinator).get(reverse("schools:search"), {"q": "Mount street"})

    assert _names(response) == ["Mount Street Academy"]
    assert (
        f'<a href="{reverse("schools:detail", args=[140002])}">Mount Street Academy</a>'
        in response.content.decode()
    )


def test_search_forgives_apostrophes_and_case(
    login: Login, coordinator: User, register: list[School]
) -> None:
    response = login(coordinator).get(reverse("schools:search"), {"q": "ST MARYS"})

    assert _names(response) == ["St Mary's Special School"]


def test_search_by_town(login: Login, coordinator: User, register: list[School]) -> None:
    response = login(coordinator).get(reverse("schools:search"), {"q": "bristol"})

    assert _names(response) == ["Bristol Road Primary"]


def test_search_by_urn(login: Login, coordinator: User, register: list[School]) -> None:
    response = login(coordinator).get(reverse("schools:search"), {"q": " 140002 "})

    assert _names(response) == ["Mount Street Academy"]


@pytest.mark.parametrize("query", ["LN1 3JG", "ln13jg"])
def test_search_by_postcode_lists_the_nearest_first_with_distances(
    login: Login, coordinator: User, register: list[School], query: str
) -> None:
    response = login(coordinator).get(reverse("schools:search"), {"q": query})

    rows = response.context["rows"]
    assert [school.name for school, _ in rows] == [
        "Mount Street Academy",
        "Ermine Primary Academy",
        "St Mary's Special School",
    ]
    assert rows[0][1] == 0.0
    assert rows[1][1] == pytest.approx(1.4, abs=0.1)
    html = response.content.decode()
    assert "Distance" in html
    assert "nearest first" in html


def test_search_by_outward_code(login: Login, coordinator: User, register: list[School]) -> None:
    response = login(coordinator).get(reverse("schools:search"), {"q": "ln1"})

    assert _names(response)[0] == "Mount Street Academy"
    assert "Bristol Road Primary" not in _names(response)
    assert "LN1 (the centre of the postcode area)" in response.content.decode()


def test_search_by_local_authority(login: Login, coordinator: User, register: list[School]) -> None:
    response = login(coordinator).get(reverse("schools:search"), {"la": "South Gloucestershire"})

    assert _names(response) == ["Bristol Road Primary"]


def test_search_by_phase(login: Login, coordinator: User, register: list[School]) -> None:
    response = login(coordinator).get(reverse("schools:search"), {"phase": "special"})

    assert _names(response) == ["St Mary's Special School"]


def test_filters_narrow_a_text_search(
    login: Login, coordinator: User, register: list[School]
) -> None:
    response = login(coordinator).get(
        reverse("schools:search"), {"q": "lincoln", "phase": "primary", "la": "Lincolnshire"}
    )

    assert _names(response) == ["Ermine Primary Academy", "Mount Street Academy"]


def test_no_match_says_so(login: Login, coordinator: User, register: list[School]) -> None:
    response = login(coordinator).get(reverse("schools:search"), {"q": "hogwarts"})

    assert response.context["rows"] == []
    assert "No school matches" in response.content.decode()


def test_an_unknown_local_authority_is_an_error_in_the_page(
    login: Login, coordinator: User, register: list[School]
) -> None:
    response = login(coordinator).get(reverse("schools:search"), {"la": "Atlantis"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "<title>Error:" in html


def test_results_are_paginated_25_a_page(login: Login, coordinator: User, db: None) -> None:
    for number in range(30):
        make_school(130000 + number, f"Lincoln School {number:02}")
    client = login(coordinator)

    first = client.get(reverse("schools:search"), {"q": "lincoln school"})
    second = client.get(reverse("schools:search"), {"q": "lincoln school", "page": 2})

    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 5
    assert "30 schools found" in first.content.decode()
    assert "?q=lincoln+school&amp;page=2" in first.content.decode()


def test_search_page_query_budget(
    login: Login,
    coordinator: User,
    register: list[School],
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    for number in range(30):
        make_school(130000 + number, f"Lincoln School {number:02}")
    client = login(coordinator)
    for params in ({"q": "lincoln"}, {"q": "LN1 3JG"}, {"q": "140001"}, {"la": "Lincolnshire"}):
        # Every page: session, user, roles, unread notifications. The search: local authorities,
        # then the results and their count, or the place and up to two rings around it.
        with django_assert_max_num_queries(10):  # type: ignore[operator]
            client.get(reverse("schools:search"), params)


def test_school_page_shows_the_summary_and_ofsted_history(
    login: Login, client_head: User, register: list[School]
) -> None:
    school = register[1]
    OfstedInspection.objects.create(
        school=school, rating=OfstedRating.OUTSTANDING, inspected_on=datetime.date(2019, 3, 5)
    )
    OfstedInspection.objects.create(
        school=school,
        rating=OfstedRating.REQUIRES_IMPROVEMENT,
        inspected_on=datetime.date(2014, 6, 1),
    )

    response = login(client_head).get(reverse("schools:detail", args=[school.urn]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Mount Street Academy</h1>" in html
    for label in (
        "URN",
        "Phase",
        "Type",
        "Local authority",
        "Region",
        "Town",
        "Postcode",
        "Location",
        "Latest Ofsted grade",
        "Trust",
    ):
        assert f"<dt>{label}</dt>" in html
    # Where it is: a small map, not raw coordinates.
    assert "53.2412" not in html
    assert "-0.5466" not in html
    assert 'aria-labelledby="place-map-title"' in html
    place = response.context["map"].place
    assert abs(place.x - response.context["map"].width / 2) < 1  # centred on the school
    assert abs(place.y - response.context["map"].height / 2) < 1
    assert [i.rating for i in response.context["inspections"]] == [
        "outstanding",
        "requires_improvement",
    ]
    assert "5 March 2019" in html
    assert "Requires improvement" in html


def test_school_page_without_history_says_so(
    login: Login, stranger: User, register: list[School]
) -> None:
    response = login(stranger).get(reverse("schools:detail", args=[140001]))

    assert "No graded inspection is recorded" in response.content.decode()


def test_unknown_urn_is_not_found(login: Login, coordinator: User, register: list[School]) -> None:
    response = login(coordinator).get(reverse("schools:detail", args=[999999]))

    assert response.status_code == 404
