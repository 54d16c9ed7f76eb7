"""GET /schools/{urn} (anyone signed in) and POST /schools (administrators and coordinators)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conftest import make_school
from syslead.accounts.models import User
from syslead.schools.models import School

ApiFactory = Callable[[User | None], Any]

NEW_SCHOOL: dict[str, Any] = {
    "urn": 100012,
    "name": "Bracebridge Heath St John's Primary Academy",
    "phase": "primary",
    "local_authority": "Lincolnshire",
    "postcode": "LN4 2LD",
    "latitude": 53.1964,
    "longitude": -0.5312,
    "ofsted_rating": "good",
}


def test_anyone_signed_in_reads_a_school(
    api: ApiFactory, stranger: User, client_school: School
) -> None:
    response = api(stranger).get(f"/schools/{client_school.urn}")
    assert response.status_code == 200
    assert response.json() == {
        "urn": 120001,
        "name": "Ermine Primary Academy",
        "phase": "primary",
        "local_authority": "Lincolnshire",
        "postcode": "LN2 2HG",
        "latitude": 53.2467,
        "longitude": -0.5284,
        "ofsted_rating": "good",
    }


def test_a_school_without_a_location_or_grade_reads_as_nulls(
    api: ApiFactory, stranger: User
) -> None:
    make_school(130001, "New Free School", latitude=None, longitude=None, ofsted_rating="")
    body = api(stranger).get("/schools/130001").json()
    assert (body["latitude"], body["longitude"], body["ofsted_rating"]) == (None, None, None)


def test_an_unknown_urn_is_a_json_404(api: ApiFactory, stranger: User) -> None:
    response = api(stranger).get("/schools/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such school."}


def test_a_urn_that_is_not_a_number_is_404(api: ApiFactory, stranger: User) -> None:
    response = api(stranger).get("/schools/abc")
    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize("persona", ["administrator", "coordinator"])
def test_administrators_and_coordinators_add_a_school_and_read_it_back(
    api: ApiFactory, persona: str, request: pytest.FixtureRequest
) -> None:
    client = api(request.getfixturevalue(persona))
    response = client.post("/schools", NEW_SCHOOL)
    assert response.status_code == 201
    assert response.json() == NEW_SCHOOL
    assert client.get("/schools/100012").json() == NEW_SCHOOL


def test_a_grade_given_as_ofsted_writes_it_reads_back_as_its_code(
    api: ApiFactory, administrator: User
) -> None:
    client = api(administrator)
    body = {**NEW_SCHOOL, "ofsted_rating": "Requires improvement"}
    assert client.post("/schools", body).json()["ofsted_rating"] == "requires_improvement"
    assert client.get("/schools/100012").json()["ofsted_rating"] == "requires_improvement"


@pytest.mark.parametrize(
    "persona", ["broker_lead", "sip", "leader_user", "client_head", "home_head", "stranger"]
)
def test_others_cannot_add_a_school(
    api: ApiFactory, persona: str, request: pytest.FixtureRequest
) -> None:
    response = api(request.getfixturevalue(persona)).post("/schools", NEW_SCHOOL)
    assert response.status_code == 403
    assert isinstance(response.json()["detail"], str)
    assert not School.objects.filter(urn=100012).exists()


def test_an_existing_urn_is_409(
    api: ApiFactory, administrator: User, client_school: School
) -> None:
    response = api(administrator).post("/schools", {**NEW_SCHOOL, "urn": client_school.urn})
    assert response.status_code == 409
    assert response.json()["rule"] == "school_exists"
    client_school.refresh_from_db()
    assert client_school.name == "Ermine Primary Academy"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phase": "kindergarten"}, "phase"),
        ({"latitude": 95.0}, "latitude"),
        ({"longitude": 200.0}, "longitude"),
        ({"ofsted_rating": "excellent"}, "ofsted_rating"),
        ({"name": ""}, "name"),
        ({"urn": "not-a-number"}, "urn"),
        ({"urn": -4}, "urn"),
        ({"latitude": "north"}, "latitude"),
    ],
)
def test_invalid_fields_are_422_by_field_and_nothing_is_written(
    api: ApiFactory, administrator: User, change: dict[str, Any], field: str
) -> None:
    response = api(administrator).post("/schools", {**NEW_SCHOOL, **change})
    assert response.status_code == 422
    body = response.json()
    assert field in body["errors"]
    assert isinstance(body["detail"], str)
    assert not School.objects.filter(urn=100012).exists()


def test_no_token_cannot_add_a_school(api: ApiFactory) -> None:
    assert api(None).post("/schools", NEW_SCHOOL).status_code == 401
