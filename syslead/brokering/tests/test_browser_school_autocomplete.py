"""In Chromium: a SIP identifies a school on the local authority route by typing part of its
name and picking a suggestion with the keyboard; only their local authority's schools are
suggested (docs/ux.md, "Autocomplete"). axe-core with the suggestions open and on the check page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in, make_school
from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.organisations.models import Organisation

pytestmark = pytest.mark.browser


def test_sip_picks_a_school_of_their_authority_from_the_suggestions(
    page: Page, sip: User, alliance: Organisation
) -> None:
    alliance.local_authority_name = "Lincolnshire"
    alliance.save()
    make_school(120010, "Meadowbrook Primary School", town="Lincoln")
    make_school(140001, "Meadowbrook College", town="Oxford", local_authority="Oxfordshire")

    browser_signed_in(page, sip.email, home=False)
    page.goto("/requests/new/local-authority/")
    school = page.get_by_role("combobox", name="School")
    school.press_sequentially("meadowb")
    suggestion = page.get_by_role("option", name="Meadowbrook Primary School, Lincoln (URN 120010)")
    expect(suggestion).to_be_visible()
    # The college in Oxford is another authority's: never suggested.
    expect(page.get_by_role("option")).to_have_count(1)
    axe_check(page)
    school.press("ArrowDown")
    expect(suggestion).to_be_focused()
    suggestion.press("Enter")
    expect(school).to_have_value("Meadowbrook Primary School, Lincoln (URN 120010)")
    expect(school).to_be_focused()

    page.get_by_label("New or acting headteacher").check()
    page.get_by_label("Leadership", exact=True).check()
    page.get_by_label("What support does the school need?").fill("Coaching for a new head.")
    page.get_by_label("How many days of support?").fill("5")
    page.get_by_label(f"{AcademicYear.current().label} (this year)").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Meadowbrook Primary School, Lincoln (URN 120010)")).to_be_visible()
    expect(page.get_by_role("heading", name="There is a problem")).to_have_count(0)
    axe_check(page)
