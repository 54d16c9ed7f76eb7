"""The agreement's page: who may read it, what each person is asked to do next, the contract as
the paper form lays it out, and the links to the delivery pages and the evidence pack."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.deployments.models import ChangeKind, Deployment
from syslead.deployments.services import (
    deployment_amend,
    deployment_complete,
    deployment_request_exit,
    package_create,
)
from syslead.deployments.tests.factories import close_together

Login = Callable[[User], Client]


def url(deployment: Deployment) -> str:
    return f"/deployments/{deployment.pk}/"


@pytest.fixture
def other_head(db: None) -> User:
    school = make_school(120099, "Bracebridge Infant School")
    return make_user("ola@bracebridge.test", "Ola Other-Head", (Role.HEADTEACHER, school))


def test_anonymous_people_are_sent_to_sign_in(client: Client, agreement: Deployment) -> None:
    response = client.get(url(agreement))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "other_head"])
def test_people_outside_the_agreement_get_404(
    who: str, request: pytest.FixtureRequest, login: Login, agreement: Deployment
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get(url(agreement)).status_code == 404
    assert client.get(f"{url(agreement)}agreement.pdf").status_code == 404


def test_an_unknown_agreement_is_404(login: Login, coordinator: User, db: None) -> None:
    assert login(coordinator).get("/deployments/999999/").status_code == 404


@pytest.mark.parametrize(
    "who", ["leader_user", "home_head", "client_head", "broker_lead", "coordinator"]
)
def test_the_parties_and_the_coordinator_read_it(
    who: str, request: pytest.FixtureRequest, login: Login, agreement: Deployment
) -> None:
    response = login(request.getfixturevalue(who)).get(url(agreement))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<strong class="tag tag--amber">Waiting for signatures</strong>' in page
    for heading in [
        "What you need to do next",
        "The parties and their signatures",
        "System leader: home school details",
        "Supported school details",
        "Agreed objectives and outcomes",
        "Impact measures",
        "Funding and costs",
        "Changes to the agreement",
        "Timeline",
    ]:
        assert heading in page
    assert f'href="/deployments/{agreement.pk}/agreement.pdf"' in page


def test_each_party_is_asked_to_sign_as_themselves(
    login: Login, agreement: Deployment, leader_user: User, client_head: User
) -> None:
    leader_page = login(leader_user).get(url(agreement))
    assert "Sign the agreement as the system leader (Lee Leader)." in leader_page.content.decode()
    assert f'href="/deployments/{agreement.pk}/sign/"' in leader_page.content.decode()
    head_page = login(client_head).get(url(agreement)).content.decode()
    assert "Sign the agreement as the headteacher of Ermine Primary Academy." in head_page
    assert "Record a change" not in head_page


def test_the_coordinator_sees_whose_signatures_are_missing_and_can_change_it(
    login: Login, coordinator: User, agreement: Deployment
) -> None:
    page = login(coordinator).get(url(agreement)).content.decode()
    assert "Waiting for signatures from: The system leader (Lee Leader)" in page
    assert f'href="/deployments/{agreement.pk}/sign/"' not in page
    assert f'href="/deployments/{agreement.pk}/edit/"' in page
    assert f'href="/deployments/{agreement.pk}/cancel/"' in page
    assert f'href="/deployments/{agreement.pk}/change/"' in page


def test_signatures_show_who_signed_as_what_and_when(
    login: Login, coordinator: User, active: Deployment
) -> None:
    response = login(coordinator).get(url(active))
    rows = response.context["document"].signatures
    assert [(r.signed_by, r.signed_as) for r in rows] == [
        ("Lee Leader", "System leader"),
        ("Hal Home-Head", "Headteacher of Mount Street Academy"),
        ("Cara Client-Head", "Headteacher of Ermine Primary Academy"),
        ("Bea Broker-Lead", "Broker lead for KYRA Teaching School Alliance"),
    ]
    page = response.content.decode()
    assert '<strong class="tag tag--green">Active</strong>' in page
    assert "All four parties have signed: the agreement is active" in page  # the timeline


def test_an_active_agreement_links_to_its_delivery_pages_and_evidence_pack(
    login: Login, coordinator: User, leader_user: User, active: Deployment
) -> None:
    page = login(coordinator).get(url(active)).content.decode()
    assert f'href="/deployments/{active.pk}/delivery/"' in page
    assert f'href="/deployments/{active.pk}/evidence-pack/"' in page
    assert f'href="/deployments/{active.pk}/amend/"' in page
    # Completing is the last step of closing together: the task list comes first.
    assert 'href="#close-out"' in page
    assert f'href="/deployments/{active.pk}/complete/"' not in page
    leader_page = login(leader_user).get(url(active)).content.decode()
    assert f'href="/deployments/{active.pk}/visits/new/"' in leader_page
    assert f'href="/deployments/{active.pk}/exit/"' in leader_page
    assert f'href="/deployments/{active.pk}/unavailable/"' in leader_page


def test_a_completed_agreement_is_read_only(
    login: Login, coordinator: User, active: Deployment, leader_user: User, client_head: User
) -> None:
    close_together(active, leader=leader_user, head=client_head, decider=coordinator)
    deployment_complete(actor=coordinator, deployment=active, completed_on=active.ends_on)
    page = login(coordinator).get(url(active)).content.decode()
    assert "it is read-only" in page
    for action in ["edit", "change", "amend", "complete", "cancel", "package", "exit"]:
        assert f'href="/deployments/{active.pk}/{action}/"' not in page


def test_versions_and_changes_are_listed(
    login: Login, coordinator: User, active: Deployment
) -> None:
    amended = deployment_amend(
        actor=coordinator,
        deployment=active,
        reason="Two more days agreed at the review.",
        kind=ChangeKind.OTHER,
        full_days=7,
    )
    old = login(coordinator).get(url(active)).content.decode()
    assert "Replaced by an amended version" in old
    assert f'<a href="/deployments/{amended.pk}/">Read version 2</a>' in old
    assert "Two more days agreed at the review." in old
    new = login(coordinator).get(url(amended))
    assert [v.version for v in new.context["versions"]] == [1, 2]


def test_a_managed_exit_asked_for_shows_to_the_coordinator(
    login: Login, coordinator: User, client_head: User, active: Deployment
) -> None:
    deployment_request_exit(actor=client_head, deployment=active, reason="Leadership changes.")
    page = login(coordinator).get(url(active)).content.decode()
    assert "Asked for by a party" in page
    assert "Leadership changes." in page


def test_the_package_and_its_lead_are_shown(
    login: Login, coordinator: User, active: Deployment
) -> None:
    package_create(
        actor=coordinator,
        organisation=active.organisation,
        school=active.client_school,
        title="Maths and leadership 2026-27",
        lead=active,
    )
    page = login(coordinator).get(url(active)).content.decode()
    assert "Package: Maths and leadership 2026-27" in page
    assert "Lead leader" in page
