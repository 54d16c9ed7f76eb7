"""In Chromium at 320 px: a headteacher finds Lee in the alliance's public directory, asks Lee
directly (a mistake first), checks and sends; Lee agrees; the alliance's coordinator records the
direct commission and is offered the agreement. axe-core on every page visited
(docs/rules.md, "Direct commissioning")."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.brokering.models import SupportRequest
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation

pytestmark = pytest.mark.browser

#: What the page may be wide at 320 px (no sideways scrolling).
WIDTH = 320


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")


def _fits(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width} px wide"


def test_a_headteacher_asks_lee_directly_lee_agrees_the_broker_records_it(
    page: Page,
    client_head: User,
    coordinator: User,
    lee: LeaderProfile,
    alliance: Organisation,
) -> None:
    LeaderProfile.objects.filter(pk=lee.pk).update(publish_profile=True, publish_name=True)
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto("/accounts/login/", timeout=120_000)  # the server's first answer loads every view
    browser_signed_in(page, client_head.email, home=False)
    page.goto(f"/organisations/{alliance.slug}/directory/")
    axe_check(page)
    _fits(page)
    page.get_by_role("link", name="Ask Lee Leader directly").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask Lee Leader directly")
    axe_check(page)
    _fits(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    page.get_by_label("Maths").check()
    page.get_by_label("What support does the school need?").fill("Coaching for our maths lead.")
    page.get_by_label("How many days of support?").fill("5")
    page.get_by_label("The chair of governors agrees to this request").check()
    page.get_by_role("button", name="Continue").click()
    check = "Check your request before sending it"
    expect(page.get_by_role("heading", level=1)).to_have_text(check)
    axe_check(page)
    _fits(page)
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", name="Leader named by the school")).to_be_visible()
    axe_check(page)
    _fits(page)
    _sign_out(page)

    request = SupportRequest.objects.get()
    approach = request.approaches.get()
    browser_signed_in(page, lee.user.email, home=False)
    page.goto(f"/requests/approaches/{approach.pk}/")
    page.get_by_label("Yes, I agree provisionally to give this support").check()
    page.get_by_role("button", name="Send your answer").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_have_count(0)
    _sign_out(page)

    browser_signed_in(page, coordinator.email, home=False)
    page.goto(f"/requests/{request.pk}/")
    expect(page.get_by_role("link", name="draw up the support agreement")).to_be_visible()
    page.get_by_role("button", name="Record the direct commission").click()
    expect(page.get_by_text("The direct commission is recorded")).to_be_visible()
    axe_check(page)
    _fits(page)
