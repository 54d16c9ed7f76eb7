"""In Chromium: a coordinator chases an approach that has waited (docs/casework.md, "Chasing"),
the leader answers from the reminder, the headteacher chooses. axe-core on every page visited.
The fixtures are those of ``test_browser_journey.py``; every wait is an auto-waiting
expectation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.brokering.models import Approach
from syslead.brokering.services import approach_send, shortlist_save
from syslead.brokering.tests import factories
from syslead.brokering.tests.test_browser_journey import _sign_out, three  # noqa: F401
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

pytestmark = pytest.mark.browser


def test_coordinator_chases_a_waiting_approach_leader_answers_headteacher_chooses(
    page: Page,
    client_head: User,
    client_school: School,
    coordinator: User,
    alliance: Organisation,
    three: list[LeaderProfile],  # noqa: F811
) -> None:
    request = factories.support_request(client_school, alliance, days="5")
    shortlist_save(actor=coordinator, request=request)
    approach = approach_send(actor=coordinator, request=request, leader=three[0])
    # Asked three weeks ago and still waiting.
    Approach.objects.filter(pk=approach.pk).update(sent_at=timezone.now() - dt.timedelta(days=21))
    ada = three[0].user.get_full_name()

    # The coordinator chases from the request page.
    browser_signed_in(page, coordinator.email, home=False)
    page.goto(f"/requests/{request.pk}/#approaches")
    chase = page.get_by_role("button", name=f"Send a reminder to {ada}")
    expect(chase).to_be_visible()
    axe_check(page)
    chase.click()
    expect(page.get_by_text(f"Reminder sent to {ada}").first).to_be_visible()
    expect(page.get_by_text("Chased on").first).to_be_visible()
    axe_check(page)
    _sign_out(page)

    # The leader answers from their home page.
    browser_signed_in(page, three[0].user.email)
    page.get_by_role("link", name="Could you support Ermine Primary Academy?").click()
    axe_check(page)
    page.get_by_label("Yes, I agree provisionally to give this support").check()
    page.get_by_role("button", name="Send your answer").click()
    expect(page.get_by_text("Thank you: you have agreed provisionally.")).to_be_visible()
    axe_check(page)
    _sign_out(page)

    # The headteacher chooses.
    browser_signed_in(page, client_head.email)
    page.get_by_role("link", name="Choose your system leader for Ermine Primary Academy").click()
    expect(page.get_by_role("heading", level=2, name=ada)).to_be_visible()
    axe_check(page)
    page.get_by_role("radio", name=ada).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your choice")
    axe_check(page)
    page.get_by_role("button", name="Confirm your choice").click()
    expect(page.get_by_text(f"You have chosen {ada}.")).to_be_visible()
    axe_check(page)
