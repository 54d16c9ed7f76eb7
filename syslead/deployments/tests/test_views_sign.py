"""Signing in the browser: one thing on the page, a summary of what is agreed and a declaration;
each party signs as themselves; the chair of governors when the leader is the headteacher;
refusals shown clearly."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from conftest import make_user
from syslead.accounts.models import Role, User
from syslead.deployments.models import Deployment, DeploymentStatus, Party, Signature
from syslead.deployments.services import deployment_cancel, deployment_create, deployment_sign
from syslead.deployments.tests.factories import (
    agreement_kwargs,
    make_leader,
    make_request,
    refresh,
    set_release,
)
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]
CONFIRM = {"confirm": "on"}


def sign_url(deployment: Deployment) -> str:
    return f"/deployments/{deployment.pk}/sign/"


def test_anonymous_people_are_sent_to_sign_in(client: Client, agreement: Deployment) -> None:
    response = client.get(sign_url(agreement))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["stranger", "coordinator", "other_coordinator", "sip"])
def test_someone_who_is_not_a_party_is_refused(
    who: str, request: pytest.FixtureRequest, login: Login, agreement: Deployment
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get(sign_url(agreement)).status_code == 403
    assert client.post(sign_url(agreement), CONFIRM).status_code == 403
    assert not Signature.objects.exists()


def test_the_page_summarises_the_agreement_and_asks_for_the_declaration(
    login: Login, client_head: User, agreement: Deployment
) -> None:
    response = login(client_head).get(sign_url(agreement))
    page = response.content.decode()
    assert "You sign as the headteacher of Ermine Primary Academy." in page
    assert "I agree to this support agreement on behalf of Ermine Primary Academy" in page
    assert "Cara Client-Head, Headteacher of Ermine Primary Academy" in page
    assert "Total cost of deployment" in page
    assert "£1,750.00" in page
    assert "Teachers use bar models consistently in years 5 and 6." in page


def test_signing_needs_the_declaration_ticked(
    login: Login, leader_user: User, agreement: Deployment
) -> None:
    response = login(leader_user).post(sign_url(agreement), {})
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_confirm">Tick the box to confirm' in page
    assert not Signature.objects.exists()


def test_the_home_headteacher_agrees_to_release_the_leader(
    login: Login, home_head: User, agreement: Deployment
) -> None:
    page = login(home_head).get(sign_url(agreement)).content.decode()
    assert (
        "I agree to this support agreement on behalf of Mount Street Academy, and to release "
        "Lee Leader for the agreed days"
    ) in page


def test_the_four_parties_sign_in_turn_and_the_agreement_becomes_active(
    login: Login, agreement: Deployment, parties: list[User]
) -> None:
    for person in parties[:3]:
        response = login(person).post(sign_url(agreement), CONFIRM)
        assert response["Location"] == f"/deployments/{agreement.pk}/"
        assert refresh(agreement).status == DeploymentStatus.AWAITING_SIGNATURES
    response = login(parties[3]).post(sign_url(agreement), CONFIRM, follow=True)
    assert "All four parties have signed: it is active." in response.content.decode()
    assert refresh(agreement).status == DeploymentStatus.ACTIVE
    assert Signature.objects.count() == 4


def test_a_party_who_has_signed_is_told_so(
    login: Login, leader_user: User, agreement: Deployment
) -> None:
    deployment_sign(actor=leader_user, deployment=agreement)
    response = login(leader_user).get(sign_url(agreement), follow=True)
    assert "You have already signed this agreement as the system leader (Lee Leader)." in (
        response.content.decode()
    )
    response = login(leader_user).post(sign_url(agreement), CONFIRM, follow=True)
    assert "You have already signed" in response.content.decode()
    assert Signature.objects.count() == 1


def test_nothing_to_sign_on_a_cancelled_agreement(
    login: Login, coordinator: User, leader_user: User, agreement: Deployment
) -> None:
    deployment_cancel(actor=coordinator, deployment=agreement, reason="The school withdrew.")
    response = login(leader_user).get(sign_url(agreement), follow=True)
    assert "The agreement is cancelled: there is nothing to sign." in response.content.decode()


def test_the_last_signature_refused_by_the_capacity_rule_is_shown_with_the_rule(
    login: Login, agreement: Deployment, parties: list[User], leader: LeaderProfile
) -> None:
    for person in parties[:3]:
        deployment_sign(actor=person, deployment=agreement)
    set_release(leader, 2)
    response = login(parties[3]).post(sign_url(agreement), CONFIRM)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Capacity: Lee Leader has 2 days left in 2026-27" in page
    assert "Rule: the capacity rule" in page
    assert refresh(agreement).status == DeploymentStatus.AWAITING_SIGNATURES


# The chair of governors --------------------------------------------------------------------------


@pytest.fixture
def head_leader_agreement(
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    home_school: School,
    client_head: User,
    broker_lead: User,
) -> Deployment:
    """An LLE who is the headteacher of Mount Street Academy: the chair signs for the school."""
    head = make_user("helen@mountstreet.test", "Helen Head-Leader", (Role.HEADTEACHER, home_school))
    head_leader = make_leader(head, home_school, alliance, designation="LLE", is_headteacher=True)
    request = make_request(alliance, client_school, chosen_leader=head_leader)
    return deployment_create(
        actor=coordinator, support_request=request, leader=head_leader, **agreement_kwargs()
    )


def test_the_coordinator_records_the_chairs_signature(
    login: Login, coordinator: User, head_leader_agreement: Deployment
) -> None:
    client = login(coordinator)
    detail = client.get(f"/deployments/{head_leader_agreement.pk}/").content.decode()
    assert "The chair of governors of Mount Street Academy" in detail
    assert f'href="/deployments/{head_leader_agreement.pk}/sign-for-chair/"' in detail
    chair_url = f"/deployments/{head_leader_agreement.pk}/sign-for-chair/"
    missing = client.post(chair_url, {"chair_name": ""})
    assert "Name the chair of governors who signed." in missing.content.decode()
    client.post(chair_url, {"chair_name": "Gill Governor", "confirm": "on"})
    signature = Signature.objects.get(deployment=head_leader_agreement)
    assert signature.party == Party.HOME_HEADTEACHER
    assert signature.signed_as == "Chair of governors: Gill Governor"


def test_the_chairs_page_is_for_coordinators_only(
    login: Login, client_head: User, head_leader_agreement: Deployment
) -> None:
    chair_url = f"/deployments/{head_leader_agreement.pk}/sign-for-chair/"
    assert login(client_head).get(chair_url).status_code == 403


def test_no_chair_is_needed_when_the_leader_is_not_the_head(
    login: Login, coordinator: User, agreement: Deployment
) -> None:
    response = login(coordinator).get(f"/deployments/{agreement.pk}/sign-for-chair/", follow=True)
    assert "The chair of governors&#x27; signature is not needed" in response.content.decode()


def test_a_governing_body_account_signs_as_the_chair(
    login: Login, home_school: School, head_leader_agreement: Deployment
) -> None:
    governors = make_user(
        "governors@mountstreet.test", "Gill Governor", (Role.HEADTEACHER, home_school)
    )
    page = login(governors).get(sign_url(head_leader_agreement)).content.decode()
    assert "on behalf of the governing body of Mount Street Academy" in page
    login(governors).post(sign_url(head_leader_agreement), CONFIRM)
    signature = Signature.objects.get(deployment=head_leader_agreement)
    assert signature.signed_as == "Chair of governors of Mount Street Academy"


def test_a_request_may_only_be_signed_for_its_own_school(
    login: Login, alliance: Organisation, far_school: School, agreement: Deployment
) -> None:
    far_head = make_user("fay@bristol.test", "Fay Far-Head", (Role.HEADTEACHER, far_school))
    assert login(far_head).get(sign_url(agreement)).status_code == 403
