"""In Chromium at 320 px: the supported school's headteacher raises a concern about the leader's
work from a note of visit, the broker's coordinator records an action and shares it, and the
leader reads it without who raised it; every page passes axe-core and fits the width."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.organisations.models import Organisation
from syslead.quality.models import LeaderConcern
from syslead.quality.tests.factories import agreed_notes, deployment_for
from syslead.schools.models import School

pytestmark = pytest.mark.browser

WIDTH = 320


def _fits(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width} px wide"


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")


def test_a_head_raises_a_concern_the_coordinator_acts_and_shares_it_with_the_leader(
    page: Page,
    coordinator: User,
    leader_user: User,
    client_head: User,
    home_school: School,
    client_school: School,
    alliance: Organisation,
) -> None:
    deployment = deployment_for(leader_user, home_school, client_school, alliance)
    visit = agreed_notes(deployment, 1)[0]
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto("/accounts/login/", timeout=120_000)
    browser_signed_in(page, client_head.email, home=False)
    page.goto(f"/visits/{visit.pk}/")
    page.get_by_role("link", name="Raise a concern about the leader's work or this support").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Raise a concern about Lee Leader's work"
    )
    expect(page.get_by_text("This is not for safeguarding.")).to_be_visible()
    axe_check(page)
    _fits(page)
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    page.get_by_label("Commitments not kept (visits, records, days)").check()
    page.get_by_label("Summary").fill("Visits cancelled on the day")
    page.get_by_label("Describe the concern").fill("Two visits in November were cancelled.")
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Concern: Visits cancelled on the day"
    )
    axe_check(page)
    _fits(page)
    _sign_out(page)

    browser_signed_in(page, coordinator.email, home=False)
    page.goto("/quality/concerns/")
    axe_check(page)
    _fits(page)
    page.get_by_role("link", name="Visits cancelled on the day").click()
    page.get_by_label("What was done").fill("Spoke to Lee; visits rebooked.")
    page.get_by_label("Action taken").check()
    page.get_by_role("button", name="Record the action").click()
    expect(page.get_by_text("The concern is updated.")).to_be_visible()
    page.get_by_role("button", name="Share with Lee Leader").click()
    expect(page.get_by_text("Shared with Lee Leader.")).to_be_visible()
    axe_check(page)
    _fits(page)
    _sign_out(page)

    browser_signed_in(page, leader_user.email, home=False)
    page.goto(f"/quality/concerns/{LeaderConcern.objects.get().pk}/")
    expect(page.get_by_text("Spoke to Lee; visits rebooked.")).to_be_visible()
    expect(page.get_by_text(client_head.name)).to_have_count(0)
    axe_check(page)
    _fits(page)
