"""In Chromium, 320 px wide, each page passing axe-core: a coordinator invites Lee to a network
meeting and records Lee's termly review with a training need (a mistake first); Lee gives
feedback on a meeting they attended (docs/rules.md: "Training invitations", "Delegates'
feedback", "Termly reviews and training needs")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.core.tests.browser_dates import fill_date
from syslead.leaders.models import LeaderProfile, TrainingEvent, TrainingKind
from syslead.leaders.services import attendance_record
from syslead.leaders.tests.factories import associate
from syslead.organisations.models import Organisation

pytestmark = pytest.mark.browser


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_coordinator_invites_and_records_a_termly_review(
    page: Page, coordinator: User, leader: LeaderProfile, alliance: Organisation
) -> None:
    associate(leader, alliance)
    event = TrainingEvent.objects.create(
        organisation=alliance,
        kind=TrainingKind.NETWORK,
        title="Spring network meeting",
        held_on=timezone.localdate() + dt.timedelta(days=30),
    )
    page.set_viewport_size({"width": 320, "height": 800})
    browser_signed_in(page, coordinator.email, home=False)
    page.goto(f"/leaders/training/{event.pk}/")
    page.get_by_role("link", name="Invite people").click()
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe_check(page)
    _fits(page)
    page.get_by_label("Lee Leader").check()
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_role("heading", name="Invitations (1)")).to_be_visible()
    axe_check(page)
    _fits(page)

    page.goto(f"/leaders/{leader.pk}/")
    page.get_by_role("link", name="Record a termly review").click()
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe_check(page)
    _fits(page)
    fill_date(page, "Date of the review meeting", timezone.localdate().isoformat())
    page.get_by_label("Who attended").fill("Lee and Alice")
    page.get_by_label("Training need 1 (optional)").fill("Lead a network session")
    page.get_by_label("Kind of event that would meet need 1").select_option("network")
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_role("heading", name="Open training needs (1)")).to_be_visible()
    axe_check(page)


def test_delegate_gives_feedback(
    page: Page, coordinator: User, leader_user: User, leader: LeaderProfile, alliance: Organisation
) -> None:
    associate(leader, alliance)
    event = TrainingEvent.objects.create(
        organisation=alliance,
        kind=TrainingKind.NETWORK,
        title="Autumn network meeting",
        held_on=timezone.localdate() - dt.timedelta(days=3),
    )
    attendance_record(actor=coordinator, event=event, leader=leader)
    page.set_viewport_size({"width": 320, "height": 800})
    browser_signed_in(page, leader_user.email)
    page.get_by_role("link", name="Give your feedback on Autumn network meeting").click()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe_check(page)
    _fits(page)
    page.get_by_label("4").check()
    page.get_by_label("What will you do differently as a result?").fill("Plan joint visits.")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Feedback is given once")).to_be_visible()
    axe_check(page)
    _fits(page)
