"""The calendars' pages in Chromium with axe-core: the term dates form with a GOV.UK date-input
error, the note of visit's non-school-day question, and the account page's calendar section."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.calendars.models import TermDates
from syslead.core.tests.browser_dates import fill_date
from syslead.deployments.models import Deployment
from syslead.visits.models import Visit

pytestmark = pytest.mark.browser


@pytest.fixture
def as_person(browser: Browser, live_server: Any) -> Iterator[Any]:
    contexts = []

    def _open(user: User) -> Page:
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        contexts.append(context)
        tab = context.new_page()
        browser_signed_in(tab, user.email)
        return tab

    yield _open
    for context in contexts:
        context.close()


def test_a_coordinator_corrects_a_date_and_saves_the_term_dates(
    as_person: Any, transactional_db: None, coordinator: User, deployment: Deployment
) -> None:
    page = as_person(coordinator)
    page.goto("/")
    page.get_by_role("link", name="Term dates").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Term dates in Lincolnshire")
    axe_check(page)
    page.get_by_role("link", name="Set the term dates for 2025-26").click()
    axe_check(page)
    first_day = page.get_by_role("group", name="The autumn term's first day")
    first_day.get_by_label("Month").fill("")
    page.get_by_role("button", name="Save the term dates").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The autumn term's first day must include a month"
    )
    axe_check(page)
    page.get_by_role("link", name="The autumn term's first day must include a month").click()
    expect(first_day.get_by_label("Day")).to_be_focused()
    first_day.get_by_label("Month").fill("9")
    page.get_by_role("button", name="Save the term dates").click()
    expect(page.get_by_text("Set for Lincolnshire").first).to_be_visible()
    assert TermDates.objects.filter(local_authority="Lincolnshire").count() == 1


def test_a_leader_confirms_a_visit_on_a_saturday(
    as_person: Any, transactional_db: None, leader_user: User, deployment: Deployment
) -> None:
    page = as_person(leader_user)
    page.goto(f"/deployments/{deployment.pk}/visits/new/")
    fill_date(page, "Date of visit", "2025-10-11")
    page.get_by_label("Hours in school").fill("3")
    page.get_by_label("Focus of visit").fill("Saturday revision school")
    page.get_by_role("button", name="Send to the headteacher to agree").click()
    expect(page.get_by_role("alert")).to_contain_text("is not a school day (a Saturday)")
    axe_check(page)
    page.get_by_label("Yes, record it on that day").check()
    page.get_by_role("button", name="Send to the headteacher to agree").click()
    expect(page.get_by_text("Waiting to be agreed")).to_be_visible()
    assert Visit.objects.get().date.isoformat() == "2025-10-11"


def test_the_account_page_makes_a_calendar_address(
    as_person: Any, transactional_db: None, leader_user: User
) -> None:
    page = as_person(leader_user)
    page.goto("/accounts/")
    axe_check(page)
    page.get_by_role("button", name="Make my calendar address").click()
    address = page.get_by_label("Copy this address")
    expect(address).to_have_value(re.compile(r"/calendar/[\w-]+\.ics$"))
    axe_check(page)
