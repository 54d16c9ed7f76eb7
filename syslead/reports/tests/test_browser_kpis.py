"""In Chromium: a broker lead reads this year's KPIs on the home page, then the KPI page, both
passing axe-core."""

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


def test_broker_lead_reads_the_kpis_from_home(
    page: Page,
    broker_lead: User,
    sle_maker: Callable[..., LeaderProfile],  # noqa: F811
    deploy: Callable[..., Deployment],  # noqa: F811
) -> None:
    start = AcademicYear.current().starts_on + dt.timedelta(days=10)
    deploy(sle_maker(start), start + dt.timedelta(days=30))
    sle_maker(start)
    browser_signed_in(page, broker_lead.email)
    expect(page.get_by_role("heading", name="KPIs", exact=False).first).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="All the KPIs, costs and days by commissioner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Key performance indicators")
    expect(page.get_by_text("1 of 2 SLEs")).to_be_visible()
    axe_check(page)
