"""In Chromium: a coordinator draws the autumn term's sample of notes of visit, records a check
that needs improvement, then writes and shares the leader's performance feedback; every page
passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.organisations.models import Organisation
from syslead.quality.tests.factories import agreed_notes, deployment_for
from syslead.schools.models import School

pytestmark = pytest.mark.browser


def test_coordinator_samples_checks_and_gives_feedback(
    page: Page,
    coordinator: User,
    leader_user: User,
    home_school: School,
    client_school: School,
    alliance: Organisation,
) -> None:
    deployment = deployment_for(leader_user, home_school, client_school, alliance)
    agreed_notes(deployment, 4)
    browser_signed_in(page, coordinator.email)
    page.get_by_role(
        "link", name="Samples of notes of visit and evaluations, and performance feedback"
    ).click()
    page.goto("/quality/?year=2025-26")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quality assurance")
    axe_check(page)
    page.get_by_label("School term").select_option(label="Autumn term 2025-26")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sample of notes of visit and evaluations, Autumn term 2025-26"
    )
    expect(page.get_by_text("3 of 4 agreed notes of visit", exact=False)).to_be_visible()
    axe_check(page)
    first = page.locator("section[id^=check-]").first
    first.get_by_label("Needs improvement").check()
    first.get_by_label("Comment").fill("Action points have no dates.")
    first.get_by_role("button", name="Record the check").click()
    expect(page.get_by_text("The check is recorded.")).to_be_visible()
    expect(page.get_by_text("Action points have no dates.").first).to_be_visible()
    page.get_by_role("link", name="performance feedback for 2025-26").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Performance feedback for Lee Leader, 2025-26"
    )
    axe_check(page)
    page.get_by_label("Strengths").fill("Well-focused visits.")
    page.get_by_label("Areas to develop").fill("Date every action point.")
    page.get_by_role("group", name="Does the leader meet the standard?").get_by_label("Yes").check()
    page.get_by_role("button", name="Save and share with the leader").click()
    expect(page.get_by_text("The feedback is shared with the leader.")).to_be_visible()
    axe_check(page)
