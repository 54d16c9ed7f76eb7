"""The API contract for requests and brokering (docs/api.md): POST /support-requests and
GET /support-requests/{id}/shortlist, with access, plus the brokering actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from syslead.accounts.models import User
from syslead.brokering.models import RequestStatus, Route, SupportRequest
from syslead.brokering.tests import factories
from syslead.core.academic_years import AcademicYear
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

ApiFactory = Callable[[User | None], Any]


def _body(for_school: School, organisation: Organisation, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "school": for_school.urn,
        "organisation": organisation.pk,
        "route": "school",
        "needs": ["maths"],
        "days_requested": 5,
        "summary": "Maths leadership in Key Stage 2.",
    }
    body.update(extra)
    return body


def test_headteacher_creates_a_request_for_their_school(
    api: ApiFactory, client_head: User, client_school: School, alliance: Organisation
) -> None:
    response = api(client_head).post("/support-requests", _body(client_school, alliance))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "open"
    assert isinstance(data["id"], int)
    assert data["school"] == client_school.urn
    assert data["organisation"] == alliance.pk
    assert data["route"] == "school"
    assert data["needs"] == ["maths"]
    assert data["days_requested"] == 5
    assert data["phase"] == "primary"
    assert data["academic_year"] == AcademicYear.current().label
    assert SupportRequest.objects.get(pk=data["id"]).raised_by == client_head


def test_coordinator_creates_an_la_route_request_for_a_given_year(
    api: ApiFactory, coordinator: User, client_school: School, alliance: Organisation
) -> None:
    response = api(coordinator).post(
        "/support-requests",
        _body(
            client_school,
            alliance,
            route="local_authority",
            academic_year="2026-27",
            days_requested=7.5,
            needs=["maths", "leadership"],
        ),
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["academic_year"] == "2026-27"
    assert data["days_requested"] == 7.5
    assert data["la_criteria"] == ["sip_or_head_identified"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("school", 999999),
        ("route", "by_pigeon"),
        ("needs", ["knitting"]),
        ("days_requested", 0),
        ("days_requested", -1),
        ("academic_year", "2025-27"),
    ],
)
def test_invalid_fields_are_422_with_the_field_named(
    api: ApiFactory,
    coordinator: User,
    client_school: School,
    alliance: Organisation,
    field: str,
    value: Any,
) -> None:
    response = api(coordinator).post(
        "/support-requests", _body(client_school, alliance, **{field: value})
    )
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert response.json()["detail"]
    assert not SupportRequest.objects.exists()


def test_missing_fields_are_422(
    api: ApiFactory, coordinator: User, client_school: School, alliance: Organisation
) -> None:
    body = _body(client_school, alliance)
    del body["needs"]
    response = api(coordinator).post("/support-requests", body)
    assert response.status_code == 422
    assert "needs" in response.json()["errors"]


def test_malformed_json_is_400(api: ApiFactory, coordinator: User) -> None:
    assert api(coordinator).post("/support-requests", raw="{not json").status_code == 400


@pytest.mark.parametrize("persona", ["stranger", "other_coordinator", "leader_user", "home_head"])
def test_people_without_the_right_are_refused_creating(
    request: pytest.FixtureRequest,
    api: ApiFactory,
    client_school: School,
    alliance: Organisation,
    persona: str,
) -> None:
    user = request.getfixturevalue(persona)
    response = api(user).post("/support-requests", _body(client_school, alliance))
    assert response.status_code == 403
    assert response.json()["detail"]


def test_headteacher_creating_for_another_school_is_403(
    api: ApiFactory, client_head: User, home_school: School, alliance: Organisation
) -> None:
    response = api(client_head).post("/support-requests", _body(home_school, alliance))
    assert response.status_code == 403


def test_without_a_token_is_401(
    api: ApiFactory, client_school: School, alliance: Organisation, maths_request: SupportRequest
) -> None:
    assert api(None).post("/support-requests", _body(client_school, alliance)).status_code == 401
    assert api(None).get(f"/support-requests/{maths_request.pk}/shortlist").status_code == 401


# --- The shortlist --------------------------------------------------------------------------


def test_shortlist_lists_candidates_and_excluded_as_the_contract_says(
    api: ApiFactory,
    coordinator: User,
    lee: LeaderProfile,
    maths_request: SupportRequest,
    alliance: Organisation,
    home_school: School,
    other_org: Organisation,
) -> None:
    untrained = factories.leader(home_school, organisation=alliance, trained=False)
    outsider = factories.leader(home_school, organisation=other_org)
    response = api(coordinator).get(f"/support-requests/{maths_request.pk}/shortlist")
    assert response.status_code == 200
    data = response.json()
    [candidate] = data["candidates"]
    assert candidate["leader"] == lee.pk
    assert isinstance(candidate["score"], int | float)
    assert 0 <= candidate["score"] <= 100
    assert isinstance(candidate["distance_km"], int | float)
    assert candidate["distance_km"] == pytest.approx(1.4, abs=0.1)
    assert candidate["remaining_days"] == 10
    assert candidate["reasons"][0] == "Specialism: maths matches (30/30)"
    assert data["excluded"] == [
        {
            "leader": untrained.pk,
            "leader_name": untrained.user.name,
            "reasons": ["Core training not completed"],
            "rules": ["core_training"],
        }
    ]
    ids = {c["leader"] for c in data["candidates"]} | {e["leader"] for e in data["excluded"]}
    assert outsider.pk not in ids


def test_shortlist_limit(
    api: ApiFactory,
    broker_lead: User,
    maths_request: SupportRequest,
    alliance: Organisation,
    home_school: School,
) -> None:
    for _ in range(5):
        factories.leader(home_school, organisation=alliance)
    client = api(broker_lead)
    assert (
        len(client.get(f"/support-requests/{maths_request.pk}/shortlist").json()["candidates"]) == 3
    )
    assert (
        len(
            client.get(f"/support-requests/{maths_request.pk}/shortlist?limit=5").json()[
                "candidates"
            ]
        )
        == 5
    )
    assert client.get(f"/support-requests/{maths_request.pk}/shortlist?limit=0").status_code == 422


@pytest.mark.parametrize(("persona", "status"), [("client_head", 403), ("sip", 403)])
def test_people_who_see_the_request_but_not_its_shortlist_get_403(
    request: pytest.FixtureRequest,
    api: ApiFactory,
    maths_request: SupportRequest,
    persona: str,
    status: int,
) -> None:
    user = request.getfixturevalue(persona)
    if persona == "sip":  # a SIP sees only the local authority route's requests
        SupportRequest.objects.filter(pk=maths_request.pk).update(route=Route.LOCAL_AUTHORITY)
    assert api(user).get(f"/support-requests/{maths_request.pk}").status_code == 200
    assert api(user).get(f"/support-requests/{maths_request.pk}/shortlist").status_code == status


@pytest.mark.parametrize("persona", ["stranger", "other_coordinator", "home_head", "leader_user"])
def test_people_who_cannot_see_the_request_get_404(
    request: pytest.FixtureRequest, api: ApiFactory, maths_request: SupportRequest, persona: str
) -> None:
    client = api(request.getfixturevalue(persona))
    assert client.get(f"/support-requests/{maths_request.pk}/shortlist").status_code == 404
    assert client.get(f"/support-requests/{maths_request.pk}").status_code == 404
    assert client.get(f"/support-requests/{maths_request.pk}/timeline").status_code == 404


def test_unknown_request_is_404(api: ApiFactory, coordinator: User) -> None:
    assert api(coordinator).get("/support-requests/999999/shortlist").status_code == 404


# --- Brokering actions through the API ------------------------------------------------------------


def test_a_request_brokered_end_to_end_through_the_api(
    api: ApiFactory,
    coordinator: User,
    client_head: User,
    lee: LeaderProfile,
    maths_request: SupportRequest,
) -> None:
    broker = api(coordinator)
    # Only Lee fits: a shortlist of fewer than three needs its reason.
    no_reason = broker.post(f"/support-requests/{maths_request.pk}/shortlist")
    assert no_reason.status_code == 422
    assert "reason" in no_reason.json()["errors"]
    saved = broker.post(
        f"/support-requests/{maths_request.pk}/shortlist", {"reason": "Only Lee fits"}
    )
    assert saved.status_code == 201
    assert [e["leader"] for e in saved.json()] == [lee.pk]
    sent = broker.post(f"/support-requests/{maths_request.pk}/approaches", {"leader": lee.pk})
    assert sent.status_code == 201
    approach_id = sent.json()["id"]
    assert broker.post(f"/approaches/{approach_id}/answer", {"accept": True}).status_code == 403
    no_reason = api(lee.user).post(f"/approaches/{approach_id}/answer", {"accept": False})
    assert no_reason.status_code == 422
    accepted = api(lee.user).post(f"/approaches/{approach_id}/answer", {"accept": True})
    assert accepted.json()["status"] == "accepted"
    chosen = api(client_head).post(
        f"/support-requests/{maths_request.pk}/choice", {"leader": lee.pk}
    )
    assert chosen.status_code == 200
    assert chosen.json()["status"] == RequestStatus.MATCHED
    assert chosen.json()["chosen_leader"] == lee.pk
    timeline = broker.get(f"/support-requests/{maths_request.pk}/timeline").json()
    assert [e["verb"] for e in timeline][-1] == "request.leader_chosen"


def test_state_rules_are_409_with_the_rule_named(
    api: ApiFactory, coordinator: User, maths_request: SupportRequest
) -> None:
    response = api(coordinator).post(f"/support-requests/{maths_request.pk}/shortlist")
    assert response.status_code == 409
    assert response.json()["rule"] == "no_candidates"


def test_commission_through_the_api(
    api: ApiFactory,
    coordinator: User,
    other_coordinator: User,
    stranger: User,
    maths_request: SupportRequest,
    other_org: Organisation,
) -> None:
    shared = factories.leader(
        factories.school("Shared"), organisation=other_org, exclusive=True, publish_profile=True
    )
    assert (
        api(stranger)
        .post(f"/support-requests/{maths_request.pk}/commissions", {"leader": shared.pk})
        .status_code
        == 404
    )
    # Nobody asked the other organisation: offering its leader shows it nothing.
    assert (
        api(other_coordinator)
        .post(f"/support-requests/{maths_request.pk}/commissions", {"leader": shared.pk})
        .status_code
        == 404
    )
    offered = api(coordinator).post(
        f"/support-requests/{maths_request.pk}/commissions", {"leader": shared.pk}
    )
    assert offered.status_code == 201, offered.json()
    commission_id = offered.json()["id"]
    assert (
        api(coordinator)
        .post(f"/commissions/{commission_id}/decision", {"approve": True})
        .status_code
        == 403
    )
    assert (
        api(stranger).post(f"/commissions/{commission_id}/decision", {"approve": True}).status_code
        == 404
    )
    decided = api(other_coordinator).post(
        f"/commissions/{commission_id}/decision", {"approve": True}
    )
    assert decided.json()["status"] == "approved"
    shortlist = api(coordinator).get(f"/support-requests/{maths_request.pk}/shortlist").json()
    assert [c["leader"] for c in shortlist["candidates"]] == [shared.pk]


def test_allocation_through_the_api(
    api: ApiFactory,
    coordinator: User,
    stranger: User,
    alliance: Organisation,
    lee: LeaderProfile,
    maths_request: SupportRequest,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert (
        api(stranger).post(f"/organisations/{alliance.pk}/allocation-runs", {}).status_code == 404
    )
    with django_capture_on_commit_callbacks(execute=True):
        started = api(coordinator).post(f"/organisations/{alliance.pk}/allocation-runs", {})
    assert started.status_code == 202, started.json()
    run_id = started.json()["id"]
    assert api(stranger).get(f"/allocation-runs/{run_id}").status_code == 404
    run = api(coordinator).get(f"/allocation-runs/{run_id}").json()
    assert run["status"] == "ready"
    assert run["matches"][0]["leader"] == lee.pk
    assert api(stranger).post(f"/allocation-runs/{run_id}/approve").status_code == 404
    approved = api(coordinator).post(f"/allocation-runs/{run_id}/approve")
    assert approved.json()["status"] == "approved"


def test_unmet_demand_through_the_api(
    api: ApiFactory,
    broker_lead: User,
    stranger: User,
    alliance: Organisation,
    maths_request: SupportRequest,
) -> None:
    url = f"/organisations/{alliance.pk}/unmet-demand?academic_year={factories.YEAR}"
    assert api(stranger).get(url).status_code == 404
    rows = api(broker_lead).get(url).json()
    assert rows[0]["specialism"] == "maths"
    assert rows[0]["gap_days"] == 5
    bad = api(broker_lead).get(f"/organisations/{alliance.pk}/unmet-demand?academic_year=2025-27")
    assert bad.status_code == 422


def test_stranger_sees_no_requests_in_the_list(
    api: ApiFactory, stranger: User, coordinator: User, maths_request: SupportRequest
) -> None:
    assert api(stranger).get("/support-requests").json() == []
    assert [r["id"] for r in api(coordinator).get("/support-requests").json()] == [maths_request.pk]


def test_stranger_is_refused_on_every_brokering_endpoint(
    api: ApiFactory,
    stranger: User,
    coordinator: User,
    lee: LeaderProfile,
    maths_request: SupportRequest,
    alliance: Organisation,
    client_school: School,
) -> None:
    broker = api(coordinator)
    broker.post(f"/support-requests/{maths_request.pk}/shortlist", {"reason": "Only Lee fits"})
    approach = broker.post(f"/support-requests/{maths_request.pk}/approaches", {"leader": lee.pk})
    approach_id = approach.json()["id"]
    client = api(stranger)
    rid = maths_request.pk
    calls = [
        ("post", "/support-requests", _body(client_school, alliance), 403),
        ("get", f"/support-requests/{rid}", None, 404),
        ("get", f"/support-requests/{rid}/timeline", None, 404),
        ("get", f"/support-requests/{rid}/shortlist", None, 404),
        ("post", f"/support-requests/{rid}/shortlist", None, 404),
        ("post", f"/support-requests/{rid}/approaches", {"leader": lee.pk}, 404),
        ("post", f"/approaches/{approach_id}/answer", {"accept": True}, 404),
        ("post", f"/support-requests/{rid}/choice", {"leader": lee.pk}, 404),
        ("post", f"/support-requests/{rid}/commissions", {"leader": lee.pk}, 404),
        ("post", f"/organisations/{alliance.pk}/allocation-runs", {}, 404),
        ("get", f"/organisations/{alliance.pk}/unmet-demand", None, 404),
    ]
    for method, path, body, status in calls:
        response = (
            getattr(client, method)(path, body)
            if body is not None
            else getattr(client, method)(path)
        )
        assert response.status_code == status, (method, path, response.json())
        assert response.json()["detail"]
    assert SupportRequest.objects.count() == 1
