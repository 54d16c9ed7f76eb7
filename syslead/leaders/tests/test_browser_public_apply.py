"""In Chromium: a person not on Syslead applies in an open round from the broker's public page, at
320 px wide, first with a mistake; every page visited passes axe-core (docs/rules.md:
Designations, applying from the broker's public page)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import axe_check
from syslead.accounts.models import User
from syslead.leaders.models import DesignationApplication
from syslead.leaders.services import round_create
from syslead.organisations.models import Organisation
from syslead.schools.models import School

pytestmark = pytest.mark.browser


def test_a_person_not_on_syslead_applies_from_the_public_page(
    page: Page, coordinator: User, alliance: Organisation, home_school: School
) -> None:
    today = timezone.localdate()
    round_create(
        actor=coordinator,
        organisation=alliance,
        designation_type_code="SLE",
        title="SLE round",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"/organisations/{alliance.slug}/")
    axe_check(page)
    page.get_by_role("button", name="Apply to be a system leader").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply to be a system leader")
    axe_check(page)

    page.get_by_label("Full name").fill("Pat Newcomer")
    page.get_by_label("E-mail address").fill("pat@school.test")
    page.get_by_label("Your school").fill("999999")
    page.get_by_label("Job title").fill("Head of maths")
    page.get_by_label("Years in your role or field of expertise").fill("5")
    page.get_by_label("Field of expertise", exact=True).fill("Maths")
    page.get_by_label("Evidence of impact against the criteria").fill("Led maths in three schools.")
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_role("alert")).to_contain_text("There is no school with URN 999999.")
    axe_check(page)

    page.get_by_label("Your school").fill(str(home_school.urn))
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Application sent")
    axe_check(page)
    assert DesignationApplication.objects.get().applicant_email == "pat@school.test"
