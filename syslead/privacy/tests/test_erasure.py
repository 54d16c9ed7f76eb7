"""Erasure by anonymisation: the person's name, e-mail and the free text about them are replaced by
a stable pseudonym; records that must be kept stay whole (counts, KPIs, invoices unchanged); the
person can never sign in again; an administrator does it from a page, with a confirmation and the
reason, and it is recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from syslead.accounts.models import ApiToken, RoleAssignment, User
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment
from syslead.evaluation.models import EvaluationRating, EvidencePack
from syslead.leaders.models import LeaderProfile
from syslead.notifications.models import Notification
from syslead.privacy.erasure import anonymise_person, erase_person, pseudonym_for
from syslead.privacy.models import Erasure, SubjectAccessExport
from syslead.privacy.tests.conftest import figures
from syslead.visits.models import Visit

Login = Callable[[User], Client]


def test_erasure_replaces_name_email_profile_and_mentions_in_free_text(
    finished: Deployment, administrator: User, leader_user: User
) -> None:
    LeaderProfile.objects.filter(user=leader_user).update(
        pen_portrait="I grew up in Lincoln.", publish_profile=True
    )
    pack = EvidencePack.objects.create(deployment=finished, status="ready", pdf=b"%PDF-1.7")
    export = SubjectAccessExport.objects.create(person=leader_user, status="ready", zip=b"PK")
    erasure = erase_person(actor=administrator, person=leader_user, reason="Asked on 1 May")
    leader_user.refresh_from_db()
    pseudonym = pseudonym_for(leader_user)
    assert erasure.pseudonym == pseudonym == f"Former user {leader_user.pk}"
    assert leader_user.name == pseudonym
    assert leader_user.email == f"former-user-{leader_user.pk}@erased.invalid"
    profile = LeaderProfile.objects.get(user=leader_user)
    assert profile.pen_portrait == ""
    assert not profile.publish_profile
    assert Visit.objects.get(date="2025-10-13").progress == f"{pseudonym} coached Mr Smith."
    comment = EvaluationRating.objects.get(item="overall_success").comment
    assert comment == f"{pseudonym} transformed our maths leadership."
    finished.refresh_from_db()
    assert finished.leader_contact == ""
    assert not Visit.objects.filter(progress__contains="Lee Leader").exists()
    assert not EvidencePack.objects.filter(pk=pack.pk).exists()  # copies with the old name
    assert not SubjectAccessExport.objects.filter(pk=export.pk).exists()


def test_erasure_keeps_the_records_whole_and_every_figure_unchanged(
    finished: Deployment, administrator: User, leader_user: User, client_head: User
) -> None:
    before = figures(finished.organisation)
    visits, deployments = Visit.objects.count(), Deployment.objects.count()
    erase_person(actor=administrator, person=leader_user, reason="Left the profession")
    erase_person(actor=administrator, person=client_head, reason="Left the school")
    assert figures(finished.organisation) == before
    assert (Visit.objects.count(), Deployment.objects.count()) == (visits, deployments)
    assert Deployment.objects.get().leader.user == leader_user  # the link stays, pseudonymous


def test_an_erased_person_can_no_longer_sign_in_and_loses_tokens_sessions_roles_inbox_devices(
    client: Client, administrator: User, coordinator: User
) -> None:
    signed_in = client.post(
        "/accounts/login/", {"username": coordinator.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert Session.objects.count() == 1
    ApiToken.issue(coordinator)
    Notification.objects.create(user=coordinator, verb="x", text="Hello")
    TOTPDevice.objects.create(user=coordinator, name="Phone", confirmed=True)
    StaticDevice.objects.create(user=coordinator, name="Recovery codes", confirmed=True)
    erase_person(actor=administrator, person=coordinator, reason="Request")
    coordinator.refresh_from_db()
    assert not coordinator.is_active
    assert not coordinator.has_usable_password()
    assert Session.objects.count() == 0
    assert not ApiToken.objects.filter(user=coordinator).exists()
    assert not RoleAssignment.objects.filter(user=coordinator).exists()
    assert not Notification.objects.filter(user=coordinator).exists()
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    assert client.get("/privacy/people/").status_code == 302  # signed out
    again = Client().post("/accounts/login/", {"username": "alice@kyra.test", "password": PASSWORD})
    assert again.status_code == 200  # the sign-in form again, with its error
    assert "_auth_user_id" not in again.client.session


def test_erasure_is_recorded_with_who_why_and_on_the_timeline(
    administrator: User, stranger: User
) -> None:
    erase_person(actor=administrator, person=stranger, reason="Their request of 1 May")
    erasure = Erasure.objects.get(person=stranger)
    assert erasure.erased_by == administrator
    assert erasure.reason == "Their request of 1 May"
    event = events_for(stranger).get(verb="user.erased")
    assert event.actor == administrator
    assert "Charlie" not in event.summary


def test_erasure_is_refused_while_the_person_leads_a_live_agreement(
    administrator: User, leader: LeaderProfile, alliance: Any, client_school: Any
) -> None:
    from syslead.visits.tests.factories import make_deployment

    make_deployment(leader=leader, organisation=alliance, client_school=client_school)
    with pytest.raises(RuleViolation, match="still in progress"):
        erase_person(actor=administrator, person=leader.user, reason="Request")
    leader.user.refresh_from_db()
    assert leader.user.name == "Lee Leader"
    assert not Erasure.objects.exists()


def test_only_administrators_erase_with_a_reason_and_never_themselves_or_twice(
    administrator: User, coordinator: User, stranger: User
) -> None:
    with pytest.raises(NotAllowed):
        erase_person(actor=coordinator, person=stranger, reason="Request")
    with pytest.raises(RuleViolation, match="Say why"):
        erase_person(actor=administrator, person=stranger, reason="  ")
    with pytest.raises(RuleViolation, match="yourself"):
        erase_person(actor=administrator, person=administrator, reason="Request")
    erase_person(actor=administrator, person=stranger, reason="Request")
    with pytest.raises(RuleViolation, match="already"):
        anonymise_person(stranger, actor=administrator, reason="Again")


# --- The administrator's page -------------------------------------------------------------------


def test_the_erase_page_asks_for_the_reason_and_a_confirmation_then_erases(
    login: Login, administrator: User, stranger: User
) -> None:
    web = login(administrator)
    url = f"/privacy/people/{stranger.pk}/erase/"
    page = web.get(url)
    assert page.status_code == 200
    assert b"cannot be undone" in page.content
    refused = web.post(url, {"reason": "Their request"})
    assert refused.status_code == 200
    assert b"Confirm that you understand" in refused.content
    stranger.refresh_from_db()
    assert stranger.name == "Charlie Stranger"
    done = web.post(url, {"reason": "Their request", "confirm": "on"}, follow=True)
    assert done.redirect_chain[-1][0] == f"/privacy/people/{stranger.pk}/"
    assert f"Former user {stranger.pk}".encode() in done.content
    assert Erasure.objects.get(person=stranger).reason == "Their request"


def test_the_erase_page_shows_a_refusal_in_the_page(
    login: Login, administrator: User, leader: LeaderProfile, alliance: Any, client_school: Any
) -> None:
    from syslead.visits.tests.factories import make_deployment

    make_deployment(leader=leader, organisation=alliance, client_school=client_school)
    page = login(administrator).post(
        f"/privacy/people/{leader.user.pk}/erase/", {"reason": "Request", "confirm": "on"}
    )
    assert page.status_code == 200
    assert b"still in progress" in page.content
    assert not Erasure.objects.exists()


@pytest.mark.parametrize("who", ["coordinator", "stranger", "leader_user"])
def test_people_who_are_not_administrators_never_reach_the_erase_page(
    login: Login, request: pytest.FixtureRequest, who: str, client_head: User
) -> None:
    web = login(request.getfixturevalue(who))
    url = f"/privacy/people/{client_head.pk}/erase/"
    assert web.get(url).status_code == 404
    assert web.post(url, {"reason": "x", "confirm": "on"}).status_code == 404
    assert not Erasure.objects.exists()
