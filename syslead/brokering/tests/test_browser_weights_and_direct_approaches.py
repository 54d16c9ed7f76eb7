"""In Chromium: the coordinator follows the shortlist's link to how shortlists are scored and
changes the weights (a mistake first); records a direct approach to one of their leaders (errors
first); the leader tells their broker of another. axe-core on every page visited."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.brokering.models import SupportRequest
from syslead.core.tests.browser_dates import fill_date
from syslead.leaders.models import LeaderProfile

pytestmark = pytest.mark.browser


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")


def test_coordinator_changes_the_weights_and_records_a_direct_approach_leader_tells_broker(
    page: Page, coordinator: User, lee: LeaderProfile, maths_request: SupportRequest
) -> None:
    browser_signed_in(page, coordinator.email, home=False)
    page.goto(f"/requests/{maths_request.pk}/")
    page.get_by_role("link", name="how shortlists are scored").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How shortlists are scored")
    expect(page.get_by_role("rowheader", name="Distance")).to_be_visible()
    axe_check(page)
    page.get_by_label("Specialism").fill("")
    page.get_by_label("Distance").fill("150")
    page.get_by_role("button", name="Save the weights").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        page.get_by_role("link", name="Give the weight for specialism, from 0 to 100.")
    ).to_be_visible()
    axe_check(page)
    page.get_by_label("Specialism").fill("40")
    page.get_by_label("Distance").fill("15")
    page.get_by_role("button", name="Save the weights").click()
    expect(page.get_by_text("The weights have been saved")).to_be_visible()
    expect(page.get_by_text("Matching weights changed: specialism 40")).to_be_visible()
    axe_check(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    page.get_by_role("link", name="Direct approaches").click()
    expect(page.get_by_text("None recorded yet.")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Record a direct approach").click()
    page.get_by_role("button", name="Record the approach").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    # The list of leaders narrows as the coordinator types (docs/ux.md, "Autocomplete").
    leader = page.get_by_role("combobox", name="Which leader was approached?")
    leader.fill("Lee")
    option = page.get_by_role("option", name="Lee Leader, Mount Street Academy")
    option.click()
    # Chosen: the list closed, the field shows the choice and the form's own <select> holds it.
    # (Sent before that, the form would come back asking which leader.)
    expect(option).to_be_hidden()
    expect(leader).to_have_value("Lee Leader, Mount Street Academy")
    expect(page.locator("select[name=leader]")).not_to_have_value("")
    page.get_by_label("Who approached them?").fill("Lincoln Diocese")
    page.get_by_label("Which school is the support for? (optional)").fill("120001")
    fill_date(page, "When were they approached? (optional)", "2025-03-03")
    page.get_by_label("What did they ask for? (optional)").fill("Two days of maths coaching.")
    page.get_by_role("button", name="Record the approach").click()
    expect(page.get_by_text("The direct approach to Lee Leader has been recorded")).to_be_visible()
    expect(page.get_by_role("cell", name="Lee Leader")).to_be_visible()
    expect(page.get_by_text("For Ermine Primary Academy (URN 120001)")).to_be_visible()
    axe_check(page)
    _sign_out(page)

    browser_signed_in(page, lee.user.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Approaches").click()
    page.get_by_role("link", name="Tell your broker").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tell your broker about a direct approach"
    )
    axe_check(page)
    page.get_by_label("Who approached you?").fill("Ermine Primary Academy")
    page.get_by_role("button", name="Tell your broker").click()
    expect(page.get_by_text("KYRA Teaching School Alliance has been told")).to_be_visible()
    axe_check(page)
