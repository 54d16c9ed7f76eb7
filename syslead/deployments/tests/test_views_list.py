"""The list of agreements: only what the person may see, filterable by status, school and
leader, paginated, within a query budget; the coordinator's requests ready for an agreement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from conftest import make_school
from syslead.accounts.models import User
from syslead.brokering.models import SupportRequest
from syslead.deployments.models import Deployment, DeploymentStatus, FundingRoute
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation

Login = Callable[[User], Client]
LIST = "/deployments/"


def make_rows(
    count: int, *, support_request: SupportRequest, leader: LeaderProfile, status: str
) -> list[Deployment]:
    """Agreements written straight to the table (the list only reads them)."""
    rows = []
    for number in range(count):
        school = make_school(130000 + number, f"Supported School {number:02d}")
        rows.append(
            Deployment(
                organisation=support_request.organisation,
                support_request=support_request,
                leader=leader,
                client_school=school,
                home_school=leader.home_school,
                status=status,
                starts_on=dt.date(2027, 1, 4),
                ends_on=dt.date(2027, 4, 30),
                academic_year="2026-27",
                full_days=1,
                funding_route=FundingRoute.SCHOOL,
            )
        )
    return Deployment.objects.bulk_create(rows)


def test_anonymous_people_are_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["stranger", "other_coordinator"])
def test_people_outside_the_agreement_see_none(
    who: str, request: pytest.FixtureRequest, login: Login, agreement: Deployment
) -> None:
    response = login(request.getfixturevalue(who)).get(LIST)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "Ermine Primary Academy" not in response.content.decode()


@pytest.mark.parametrize(
    "who", ["coordinator", "broker_lead", "leader_user", "home_head", "client_head"]
)
def test_the_parties_and_the_coordinator_see_it_with_whose_signatures_are_missing(
    who: str, request: pytest.FixtureRequest, login: Login, agreement: Deployment
) -> None:
    page = login(request.getfixturevalue(who)).get(LIST).content.decode()
    assert f'href="/deployments/{agreement.pk}/"' in page
    assert "Waiting for: The system leader (Lee Leader); The headteacher of Mount Street" in page


def test_filters_by_status_school_and_leader(
    login: Login,
    coordinator: User,
    agreement: Deployment,
    support_request: SupportRequest,
    leader: LeaderProfile,
) -> None:
    make_rows(2, support_request=support_request, leader=leader, status=DeploymentStatus.ACTIVE)
    client = login(coordinator)

    def found(**query: str) -> int:
        return int(client.get(LIST, query).context["page"].paginator.count)

    assert found() == 3
    assert found(status="active") == 2
    assert found(status="awaiting_signatures") == 1
    assert found(school="ermine") == 1
    assert found(school=str(agreement.client_school_id)) == 1
    assert found(leader="lee") == 3
    assert found(leader="nobody") == 0
    assert found(status="not-a-status") == 3  # an invalid filter is ignored


def test_long_lists_paginate_within_a_query_budget(
    login: Login,
    coordinator: User,
    support_request: SupportRequest,
    leader: LeaderProfile,
    django_assert_max_num_queries: Any,
) -> None:
    make_rows(
        30,
        support_request=support_request,
        leader=leader,
        status=DeploymentStatus.AWAITING_SIGNATURES,
    )
    client = login(coordinator)
    client.get(LIST)  # warm the session and caches
    # Session, user, roles, count, page, signatures, ready requests, the inbox badge: 9 today.
    with django_assert_max_num_queries(10):
        response = client.get(LIST)
    assert len(response.context["rows"]) == 25
    assert "Page 1 of 2" in response.content.decode()
    with django_assert_max_num_queries(10):
        second = client.get(LIST, {"page": "2", "status": "awaiting_signatures"})
    assert len(second.context["rows"]) == 5
    assert 'href="?status=awaiting_signatures&amp;page=1"' in second.content.decode()


def test_the_coordinator_is_offered_requests_ready_for_an_agreement(
    login: Login, coordinator: User, support_request: SupportRequest, client_head: User
) -> None:
    page = login(coordinator).get(LIST).content.decode()
    assert "Leaders chosen, agreement to draft" in page
    assert f'href="/deployments/new/{support_request.pk}/"' in page
    assert "Leaders chosen" not in login(client_head).get(LIST).content.decode()


def test_an_organisation_without_agreements(
    login: Login, other_coordinator: User, other_org: Organisation
) -> None:
    assert "No agreements yet." in login(other_coordinator).get(LIST).content.decode()


def test_the_broker_lead_finds_the_charging_policy(
    login: Login, broker_lead: User, client_head: User
) -> None:
    assert 'href="/charging/"' in login(broker_lead).get(LIST).content.decode()
    assert 'href="/charging/"' not in login(client_head).get(LIST).content.decode()
