"""In Chromium, axe-core on every page: an administrator searches the lists of brokers, picks a
hub, gives a lead school URN we do not hold (a clear error on its field), corrects it and sets the
hub up (docs/going-live.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.organisations.models import Organisation
from syslead.organisations.services import known_brokers_load
from syslead.schools.models import School

pytestmark = pytest.mark.browser

HUB = "L.E.A.D. Teaching School Hub Lincolnshire"


def test_an_administrator_sets_up_a_hub_from_the_lists(
    page: Page, administrator: User, client_school: School, settings: Any
) -> None:
    known_brokers_load(data_dir=Path(settings.SYSLEAD_DATA_DIR))
    browser_signed_in(page, administrator.email, home=False)
    page.goto("/brokers/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up a broker from the lists")
    axe_check(page)
    page.get_by_label("Name or area").fill("Lincoln")
    page.get_by_label("List", exact=True).select_option("hub_2025")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=f"Set up {HUB}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Set up {HUB}")
    axe_check(page)
    page.get_by_label("Lead school's URN (optional)").fill("999999")
    page.get_by_role("button", name="Set up the organisation").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("We do not hold a school with URN 999999")
    axe_check(page)
    page.get_by_label("Lead school's URN (optional)").fill(str(client_school.urn))
    page.get_by_role("button", name="Set up the organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HUB)
    expect(page.get_by_text(f"{HUB} is set up.")).to_be_visible()
    axe_check(page)
    assert Organisation.objects.get(name=HUB).lead_school_id == client_school.urn
