"""Two-factor sign-in: who must set it up, the code step after the password, recovery codes,
the administrator's reset, the demo's switch, and API tokens left alone."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks.registry import registry
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, make_user, totp_code
from syslead.accounts import two_factor
from syslead.accounts.checks import mfa_flag_ignored
from syslead.accounts.models import Role, RoleAssignment, User, UserSession
from syslead.core.models import Event
from syslead.organisations.models import Organisation
from syslead.settings import mfa_required_from
from syslead.visits.models import ConcernContact

LOGIN = "/accounts/login/"
HOME = "/"
CODE = reverse("accounts:two_factor_verify")
SET_UP = reverse("accounts:two_factor_setup")


def _sign_in(client: Client, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": email, "password": password, **extra})


def _app(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def _recovery(user: User, *codes: str) -> StaticDevice:
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return device


def _signed_in_with_code(user: User) -> Client:
    """A client signed in as a person would: password, then a code from their (new) app."""
    device = _app(user)
    client = Client()
    _sign_in(client, user.email)
    client.post(CODE, {"code": totp_code(device.key)})
    return client


# --- Who must use it ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["administrator", "coordinator", "broker_lead"])
def test_roles_that_require_two_factor_are_taken_to_set_up_before_anything_else(
    two_factor_required: None, request: pytest.FixtureRequest, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    client = Client()
    response = _sign_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"].startswith(SET_UP)
    # Every other page sends them back to set-up, with where they were going.
    for path in (HOME, "/schools/", reverse("accounts:account")):
        answer = client.get(path)
        assert answer.status_code == 302
        assert answer["Location"].startswith(SET_UP)
    assert client.get(SET_UP).status_code == 200


def test_the_named_person_for_safeguarding_must_set_up_two_factor(
    two_factor_required: None, sip: User, alliance: Organisation, coordinator: User
) -> None:
    ConcernContact.objects.create(organisation=alliance, safeguarding_lead=sip, updated_by=None)
    assert two_factor.two_factor_required_of(sip)
    client = Client()
    client.force_login(sip)
    assert client.get(HOME)["Location"].startswith(SET_UP)


@pytest.mark.parametrize("persona", ["sip", "leader_user", "client_head", "stranger"])
def test_other_roles_are_offered_two_factor_but_not_made_to_set_it_up(
    two_factor_required: None, request: pytest.FixtureRequest, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    client = Client()
    response = _sign_in(client, user.email)
    assert response["Location"] == reverse("core:home")
    assert client.get(HOME).status_code == 200
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Set up two-factor sign-in" in page


def test_signing_out_stays_possible_before_setting_up(
    two_factor_required: None, coordinator: User
) -> None:
    client = Client()
    client.force_login(coordinator)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_api_bearer_tokens_work_for_a_person_who_has_not_set_up_two_factor(
    two_factor_required: None, api: Any, coordinator: User, client_school: Any
) -> None:
    response = api(coordinator).get("/schools/120001")
    assert response.status_code == 200


def test_static_files_are_served_before_set_up(
    two_factor_required: None, coordinator: User
) -> None:
    client = Client()
    client.force_login(coordinator)
    assert client.get("/static/core/syslead.css").status_code == 200


# --- Setting up -----------------------------------------------------------------------------


def test_set_up_shows_a_qr_code_as_inline_svg_and_the_key_to_type(coordinator: User) -> None:
    client = Client()
    client.force_login(coordinator)
    page = client.get(SET_UP).content.decode()
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    assert '<svg class="qr-code__image" role="img"' in page
    assert two_factor.secret_for_typing(device) in page
    assert "<script" not in page.split("</main>")[0].split('<main id="main"')[1]


def test_a_wrong_set_up_code_leaves_two_factor_off(coordinator: User) -> None:
    client = Client()
    client.force_login(coordinator)
    client.get(SET_UP)
    response = client.post(SET_UP, {"code": "000000"})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert not two_factor.has_two_factor(coordinator)


def test_set_up_with_a_right_code_turns_two_factor_on_and_shows_recovery_codes_once(
    two_factor_required: None, coordinator: User
) -> None:
    client = Client()
    client.force_login(coordinator)
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    response = client.post(SET_UP, {"code": totp_code(device.key), "next": "/schools/"})
    assert response.status_code == 302
    assert two_factor.has_two_factor(coordinator)
    codes_page = client.get(response["Location"]).content.decode()
    codes = list(
        StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True)
    )
    assert len(codes) == 10
    assert all(code in codes_page for code in codes)
    assert 'href="/schools/"' in codes_page
    # Shown once: the page no longer lists them.
    again = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert not any(code in again for code in codes)
    # The session counts as verified: the rest of Syslead is open.
    assert client.get(HOME).status_code == 200
    assert Event.objects.filter(verb="two_factor.enabled", subject_id=str(coordinator.pk)).exists()


# --- Signing in with a code -----------------------------------------------------------------


def test_a_person_with_an_app_gives_a_code_after_the_password(coordinator: User) -> None:
    device = _app(coordinator)
    client = Client()
    response = _sign_in(client, coordinator.email, next="/schools/")
    assert response["Location"] == f"{CODE}?next=%2Fschools%2F"
    assert client.get(HOME)["Location"].startswith(CODE)
    response = client.post(CODE, {"code": totp_code(device.key), "next": "/schools/"})
    assert response["Location"] == "/schools/"
    assert client.get(HOME).status_code == 200


def test_the_code_page_is_asked_even_when_the_demo_switch_is_off(settings: Any, sip: User) -> None:
    settings.SYSLEAD_MFA_REQUIRED = False
    _app(sip)
    client = Client()
    assert _sign_in(client, sip.email)["Location"].startswith(CODE)


def test_a_wrong_code_is_refused_and_the_pages_stay_closed(coordinator: User) -> None:
    _app(coordinator)
    client = Client()
    _sign_in(client, coordinator.email)
    response = client.post(CODE, {"code": "123456"})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert client.get(HOME)["Location"].startswith(CODE)


def test_a_recovery_code_signs_in_once_only(coordinator: User) -> None:
    _app(coordinator)
    _recovery(coordinator, "abcdefgh", "ijklmnop")
    first = Client()
    _sign_in(first, coordinator.email)
    response = first.post(CODE, {"code": "ABCD EFGH"})
    assert response["Location"] == reverse("core:home")
    assert first.get(HOME).status_code == 200
    assert Event.objects.filter(verb="two_factor.recovery_code_used").count() == 1
    assert two_factor.recovery_codes_left(coordinator) == 1

    second = Client()
    _sign_in(second, coordinator.email)
    StaticDevice.objects.filter(user=coordinator).update(throttling_failure_count=0)
    response = second.post(CODE, {"code": "abcdefgh"})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()


def test_repeated_wrong_codes_are_slowed_down_by_the_device(coordinator: User) -> None:
    device = _app(coordinator)
    client = Client()
    _sign_in(client, coordinator.email)
    client.post(CODE, {"code": "111111"})
    # Within the back-off after a failure even the right code waits.
    response = client.post(CODE, {"code": totp_code(device.key)})
    assert "Wait a minute" in response.content.decode()
    assert client.get(HOME)["Location"].startswith(CODE)


def test_five_wrong_codes_sign_the_person_out_and_lock_the_password_step(
    coordinator: User,
) -> None:
    _app(coordinator)
    client = Client()
    _sign_in(client, coordinator.email)
    for _ in range(5):
        TOTPDevice.objects.filter(user=coordinator).update(throttling_failure_count=0)
        response = client.post(CODE, {"code": "111111"})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 429  # django-axes counted each wrong code as a failure
    # The password step is locked for this address too.
    assert _sign_in(Client(), coordinator.email).status_code == 429


def test_the_password_step_is_still_locked_by_axes(coordinator: User) -> None:
    _app(coordinator)
    client = Client()
    for _ in range(5):
        _sign_in(client, coordinator.email, "wrong")
    assert _sign_in(client, coordinator.email).status_code == 429


def test_a_verified_session_passes_everywhere(coordinator: User, two_factor_required: None) -> None:
    client = _signed_in_with_code(coordinator)
    for path in (HOME, "/schools/", reverse("accounts:account")):
        assert client.get(path).status_code == 200


def test_turning_off_is_refused_to_a_role_that_requires_it(
    coordinator: User, two_factor_required: None
) -> None:
    client = _signed_in_with_code(coordinator)
    client.post(reverse("accounts:two_factor_turn_off"))
    assert two_factor.has_two_factor(coordinator)


def test_an_offered_role_may_turn_two_factor_off(sip: User, two_factor_required: None) -> None:
    client = _signed_in_with_code(sip)
    client.post(reverse("accounts:two_factor_turn_off"))
    assert not two_factor.has_two_factor(sip)
    assert client.get(HOME).status_code == 200


def test_new_recovery_codes_replace_the_old_ones(sip: User) -> None:
    _recovery(sip, "oldcode1")
    client = _signed_in_with_code(sip)
    response = client.post(reverse("accounts:recovery_codes_new"))
    page = client.get(response["Location"]).content.decode()
    new = list(StaticToken.objects.filter(device__user=sip).values_list("token", flat=True))
    assert "oldcode1" not in new
    assert len(new) == 10
    assert new[0] in page


# --- An administrator's reset ---------------------------------------------------------------


def test_an_administrator_resets_a_lost_device_and_it_is_recorded(
    administrator: User, coordinator: User, two_factor_required: None
) -> None:
    _app(coordinator)
    _recovery(coordinator, "abcdefgh")
    theirs = Client()
    theirs.force_login(coordinator)
    assert UserSession.objects.filter(user=coordinator).count() == 1

    admin = _signed_in_with_code(administrator)
    page = admin.get(reverse("accounts:people"), {"q": "alice"}).content.decode()
    assert "alice@kyra.test" in page
    url = reverse("accounts:two_factor_reset", args=[coordinator.pk])
    assert "Reset two-factor sign-in for Alice Coordinator?" in admin.get(url).content.decode()
    response = admin.post(url)
    assert response["Location"] == reverse("accounts:people")

    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    assert not UserSession.objects.filter(user=coordinator).exists()
    event = Event.objects.get(verb="two_factor.reset")
    assert event.actor == administrator
    assert event.subject_id == str(coordinator.pk)
    # Their old session is gone; at the next sign-in they set up again.
    assert theirs.get(HOME)["Location"].startswith(LOGIN)
    assert _sign_in(Client(), coordinator.email)["Location"].startswith(SET_UP)


@pytest.mark.parametrize("persona", ["coordinator", "broker_lead", "sip", "stranger"])
def test_only_administrators_reach_the_people_pages(
    request: pytest.FixtureRequest, persona: str, leader_user: User
) -> None:
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("accounts:people")).status_code == 403
    url = reverse("accounts:two_factor_reset", args=[leader_user.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403


def test_an_administrator_cannot_reset_their_own_two_factor(administrator: User) -> None:
    _app(administrator)
    with pytest.raises(two_factor.RuleViolation):
        two_factor.two_factor_reset(actor=administrator, user=administrator)
    assert two_factor.has_two_factor(administrator)


# --- The demo's switch --------------------------------------------------------------------


def test_the_demo_switch_works_only_with_debug_on() -> None:
    assert mfa_required_from(True, "false") == (False, False)
    assert mfa_required_from(False, "false") == (True, True)
    assert mfa_required_from(False, None) == (True, False)
    assert mfa_required_from(True, None) == (True, False)
    assert mfa_required_from(True, "true") == (True, False)


def test_an_ignored_demo_switch_is_a_system_check_warning(settings: Any) -> None:
    assert mfa_flag_ignored in registry.get_checks()
    settings.SYSLEAD_MFA_FLAG_IGNORED = True
    assert [m.id for m in mfa_flag_ignored()] == ["accounts.W001"]
    settings.SYSLEAD_MFA_FLAG_IGNORED = False
    assert mfa_flag_ignored() == []


def test_with_the_requirement_off_a_coordinator_signs_in_with_a_password_alone(
    settings: Any, coordinator: User
) -> None:
    settings.SYSLEAD_MFA_REQUIRED = False
    client = Client()
    assert _sign_in(client, coordinator.email)["Location"] == reverse("core:home")
    assert client.get(HOME).status_code == 200


def test_a_role_granted_later_is_required_at_the_next_sign_in(
    two_factor_required: None, alliance: Organisation
) -> None:
    person = make_user("new@kyra.test", "New Person")
    client = Client()
    assert _sign_in(client, person.email)["Location"] == reverse("core:home")
    RoleAssignment.objects.create(user=person, role=Role.COORDINATOR, organisation=alliance)
    again = Client()
    assert _sign_in(again, person.email)["Location"].startswith(SET_UP)


def test_signing_in_leaves_no_stale_role_cache_on_the_user_object(
    client: Client, sip: User, alliance: Organisation
) -> None:
    client.force_login(sip)
    RoleAssignment.objects.create(user=sip, role=Role.COORDINATOR, organisation=alliance)
    from syslead.accounts.access import has_role

    assert has_role(sip, Role.COORDINATOR)


def test_pages_owed_a_code_show_no_navigation(coordinator: User) -> None:
    _app(coordinator)
    client = Client()
    _sign_in(client, coordinator.email)
    page = client.get(CODE).content.decode()
    assert 'aria-label="Main"' not in page
    assert "Your account" not in page
    assert "Sign out" in page
