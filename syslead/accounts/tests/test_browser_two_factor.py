"""In Chromium: a coordinator sets up two-factor sign-in with a real code from the set-up key,
then signs in with their password and a code; an administrator resets a lost device. The set-up,
recovery-code, code, account and people pages pass axe-core."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from conftest import PASSWORD, axe_check, totp_code
from syslead.accounts.models import User

pytestmark = pytest.mark.browser


def _key_hex_from_typed_secret(secret: str) -> str:
    """What the authenticator app does with the key a person types: base32 to bytes."""
    compact = secret.replace(" ", "")
    compact += "=" * (-len(compact) % 8)
    return base64.b32decode(compact).hex()


def test_coordinator_sets_up_two_factor_with_the_typed_key(
    page: Page, coordinator: User, two_factor_required: None
) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # A coordinator must set up two-factor before anything else.
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    axe_check(page)
    page.goto("/schools/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")

    # A wrong code first: the error is announced and the page still passes axe.
    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("alert")).to_contain_text("The code is not right")
    axe_check(page)

    secret = page.locator("#secret-key").inner_text()
    key_hex = _key_hex_from_typed_secret(secret)
    assert key_hex == TOTPDevice.objects.get(user=coordinator, confirmed=False).key
    # The wrong code started django-otp's back-off (a second or two): clear it, not wait.
    TOTPDevice.objects.filter(user=coordinator).update(throttling_failure_count=0)
    page.get_by_label("Code from the app").fill(totp_code(key_hex))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(
        10
    )
    axe_check(page)
    page.get_by_role("link", name="I have saved my recovery codes").click()
    expect(page).to_have_url(re.compile(r"/schools/$"))

    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text("You have 10 recovery codes left.")).to_be_visible()
    axe_check(page)


def test_coordinator_signs_in_with_password_then_a_code(
    page: Page, coordinator: User, two_factor_required: None
) -> None:
    device = TOTPDevice.objects.create(user=coordinator, name="Authenticator app", confirmed=True)
    page.goto("/accounts/login/?next=/schools/")
    page.get_by_label("E-mail address").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    axe_check(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the code from your authenticator app")
    axe_check(page)

    page.get_by_label("Code").fill(totp_code(device.key))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/schools/$"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _sign_in_with_code(page: Page, user: User) -> None:
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(totp_code(device.key))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/two-factor/" not in url)


def test_administrator_resets_a_lost_device_from_the_people_page(
    page: Page, administrator: User, coordinator: User, two_factor_required: None
) -> None:
    TOTPDevice.objects.create(user=coordinator, name="Authenticator app", confirmed=True)
    _sign_in_with_code(page, administrator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign-in security").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People and two-factor sign-in")
    page.get_by_label("Name or e-mail address").fill("alice")
    page.get_by_role("button", name="Search").click()
    axe_check(page)
    page.get_by_role("link", name="Reset two-factor for Alice Coordinator").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Reset two-factor sign-in for Alice Coordinator?"
    )
    axe_check(page)
    page.get_by_role("button", name="Reset two-factor sign-in").click()
    expect(page.get_by_role("status")).to_contain_text("Two-factor sign-in is reset for Alice")
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
