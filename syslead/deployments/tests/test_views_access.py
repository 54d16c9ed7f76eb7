"""Every agreement page refuses people outside the agreement, in one place: anonymous people are
sent to sign in; a stranger, another organisation's coordinator and the headteacher of another
school are refused — 404 where the page would show the agreement, 403 on the sign page (the
contract's "403 if the caller is none of the four")."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.brokering.models import SupportRequest
from syslead.deployments.models import Deployment, Signature

Login = Callable[[User], Client]

AGREEMENT_PAGES = [
    "",
    "agreement.pdf",
    "edit/",
    "amend/",
    "change/",
    "exit/",
    "unavailable/",
    "complete/",
    "cancel/",
    "package/",
    "sign-for-chair/",
]
OUTSIDERS = ["stranger", "other_coordinator", "other_head"]


@pytest.fixture
def other_head(db: None) -> User:
    school = make_school(120099, "Bracebridge Infant School")
    return make_user("ola@bracebridge.test", "Ola Other-Head", (Role.HEADTEACHER, school))


def urls(deployment: Deployment, support_request: SupportRequest) -> list[str]:
    return [
        *[f"/deployments/{deployment.pk}/{page}" for page in AGREEMENT_PAGES],
        f"/deployments/{deployment.pk}/sign/",
        f"/deployments/new/{support_request.pk}/",
        f"/deployments/new/{support_request.pk}/leader/",
        "/deployments/new/",
        "/deployments/",
    ]


def test_anonymous_people_are_sent_to_sign_in_everywhere(
    client: Client, agreement: Deployment, support_request: SupportRequest
) -> None:
    for url in urls(agreement, support_request):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("page", AGREEMENT_PAGES)
def test_outsiders_cannot_see_or_change_the_agreement(
    who: str, page: str, request: pytest.FixtureRequest, login: Login, agreement: Deployment
) -> None:
    client = login(request.getfixturevalue(who))
    url = f"/deployments/{agreement.pk}/{page}"
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x", "step": "confirm", "what": "lead"}).status_code == 404


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_sign(
    who: str, request: pytest.FixtureRequest, login: Login, agreement: Deployment
) -> None:
    client = login(request.getfixturevalue(who))
    url = f"/deployments/{agreement.pk}/sign/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "on"}).status_code == 403
    assert not Signature.objects.exists()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_draft_an_agreement_for_the_request(
    who: str, request: pytest.FixtureRequest, login: Login, support_request: SupportRequest
) -> None:
    client = login(request.getfixturevalue(who))
    for url in [
        f"/deployments/new/{support_request.pk}/",
        f"/deployments/new/{support_request.pk}/leader/",
    ]:
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["stranger", "other_head"])
def test_people_who_coordinate_nothing_cannot_start_an_agreement(
    who: str, request: pytest.FixtureRequest, login: Login
) -> None:
    assert login(request.getfixturevalue(who)).get("/deployments/new/").status_code == 403


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_see_no_agreement_in_the_list(
    who: str, request: pytest.FixtureRequest, login: Login, agreement: Deployment
) -> None:
    response = login(request.getfixturevalue(who)).get("/deployments/")
    assert response.context["page"].paginator.count == 0


def test_the_requests_headteacher_sees_it_but_cannot_draft(
    login: Login, client_head: User, support_request: SupportRequest
) -> None:
    url = f"/deployments/new/{support_request.pk}/leader/"
    assert login(client_head).get(url).status_code == 403
