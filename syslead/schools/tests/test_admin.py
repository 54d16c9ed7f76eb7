"""The register in the Django admin: search, filters, history inline, edits through services."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.core.events import events_for
from syslead.schools.models import OfstedInspection, School

Login = Callable[[User], Client]


def test_administrator_searches_schools_by_name_urn_and_postcode(
    login: Login, administrator: User, client_school: School, far_school: School
) -> None:
    client = login(administrator)
    url = reverse("admin:schools_school_changelist")

    for term, expected in (("ermine", client_school), ("109001", far_school), ("BS16", far_school)):
        response = client.get(url, {"q": term})
        assert list(response.context["cl"].result_list) == [expected], term


def test_administrator_filters_by_phase_and_local_authority(
    login: Login, administrator: User, client_school: School, far_school: School
) -> None:
    response = login(administrator).get(
        reverse("admin:schools_school_changelist"),
        {"phase__exact": "primary", "local_authority": "South Gloucestershire"},
    )

    assert list(response.context["cl"].result_list) == [far_school]


def test_school_change_page_shows_the_inspection_history(
    login: Login, administrator: User, client_school: School
) -> None:
    OfstedInspection.objects.create(
        school=client_school, rating="good", inspected_on=datetime.date(2016, 5, 4)
    )

    response = login(administrator).get(
        reverse("admin:schools_school_change", args=[client_school.urn])
    )

    assert response.status_code == 200
    assert "4 May 2016" in response.content.decode() or "May 4, 2016" in response.content.decode()


def test_an_admin_edit_goes_through_the_service_and_is_logged(
    login: Login, administrator: User, client_school: School
) -> None:
    response = login(administrator).post(
        reverse("admin:schools_school_change", args=[client_school.urn]),
        {
            "name": "Ermine Primary Academy",
            "phase": "primary",
            "local_authority": "Lincolnshire",
            "town": "Lincoln",
            "postcode": "ln2 2hg",
            "latitude": "53.2467",
            "longitude": "-0.5284",
            "ofsted_rating": "outstanding",
            "inspections-TOTAL_FORMS": "0",
            "inspections-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    client_school.refresh_from_db()
    assert client_school.ofsted_rating == "outstanding"
    assert "school.updated" in [e.verb for e in events_for(client_school)]


def test_an_invalid_admin_edit_is_shown_in_the_form(
    login: Login, administrator: User, client_school: School
) -> None:
    response = login(administrator).post(
        reverse("admin:schools_school_change", args=[client_school.urn]),
        {
            "name": "Ermine Primary Academy",
            "phase": "primary",
            "postcode": "nowhere",
            "inspections-TOTAL_FORMS": "0",
            "inspections-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "is not a full UK postcode" in response.content.decode()


def test_a_stranger_cannot_open_the_school_admin(
    login: Login, stranger: User, client_school: School
) -> None:
    response = login(stranger).get(reverse("admin:schools_school_changelist"))

    assert response.status_code == 302
