"""In Chromium: a coordinator goes from the KPI page (its charts) to the annual report, asks for
the year's report and sees its downloads; both pages pass axe-core, and the report page works at
320 px."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.deployments.models import Deployment
from syslead.leaders.models import LeaderProfile
from syslead.reports.tests.test_kpis import deploy, sle_maker  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_coordinator_asks_for_the_annual_report_and_downloads_it(
    page: Page,
    coordinator: User,
    sle_maker: Callable[..., LeaderProfile],  # noqa: F811
    deploy: Callable[..., Deployment],  # noqa: F811
) -> None:
    start = AcademicYear.current().starts_on + dt.timedelta(days=10)
    deploy(sle_maker(start), start + dt.timedelta(days=30))
    browser_signed_in(page, coordinator.email, home=False)
    page.goto("/reports/kpis/")
    chart = page.get_by_role("img", name="Days agreed and days delivered, year by year")
    expect(chart).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="The annual report for governors (PDF and Excel)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual report")
    page.get_by_role("button", name="Make the report").click()
    expect(page.get_by_role("link", name="PDF of the", exact=False)).to_be_visible(timeout=30_000)
    expect(page.get_by_role("link", name="Excel workbook of the", exact=False)).to_be_visible()
    axe_check(page)
    page.set_viewport_size({"width": 320, "height": 800})
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= 320
