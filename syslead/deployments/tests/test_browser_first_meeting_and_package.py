"""At 320 px, the first meeting's page (with an error shown) and the lead's page proposing the
package's members pass axe-core and do not scroll sideways (docs/ux.md, "Small screens")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in, make_school, make_user
from syslead.accounts.models import Role, User
from syslead.deployments.models import Deployment
from syslead.deployments.services import package_create
from syslead.deployments.tests.factories import make_leader, make_request
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

pytestmark = pytest.mark.browser


def _fits(page: Page, path: str) -> None:
    axe_check(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{path} is {width} px wide"


def test_the_first_meeting_and_package_pages_pass_axe_at_320_px(
    page: Page,
    leader_user: User,
    leader: LeaderProfile,
    agreement: Deployment,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
) -> None:
    chosen = make_request(alliance, client_school, chosen_leader=leader)
    chosen.chosen_at = timezone.now() - dt.timedelta(days=60)
    chosen.save(update_fields=["chosen_at"])
    package = package_create(
        actor=coordinator,
        organisation=alliance,
        school=client_school,
        title="Ermine recovery",
        lead=agreement,
    )
    make_leader(
        make_user("sam@birchwood.test", "Samantha Second-Longname", (Role.SYSTEM_LEADER, None)),
        make_school(120030, "Birchwood Junior School"),
        alliance,
    )
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/accounts/login/", timeout=120_000)
    browser_signed_in(page, leader_user.email)
    first_meeting = f"/requests/{chosen.pk}/first-meeting/"
    page.goto(first_meeting)
    _fits(page, first_meeting)
    page.get_by_role("button", name="Record the first contact").click()
    # The answer with the error comes back after the click: wait for it (``is_visible`` does not).
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _fits(page, first_meeting)
    propose = f"/deployments/packages/{package.pk}/propose/"
    page.goto(propose)
    expect(page.get_by_text("Samantha Second-Longname").first).to_be_visible()
    _fits(page, propose)
