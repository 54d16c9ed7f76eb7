"""The People pages and the invitation link: invite one question at a time, resend (new link, new
expiry, the old link dead), cancel, and choose a password behind a single-use link."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from syslead.accounts.models import Role, RoleAssignment, User
from syslead.invitations.models import Invitation, InvitationStatus
from syslead.invitations.services import invitation_send
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]


def _link(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/invitations/[^/\s]+/)", message.body)
    assert found is not None, message.body
    return found.group(1)


@pytest.fixture
def sent(
    coordinator: User, client_school: School, django_capture_on_commit_callbacks: Any
) -> tuple[Invitation, str]:
    """Cara is invited as headteacher of the client school; the e-mailed link's path."""
    with django_capture_on_commit_callbacks(execute=True):
        outcome = invitation_send(
            actor=coordinator,
            email="cara.new@school.test",
            name="Cara New",
            role=Role.HEADTEACHER,
            school_urn=client_school.urn,
        )
    return outcome.invitation, _link(mail.outbox[-1])


def test_the_link_opens_a_page_to_choose_a_password(client: Client, sent: Any) -> None:
    _, link = sent
    response = client.get(link)
    assert response.status_code == 200
    assert b"Choose your password" in response.content
    assert b"cara.new@school.test" in response.content


def test_choosing_a_password_makes_the_account_with_the_role_and_signs_in(
    client: Client, sent: Any, client_school: School
) -> None:
    invitation, link = sent
    response = client.post(
        link, {"new_password1": "lantern-orchard-42", "new_password2": "lantern-orchard-42"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(email="cara.new@school.test")
    assert user.name == "Cara New"
    assert user.check_password("lantern-orchard-42")
    assert RoleAssignment.objects.filter(user=user, role=Role.HEADTEACHER, school=client_school)
    assert int(client.session["_auth_user_id"]) == user.pk
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED


def test_the_link_works_once(client: Client, sent: Any) -> None:
    _, link = sent
    client.post(
        link, {"new_password1": "lantern-orchard-42", "new_password2": "lantern-orchard-42"}
    )
    again = Client().get(link)
    assert again.status_code == 410
    assert b"already been used" in again.content


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("password", "password", b"too common"),
        ("12345678901", "12345678901", b"entirely numeric"),
        ("short", "short", b"too short"),
        ("lantern-orchard-42", "lantern-orchard-43", b"not the same"),
        ("", "", b"Choose a password"),
    ],
)
def test_passwords_follow_djangos_validators(
    client: Client, sent: Any, first: str, second: str, message: bytes
) -> None:
    _, link = sent
    response = client.post(link, {"new_password1": first, "new_password2": second})
    assert response.status_code == 200
    assert message in response.content
    assert not User.objects.filter(email="cara.new@school.test").exists()


def test_an_expired_link_gets_a_clear_page(client: Client, sent: Any) -> None:
    invitation, link = sent
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response = client.get(link)
    assert response.status_code == 410
    assert b"This invitation has expired" in response.content
    posted = client.post(
        link, {"new_password1": "lantern-orchard-42", "new_password2": "lantern-orchard-42"}
    )
    assert posted.status_code == 410
    assert not User.objects.filter(email="cara.new@school.test").exists()


def test_the_link_is_valid_for_14_days(sent: Any) -> None:
    invitation, _ = sent
    assert timezone.localdate(invitation.expires_at) == timezone.localdate() + dt.timedelta(days=14)


def test_an_unknown_link_gets_a_clear_page(client: Client, db: None) -> None:
    response = client.get("/invitations/not-a-real-token/")
    assert response.status_code == 404
    assert b"does not work" in response.content


def test_people_lists_pending_invitations(login: Login, coordinator: User, sent: Any) -> None:
    response = login(coordinator).get("/people/")
    assert response.status_code == 200
    assert b"cara.new@school.test" in response.content
    assert b"Resend" in response.content


