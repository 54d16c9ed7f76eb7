"""The foundation journey in Chromium: a coordinator signs in by typing, finds a school by its
postcode and opens its page; every page on the way passes axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD, axe_check
from syslead.accounts.models import User
from syslead.schools.models import School

pytestmark = pytest.mark.browser


def test_coordinator_signs_in_and_finds_a_school_by_postcode(
    page: Page,
    coordinator: User,
    client_school: School,
    home_school: School,
    far_school: School,
) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    axe_check(page)

    page.get_by_label("E-mail address").press_sequentially("alice@kyra.test")
    page.get_by_label("Password").press_sequentially(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Alice")
    expect(
        page.get_by_role("heading", name="KYRA Teaching School Alliance", exact=True)
    ).to_be_visible()
    axe_check(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Schools").click()
    expect(page).to_have_url(re.compile(r"/schools/$"))
    axe_check(page)

    page.locator("#id_q").press_sequentially("LN2 2HG")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("table")
    expect(results.get_by_role("link", name="Ermine Primary Academy")).to_be_visible()
    expect(results.get_by_role("link", name="Bristol Road Primary")).to_have_count(0)
    axe_check(page)

    results.get_by_role("link", name="Ermine Primary Academy").click()
    expect(page).to_have_url(re.compile(rf"/schools/{client_school.urn}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ermine Primary Academy")
    axe_check(page)

    page.get_by_role("contentinfo").get_by_role("link", name="About the data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About the data")
    axe_check(page)
