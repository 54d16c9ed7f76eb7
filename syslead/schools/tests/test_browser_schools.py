"""In Chromium: searching the register and opening a school, every page passing axe-core."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in, make_school
from syslead.accounts.models import User
from syslead.schools.models import OfstedInspection, PostcodeArea, School

pytestmark = pytest.mark.browser


def test_search_by_postcode_then_open_a_school_with_its_history(
    page: Page, coordinator: User, client_school: School, home_school: School
) -> None:
    PostcodeArea.objects.create(outward="LN1", latitude=53.2394, longitude=-0.5531)
    make_school(
        120009,
        "Bristol Road Primary",
        town="Bristol",
        postcode="BS16 1AA",
        latitude=51.4816,
        longitude=-2.5122,
        local_authority="South Gloucestershire",
    )
    OfstedInspection.objects.create(
        school=home_school, rating="outstanding", inspected_on=datetime.date(2019, 3, 5)
    )
    browser_signed_in(page, coordinator.email)

    page.goto("/schools/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a school")
    axe_check(page)

    page.get_by_label("School name, URN, postcode or town").fill("ln1 3jg")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("2 schools found")
    expect(page.get_by_role("columnheader", name="Distance")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Mount Street Academy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mount Street Academy")
    expect(page.get_by_role("cell", name="5 March 2019")).to_be_visible()
    axe_check(page)


def test_filters_and_an_invalid_filter_pass_axe(
    page: Page, stranger: User, client_school: School
) -> None:
    browser_signed_in(page, stranger.email)

    page.goto("/schools/?phase=primary&la=Lincolnshire")
    expect(page.get_by_role("link", name="Ermine Primary Academy")).to_be_visible()
    axe_check(page)

    page.goto("/schools/?la=Atlantis")
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    axe_check(page)
