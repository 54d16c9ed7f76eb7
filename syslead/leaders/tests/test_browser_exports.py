"""In Chromium: a coordinator filters the directory and downloads it as Excel and as CSV from the
links under the results; the files hold the filtered leaders only; the page passes axe-core."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.leaders.tests.factories import associate, designate, make_leader, release
from syslead.organisations.models import Organisation
from syslead.schools.models import School

pytestmark = pytest.mark.browser


@pytest.fixture
def leaders(alliance: Organisation, home_school: School) -> None:
    for name, specialism in (("Sam Maths", "maths"), ("Erin English", "english")):
        leader = make_leader(school=home_school, name=name, specialisms=(specialism,))
        designate(leader, "SLE", alliance)
        associate(leader, alliance)
        release(leader, AcademicYear.current().label, "10")


@pytest.mark.usefixtures("leaders")
def test_coordinator_downloads_the_filtered_directory(page: Page, coordinator: User) -> None:
    browser_signed_in(page, coordinator.email, home=False)
    page.goto("/leaders/")
    page.get_by_label("Specialism").select_option(label="Maths")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("1 leader found")
    axe_check(page)

    with page.expect_download() as excel:
        page.get_by_role("link", name="Download Excel").click()
    assert excel.value.suggested_filename.startswith("syslead-leaders-")
    assert excel.value.suggested_filename.endswith(".xlsx")
    with open(excel.value.path(), "rb") as file:
        sheet = load_workbook(io.BytesIO(file.read())).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Sam Maths"]

    with page.expect_download() as comma_separated:
        page.get_by_role("link", name="Download CSV").click()
    with open(comma_separated.value.path(), encoding="utf-8-sig") as file:
        rows = list(csv.reader(file))
    assert [row[0] for row in rows[1:]] == ["Sam Maths"]
