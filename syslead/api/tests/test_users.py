"""POST /users {email, name, roles} → 201 {id, email, name, roles}: administrators, and a
coordinator for its own organisation and for schools."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from syslead.accounts.models import User
from syslead.organisations.models import Organisation
from syslead.schools.models import School

ApiFactory = Callable[[User | None], Any]


def _body(*roles: dict[str, Any], email: str = "new@kyra.test") -> dict[str, Any]:
    return {"email": email, "name": "New Person", "roles": list(roles)}


def test_administrator_creates_a_user_with_roles(
    api: ApiFactory, administrator: User, alliance: Organisation, client_school: School
) -> None:
    response = api(administrator).post(
        "/users",
        _body(
            {"role": "coordinator", "organisation": alliance.pk},
            {"role": "headteacher", "school": client_school.urn},
            {"role": "system_leader"},
        ),
    )
    assert response.status_code == 201
    body = response.json()
    user = User.objects.get(email="new@kyra.test")
    assert body["id"] == user.pk
    assert body["email"] == "new@kyra.test"
    assert body["name"] == "New Person"
    assert sorted(body["roles"], key=lambda r: r["role"]) == [
        {"role": "coordinator", "organisation": alliance.pk, "school": None},
        {"role": "headteacher", "organisation": None, "school": client_school.urn},
        {"role": "system_leader", "organisation": None, "school": None},
    ]


def test_administrator_creates_another_administrator(api: ApiFactory, administrator: User) -> None:
    response = api(administrator).post("/users", _body({"role": "administrator"}))
    assert response.status_code == 201
    assert response.json()["roles"] == [
        {"role": "administrator", "organisation": None, "school": None}
    ]


def test_the_new_users_token_acts_with_their_roles(
    api: ApiFactory, administrator: User, alliance: Organisation
) -> None:
    api(administrator).post("/users", _body({"role": "coordinator", "organisation": alliance.pk}))
    newcomer = User.objects.get(email="new@kyra.test")
    response = api(newcomer).post(
        "/users", _body({"role": "sip", "organisation": alliance.pk}, email="sip2@kyra.test")
    )
    assert response.status_code == 201


def test_coordinator_creates_users_for_its_own_organisation(
    api: ApiFactory, coordinator: User, alliance: Organisation
) -> None:
    response = api(coordinator).post(
        "/users",
        _body(
            {"role": "coordinator", "organisation": alliance.pk},
            {"role": "broker_lead", "organisation": alliance.pk},
            {"role": "sip", "organisation": alliance.pk},
        ),
    )
    assert response.status_code == 201
    assert len(response.json()["roles"]) == 3


def test_coordinator_creates_system_leaders_and_headteachers(
    api: ApiFactory, coordinator: User, client_school: School
) -> None:
    client = api(coordinator)
    leader = client.post("/users", _body({"role": "system_leader"}, email="sle@x.test"))
    head = client.post(
        "/users", _body({"role": "headteacher", "school": client_school.urn}, email="h@x.test")
    )
    assert (leader.status_code, head.status_code) == (201, 201)


def test_coordinator_cannot_create_a_user_in_another_organisation(
    api: ApiFactory, coordinator: User, other_org: Organisation
) -> None:
    response = api(coordinator).post(
        "/users", _body({"role": "coordinator", "organisation": other_org.pk})
    )
    assert response.status_code == 403
    assert isinstance(response.json()["detail"], str)
    assert not User.objects.filter(email="new@kyra.test").exists()


def test_coordinator_cannot_create_an_administrator(api: ApiFactory, coordinator: User) -> None:
    response = api(coordinator).post("/users", _body({"role": "administrator"}))
    assert response.status_code == 403
    assert not User.objects.filter(email="new@kyra.test").exists()


@pytest.mark.parametrize(
    "persona", ["broker_lead", "sip", "leader_user", "client_head", "stranger"]
)
def test_only_administrators_and_coordinators_create_users(
    api: ApiFactory, persona: str, request: pytest.FixtureRequest, alliance: Organisation
) -> None:
    user = request.getfixturevalue(persona)
    response = api(user).post("/users", _body({"role": "system_leader"}))
    assert response.status_code == 403
    assert response.json() == {"detail": "Only administrators and coordinators may create users."}
    assert not User.objects.filter(email="new@kyra.test").exists()


def test_one_refused_role_among_good_ones_creates_nothing(
    api: ApiFactory, coordinator: User, alliance: Organisation, other_org: Organisation
) -> None:
    response = api(coordinator).post(
        "/users",
        _body(
            {"role": "sip", "organisation": alliance.pk},
            {"role": "broker_lead", "organisation": other_org.pk},
        ),
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="new@kyra.test").exists()


def test_one_invalid_role_among_good_ones_creates_nothing(
    api: ApiFactory, administrator: User, alliance: Organisation
) -> None:
    response = api(administrator).post(
        "/users",
        _body({"role": "sip", "organisation": alliance.pk}, {"role": "headteacher"}),
    )
    assert response.status_code == 422
    assert not User.objects.filter(email="new@kyra.test").exists()


def test_a_taken_email_is_409_whatever_its_case(
    api: ApiFactory, administrator: User, coordinator: User
) -> None:
    response = api(administrator).post(
        "/users", _body({"role": "system_leader"}, email="Alice@KYRA.test")
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "A user with the e-mail address alice@kyra.test already exists.",
        "rule": "email_taken",
    }


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ({"role": "coordinator"}, "The coordinator role needs an organisation."),
        ({"role": "broker_lead"}, "The broker lead role needs an organisation."),
        ({"role": "sip"}, "The school improvement partner role needs an organisation."),
        ({"role": "headteacher"}, "The headteacher role needs a school (its URN)."),
        (
            {"role": "coordinator", "organisation": 987654},
            "There is no organisation with id 987654.",
        ),
        ({"role": "headteacher", "school": 999999}, "There is no school with URN 999999."),
        (
            {"role": "headteacher", "school": None, "organisation": None},
            "The headteacher role needs a school (its URN).",
        ),
    ],
)
def test_a_role_without_its_place_or_with_an_unknown_one_is_422_on_roles(
    api: ApiFactory, administrator: User, role: dict[str, Any], message: str
) -> None:
    response = api(administrator).post("/users", _body(role))
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == {"roles": [message]}
    assert message in body["detail"]


def test_an_unknown_role_is_422_on_roles(api: ApiFactory, administrator: User) -> None:
    response = api(administrator).post("/users", _body({"role": "king"}))
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["roles"]


def test_an_invalid_email_is_422(api: ApiFactory, administrator: User) -> None:
    response = api(administrator).post("/users", _body(email="not an address"))
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["email"]


def test_a_coordinator_naming_an_unknown_organisation_is_told_it_is_invalid(
    api: ApiFactory, coordinator: User
) -> None:
    response = api(coordinator).post("/users", _body({"role": "sip", "organisation": 987654}))
    assert response.status_code == 422
