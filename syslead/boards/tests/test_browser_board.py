"""In Chromium: a coordinator opens the board from the alliance page, sets the year's targets,
adds an action (first without its date, to see the error summary) and a budget line, and reads the
page with its chart at 320 px; every page passes axe-core."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.boards import services
from syslead.boards.models import BoardRole
from syslead.core.academic_years import AcademicYear
from syslead.core.tests.browser_dates import fill_date
from syslead.organisations.models import Organisation

pytestmark = pytest.mark.browser


def test_coordinator_keeps_the_boards_targets_action_plan_and_budget(
    page: Page, coordinator: User, alliance: Organisation
) -> None:
    year = AcademicYear.current()
    services.board_member_save(
        actor=coordinator,
        organisation=alliance,
        name="Helen Head",
        role=BoardRole.CHAIR,
        represents="Hillmorton Primary School",
        started_on=year.starts_on,
    )
    services.budget_line_save(
        actor=coordinator,
        organisation=alliance,
        year=year,
        heading="Administration",
        planned=Decimal("500"),
        actual=Decimal("650"),
    )

    browser_signed_in(page, coordinator.email, home=False)
    page.goto(f"/alliances/{alliance.pk}/")
    page.get_by_role("link", name="The board: targets, action plan and budget").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"The board, {year.label}")
    axe_check(page)

    page.get_by_role("link", name=f"Set the targets for {year.label}").click()
    page.get_by_label("SLEs to designate").fill("4")
    page.get_by_label("Schools to support").fill("10")
    page.get_by_label("Days of support").fill("60.5")
    page.get_by_role("button", name="Save the targets").click()
    expect(page.get_by_text(f"The targets for {year.label} are saved.")).to_be_visible()
    expect(page.get_by_role("cell", name="10 schools to go")).to_be_visible()

    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Action", exact=True).fill("Recruit two maths SLEs")
    page.get_by_label("Owner").fill("Helen Head")
    page.get_by_role("button", name="Save the action").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    fill_date(page, "Date due", (dt.date.today() - dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Save the action").click()
    expect(page.get_by_text("The action is in the plan.")).to_be_visible()
    expect(page.get_by_text("Overdue", exact=True)).to_be_visible()

    page.set_viewport_size({"width": 320, "height": 900})
    expect(page.get_by_text("Over by £150.00")).to_be_visible()
    axe_check(page)
