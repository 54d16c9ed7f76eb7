"""In Chromium: a coordinator invites a headteacher from the People page, one question per page;
the headteacher follows the e-mailed link, chooses a password and lands on their home page,
signed in. axe-core on every page visited."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_sign_in
from syslead.accounts.models import Role, RoleAssignment, User
from syslead.schools.models import School

pytestmark = pytest.mark.browser


def test_invitation_set_password_home_page(
    page: Page, coordinator: User, client_school: School
) -> None:
    browser_sign_in(page, coordinator.email)
    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    axe_check(page)
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    page.get_by_label("Full name").fill("Nadia Newhead")
    page.get_by_label("E-mail address").fill("nadia@ermine.test")
    page.get_by_role("button", name="Continue").click()
    axe_check(page)
    page.get_by_label("Headteacher").check()
    page.get_by_role("button", name="Continue").click()
    axe_check(page)
    page.get_by_label("Which school? Give its URN").fill(str(client_school.urn))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the invitation before you send it"
    )
    expect(page.get_by_text("Ermine Primary Academy")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to nadia@ermine.test.")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Nadia Newhead"))).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")

    message = next(m for m in mail.outbox if m.to == ["nadia@ermine.test"])
    link = re.search(r"https?://[^/\s]+(/invitations/[^/\s]+/)", message.body)
    assert link is not None
    page.goto(link.group(0))  # the whole link: it names the site it was sent from
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    axe_check(page)
    page.get_by_label("Choose a password").fill("password")
    page.get_by_label("Type the password again").fill("password")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    page.get_by_label("Choose a password").fill("lantern-orchard-42")
    page.get_by_label("Type the password again").fill("lantern-orchard-42")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(lambda url: "/invitations/" not in url)
    expect(page.get_by_text("Welcome to Syslead: your account is ready.")).to_be_visible()
    expect(page.locator(".site-header__user")).to_have_text("Nadia Newhead")
    axe_check(page)

    user = User.objects.get(email="nadia@ermine.test")
    assert RoleAssignment.objects.filter(user=user, role=Role.HEADTEACHER, school=client_school)

    # The link is used up.
    page.goto(link.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This invitation has already been used"
    )
    axe_check(page)
