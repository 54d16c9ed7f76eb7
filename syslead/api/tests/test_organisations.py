"""POST /organisations {name, kind} → 201 {id, name, kind}: administrators only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from syslead.accounts.models import User
from syslead.core.models import Event
from syslead.organisations.models import Organisation

ApiFactory = Callable[[User | None], Any]


def test_administrator_creates_an_organisation(api: ApiFactory, administrator: User) -> None:
    response = api(administrator).post(
        "/organisations", {"name": "Lincoln Teaching School Hub", "kind": "teaching_school_hub"}
    )
    assert response.status_code == 201
    body = response.json()
    organisation = Organisation.objects.get()
    assert body == {
        "id": organisation.pk,
        "name": "Lincoln Teaching School Hub",
        "kind": "teaching_school_hub",
    }
    assert Event.objects.filter(verb="organisation.created", actor=administrator).exists()


@pytest.mark.parametrize(
    "kind",
    [
        "teaching_school_alliance",
        "teaching_school_hub",
        "local_authority",
        "diocese",
        "trust",
        "other",
    ],
)
def test_every_kind_of_the_contract_is_accepted(
    api: ApiFactory, administrator: User, kind: str
) -> None:
    response = api(administrator).post("/organisations", {"name": f"A {kind}", "kind": kind})
    assert response.status_code == 201
    assert response.json()["kind"] == kind


def test_the_returned_id_is_accepted_back_as_an_organisation(
    api: ApiFactory, administrator: User
) -> None:
    client = api(administrator)
    organisation_id = client.post("/organisations", {"name": "Trust", "kind": "trust"}).json()["id"]
    response = client.post(
        "/users",
        {
            "email": "co@trust.test",
            "name": "Co",
            "roles": [{"role": "coordinator", "organisation": organisation_id}],
        },
    )
    assert response.status_code == 201


def test_two_organisations_may_share_a_name(api: ApiFactory, administrator: User) -> None:
    client = api(administrator)
    first = client.post("/organisations", {"name": "Trust", "kind": "trust"}).json()
    second = client.post("/organisations", {"name": "Trust", "kind": "trust"}).json()
    assert first["id"] != second["id"]


@pytest.mark.parametrize(
    "persona", ["coordinator", "broker_lead", "sip", "leader_user", "client_head", "stranger"]
)
def test_only_administrators_create_organisations(
    api: ApiFactory, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    response = api(user).post("/organisations", {"name": "Mine", "kind": "trust"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Only administrators may create organisations."}
    assert not Organisation.objects.filter(name="Mine").exists()


def test_an_unknown_kind_is_422(api: ApiFactory, administrator: User) -> None:
    response = api(administrator).post("/organisations", {"name": "X", "kind": "club"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["kind"]
    assert not Organisation.objects.exists()


def test_a_blank_name_is_422(api: ApiFactory, administrator: User) -> None:
    response = api(administrator).post("/organisations", {"name": "   ", "kind": "trust"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["name"]


def test_a_name_too_long_is_422(api: ApiFactory, administrator: User) -> None:
    response = api(administrator).post("/organisations", {"name": "x" * 201, "kind": "trust"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["name"]
