"""About the data, and the error pages."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.views.defaults import permission_denied

from conftest import make_school
from syslead.accounts.models import User
from syslead.schools.models import OfstedInspection

Login = Callable[[User], Client]


def test_about_the_data_refuses_anonymous_people(client: Client, db: None) -> None:
    response = client.get("/about-the-data/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_about_the_data_shows_the_licence_attribution_exactly(login: Login, stranger: User) -> None:
    page = login(stranger).get("/about-the-data/").content.decode()
    assert (
        "Contains public sector information licensed under the Open Government Licence v3.0."
        in page
    )
    assert (
        "Contains OS data © Crown copyright and database right 2025; Contains Royal Mail data © "
        "Royal Mail copyright and database right 2025; Contains National Statistics data © Crown "
        "copyright and database right 2025." in page
    )


def test_about_the_data_counts_what_this_syslead_holds(login: Login, stranger: User) -> None:
    school = make_school(100000, "The Aldgate School")
    OfstedInspection.objects.create(school=school, rating="good", inspected_on="2013-04-18")
    OfstedInspection.objects.create(school=school, rating="outstanding", inspected_on="2019-02-01")
    page = login(stranger).get("/about-the-data/").content.decode()
    assert "schools_england_open_2025.csv" in page
    assert "22,010" in page
    assert re.search(r'<td data-label="[^"]+">1 school</td>', page)
    assert (
        "2 inspections of schools in the register (from 18 April 2013 to 1 February 2019)" in page
    )
    assert "teaching_school_hubs_2025-09-30.csv" in page


def test_unknown_page_shows_the_not_found_page(login: Login, stranger: User) -> None:
    response = login(stranger).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_forbidden_page_says_why(rf: RequestFactory, stranger: User) -> None:
    request = rf.get("/")
    request.user = stranger
    response = permission_denied(request, PermissionDenied("Only coordinators may do that."))
    page = response.content.decode()
    assert response.status_code == 403
    assert "You cannot do that" in page
    assert "Only coordinators may do that." in page


def test_server_error_page_renders_without_a_request() -> None:
    page = render_to_string("500.html")
    assert "Sorry, there is a problem with Syslead" in page
