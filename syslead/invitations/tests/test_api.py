"""POST /invitations {email, name, role, organisation?, school?} → 201 {id, email, status,
expires_on}: an administrator, or a coordinator for its own organisation and for headteachers of
schools; an existing account gets the role added."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from syslead.accounts.models import Role, RoleAssignment, User
from syslead.invitations.models import Invitation, InvitationStatus
from syslead.organisations.models import Organisation
from syslead.schools.models import School

ApiFactory = Callable[[User | None], Any]


def _body(**fields: Any) -> dict[str, Any]:
    return {"email": "cara.new@school.test", "name": "Cara New", **fields}


def test_coordinator_invites_a_headteacher_and_a_link_is_emailed(
    api: ApiFactory,
    coordinator: User,
    client_school: School,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api(coordinator).post(
            "/invitations", _body(role="headteacher", school=client_school.urn)
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    invitation = Invitation.objects.get()
    assert body == {
        "id": invitation.pk,
        "email": "cara.new@school.test",
        "status": "sent",
        "expires_on": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
    }
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["cara.new@school.test"]
    link = re.search(r"http://testserver/invitations/(\S+)/", mail.outbox[0].body)
    assert link is not None  # on the site the invitation was sent from
    assert invitation.token_hash != link.group(1)  # only a hash is kept
    assert link.group(1) not in str(Invitation.objects.values_list().get())
    assert not User.objects.filter(email="cara.new@school.test").exists()


def test_coordinator_invites_to_its_own_organisation(
    api: ApiFactory, coordinator: User, alliance: Organisation
) -> None:
    response = api(coordinator).post("/invitations", _body(role="sip", organisation=alliance.pk))
    assert response.status_code == 201
    assert response.json()["status"] == "sent"


def test_coordinator_may_not_invite_to_another_organisation(
    api: ApiFactory, coordinator: User, other_org: Organisation
) -> None:
    response = api(coordinator).post(
        "/invitations", _body(role="coordinator", organisation=other_org.pk)
    )
    assert response.status_code == 403
    assert "detail" in response.json()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_coordinator_may_not_invite_an_administrator(api: ApiFactory, coordinator: User) -> None:
    assert api(coordinator).post("/invitations", _body(role="administrator")).status_code == 403


@pytest.mark.parametrize("persona", ["leader_user", "client_head", "broker_lead", "stranger"])
def test_people_who_do_not_coordinate_may_not_invite(
    api: ApiFactory, persona: str, request: pytest.FixtureRequest, client_school: School
) -> None:
    user = request.getfixturevalue(persona)
    response = api(user).post("/invitations", _body(role="headteacher", school=client_school.urn))
    assert response.status_code == 403


def test_anonymous_is_401(api: ApiFactory, client_school: School) -> None:
    response = api(None).post("/invitations", _body(role="headteacher", school=client_school.urn))
    assert response.status_code == 401


def test_administrator_invites_an_administrator(api: ApiFactory, administrator: User) -> None:
    response = api(administrator).post("/invitations", _body(role="administrator"))
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"role": "wizard"}, "role"),
        ({"role": "coordinator"}, "organisation"),
        ({"role": "broker_lead"}, "organisation"),
        ({"role": "sip"}, "organisation"),
        ({"role": "headteacher"}, "school"),
        ({"role": "headteacher", "school": 999999}, "school"),
        ({"role": "coordinator", "organisation": 987654}, "organisation"),
        ({"role": "system_leader", "school": 120001}, "school"),
        ({"role": "system_leader", "email": "not an address"}, "email"),
        ({"role": "system_leader", "name": "  "}, "name"),
        ({"role": "system_leader", "name": "N" * 151}, "name"),
        ({"role": "r" * 51}, "role"),
        ({"role": "coordinator", "organisation": 2**63}, "organisation"),
        ({"role": "headteacher", "school": 2**31}, "school"),
    ],
)
def test_invalid_fields_are_422_with_errors(
    api: ApiFactory,
    administrator: User,
    client_school: School,
    fields: dict[str, Any],
    field: str,
) -> None:
    response = api(administrator).post("/invitations", _body(**fields))
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert not Invitation.objects.exists()


def test_missing_fields_are_422(api: ApiFactory, administrator: User) -> None:
    response = api(administrator).post("/invitations", {"email": "x@y.test"})
    assert response.status_code == 422
    assert {"name", "role"} <= set(response.json()["errors"])


def test_inviting_an_existing_account_adds_the_role_without_a_link(
    api: ApiFactory,
    coordinator: User,
    client_head: User,
    alliance: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api(coordinator).post(
            "/invitations",
            _body(email=client_head.email.upper(), role="sip", organisation=alliance.pk),
        )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "role_added"
    assert body["expires_on"] is None
    assert RoleAssignment.objects.filter(user=client_head, role=Role.SIP, organisation=alliance)
    assert User.objects.filter(email=client_head.email).count() == 1
    assert len(mail.outbox) == 1  # told of the new role
    assert "/invitations/" not in mail.outbox[0].body


def test_a_second_pending_invitation_for_the_same_role_and_place_is_409(
    api: ApiFactory, coordinator: User, client_school: School
) -> None:
    first = api(coordinator).post(
        "/invitations", _body(role="headteacher", school=client_school.urn)
    )
    assert first.status_code == 201
    again = api(coordinator).post(
        "/invitations", _body(role="headteacher", school=client_school.urn)
    )
    assert again.status_code == 409
    assert Invitation.objects.count() == 1


def test_the_same_person_may_be_invited_to_two_places(
    api: ApiFactory, coordinator: User, client_school: School, home_school: School
) -> None:
    for school in (client_school, home_school):
        response = api(coordinator).post(
            "/invitations", _body(role="headteacher", school=school.urn)
        )
        assert response.status_code == 201
    assert Invitation.objects.filter(status=InvitationStatus.PENDING).count() == 2


def test_an_account_nobody_has_signed_in_to_gets_the_role_and_a_link_to_choose_a_password(
    api: ApiFactory,
    coordinator: User,
    client_school: School,
    django_capture_on_commit_callbacks: Any,
) -> None:
    imported = User.objects.create_user(email="imported@school.test", name="Imported Leader")
    assert not imported.has_usable_password()
    with django_capture_on_commit_callbacks(execute=True):
        response = api(coordinator).post(
            "/invitations",
            _body(email="imported@school.test", role="headteacher", school=client_school.urn),
        )
    assert response.status_code == 201
    assert response.json()["status"] == "role_added"
    assert RoleAssignment.objects.filter(user=imported, role=Role.HEADTEACHER)
    link = re.search(r"https?://[^/\s]+(/invitations/[^/\s]+/)", mail.outbox[-1].body)
    assert link is not None
    from django.test import Client

    Client().post(
        link.group(1),
        {"new_password1": "lantern-orchard-42", "new_password2": "lantern-orchard-42"},
    )
    imported.refresh_from_db()
    assert imported.check_password("lantern-orchard-42")


def test_inviting_someone_to_a_role_they_hold_is_409(
    api: ApiFactory, coordinator: User, client_head: User, client_school: School
) -> None:
    response = api(coordinator).post(
        "/invitations", _body(email=client_head.email, role="headteacher", school=client_school.urn)
    )
    assert response.status_code == 409


def test_an_email_address_too_long_to_store_is_422(api: ApiFactory, administrator: User) -> None:
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".test"
    response = api(administrator).post("/invitations", _body(email=email, role="system_leader"))
    assert response.status_code == 422
    assert "email" in response.json()["errors"]
