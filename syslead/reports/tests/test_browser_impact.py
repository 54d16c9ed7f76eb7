"""In Chromium: a coordinator reads the impact page from the KPIs page; the chart (an SVG image
with its title) and its table pass axe-core, at desktop width and at 320 px without scrolling
sideways (docs/impact.md; docs/ux.md, "Small screens")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.deployments.models import Deployment
from syslead.reports.tests.test_impact import RI, G, leader, school, support  # noqa: F401

pytestmark = pytest.mark.browser


def test_coordinator_reads_the_impact_against_the_comparison_group(
    page: Page,
    coordinator: User,
    support: Callable[..., Deployment],  # noqa: F811
) -> None:
    support(
        school(100001, (dt.date(2012, 3, 1), RI), (dt.date(2014, 5, 1), G)), dt.date(2013, 1, 10)
    )
    school(200001, (dt.date(2011, 5, 1), RI), (dt.date(2013, 5, 1), RI))
    school(200002, (dt.date(2011, 5, 1), RI), (dt.date(2013, 5, 1), G))
    browser_signed_in(page, coordinator.email, home=False)
    page.goto("/reports/kpis/")
    page.get_by_role("link", name="Impact against a comparison group", exact=False).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact against a comparison group")
    expect(
        page.get_by_role("img", name="Percentage of schools that improved", exact=False)
    ).to_be_visible()
    expect(
        page.get_by_role("table", name="Supported schools and the comparison group", exact=False)
    ).to_be_visible()
    axe_check(page)
    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    axe_check(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"the impact page is {width} px wide"
