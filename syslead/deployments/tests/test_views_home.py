"""The home page asks each party to sign the agreements waiting for them, and shows coordinators
the agreements waiting for signatures and whose."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.brokering.models import SupportRequest
from syslead.deployments.models import Deployment
from syslead.deployments.services import deployment_sign

Login = Callable[[User], Client]


def attention(client: Client) -> list[str]:
    return [item.text for item in client.get("/").context["attention"]]


@pytest.mark.parametrize("who", ["leader_user", "home_head", "client_head", "broker_lead"])
def test_each_party_is_asked_to_sign_from_their_home_page(
    who: str, request: pytest.FixtureRequest, login: Login, agreement: Deployment
) -> None:
    person = request.getfixturevalue(who)
    client = login(person)
    assert (
        attention(client).count("Sign the agreement for Lee Leader at Ermine Primary Academy") == 1
    )
    page = client.get("/").content.decode()
    assert f'href="/deployments/{agreement.pk}/sign/"' in page
    deployment_sign(actor=person, deployment=agreement)
    assert not any(text.startswith("Sign the agreement") for text in attention(client))


def test_the_coordinator_sees_agreements_waiting_and_whose(
    login: Login, coordinator: User, leader_user: User, agreement: Deployment
) -> None:
    deployment_sign(actor=leader_user, deployment=agreement)
    client = login(coordinator)
    assert "Agreement for Lee Leader at Ermine Primary Academy waiting for signatures" in attention(
        client
    )
    sections = {s.title: s for s in client.get("/").context["sections"]}
    (row, url) = sections["Agreements waiting for signatures"].context["rows"][0]
    assert url == f"/deployments/{agreement.pk}/"
    assert row.waiting_for == (
        "The headteacher of Mount Street Academy",
        "The headteacher of Ermine Primary Academy",
        "The broker lead of KYRA Teaching School Alliance",
    )
    assert "The headteacher of Ermine Primary Academy" in client.get("/").content.decode()


def test_other_coordinators_and_strangers_see_nothing(
    login: Login, other_coordinator: User, stranger: User, agreement: Deployment
) -> None:
    for person in (other_coordinator, stranger):
        page = login(person).get("/").content.decode()
        assert "Ermine Primary Academy" not in page


def test_the_navigation_links_to_agreements_for_people_with_a_role(
    login: Login, client_head: User, stranger: User, agreement: Deployment
) -> None:
    assert 'href="/deployments/"' in login(client_head).get("/").content.decode()
    assert 'href="/deployments/"' not in login(stranger).get("/").content.decode()


def test_the_coordinator_is_asked_to_draft_the_agreement_for_a_chosen_leader(
    login: Login, coordinator: User, support_request: SupportRequest
) -> None:
    client = login(coordinator)
    # The leader and the request's number keep two such links apart.
    leader = support_request.chosen_leader
    assert leader is not None
    assert (
        f"Draft the agreement for {leader.user.get_full_name()} at Ermine Primary Academy "
        f"(request {support_request.pk})"
    ) in attention(client)
    assert f'href="/deployments/new/{support_request.pk}/"' in client.get("/").content.decode()
