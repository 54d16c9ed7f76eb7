"""The agreement in Chromium, axe-core on every page: a coordinator drafts it from the agreed
match and checks the answers; then the four parties each sign in and sign it in turn — the
leader and the broker lead from their home page, the headteachers from the agreement page — and
it becomes active."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.brokering.models import SupportRequest
from syslead.core.tests.browser_dates import fill_date
from syslead.deployments.models import Deployment, DeploymentStatus

pytestmark = pytest.mark.browser

SIGN_LINK = "Sign the agreement for Lee Leader at Ermine Primary Academy"


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def sign_on_the_page(page: Page, declaration: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign the agreement")
    axe_check(page)
    page.get_by_label(declaration).check()
    page.get_by_role("button", name="Sign the agreement").click()


def test_the_four_parties_sign_in_turn_and_the_agreement_becomes_active(
    page: Page, agreement: Deployment, parties: list[User]
) -> None:
    leader_user, home_head, client_head, broker_lead = parties

    # The leader signs from their home page.
    browser_signed_in(page, leader_user.email, home=False)
    page.goto("/")
    axe_check(page)
    page.get_by_role("link", name=SIGN_LINK).click()
    sign_on_the_page(page, "I agree to this support agreement as the system leader")
    expect(page.get_by_text("You signed the agreement as the system leader")).to_be_visible()
    axe_check(page)
    sign_out(page)

    # The home school's headteacher finds it among the agreements and signs from its page.
    browser_signed_in(page, home_head.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements").click()
    axe_check(page)
    page.get_by_role("link", name="Ermine Primary Academy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Lee Leader at Ermine Primary Academy"
    )
    axe_check(page)
    page.get_by_role("link", name="Sign the agreement", exact=True).click()
    sign_on_the_page(page, re.compile("on behalf of Mount Street Academy, and to release"))
    sign_out(page)

    # The supported school's headteacher signs from the agreement page; forgetting the
    # declaration first.
    browser_signed_in(page, client_head.email, home=False)
    page.goto(f"/deployments/{agreement.pk}/")
    page.get_by_role("link", name="Sign the agreement", exact=True).click()
    page.get_by_role("button", name="Sign the agreement").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to confirm")
    axe_check(page)
    sign_on_the_page(page, "I agree to this support agreement on behalf of Ermine Primary Academy")
    sign_out(page)

    # The broker lead signs last, from the home page: the agreement becomes active.
    browser_signed_in(page, broker_lead.email, home=False)
    page.goto("/")
    axe_check(page)
    page.get_by_role("link", name=SIGN_LINK).click()
    sign_on_the_page(page, re.compile("on behalf of KYRA Teaching School Alliance"))
    expect(page.get_by_text("All four parties have signed: it is active.")).to_be_visible()
    expect(page.locator("strong.tag", has_text="Active").first).to_be_visible()
    axe_check(page)
    agreement.refresh_from_db()
    assert agreement.status == DeploymentStatus.ACTIVE
    assert agreement.signatures.count() == 4


def open_section(page: Page, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    axe_check(page)


def save(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def test_a_coordinator_drafts_the_agreement_and_checks_the_answers(
    page: Page, coordinator: User, support_request: SupportRequest, parties: list[User]
) -> None:
    browser_signed_in(page, coordinator.email, home=False)
    page.goto(f"/deployments/new/{support_request.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft the agreement")
    axe_check(page)
    expect(page.locator(".govuk-task-list__item")).to_have_count(7)
    expect(page.locator("#task-impact-status")).to_have_text("Cannot start yet")

    open_section(page, "Parties")
    save(page)
    expect(page.locator("#task-parties-status")).to_have_text("Completed")

    # An error first: no start date.
    open_section(page, "Dates and days")
    fill_date(page, "Agreed start date", "")
    save(page)
    expect(page.get_by_role("alert")).to_contain_text("Enter the agreed start date.")
    axe_check(page)
    fill_date(page, "Agreed start date", "2027-01-04")
    fill_date(page, "Intended end date", "2027-04-30")
    page.get_by_label("Full days").fill("5")
    save(page)

    open_section(page, "Aims and objectives")
    page.get_by_label("Objective 1: Agreed objective").fill("Bar models in years 5 and 6.")
    save(page)
    open_section(page, "Baseline to impact")
    page.get_by_label("Objective 1: Baseline measure").fill("2 of 6 teachers.")
    save(page)
    open_section(page, "Evaluation")
    page.get_by_label("Evaluation strategy").fill("Spring assessments against the baseline.")
    save(page)
    open_section(page, "Funding")
    save(page)
    open_section(page, "Exit")
    save(page)
    expect(page.locator(".govuk-task-list__status", has_text="Completed")).to_have_count(7)
    axe_check(page)

    page.get_by_role("link", name="Check your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.get_by_text("£1,750.00").first).to_be_visible()
    axe_check(page)
    # A Change link goes to the section and comes back here.
    page.get_by_role("link", name="Change staff involved").click()
    page.get_by_label("Staff involved").fill("Year 5 and 6 teachers")
    save(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.get_by_text("Year 5 and 6 teachers")).to_be_visible()
    page.get_by_role("button", name="Make the draft agreement").click()
    expect(page.get_by_text("Draft agreement made: check it, then send it")).to_be_visible()
    axe_check(page)
    # Nobody is asked to sign until the draft is sent (docs/rules.md, "Sending an agreement for
    # signature").
    page.get_by_role("link", name="Send for signature", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send the agreement for signature")
    axe_check(page)
    page.get_by_role("button", name="Send for signature").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Sent for signature: the parties have been asked"
    )
    deployment = Deployment.objects.get()
    assert deployment.status == "awaiting_signatures"
    assert deployment.objectives.get().baseline == "2 of 6 teachers."
    assert deployment.staff_involved == "Year 5 and 6 teachers"


def test_a_coordinator_amends_a_signed_agreement_through_the_same_sections(
    page: Page, coordinator: User, active: Deployment
) -> None:
    """Amending uses the draft's sections and check page (docs/ux.md, "The agreement draft"):
    the check page asks why the terms change, and confirming makes the next version."""
    browser_signed_in(page, coordinator.email, home=False)
    page.goto(f"/deployments/{active.pk}/")
    page.get_by_role("link", name="Amend the terms").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amend the agreement: version 2")
    axe_check(page)
    expect(page.locator(".govuk-task-list__status", has_text="Completed")).to_have_count(7)
    open_section(page, "Dates and days")
    page.get_by_label("Full days").fill("7")
    save(page)
    page.get_by_role("link", name="Check your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    confirm = "Make version 2 and ask the parties to sign it"
    page.get_by_role("button", name=confirm).click()
    expect(page.get_by_role("alert")).to_contain_text("Give the details of the change.")
    axe_check(page)
    page.get_by_label("Details of the change").fill("Two more days agreed.")
    page.get_by_role("button", name=confirm).click()
    expect(page.get_by_text("Amended: the four parties have been asked to sign")).to_be_visible()
    amended = Deployment.objects.get(previous_version=active)
    assert (amended.version, amended.full_days) == (2, 7)
