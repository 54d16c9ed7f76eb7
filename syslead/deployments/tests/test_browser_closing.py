"""Closing an agreement together in Chromium, axe-core on every page (docs/rules.md, "Closing an
agreement"): the leader says it was not fully delivered (the missing reason is refused first),
then signs it off; the headteacher signs it off from the agreement's task list and decides on no
further support; the coordinator marks the support completed, last."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.core.tests.browser_dates import fill_date
from syslead.deployments.models import Deployment, DeploymentStatus

pytestmark = pytest.mark.browser


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")


def test_the_leader_and_the_head_close_the_agreement_together_then_it_is_completed(
    page: Page, active: Deployment, leader_user: User, client_head: User, coordinator: User
) -> None:
    agreement = f"/deployments/{active.pk}/"

    browser_signed_in(page, leader_user.email, home=False)
    page.goto(agreement)
    expect(page.get_by_role("heading", name="Closing the agreement together")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Say whether the support was fully delivered").first.click()
    page.get_by_label("No, not fully delivered").check()
    page.get_by_role("button", name="Save the statement").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    page.get_by_label("Why was it not fully delivered?").fill("One day lost to snow.")
    page.get_by_role("button", name="Save the statement").click()
    expect(page.get_by_text("Your statement is saved.")).to_be_visible()
    page.get_by_role("link", name="Sign off the agreement (system leader)").first.click()
    expect(page.get_by_text("No: One day lost to snow.")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Sign it off").click()
    expect(page.get_by_text("You have signed the agreement off.")).to_be_visible()
    _sign_out(page)

    browser_signed_in(page, client_head.email, home=False)
    page.goto(agreement)
    page.get_by_role("link", name="Sign off the agreement (headteacher)").first.click()
    page.get_by_role("button", name="Sign it off").click()
    expect(page.get_by_text("You have signed the agreement off.")).to_be_visible()
    page.get_by_role("link", name="Decide on further support").first.click()
    axe_check(page)
    page.get_by_label("No, no further support").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("The decision on further support is saved.")).to_be_visible()
    axe_check(page)
    _sign_out(page)

    browser_signed_in(page, coordinator.email, home=False)
    page.goto(agreement)
    page.get_by_role("link", name="Mark the support completed").first.click()
    axe_check(page)
    fill_date(page, "Date the support was completed", active.ends_on.isoformat())
    page.get_by_role("button", name="Mark it completed").click()
    expect(page.get_by_text("The support is completed.")).to_be_visible()
    axe_check(page)
    active.refresh_from_db()
    assert active.status == DeploymentStatus.COMPLETED
