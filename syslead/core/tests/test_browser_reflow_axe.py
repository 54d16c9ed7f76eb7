"""At 320 px (docs/ux.md, "Small screens"): the pages whose tables now stack into summaries pass
axe-core, do not scroll sideways, and their table cells are headed by their column's name."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.brokering.tests import factories
from syslead.leaders.models import LeaderProfile
from syslead.leaders.tests.factories import associate, designate, make_deployment, make_leader
from syslead.organisations.models import Organisation
from syslead.schools.models import School

pytestmark = pytest.mark.browser

#: What sticks out: the innermost elements whose right edge passes the viewport's.
CULPRITS_JS = """() => Array.from(document.querySelectorAll('body *'))
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
    && !Array.from(el.children).some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5).map(el => el.outerHTML.slice(0, 160))"""


@pytest.fixture
def leader(alliance: Organisation, home_school: School) -> LeaderProfile:
    leader = make_leader(school=home_school, name="Bartholomew Featherstonehaugh-Longname")
    designate(leader, "SLE", alliance)
    associate(leader, alliance)
    return leader


def test_tables_stack_and_changed_pages_pass_axe_at_320_px(
    page: Page,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    leader: LeaderProfile,
) -> None:
    request = factories.support_request(client_school, alliance, needs=("science",), days="8")
    make_deployment(leader, organisation=alliance, client_school=client_school)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/accounts/login/", timeout=120_000)  # the server's first answer loads every view
    browser_signed_in(page, coordinator.email)
    paths = (
        "/leaders/",
        "/requests/",
        f"/requests/{request.pk}/",
        f"/requests/{request.pk}/excluded/",
        "/deployments/",
        "/accounts/",
        f"/leaders/{leader.pk}/",
    )
    for path in paths:
        response = page.goto(path)
        assert response is not None, path
        assert response.ok, path
        axe_check(page)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide: {page.evaluate(CULPRITS_JS)}"
    page.goto("/leaders/")
    cell = page.locator("table.table--stacks tbody td[data-label]").first
    assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label.strip('"') == cell.get_attribute("data-label")
    assert label.strip('"')
    # At desktop width the same table is still a table.
    page.set_viewport_size({"width": 1200, "height": 800})
    assert cell.evaluate("td => getComputedStyle(td).display") == "table-cell"


def test_tables_stack_at_320_px_without_javascript(
    browser: Browser,
    live_server: Any,
    transactional_db: None,
    django_db_serialized_rollback: None,
    coordinator: User,
    alliance: Organisation,
    leader: LeaderProfile,
) -> None:
    """Rule (docs/ux.md, "Small screens"): the server writes the labels and the stacking class,
    so with JavaScript off a table still reads as stacked summaries at 320 px."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        java_script_enabled=False,
        viewport={"width": 320, "height": 800},
    )
    page = context.new_page()
    try:
        page.goto("/accounts/login/", timeout=120_000)
        browser_signed_in(page, coordinator.email, home=False)
        page.goto("/leaders/")
        cell = page.locator("table.table--stacks tbody td[data-label]").first
        assert cell.evaluate("td => getComputedStyle(td).display") == "block"
        label = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert label.strip('"')
        assert label.strip('"') == cell.get_attribute("data-label")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    finally:
        context.close()
