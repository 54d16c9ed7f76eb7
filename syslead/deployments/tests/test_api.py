"""The contract of POST /deployments, GET /deployments/{id} and POST /deployments/{id}/sign."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from conftest import ApiClient, make_user
from syslead.accounts.models import Role, User
from syslead.brokering.models import RequestStatus, Route, SupportRequest
from syslead.core.events import events_for
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.deployments.tests.factories import make_leader, make_request, set_release
from syslead.leaders.models import DesignationStatus, LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Api = Callable[[User | None], ApiClient]


def body(request_: SupportRequest, leader_: LeaderProfile, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "support_request": request_.pk,
        "leader": leader_.pk,
        "starts_on": "2027-01-04",
        "ends_on": "2027-04-30",
        "full_days": 5,
        "half_days": 0,
        "aims": ["Improve reasoning in key stage 2 maths"],
        "objectives": ["Teachers use bar models in years 5 and 6"],
    }
    values.update(overrides)
    return values


def test_post_makes_the_agreement_waiting_for_signatures(
    api: Api,
    coordinator: User,
    support_request: SupportRequest,
    leader: LeaderProfile,
    parties: list[User],
) -> None:
    response = api(coordinator).post("/deployments", body(support_request, leader))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "awaiting_signatures"
    assert isinstance(data["id"], int)
    assert {
        k: data["cost"][k] for k in ("total", "payable_by_school", "to_home_school", "to_broker")
    } == {
        "total": "1750.00",
        "payable_by_school": "1750.00",
        "to_home_school": "1500.00",
        "to_broker": "250.00",
    }
    assert data["signatures"] == {
        "leader": None,
        "home_headteacher": None,
        "client_headteacher": None,
        "broker_lead": None,
    }
    assert data["days"] == 5
    assert data["objectives"][0]["text"] == "Teachers use bar models in years 5 and 6"
    assert Deployment.objects.get().pk == data["id"]


def test_half_days_are_charged_and_counted_as_halves(
    api: Api, coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    response = api(coordinator).post(
        "/deployments", body(support_request, leader, full_days=2, half_days=3)
    )
    assert response.status_code == 201
    assert response.json()["cost"]["total"] == "1150.00"
    assert response.json()["cost"]["to_broker"] == "175.00"
    assert response.json()["days"] == 3.5


def test_on_the_la_route_the_api_says_who_pays(
    api: Api,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    leader: LeaderProfile,
) -> None:
    la = make_request(alliance, client_school, route=Route.LOCAL_AUTHORITY)
    response = api(coordinator).post("/deployments", body(la, leader))
    cost = response.json()["cost"]
    assert cost["funding_route"] == "local_authority"
    assert cost["payable_by_school"] == "1750.00"
    assert cost["payable_by_commissioner"] == "1750.00"
    assert any("topped up" in line["explanation"] for line in cost["lines"])


def test_a_leader_failing_a_hard_rule_is_409_naming_it(
    api: Api, coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    leader.designations.update(status=DesignationStatus.REVOKED, revoked_on=dt.date(2026, 1, 1))
    response = api(coordinator).post("/deployments", body(support_request, leader))
    assert response.status_code == 409
    assert response.json()["rule"] == "active_designation"
    assert "designation" in response.json()["detail"]
    assert not Deployment.objects.exists()


def test_the_capacity_rule_is_409_and_an_override_passes_it(
    api: Api, coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    set_release(leader, 3)
    refused = api(coordinator).post("/deployments", body(support_request, leader))
    assert refused.status_code == 409
    assert refused.json()["rule"] == "capacity"
    assert refused.json()["detail"].startswith("Capacity:")
    passed = api(coordinator).post(
        "/deployments",
        body(support_request, leader, capacity_override_reason="Agreed with the governors"),
    )
    assert passed.status_code == 201
    assert passed.json()["capacity_override_reason"] == "Agreed with the governors"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("broker_lead", 403),
        ("client_head", 403),
        ("stranger", 404),
        ("leader_user", 403),
        ("other_coordinator", 404),
    ],
)
def test_anyone_but_a_coordinator_of_the_organisation_is_refused(
    api: Api,
    request: pytest.FixtureRequest,
    who: str,
    status: int,
    support_request: SupportRequest,
    leader: LeaderProfile,
) -> None:
    """403 to those who see the request; 404, naming nothing, to those who cannot see it."""
    response = api(request.getfixturevalue(who)).post(
        "/deployments", body(support_request, leader, capacity_override_reason="Please")
    )
    assert response.status_code == status
    assert response.json()["detail"]
    if status == 404:
        assert support_request.organisation.name not in response.json()["detail"]
    assert not Deployment.objects.exists()


@pytest.mark.parametrize("who", ["stranger", "other_coordinator"])
def test_a_request_the_caller_cannot_see_is_404_and_its_organisation_is_not_named(
    api: Api,
    request: pytest.FixtureRequest,
    who: str,
    support_request: SupportRequest,
    leader: LeaderProfile,
) -> None:
    response = api(request.getfixturevalue(who)).post(
        "/deployments", body(support_request, leader, capacity_override_reason="Please")
    )
    assert response.status_code == 404
    assert support_request.organisation.name not in response.json()["detail"]
    assert not Deployment.objects.exists()


def test_an_unknown_request_or_invisible_leader_is_404(
    api: Api,
    coordinator: User,
    support_request: SupportRequest,
    leader: LeaderProfile,
    other_org: Organisation,
    far_school: School,
) -> None:
    unknown = api(coordinator).post(
        "/deployments", body(support_request, leader, support_request=999999)
    )
    assert unknown.status_code == 404
    no_leader = api(coordinator).post("/deployments", body(support_request, leader, leader=999999))
    assert no_leader.status_code == 404
    elsewhere = make_leader(
        make_user("eve@far.test", "Eve Elsewhere", (Role.SYSTEM_LEADER, None)),
        far_school,
        other_org,
    )
    hidden = api(coordinator).post("/deployments", body(support_request, elsewhere))
    assert hidden.status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": "2026-12-01"}, "ends_on"),
        ({"full_days": 0, "half_days": 0}, "full_days"),
        ({"starts_on": "2027-02-30"}, "starts_on"),
        ({"starts_on": "soon"}, "starts_on"),
        ({"full_days": -2}, "full_days"),
        ({"aims": []}, "aims"),
    ],
)
def test_invalid_fields_are_422(
    api: Api,
    coordinator: User,
    support_request: SupportRequest,
    leader: LeaderProfile,
    overrides: dict[str, Any],
    field: str,
) -> None:
    response = api(coordinator).post("/deployments", body(support_request, leader, **overrides))
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert not Deployment.objects.exists()
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.MATCHED


def test_a_short_agreement_without_justification_is_made_and_flagged_for_the_coordinator(
    api: Api, coordinator: User, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    """The contract has no refusal for length: the API flags it instead of asking (the web form
    asks for the justification before it creates)."""
    response = api(coordinator).post(
        "/deployments", body(support_request, leader, ends_on="2027-01-20")
    )
    assert response.status_code == 201, response.json()
    deployment = Deployment.objects.get(pk=response.json()["id"])
    verbs = [e.verb for e in events_for(deployment)]
    assert "deployment.length_unjustified" in verbs


def test_post_needs_a_token(
    api: Api, support_request: SupportRequest, leader: LeaderProfile
) -> None:
    assert api(None).post("/deployments", body(support_request, leader)).status_code == 401


# Signing -----------------------------------------------------------------------------------------


def test_each_party_signs_and_the_last_makes_it_active(
    api: Api, agreement: Deployment, parties: list[User]
) -> None:
    expected_keys = ["leader", "home_headteacher", "client_headteacher", "broker_lead"]
    for number, person in enumerate(parties, start=1):
        response = api(person).post(f"/deployments/{agreement.pk}/sign")
        assert response.status_code == 200, response.json()
        signatures = response.json()["signatures"]
        signed = [key for key in expected_keys if signatures[key] is not None]
        assert signed == expected_keys[:number]
        assert all(dt.date.fromisoformat(signatures[key]) for key in signed)
        expected_status = "active" if number == 4 else "awaiting_signatures"
        assert response.json()["status"] == expected_status


@pytest.mark.parametrize("who", ["stranger", "coordinator", "sip", "other_coordinator"])
def test_someone_who_is_none_of_the_four_is_403(
    api: Api, request: pytest.FixtureRequest, who: str, agreement: Deployment
) -> None:
    response = api(request.getfixturevalue(who)).post(f"/deployments/{agreement.pk}/sign")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not agreement.signatures.exists()


def test_signing_twice_is_409(api: Api, agreement: Deployment, client_head: User) -> None:
    assert api(client_head).post(f"/deployments/{agreement.pk}/sign").status_code == 200
    again = api(client_head).post(f"/deployments/{agreement.pk}/sign")
    assert again.status_code == 409
    assert again.json()["rule"] == "already_signed"


def test_signing_an_active_agreement_is_409(
    api: Api, active: Deployment, client_head: User
) -> None:
    response = api(client_head).post(f"/deployments/{active.pk}/sign")
    assert response.status_code == 409


def test_signing_an_unknown_agreement_is_404(api: Api, client_head: User) -> None:
    assert api(client_head).post("/deployments/424242/sign").status_code == 404


def test_the_last_signature_is_refused_when_the_leader_no_longer_qualifies(
    api: Api, agreement: Deployment, parties: list[User], leader: LeaderProfile
) -> None:
    for person in parties[:3]:
        api(person).post(f"/deployments/{agreement.pk}/sign")
    leader.designations.update(status=DesignationStatus.REVOKED, revoked_on=dt.date(2026, 11, 1))
    response = api(parties[3]).post(f"/deployments/{agreement.pk}/sign")
    assert response.status_code == 409
    assert response.json()["rule"] == "active_designation"
    agreement.refresh_from_db()
    assert agreement.status == DeploymentStatus.AWAITING_SIGNATURES
    assert agreement.signatures.count() == 3


# Reading -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who",
    ["coordinator", "broker_lead", "leader_user", "home_head", "client_head", "administrator"],
)
def test_the_parties_and_the_broker_read_the_agreement(
    api: Api, request: pytest.FixtureRequest, who: str, agreement: Deployment
) -> None:
    response = api(request.getfixturevalue(who)).get(f"/deployments/{agreement.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == agreement.pk
    assert response.json()["cost"]["total"] == "1750.00"


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "sip"])
def test_others_cannot_see_it(
    api: Api, request: pytest.FixtureRequest, who: str, agreement: Deployment
) -> None:
    assert api(request.getfixturevalue(who)).get(f"/deployments/{agreement.pk}").status_code == 404


def test_the_next_steps_say_what_the_caller_must_do(
    api: Api, agreement: Deployment, client_head: User
) -> None:
    steps = api(client_head).get(f"/deployments/{agreement.pk}").json()["next_steps"]
    assert steps[0] == "Sign the agreement as the headteacher of Ermine Primary Academy."


def test_the_list_shows_only_what_the_caller_may_see(
    api: Api, agreement: Deployment, coordinator: User, stranger: User
) -> None:
    assert [d["id"] for d in api(coordinator).get("/deployments").json()] == [agreement.pk]
    assert api(stranger).get("/deployments").json() == []
    assert api(coordinator).get("/deployments?status=active").json() == []