def test_resend_makes_a_new_link_and_kills_the_old_one(
    login: Login, coordinator: User, sent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invitation, old_link = sent
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + dt.timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = login(coordinator).post(f"/people/invitations/{invitation.pk}/resend/")
    assert response.status_code == 302
    new_link = _link(mail.outbox[-1])
    assert new_link != old_link
    invitation.refresh_from_db()
    assert timezone.localdate(invitation.expires_at) == timezone.localdate() + dt.timedelta(days=14)
    assert invitation.sent_count == 2
    old = Client().get(old_link)
    assert old.status_code == 404
    assert b"only the latest link works" in old.content
    assert Client().get(new_link).status_code == 200


def test_cancel_kills_the_link(login: Login, coordinator: User, sent: Any) -> None:
    invitation, link = sent
    response = login(coordinator).post(f"/people/invitations/{invitation.pk}/cancel/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.CANCELLED
    cancelled = Client().get(link)
    assert cancelled.status_code == 410
    assert b"The invitation was cancelled" in cancelled.content
    assert b"Everyone you have invited has joined" in login(coordinator).get("/people/").content


def test_a_cancelled_invitation_cannot_be_resent(
    login: Login, coordinator: User, sent: Any
) -> None:
    invitation, _ = sent
    login(coordinator).post(f"/people/invitations/{invitation.pk}/cancel/")
    response = login(coordinator).post(f"/people/invitations/{invitation.pk}/resend/", follow=True)
    assert b"cancelled: it cannot be resent" in response.content


def test_another_organisations_coordinator_cannot_see_resend_or_cancel(
    login: Login, other_coordinator: User, sent: Any
) -> None:
    invitation, _ = sent
    client = login(other_coordinator)
    assert b"cara.new" not in client.get("/people/").content
    assert client.post(f"/people/invitations/{invitation.pk}/resend/").status_code == 404
    assert client.post(f"/people/invitations/{invitation.pk}/cancel/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


@pytest.mark.parametrize(
    "persona", ["leader_user", "client_head", "broker_lead", "sip", "stranger"]
)
def test_people_page_is_for_coordinators_and_administrators(
    login: Login, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    assert login(user).get("/people/").status_code == 403
    assert login(user).get("/people/invite/").status_code == 403


def test_anonymous_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get("/people/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_inviting_one_question_per_page(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = login(coordinator)
    assert client.get("/people/invite/").status_code == 200
    response = client.post("/people/invite/", {"name": "Sam Partner", "email": "sam@la.test"})
    assert response["Location"] == "/people/invite/role/"
    response = client.post("/people/invite/role/", {"role": "sip"})
    assert response["Location"] == "/people/invite/where/"
    response = client.post("/people/invite/where/", {"organisation": alliance.pk})
    assert response["Location"] == "/people/invite/check/"
    check = client.get("/people/invite/check/")
    assert b"Sam Partner" in check.content
    assert b"School improvement partner" in check.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/people/invite/check/")
    assert response["Location"] == "/people/"
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.organisation) == (
        "sam@la.test",
        "sip",
        alliance,
    )
    assert mail.outbox[-1].to == ["sam@la.test"]


def test_the_invite_form_shows_errors_in_the_page(login: Login, coordinator: User) -> None:
    client = login(coordinator)
    response = client.post("/people/invite/", {"name": "", "email": "nope"})
    assert response.status_code == 200
    assert b"Enter the person&#x27;s full name" in response.content
    assert b"Enter an e-mail address in the correct format" in response.content
    client.post("/people/invite/", {"name": "Hal", "email": "hal@school.test"})
    client.post("/people/invite/role/", {"role": "headteacher"})
    response = client.post("/people/invite/where/", {"school": "999999"})
    assert b"There is no school with URN 999999" in response.content


def test_a_coordinator_is_offered_only_its_own_organisations(
    login: Login, coordinator: User, other_org: Organisation
) -> None:
    client = login(coordinator)
    client.post("/people/invite/", {"name": "Sam", "email": "sam@la.test"})
    client.post("/people/invite/role/", {"role": "coordinator"})
    response = client.post("/people/invite/where/", {"organisation": other_org.pk})
    assert response.status_code == 200
    assert b"Select one of the organisations listed" in response.content
    assert other_org.name.encode() not in response.content


def test_one_pending_invitation_per_email_role_and_place(sent: Any) -> None:
    invitation, _ = sent
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            email=invitation.email,
            name="Again",
            role=invitation.role,
            school=invitation.school,
            token_hash="x" * 64,
            expires_at=invitation.expires_at,
        )


def test_only_a_hash_of_the_link_is_stored(sent: Any) -> None:
    invitation, link = sent
    token = link.strip("/").split("/")[-1]
    assert invitation.token_hash != token
    assert len(invitation.token_hash) == 64


def test_an_account_made_meanwhile_gets_the_role_and_keeps_its_password(
    client: Client, sent: Any, client_school: School
) -> None:
    _, link = sent
    user = User.objects.create_user(email="cara.new@school.test", password="old-secret-pass")
    client.post(
        link, {"new_password1": "lantern-orchard-42", "new_password2": "lantern-orchard-42"}
    )
    user.refresh_from_db()
    assert user.check_password("old-secret-pass")
    assert RoleAssignment.objects.filter(user=user, role=Role.HEADTEACHER, school=client_school)
