"""In Chromium: signing in by typing (and without the form, landing on the same page), and every
role's home page passing axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD, axe_check, browser_sign_in, browser_signed_in
from syslead.accounts.models import User, UserSession
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

pytestmark = pytest.mark.browser

PERSONAS = [
    "administrator",
    "coordinator",
    "broker_lead",
    "sip",
    "leader_user",
    "client_head",
    "stranger",
]


def test_sign_in_page_and_its_errors_pass_axe(page: Page, coordinator: User) -> None:
    page.goto("/accounts/login/")
    expect(page).to_have_title("Sign in – Syslead")
    axe_check(page)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your e-mail address")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    axe_check(page)
    page.get_by_label("E-mail address").fill("alice@kyra.test")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("The e-mail address or password is not right")
    axe_check(page)


def test_password_reset_pages_pass_axe(page: Page, db: None) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    axe_check(page)
    page.get_by_label("E-mail address").fill("nobody@nowhere.test")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    axe_check(page)


@pytest.mark.parametrize("persona", PERSONAS)
def test_home_page_of_each_role_passes_axe(
    page: Page,
    request: pytest.FixtureRequest,
    persona: str,
    alliance: Organisation,
    home_school: School,
) -> None:
    alliance.lead_school = home_school  # gives the coordinator's and SIP's area some schools
    alliance.save()
    user: User = request.getfixturevalue(persona)
    if persona == "leader_user":
        LeaderProfile.objects.create(user=user, home_school=home_school, job_title="Deputy head")
    browser_sign_in(page, user.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    axe_check(page)


def test_signing_in_without_the_form_lands_where_typing_does(
    page: Page,
    browser: Browser,
    live_server: Any,
    coordinator: User,
    alliance: Organisation,
    home_school: School,
) -> None:
    alliance.lead_school = home_school
    alliance.save()
    browser_sign_in(page, coordinator.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    typed_heading = page.get_by_role("heading", level=1).inner_text()
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        tab = context.new_page()
        browser_signed_in(tab, coordinator.email)
        expect(tab.get_by_role("heading", level=1)).to_have_text(typed_heading)
        assert tab.url == page.url
        expect(tab.get_by_role("button", name="Sign out")).to_be_visible()
    finally:
        context.close()
    # The same bookkeeping: two sessions holding the same keys, each with its row and the
    # browser's user agent.
    sessions = [session.get_decoded() for session in Session.objects.all()]
    assert len(sessions) == 2
    assert sessions[0].keys() == sessions[1].keys()
    rows = UserSession.objects.filter(user=coordinator)
    assert rows.count() == 2
    assert len({row.user_agent for row in rows}) == 1
    assert len({row.ip_address for row in rows}) == 1
    assert "Chrome" in rows[0].user_agent


def test_about_the_data_and_not_found_pages_pass_axe(page: Page, stranger: User) -> None:
    browser_signed_in(page, stranger.email)
    page.get_by_role("link", name="About the data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About the data")
    axe_check(page)
    page.goto("/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    axe_check(page)


def test_change_password_page_passes_axe_and_sign_out_works(
    page: Page, coordinator: User, settings: Any
) -> None:
    browser_signed_in(page, coordinator.email)
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Change your password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    axe_check(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    axe_check(page)


def test_axe_check_fails_the_test_on_a_violation(page: Page) -> None:
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        axe_check(page)


@pytest.mark.django_db(transaction=True)
def test_a_test_after_the_browser_tests_still_finds_the_migrations_data() -> None:
    # Runs after this file's browser tests, which empty the database when they end: the root
    # conftest puts back what the migrations wrote (content types, built-in vocabularies).
    from django.contrib.contenttypes.models import ContentType

    assert ContentType.objects.filter(app_label="accounts", model="user").exists()
