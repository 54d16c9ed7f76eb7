"""POST /deployments/{id}/evaluation: the nine items rated, once per agreement, only by the
supported school's headteacher, while the agreement is active or completed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from syslead.accounts.models import User
from syslead.deployments.models import Deployment
from syslead.evaluation.models import Evaluation, EvaluationItem

ApiFactory = Callable[[User | None], Any]
ITEMS = [
    "progress_made",
    "evidence_of_impact",
    "objectives_set",
    "information_and_reports",
    "outcomes_and_priorities",
    "headteacher_experience",
    "staff_experience",
    "quality_of_support",
    "overall_success",
]


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "ratings": dict.fromkeys(ITEMS, "green") | {"staff_experience": "amber"},
        "comments": {item: f"Evidence for {item}" for item in ITEMS},
        "future_priorities": "Writing in KS2",
        "future_support_requested": "A writing SLE for two terms",
    }
    body.update(overrides)
    return body


def test_the_contract_names_the_nine_items() -> None:
    assert list(EvaluationItem.values) == ITEMS


def test_the_supported_head_evaluates(
    api: ApiFactory, client_head: User, deployment: Deployment
) -> None:
    response = api(client_head).post(f"/deployments/{deployment.pk}/evaluation", _body())
    assert response.status_code == 201
    body = response.json()
    assert body["ratings"]["staff_experience"] == "amber"
    assert body["ratings"]["overall_success"] == "green"
    assert body["comments"]["progress_made"] == "Evidence for progress_made"
    assert api(client_head).get(f"/deployments/{deployment.pk}/evaluation").json() == body


def test_once_per_agreement_409(api: ApiFactory, client_head: User, deployment: Deployment) -> None:
    api(client_head).post(f"/deployments/{deployment.pk}/evaluation", _body())
    again = api(client_head).post(f"/deployments/{deployment.pk}/evaluation", _body())
    assert again.status_code == 409
    assert Evaluation.objects.count() == 1


def test_a_completed_agreement_can_be_evaluated(
    api: ApiFactory, client_head: User, deployment: Deployment
) -> None:
    Deployment.objects.filter(pk=deployment.pk).update(status="completed")
    assert (
        api(client_head).post(f"/deployments/{deployment.pk}/evaluation", _body()).status_code
        == 201
    )


@pytest.mark.parametrize("status", ["awaiting_signatures", "cancelled", "ended_early", "paused"])
def test_not_while_the_agreement_is_not_active_or_completed_409(
    api: ApiFactory, client_head: User, deployment: Deployment, status: str
) -> None:
    Deployment.objects.filter(pk=deployment.pk).update(status=status)
    response = api(client_head).post(f"/deployments/{deployment.pk}/evaluation", _body())
    assert response.status_code == 409
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("who", ["leader_user", "home_head", "coordinator", "broker_lead"])
def test_only_the_supported_head_403(
    request: pytest.FixtureRequest, api: ApiFactory, deployment: Deployment, who: str
) -> None:
    response = api(request.getfixturevalue(who)).post(
        f"/deployments/{deployment.pk}/evaluation", _body()
    )
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "other_head", "sip"])
def test_outsiders_404(
    request: pytest.FixtureRequest,
    api: ApiFactory,
    client_head: User,
    deployment: Deployment,
    who: str,
) -> None:
    api(client_head).post(f"/deployments/{deployment.pk}/evaluation", _body())
    outsider = api(request.getfixturevalue(who))
    assert outsider.post(f"/deployments/{deployment.pk}/evaluation", _body()).status_code == 404
    assert outsider.get(f"/deployments/{deployment.pk}/evaluation").status_code == 404


@pytest.mark.parametrize(
    "ratings",
    [
        {item: "green" for item in ITEMS if item != "overall_success"},
        dict.fromkeys(ITEMS, "green") | {"quality_of_support": "blue"},
        dict.fromkeys(ITEMS, "green") | {"progress_made": ""},
        {},
        dict.fromkeys(ITEMS, "green") | {"value_for_money": "green"},
    ],
)
def test_each_of_the_nine_items_must_be_rated_red_amber_or_green_422(
    api: ApiFactory, client_head: User, deployment: Deployment, ratings: dict[str, str]
) -> None:
    response = api(client_head).post(
        f"/deployments/{deployment.pk}/evaluation", _body(ratings=ratings)
    )
    assert response.status_code == 422
    assert "ratings" in response.json()["errors"]
    assert not Evaluation.objects.exists()


def test_ratings_that_are_not_an_object_are_422(
    api: ApiFactory, client_head: User, deployment: Deployment
) -> None:
    response = api(client_head).post(
        f"/deployments/{deployment.pk}/evaluation", _body(ratings=["green"] * 9)
    )
    assert response.status_code == 422
    assert "ratings" in response.json()["errors"]


def test_comments_must_be_keyed_by_the_items_422(
    api: ApiFactory, client_head: User, deployment: Deployment
) -> None:
    response = api(client_head).post(
        f"/deployments/{deployment.pk}/evaluation", _body(comments={"general": "Great"})
    )
    assert response.status_code == 422
    assert "comments" in response.json()["errors"]


def test_comments_may_leave_items_out(
    api: ApiFactory, client_head: User, deployment: Deployment
) -> None:
    response = api(client_head).post(
        f"/deployments/{deployment.pk}/evaluation",
        _body(comments={"overall_success": "Very good"}),
    )
    assert response.status_code == 201
    assert response.json()["comments"]["progress_made"] == ""
