"""POST /deployments/{id}/visits and POST /visits/{id}/agree, exactly as the contract says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from syslead.accounts.models import User
from syslead.capacity.ledger import leader_capacity
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.visits.models import Visit

ApiFactory = Callable[[User | None], Any]


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "date": "2025-10-06",
        "session": "full_day",
        "hours": 6,
        "focus": "Maths book scrutiny with the maths leader",
        "progress": "Agreed a consistent feedback policy.",
        "actions": [
            {"owner": "leader", "action": "Send exemplars", "due_on": "2025-10-13"},
            {"owner": "school", "action": "Run a book look", "due_on": "2025-10-20"},
        ],
        "issues": "",
    }
    body.update(overrides)
    return body


def test_the_leader_records_a_visit(
    api: ApiFactory, leader_user: User, deployment: Deployment
) -> None:
    response = api(leader_user).post(f"/deployments/{deployment.pk}/visits", _body())
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "awaiting_agreement"
    visit = Visit.objects.get(pk=body["id"])
    assert visit.action_points.count() == 2


@pytest.mark.parametrize("who", ["client_head", "home_head", "coordinator", "broker_lead"])
def test_others_who_can_see_the_agreement_get_403(
    request: pytest.FixtureRequest, api: ApiFactory, deployment: Deployment, who: str
) -> None:
    response = api(request.getfixturevalue(who)).post(
        f"/deployments/{deployment.pk}/visits", _body()
    )
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not Visit.objects.exists()


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "other_head", "sip"])
def test_those_who_cannot_see_the_agreement_get_404(
    request: pytest.FixtureRequest, api: ApiFactory, deployment: Deployment, who: str
) -> None:
    response = api(request.getfixturevalue(who)).post(
        f"/deployments/{deployment.pk}/visits", _body()
    )
    assert response.status_code == 404
    assert (
        api(request.getfixturevalue(who)).post("/deployments/999999/visits", _body()).status_code
        == 404
    )


def test_no_token_is_401(api: ApiFactory, deployment: Deployment) -> None:
    assert api(None).post(f"/deployments/{deployment.pk}/visits", _body()).status_code == 401


@pytest.mark.parametrize("status", ["awaiting_signatures", "completed", "cancelled"])
def test_only_while_active_409(
    api: ApiFactory, leader_user: User, deployment: Deployment, status: str
) -> None:
    Deployment.objects.filter(pk=deployment.pk).update(status=status)
    response = api(leader_user).post(f"/deployments/{deployment.pk}/visits", _body())
    assert response.status_code == 409
    assert response.json()["detail"]
    assert not Visit.objects.exists()


@pytest.mark.parametrize("day", ["2025-09-07", "2026-03-28", "2027-01-01"])
def test_a_date_outside_the_agreement_is_422_with_errors_date(
    api: ApiFactory, leader_user: User, deployment: Deployment, day: str
) -> None:
    response = api(leader_user).post(f"/deployments/{deployment.pk}/visits", _body(date=day))
    assert response.status_code == 422
    body = response.json()
    assert list(body["errors"]) == ["date"]
    assert body["detail"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("session", "morning"),
        ("date", "06/10/2025"),
        ("hours", -1),
        ("actions", [{"owner": "governors", "action": "x", "due_on": "2025-10-13"}]),
        ("actions", [{"owner": "leader", "action": "x"}]),
    ],
)
def test_invalid_fields_are_422_keyed_by_field(
    api: ApiFactory, leader_user: User, deployment: Deployment, field: str, value: Any
) -> None:
    response = api(leader_user).post(
        f"/deployments/{deployment.pk}/visits", _body(**{field: value})
    )
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_the_supported_head_agrees_and_the_day_is_delivered(
    api: ApiFactory,
    leader_user: User,
    client_head: User,
    deployment: Deployment,
) -> None:
    visit_id = (
        api(leader_user)
        .post(f"/deployments/{deployment.pk}/visits", _body(session="twilight", hours=1.5))
        .json()["id"]
    )
    response = api(client_head).post(f"/visits/{visit_id}/agree")
    assert response.status_code == 200
    assert response.json()["status"] == "agreed"
    assert leader_capacity(deployment.leader, "2025-26").delivered == pytest.approx(0.5)
    again = api(client_head).post(f"/visits/{visit_id}/agree")
    assert again.status_code == 409


@pytest.mark.parametrize("who", ["leader_user", "home_head", "coordinator", "broker_lead"])
def test_only_the_supported_head_agrees_403(
    request: pytest.FixtureRequest,
    api: ApiFactory,
    leader_user: User,
    deployment: Deployment,
    who: str,
) -> None:
    visit_id = api(leader_user).post(f"/deployments/{deployment.pk}/visits", _body()).json()["id"]
    assert api(request.getfixturevalue(who)).post(f"/visits/{visit_id}/agree").status_code == 403


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "other_head"])
def test_outsiders_cannot_find_a_visit_404(
    request: pytest.FixtureRequest,
    api: ApiFactory,
    leader_user: User,
    deployment: Deployment,
    who: str,
) -> None:
    visit_id = api(leader_user).post(f"/deployments/{deployment.pk}/visits", _body()).json()["id"]
    outsider = api(request.getfixturevalue(who))
    assert outsider.post(f"/visits/{visit_id}/agree").status_code == 404
    assert outsider.get(f"/visits/{visit_id}").status_code == 404
    assert outsider.get(f"/deployments/{deployment.pk}/visits").status_code == 404


def test_changes_requested_then_sign_off_through_the_api(
    api: ApiFactory, leader_user: User, client_head: User, deployment: Deployment
) -> None:
    visit_id = api(leader_user).post(f"/deployments/{deployment.pk}/visits", _body()).json()["id"]
    changes = api(client_head).post(f"/visits/{visit_id}/request-changes", {"comment": "Dates"})
    assert changes.json()["status"] == "changes_requested"
    read = api(leader_user).get(f"/visits/{visit_id}").json()
    assert read["changes_comment"] == "Dates"
    assert [a["owner"] for a in read["actions"]] == ["leader", "school"]
    assert api(leader_user).post(f"/visits/{visit_id}/sign-off").status_code == 409


def test_a_sip_reads_la_route_visits(
    api: ApiFactory, leader_user: User, sip: User, la_deployment: Deployment
) -> None:
    api(leader_user).post(f"/deployments/{la_deployment.pk}/visits", _body())
    listed = api(sip).get(f"/deployments/{la_deployment.pk}/visits")
    assert listed.status_code == 200
    assert len(listed.json()) == 1
    assert la_deployment.status == DeploymentStatus.ACTIVE
