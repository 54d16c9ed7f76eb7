"""In Chromium: the coordinator chases a leader who has not answered, from the page the "Needs
attention" item opens; the leader follows the reminder from their inbox and agrees; the
headteacher chooses. Then the pages for when fewer than three fit and for an expired approach.
axe-core on every page visited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.brokering.models import Approach, SupportRequest
from syslead.brokering.services import approach_send, shortlist_save
from syslead.brokering.tests import factories
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

pytestmark = pytest.mark.browser


@pytest.fixture
def lee(leader_user: User, home_school: School, alliance: Organisation) -> LeaderProfile:
    return factories.leader(home_school, user=leader_user, organisation=alliance)


@pytest.fixture
def waiting(
    lee: LeaderProfile,
    alliance: Organisation,
    client_school: School,
    client_head: User,
    coordinator: User,
) -> Approach:
    """Ermine Primary's request, a shortlist of three; Lee asked nine days ago, no answer."""
    for i in range(2):
        factories.leader(
            factories.school(f"Other {i}", lat=53.3 + 0.05 * i),
            organisation=alliance,
            name=f"Other Leader {i}",
        )
    request: SupportRequest = factories.support_request(
        client_school, alliance, raised_by=client_head
    )
    shortlist_save(actor=coordinator, request=request)
    approach = approach_send(actor=coordinator, request=request, leader=lee)
    Approach.objects.filter(pk=approach.pk).update(sent_at=timezone.now() - dt.timedelta(days=9))
    return approach


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")


def test_chase_then_the_leader_answers_then_the_school_chooses(
    page: Page, waiting: Approach, coordinator: User, leader_user: User, client_head: User
) -> None:
    # The coordinator opens the item and chases Lee from the request page.
    browser_signed_in(page, coordinator.email)
    page.get_by_role("link", name=re.compile(r"^No answer from Lee Leader about Ermine")).click()
    expect(page.get_by_role("heading", name="Remind Lee Leader to answer")).to_be_visible()
    expect(page.get_by_text("This sends Lee Leader a reminder")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Send a reminder to Lee Leader").click()
    expect(page.get_by_role("status").get_by_text("Reminder sent to Lee Leader")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Chased on .* you can chase again from"))).to_be_visible()
    expect(page.get_by_role("button", name="Send a reminder to Lee Leader")).to_have_count(0)
    axe_check(page)
    page.goto("/")
    expect(page.get_by_text(re.compile(r"Chased on \d+ \w+ \d{4}")).first).to_be_visible()
    _sign_out(page)

    # Lee follows the reminder in the inbox to the approach and agrees.
    browser_signed_in(page, leader_user.email, home=False)
    page.goto("/inbox/")
    axe_check(page)
    page.get_by_role("link", name=re.compile(r"^Reminder: .*Please answer the approach")).click()
    page.get_by_label("Yes, I agree provisionally to give this support").check()
    axe_check(page)
    page.get_by_role("button", name="Send your answer").click()
    expect(page.get_by_text("Thank you: you have agreed provisionally.")).to_be_visible()
    _sign_out(page)

    # The headteacher chooses Lee.
    browser_signed_in(page, client_head.email)
    page.get_by_role("link", name="Choose your system leader for Ermine Primary Academy").click()
    axe_check(page)
    page.get_by_role("radio", name="Lee Leader").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm your choice").click()
    expect(page.get_by_text("You have chosen Lee Leader.")).to_be_visible()
    axe_check(page)


def test_expired_approach_and_judgement_pages_pass_axe(
    page: Page, waiting: Approach, coordinator: User, alliance: Organisation
) -> None:
    factories.leader(
        factories.school("Busy School", lat=53.4),
        organisation=alliance,
        name="Bea Busy",
        release="1",
    )
    browser_signed_in(page, coordinator.email, home=False)
    page.goto(f"/requests/{waiting.support_request_id}/")
    expect(
        page.get_by_role("button", name=re.compile(r"^Withdraw and ask Other Leader"))
    ).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name=re.compile(r"^Withdraw and ask Other Leader")).click()
    expect(page.get_by_text("has been asked for provisional agreement")).to_be_visible()
    axe_check(page)
    page.goto(f"/requests/{waiting.support_request_id}/shortlist/judgement/")
    axe_check(page)
    page.get_by_role("button", name="Add to the shortlist").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    page.get_by_label(re.compile(r"^Bea Busy")).check()
    page.get_by_label("Why do you judge them right for it?").fill("Bea knows the school well")
    page.get_by_label(re.compile(r"^If they have too few days left")).fill("Two more days agreed")
    page.get_by_role("button", name="Add to the shortlist").click()
    expect(page.get_by_text("Bea Busy is on the shortlist by your judgement.")).to_be_visible()
    expect(page.get_by_text("Bea knows the school well").first).to_be_visible()
    axe_check(page)
