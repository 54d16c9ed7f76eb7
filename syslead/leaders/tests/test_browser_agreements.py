"""In Chromium, 320 px wide, with axe-core: the coordinator publishes the broker's agreement and
the associated leader signs it from their own profile after a mistake; the governance record
(docs/rules.md, "The broker's agreement and code of conduct", "Designations")."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.core.tests.browser_dates import fill_date
from syslead.leaders.models import AgreementSignature, Designation, LeaderProfile
from syslead.organisations.models import Organisation

pytestmark = pytest.mark.browser


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_publish_then_sign_after_a_mistake(
    page: Page,
    coordinator: User,
    leader_user: User,
    leader: LeaderProfile,
    lle: Designation,
    alliance: Organisation,
) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    browser_signed_in(page, coordinator.email, home=False)
    page.goto(f"/leaders/agreements/{alliance.pk}/")
    page.get_by_label("Title").fill("LLE agreement")
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe_check(page)
    page.get_by_label("Agreement and code of conduct").fill("LLEs will act professionally.")
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_text("Version 1 is published")).to_be_visible()
    expect(page.get_by_text("Not signed").first).to_be_visible()
    axe_check(page)
    _fits(page)
    page.context.clear_cookies()

    browser_signed_in(page, leader_user.email, home=False)
    page.goto("/leaders/me/")
    page.get_by_role("link", name="Read and sign").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("LLE agreement")
    page.get_by_role("button", name="Sign the agreement").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe_check(page)
    page.get_by_label("I have read this agreement").check()
    page.get_by_role("button", name="Sign the agreement").click()
    expect(page.get_by_text("You have signed")).to_be_visible()
    assert AgreementSignature.objects.filter(leader=leader).exists()
    _fits(page)


def test_the_leader_keeps_their_governance_record(
    page: Page, leader_user: User, leader: LeaderProfile
) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    browser_signed_in(page, leader_user.email, home=False)
    page.goto("/leaders/me/")
    page.get_by_role("link", name="My governance record").click()
    expect(page.get_by_text("NLG criterion not met")).to_be_visible()
    page.get_by_label("School or trust").fill("Ermine Primary")
    page.get_by_label("Chair of governors", exact=True).check()
    fill_date(page, "From", "2018-09-01")
    page.get_by_role("button", name="Add the role").click()
    expect(page.get_by_text("NLG criterion met")).to_be_visible()
    axe_check(page)
    _fits(page)
