"""In Chromium, the whole brokering journey (docs/rules.md, Requests: shortlist three leaders, ask
each for provisional agreement, and the headteacher chooses one): the headteacher asks for support,
the coordinator saves the shortlist of three and asks each leader, the leaders agree, the
headteacher compares and chooses. Then the coordinator's other pages, and putting a request on the
waiting list from its own page. axe-core on every page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in, make_school
from syslead.accounts.models import User
from syslead.brokering.models import SupportRequest
from syslead.brokering.tests import factories
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import OfstedRating, School

pytestmark = pytest.mark.browser


@pytest.fixture
def three(alliance: Organisation) -> list[LeaderProfile]:
    """Three maths SLEs of the alliance near Ermine Primary, with pen portraits."""
    alliance.area_names = "Lincolnshire"
    alliance.save()
    names = ["Ada Adams", "Ben Brown", "Cat Clark"]
    return [
        factories.leader(
            factories.school(f"{name.split()[1]} Academy", lat=53.25 + 0.04 * i),
            organisation=alliance,
            name=name,
            pen_portrait=f"{name} has led primary maths for years and coaches new maths leads.",
        )
        for i, name in enumerate(names)
    ]


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")


def test_headteacher_asks_coordinator_shortlists_leaders_agree_headteacher_chooses(
    page: Page,
    client_head: User,
    client_school: School,
    coordinator: User,
    three: list[LeaderProfile],
) -> None:
    # The headteacher asks for support, checks the answers and sends.
    browser_signed_in(page, client_head.email)
    page.get_by_role("link", name="Requests", exact=True).click()
    axe_check(page)
    page.get_by_role("link", name="Ask for support").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for support")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Select at least one area of support.").click()
    page.get_by_label("Maths").check()
    page.get_by_label("What support does the school need?").fill(
        "Maths leadership in Key Stage 2: our new maths lead needs coaching."
    )
    page.get_by_label("How many days of support?").fill("5")
    page.get_by_label("The chair of governors agrees to this request").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your request before sending it"
    )
    expect(page.get_by_text("KYRA Teaching School Alliance")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Your request has been sent.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Request for support: Ermine Primary Academy"
    )
    axe_check(page)
    _sign_out(page)

    # The coordinator saves the shortlist of three and asks each leader.
    browser_signed_in(page, coordinator.email)
    axe_check(page)
    page.get_by_role("link", name="Make a shortlist for Ermine Primary Academy").click()
    expect(page.get_by_role("cell", name="Ada Adams").first).to_be_visible()
    page.get_by_text("Why Ada Adams scores").click()
    expect(page.get_by_text("Specialism: maths matches (30/30)").first).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Save this shortlist").click()
    expect(page.get_by_text("The shortlist has been saved.")).to_be_visible()
    axe_check(page)
    page.get_by_label("A message to the leaders (optional)").fill("Spring term, please.")
    page.get_by_role("button", name="Ask for provisional agreement").click()
    expect(
        page.get_by_text("Asked for provisional agreement: Ada Adams, Ben Brown")
    ).to_be_visible()
    expect(page.get_by_text("Leaders approached").first).to_be_visible()
    axe_check(page)
    _sign_out(page)

    # Each leader agrees provisionally from their home page.
    for number, leader in enumerate(three):
        browser_signed_in(page, leader.user.email)
        page.get_by_role("link", name="Could you support Ermine Primary Academy?").click()
        expect(page.get_by_text("Spring term, please.")).to_be_visible()
        if number == 0:
            page.get_by_role("button", name="Send your answer").click()
            expect(
                page.get_by_role("link", name="Say whether you agree or decline.")
            ).to_be_visible()
            axe_check(page)
        page.get_by_label("Yes, I agree provisionally to give this support").check()
        page.get_by_role("button", name="Send your answer").click()
        expect(page.get_by_text("Thank you: you have agreed provisionally.")).to_be_visible()
        if number == 0:
            axe_check(page)
        _sign_out(page)

    # The headteacher compares the three side by side and chooses one.
    browser_signed_in(page, client_head.email)
    page.get_by_role("link", name="Choose your system leader for Ermine Primary Academy").click()
    expect(page.get_by_role("heading", level=2, name="Ben Brown")).to_be_visible()
    expect(page.get_by_text("Ben Brown has led primary maths for years")).to_be_visible()
    axe_check(page)
    page.get_by_role("radio", name="Ben Brown").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your choice")
    axe_check(page)
    page.get_by_role("button", name="Confirm your choice").click()
    expect(page.get_by_text("You have chosen Ben Brown.")).to_be_visible()
    expect(page.locator("main strong.tag").first).to_have_text("Leader chosen")
    expect(page.get_by_text("Ben Brown chosen")).to_be_visible()
    axe_check(page)


def test_coordinators_other_pages_pass_axe(
    page: Page,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    three: list[LeaderProfile],
) -> None:
    make_school(120055, "Weak Primary", ofsted_rating=OfstedRating.REQUIRES_IMPROVEMENT)
    for i in range(4):
        factories.support_request(
            factories.school(f"Client {i}", lat=53.2 + 0.02 * i), alliance, days="5"
        )
    factories.support_request(factories.school("Science Client"), alliance, needs=("science",))
    browser_signed_in(page, coordinator.email)

    page.goto("/requests/schools-that-could-benefit/")
    expect(page.get_by_role("link", name="Weak Primary", exact=True)).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Start a request for Weak Primary").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)

    page.goto("/requests/allocation/")
    axe_check(page)
    page.get_by_role("button", name="Start a batch allocation").click()
    expect(page.get_by_text("Draft ready")).to_be_visible()
    expect(page.get_by_role("heading", name="The waiting list")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Match Science Client").click()
    axe_check(page)
    page.go_back()
    page.get_by_role("button", name="Approve the allocation").click()
    expect(page.get_by_text("The allocation is approved.")).to_be_visible()
    axe_check(page)

    page.goto("/requests/unmet-demand/")
    expect(page.get_by_role("img", name=re.compile(r"^Map of"))).to_be_visible()
    axe_check(page)
    page.goto("/requests/commissions/")
    axe_check(page)
    page.goto("/requests/?status=waiting_list")
    expect(page.get_by_role("link", name="Science Client")).to_be_visible()
    axe_check(page)


def test_the_excluded_leaders_are_loaded_when_their_disclosure_opens(
    page: Page,
    coordinator: User,
    maths_request: SupportRequest,
    three: list[LeaderProfile],
) -> None:
    """The request page counts the excluded by rule; opening the disclosure asks for the table
    of every excluded leader with every reason (htmx), which is also a page of its own."""
    alliance = maths_request.organisation
    factories.leader(
        factories.school("Untrained Academy"),
        organisation=alliance,
        name="Una Untrained",
        trained=False,
    )
    browser_signed_in(page, coordinator.email, home=False)
    page.goto(f"/requests/{maths_request.pk}/")
    disclosure = page.locator("details#excluded")
    expect(disclosure.get_by_role("cell", name="Core training not completed")).to_be_hidden()
    expect(page.get_by_text("Una Untrained")).to_have_count(0)
    disclosure.get_by_text("1 leader excluded, with every reason").click()
    expect(disclosure.get_by_text("Una Untrained")).to_be_visible()
    expect(disclosure.get_by_role("cell", name="Core training not completed")).to_have_count(2)
    expect(
        disclosure.get_by_role("table", name="Leaders excluded from this request and why")
    ).to_be_visible()
    expect(
        disclosure.get_by_role("link", name="Every leader excluded, with every reason")
    ).to_have_count(0)
    axe_check(page)
    page.goto(f"/requests/{maths_request.pk}/excluded/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Leaders excluded from the shortlist: Ermine Primary Academy"
    )
    expect(page.get_by_text("Una Untrained")).to_be_visible()
    axe_check(page)


def test_the_coordinator_puts_a_request_on_the_waiting_list_from_its_own_page(
    page: Page, coordinator: User, maths_request: SupportRequest
) -> None:
    """The request page links to the waiting list's page (one thing per page), which passes axe
    at desktop width and at 320 px, nothing scrolling sideways."""
    browser_signed_in(page, coordinator.email, home=False)
    page.goto(f"/requests/{maths_request.pk}/")
    expect(page.get_by_label("Why no leader can take it now (optional)")).to_have_count(0)
    page.get_by_role("link", name="Put the request on the waiting list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Put the request on the waiting list")
    axe_check(page)
    page.set_viewport_size({"width": 320, "height": 800})
    axe_check(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_label("Why no leader can take it now (optional)").fill(
        "No maths leader is free this term."
    )
    page.get_by_role("button", name="Put on the waiting list").click()
    expect(page.get_by_text("The request is on the waiting list.")).to_be_visible()
    expect(page.locator("main strong.tag").first).to_have_text("On the waiting list")
    expect(page.get_by_role("link", name="Put the request on the waiting list")).to_have_count(0)
    axe_check(page)
