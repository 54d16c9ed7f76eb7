"""In Chromium, at desktop width and at 320 px: the pages the home page's work moved to and the
pages issue 12 changed pass axe-core — the coordinator's home page, the leaders' capacity page, the
activity page, unmet demand with its zoomed map, a school's page with its small map, and the public
directory with its filters and an unknown postcode."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.brokering.tests import factories
from syslead.leaders.models import LeaderProfile
from syslead.leaders.tests.factories import associate, designate, make_leader
from syslead.organisations.models import Organisation
from syslead.schools.models import School

pytestmark = pytest.mark.browser


@pytest.fixture
def published(alliance: Organisation, home_school: School) -> LeaderProfile:
    leader = make_leader(
        school=home_school,
        name="Pat Published",
        specialisms=("maths",),
        publish_profile=True,
        publish_name=True,
        publish_school=True,
        publish_specialisms=True,
    )
    designate(leader, "SLE", alliance)
    associate(leader, alliance)
    return leader


def test_changed_pages_pass_axe_at_desktop_and_phone_widths(
    page: Page,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    published: LeaderProfile,
) -> None:
    Organisation.objects.filter(pk=alliance.pk).update(
        contact_name="Alice Hart", contact_email="support@kyra.example"
    )
    factories.support_request(client_school, alliance, needs=("science",), days="8")
    page.goto("/accounts/login/", timeout=120_000)  # the server's first answer loads every view
    browser_signed_in(page, coordinator.email)
    for width in (1200, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/")
        expect(page.get_by_role("heading", level=2).first).to_have_text("Needs attention")
        axe_check(page)
        page.get_by_role("link", name="Every leader's capacity this year").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Leaders' capacity this year")
        axe_check(page)
        page.goto("/")
        page.get_by_role("link", name="Recent activity in KYRA Teaching School Alliance").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Recent activity")
        axe_check(page)
        page.goto("/requests/unmet-demand/")
        expect(
            page.get_by_role("img", name="Map of KYRA Teaching School Alliance's area", exact=False)
        ).to_be_visible()
        axe_check(page)
        page.goto(f"/schools/{client_school.urn}/")
        expect(
            page.get_by_role("img", name="Where Ermine Primary Academy is", exact=False)
        ).to_be_visible()
        axe_check(page)
        page.goto(f"/organisations/{alliance.slug}/directory/")
        expect(page.get_by_role("heading", name="How to ask for support")).to_be_visible()
        page.get_by_label("Near a postcode (optional)").fill("ZZ9 9ZZ")
        page.get_by_role("button", name="Show leaders").click()
        expect(page.get_by_role("alert")).to_contain_text("We do not know where ZZ9 9ZZ is")
        axe_check(page)
        page.get_by_label("Near a postcode (optional)").fill("LN2 2HG")
        page.get_by_label("Within").select_option("10")
        page.get_by_role("button", name="Show leaders").click()
        expect(page.get_by_role("heading", name="Pat Published")).to_be_visible()
        axe_check(page)
