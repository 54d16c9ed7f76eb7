"""In Chromium: the leader records their move of school from their own profile, with a mistake
first; the page passes axe-core and works 320 px wide (docs/rules.md, "A leader moves school")."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in, make_school
from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.core.tests.browser_dates import fill_date
from syslead.leaders.models import LeaderProfile
from syslead.schools.models import School

pytestmark = pytest.mark.browser


def test_the_leader_records_their_move_after_a_mistake(
    page: Page, leader_user: User, leader: LeaderProfile, home_school: School
) -> None:
    make_school(120030, "Bracebridge Heath St John's")
    page.set_viewport_size({"width": 320, "height": 800})
    browser_signed_in(page, leader_user.email, home=False)
    page.goto("/leaders/me/")
    page.get_by_role("link", name="I am moving school").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("I am moving school")
    axe_check(page)
    day = AcademicYear.current().starts_on + dt.timedelta(days=60)
    page.get_by_label("URN of the new school").fill(str(home_school.urn))
    fill_date(page, "Works there from", day.isoformat())
    page.get_by_role("button", name="Record the move").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Mount Street Academy is already")).to_be_visible()
    axe_check(page)
    page.get_by_label("URN of the new school").fill("120030")
    page.get_by_role("button", name="Record the move").click()
    expect(page.get_by_text("works at Bracebridge Heath St John's")).to_be_visible()
    expect(page.get_by_role("heading", name="My schools")).to_be_visible()
    axe_check(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
