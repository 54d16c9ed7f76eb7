"""Bad input is never a 5xx (the contract's Conventions): a number beyond a field's range, an id
beyond the database's integer range, an academic year outside 2000-01…2098-99, null where a list
is expected and an impossible date are 422 with ``errors``; a body over the size limit is 413 with
a JSON ``detail``; every text has a maximum length. Nothing is written after any of them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.api.schemas import MAX_BODY_BYTES, MAX_ID, TEXT_MAX_LENGTH
from syslead.brokering.models import AllocationRun, SupportRequest
from syslead.charging.models import ChargingPolicy
from syslead.deployments.models import Deployment
from syslead.deployments.services import deployment_create, deployment_sign
from syslead.deployments.tests.factories import agreement_kwargs, make_leader, make_request
from syslead.leaders.models import LeaderProfile, ReleaseAgreement
from syslead.leaders.selectors import leader_phases
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.visits.models import Visit

ApiFactory = Callable[[User | None], Any]

TOO_BIG_ID = 2**63  # 9223372036854775808: one beyond a 64-bit signed integer
BAD_YEARS = ["0000-01", "9999-00", "1999-00", "2099-00"]


@pytest.fixture
def leader(leader_user: User, home_school: School, alliance: Organisation) -> LeaderProfile:
    return make_leader(leader_user, home_school, alliance)


@pytest.fixture
def active(
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    leader: LeaderProfile,
    home_head: User,
    client_head: User,
    broker_lead: User,
    leader_user: User,
) -> Deployment:
    request = make_request(alliance, client_school, chosen_leader=leader)
    deployment = deployment_create(
        actor=coordinator, support_request=request, leader=leader, **agreement_kwargs()
    )
    for person in (leader_user, home_head, client_head, broker_lead):
        deployment = deployment_sign(actor=person, deployment=deployment)
    return deployment


def _patch(api_client: Any, path: str, body: Any) -> Any:
    return api_client.client.patch(
        f"/api/v1{path}",
        data=json.dumps(body),
        content_type="application/json",
        headers=api_client.headers,
    )


def _assert_422_on(response: Any, field: str) -> None:
    assert response.status_code == 422, response.content
    body = response.json()
    assert isinstance(body["detail"], str)
    assert field in body["errors"], body


def _leader_body(user: User, school: School, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "user": user.pk,
        "home_school": school.urn,
        "job_title": "Deputy headteacher",
        "specialisms": ["maths"],
        "phases": ["primary"],
        "pen_portrait": "",
        "core_training_completed_on": None,
    }
    body.update(overrides)
    return body


# --- null where a list is expected -------------------------------------------------------------


@pytest.mark.parametrize("field", ["phases", "specialisms"])
def test_null_for_a_leaders_list_is_422_on_create(
    api: ApiFactory, coordinator: User, stranger: User, home_school: School, field: str
) -> None:
    before = LeaderProfile.objects.count()
    response = api(coordinator).post(
        "/leaders", _leader_body(stranger, home_school, **{field: None})
    )
    _assert_422_on(response, field)
    assert LeaderProfile.objects.count() == before


@pytest.mark.parametrize("field", ["phases", "specialisms", "job_title", "home_school"])
def test_null_for_a_leaders_field_is_422_on_patch(
    api: ApiFactory, coordinator: User, leader: LeaderProfile, field: str
) -> None:
    response = _patch(api(coordinator), f"/leaders/{leader.pk}", {field: None})
    _assert_422_on(response, field)
    leader.refresh_from_db()
    assert leader.job_title == "Maths lead"
    assert leader_phases(leader) == ["primary"]


# --- numbers beyond a field's range --------------------------------------------------------------


@pytest.mark.parametrize("days", [1e30, "1e30", -1, 100_000, "NaN", "Infinity"])
def test_release_days_beyond_range_are_422(
    api: ApiFactory, coordinator: User, leader: LeaderProfile, days: Any
) -> None:
    response = api(coordinator).put(
        f"/leaders/{leader.pk}/release/2027-28", {"days": days, "agreed_on": "2027-07-01"}
    )
    _assert_422_on(response, "days")
    assert not ReleaseAgreement.objects.filter(academic_year="2027-28").exists()


def test_days_requested_of_1e30_is_422(
    api: ApiFactory, coordinator: User, alliance: Organisation, client_school: School
) -> None:
    response = api(coordinator).post(
        "/support-requests",
        {
            "school": client_school.urn,
            "organisation": alliance.pk,
            "route": "school",
            "needs": ["maths"],
            "days_requested": 1e30,
            "summary": "Maths.",
        },
    )
    _assert_422_on(response, "days_requested")
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize(
    "field",
    ["full_day_rate", "half_day_rate", "full_day_broker_fee", "half_day_broker_fee"],
)
def test_a_rate_of_1e30_is_422(
    api: ApiFactory, coordinator: User, alliance: Organisation, field: str
) -> None:
    body = {
        "full_day_rate": "350.00",
        "half_day_rate": "150.00",
        "full_day_broker_fee": "50.00",
        "half_day_broker_fee": "25.00",
        field: 1e30,
    }
    response = api(coordinator).put(f"/organisations/{alliance.pk}/charging-policies/2026-27", body)
    _assert_422_on(response, field)
    assert not ChargingPolicy.objects.exists()


@pytest.mark.parametrize("field", ["full_days", "half_days", "twilight_sessions"])
def test_agreement_sessions_beyond_range_are_422(
    api: ApiFactory,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    leader: LeaderProfile,
    field: str,
) -> None:
    request = make_request(alliance, client_school, chosen_leader=leader)
    body = {
        "support_request": request.pk,
        "leader": leader.pk,
        "starts_on": "2027-01-04",
        "ends_on": "2027-04-30",
        "aims": ["Reasoning."],
        field: 1e30,
    }
    response = api(coordinator).post("/deployments", body)
    _assert_422_on(response, field)
    assert not Deployment.objects.exists()


def test_visit_hours_of_1e30_are_422(
    api: ApiFactory, leader_user: User, active: Deployment
) -> None:
    response = api(leader_user).post(
        f"/deployments/{active.pk}/visits",
        {"date": "2027-01-11", "session": "full_day", "hours": 1e30, "focus": "Maths."},
    )
    _assert_422_on(response, "hours")
    assert not Visit.objects.exists()


# --- ids beyond the database's integer range ------------------------------------------------------


def test_an_id_beyond_the_integer_range_in_an_allocation_run_is_422(
    api: ApiFactory, coordinator: User, alliance: Organisation
) -> None:
    response = api(coordinator).post(
        f"/organisations/{alliance.pk}/allocation-runs",
        {"academic_year": "2026-27", "support_requests": [TOO_BIG_ID]},
    )
    _assert_422_on(response, "support_requests")
    assert not AllocationRun.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/leaders/{id}",
        "/leaders/{id}/capacity/2026-27",
        "/support-requests/{id}",
        "/support-requests/{id}/timeline",
        "/support-requests/{id}/shortlist",
        "/deployments/{id}",
        "/deployments/{id}/visits",
        "/deployments/{id}/evaluation",
        "/visits/{id}",
        "/allocation-runs/{id}",
        "/organisations/{id}/unmet-demand",
        "/organisations/{id}/charging-policies/2026-27",
        "/schools/{id}",
        "/reports/kpis?organisation={id}",
    ],
)
def test_an_id_beyond_the_integer_range_in_a_path_is_422(
    api: ApiFactory, coordinator: User, path: str
) -> None:
    response = api(coordinator).get(path.format(id=TOO_BIG_ID))
    assert response.status_code == 422, response.content
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/leaders", {"user": TOO_BIG_ID, "home_school": 1, "job_title": "x"}),
        ("/support-requests/{id}/approaches", {"leader": TOO_BIG_ID}),
        (
            "/deployments",
            {"support_request": TOO_BIG_ID, "starts_on": "2027-01-04", "ends_on": "2027-02-04"},
        ),
        (
            "/users",
            {
                "email": "a@b.example",
                "name": "A",
                "roles": [{"role": "coordinator", "organisation": TOO_BIG_ID}],
            },
        ),
    ],
)
def test_an_id_beyond_the_integer_range_in_a_body_is_422(
    api: ApiFactory, coordinator: User, path: str, body: dict[str, Any]
) -> None:
    response = api(coordinator).post(path.format(id=1), body)
    assert response.status_code == 422, response.content


# --- academic years ------------------------------------------------------------------------------


@pytest.mark.parametrize("year", BAD_YEARS)
def test_a_kpi_year_outside_the_range_is_422(
    api: ApiFactory, coordinator: User, alliance: Organisation, year: str
) -> None:
    response = api(coordinator).get(
        f"/reports/kpis?organisation={alliance.pk}&academic_year={year}"
    )
    _assert_422_on(response, "academic_year")


@pytest.mark.parametrize("year", BAD_YEARS)
def test_a_release_year_outside_the_range_is_422(
    api: ApiFactory, coordinator: User, leader: LeaderProfile, year: str
) -> None:
    response = api(coordinator).put(
        f"/leaders/{leader.pk}/release/{year}", {"days": 5, "agreed_on": "2026-07-01"}
    )
    _assert_422_on(response, "academic_year")
    assert not ReleaseAgreement.objects.filter(academic_year=year).exists()


@pytest.mark.parametrize("year", BAD_YEARS)
def test_a_capacity_year_outside_the_range_is_422(
    api: ApiFactory, coordinator: User, leader: LeaderProfile, year: str
) -> None:
    _assert_422_on(api(coordinator).get(f"/leaders/{leader.pk}/capacity/{year}"), "academic_year")


@pytest.mark.parametrize("year", [*BAD_YEARS, "2025-27", "25-26"])
def test_a_support_request_year_outside_the_range_is_422(
    api: ApiFactory, coordinator: User, alliance: Organisation, client_school: School, year: str
) -> None:
    response = api(coordinator).post(
        "/support-requests",
        {
            "school": client_school.urn,
            "organisation": alliance.pk,
            "route": "school",
            "needs": ["maths"],
            "days_requested": 5,
            "summary": "Maths.",
            "academic_year": year,
        },
    )
    _assert_422_on(response, "academic_year")
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize("year", BAD_YEARS)
def test_a_charging_policy_year_outside_the_range_is_422(
    api: ApiFactory, coordinator: User, alliance: Organisation, year: str
) -> None:
    client = api(coordinator)
    path = f"/organisations/{alliance.pk}/charging-policies/{year}"
    _assert_422_on(client.get(path), "academic_year")
    body = {
        "full_day_rate": "350.00",
        "half_day_rate": "150.00",
        "full_day_broker_fee": "50.00",
        "half_day_broker_fee": "25.00",
    }
    _assert_422_on(client.put(path, body), "academic_year")
    assert not ChargingPolicy.objects.exists()


@pytest.mark.parametrize("year", BAD_YEARS)
def test_an_unmet_demand_or_allocation_year_outside_the_range_is_422(
    api: ApiFactory, coordinator: User, alliance: Organisation, year: str
) -> None:
    client = api(coordinator)
    response = client.get(f"/organisations/{alliance.pk}/unmet-demand?academic_year={year}")
    _assert_422_on(response, "academic_year")
    response = client.post(f"/organisations/{alliance.pk}/allocation-runs", {"academic_year": year})
    _assert_422_on(response, "academic_year")
    assert not AllocationRun.objects.exists()


def test_the_first_and_last_academic_years_are_accepted(
    api: ApiFactory, coordinator: User, leader: LeaderProfile
) -> None:
    client = api(coordinator)
    assert client.get(f"/leaders/{leader.pk}/capacity/2000-01").status_code == 200
    assert client.get(f"/leaders/{leader.pk}/capacity/2098-99").status_code == 200


# --- impossible dates ----------------------------------------------------------------------------


def test_an_impossible_date_is_422(
    api: ApiFactory, coordinator: User, leader: LeaderProfile
) -> None:
    response = api(coordinator).put(
        f"/leaders/{leader.pk}/release/2026-27", {"days": 5, "agreed_on": "2026-02-30"}
    )
    _assert_422_on(response, "agreed_on")


# --- sizes ---------------------------------------------------------------------------------------


def test_a_body_over_the_size_limit_is_413_with_a_json_detail(
    api: ApiFactory, coordinator: User, alliance: Organisation
) -> None:
    body = {"name": "x" * (MAX_BODY_BYTES + 10), "kind": "trust"}
    response = api(coordinator).post("/organisations", body)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "2.5 MB" in response.json()["detail"]
    assert Organisation.objects.count() == 1


def test_a_focus_over_its_maximum_length_is_422_and_not_saved(
    api: ApiFactory, leader_user: User, active: Deployment
) -> None:
    response = api(leader_user).post(
        f"/deployments/{active.pk}/visits",
        {
            "date": "2027-01-11",
            "session": "full_day",
            "hours": 6,
            "focus": "x" * (2 * 1024 * 1024),
        },
    )
    _assert_422_on(response, "focus")
    assert not Visit.objects.exists()


def test_a_text_at_its_maximum_length_is_accepted(
    api: ApiFactory, leader_user: User, active: Deployment
) -> None:
    response = api(leader_user).post(
        f"/deployments/{active.pk}/visits",
        {"date": "2027-01-11", "session": "full_day", "hours": 6, "focus": "x" * TEXT_MAX_LENGTH},
    )
    assert response.status_code == 201, response.content


def test_a_list_over_its_maximum_length_is_422(
    api: ApiFactory, coordinator: User, alliance: Organisation, client_school: School
) -> None:
    response = api(coordinator).post(
        "/support-requests",
        {
            "school": client_school.urn,
            "organisation": alliance.pk,
            "route": "school",
            "needs": ["maths"] * 1000,
            "days_requested": 5,
            "summary": "Maths.",
        },
    )
    _assert_422_on(response, "needs")


def test_a_shortlist_limit_out_of_range_is_422(
    api: ApiFactory, coordinator: User, alliance: Organisation, client_school: School
) -> None:
    request = make_request(alliance, client_school)
    client = api(coordinator)
    for limit in (0, 101, TOO_BIG_ID):
        response = client.get(f"/support-requests/{request.pk}/shortlist?limit={limit}")
        _assert_422_on(response, "limit")


def test_a_shortlist_reason_that_is_too_long_or_not_text_is_422_and_nothing_is_saved(
    api: ApiFactory, coordinator: User, alliance: Organisation, client_school: School
) -> None:
    request = make_request(alliance, client_school)
    client = api(coordinator)
    for reason in ("x" * (TEXT_MAX_LENGTH + 1), 12, ["a"]):
        response = client.post(f"/support-requests/{request.pk}/shortlist", {"reason": reason})
        _assert_422_on(response, "reason")
    assert not request.shortlist.exists()


def test_a_shortlist_body_that_is_not_a_json_object_is_400(
    api: ApiFactory, coordinator: User, alliance: Organisation, client_school: School
) -> None:
    request = make_request(alliance, client_school)
    response = api(coordinator).post(f"/support-requests/{request.pk}/shortlist", ["reason"])
    assert response.status_code == 400
    assert response.json()["detail"] == "The request body must be a JSON object."


def test_openapi_states_the_shortlist_reason_limit() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    save = document["paths"]["/api/v1/support-requests/{request_id}/shortlist"]["post"]
    body = save["requestBody"]
    assert body["required"] is False
    reason = body["content"]["application/json"]["schema"]["properties"]["reason"]
    assert reason["maxLength"] == TEXT_MAX_LENGTH


# --- the OpenAPI document states the limits ------------------------------------------------------


def test_openapi_states_the_academic_year_pattern_ids_and_limits(
    api: ApiFactory, coordinator: User
) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    paths = document["paths"]
    release = paths["/api/v1/leaders/{leader_id}/release/{academic_year}"]["put"]
    params = {p["name"]: p["schema"] for p in release["parameters"]}
    assert params["academic_year"]["pattern"] == r"^20\d\d-\d\d$"
    assert params["leader_id"]["minimum"] == 1
    assert params["leader_id"]["maximum"] == MAX_ID
    shortlist = paths["/api/v1/support-requests/{request_id}/shortlist"]["get"]
    limit = next(p for p in shortlist["parameters"] if p["name"] == "limit")["schema"]
    assert (limit["minimum"], limit["maximum"]) == (1, 100)
    visit = document["components"]["schemas"]["VisitIn"]["properties"]
    assert visit["focus"]["maxLength"] == TEXT_MAX_LENGTH
    assert visit["hours"]["anyOf"] or visit["hours"]


def test_every_string_in_every_request_body_has_a_maximum_length(
    api: ApiFactory, coordinator: User
) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    unbounded: list[str] = []

    def visit(name: str, schema: dict[str, Any]) -> None:
        if "$ref" in schema:
            return
        bounded = "maxLength" in schema or "enum" in schema
        dated = schema.get("format") in ("date", "date-time")
        if schema.get("type") == "string" and not bounded and not dated:
            unbounded.append(name)
        if schema.get("type") == "array" and "maxItems" not in schema:
            unbounded.append(name + "[]")
        for key in ("anyOf", "oneOf", "allOf"):
            for i, sub in enumerate(schema.get(key, [])):
                visit(f"{name}<{i}>", sub)
        if "items" in schema:
            visit(name + "[]", schema["items"])
        for prop, sub in schema.get("properties", {}).items():
            visit(f"{name}.{prop}", sub)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            visit(name + "{}", extra)

    for name, schema in schemas.items():
        if name.endswith(("In", "Patch")):
            visit(name, schema)
    assert unbounded == []
