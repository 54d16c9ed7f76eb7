"""In Chromium: a coordinator uploads a spreadsheet of leaders, sees the preview (one bad row:
nothing can be imported), uploads the corrected file and confirms. axe-core on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.imports.files import LEADER_COLUMNS
from syslead.leaders.models import LeaderProfile
from syslead.schools.models import School

pytestmark = pytest.mark.browser


def _file(*rows: str) -> dict[str, object]:
    text = ",".join(LEADER_COLUMNS) + "\n" + "\n".join(rows) + "\n"
    return {"name": "leaders.csv", "mimeType": "text/csv", "buffer": text.encode()}


def test_upload_preview_correct_and_confirm(
    page: Page, coordinator: User, home_school: School
) -> None:
    year = AcademicYear.current().label
    good = (
        f"lee@school.test,Lee,Turner,{home_school.urn},Deputy head,SLE,2024-09-01,maths,primary,"
        f"10,{year}"
    )
    bad = "ann@school.test,Ann,Lee,999999,Head,,,maths,primary,,"
    browser_signed_in(page, coordinator.email, home=False)
    page.goto("/people/")
    page.get_by_role("link", name="Import system leaders").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import system leaders")
    axe_check(page)
    page.get_by_label("Upload a file").set_input_files(_file(good, bad))  # type: ignore[arg-type]
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Nothing will be imported")).to_be_visible()
    expect(page.get_by_text("no school with URN 999999")).to_be_visible()
    expect(page.get_by_role("button", name="Import")).to_have_count(0)
    axe_check(page)
    page.get_by_role("link", name="upload it again").click()
    page.get_by_label("Upload a file").set_input_files(_file(good))  # type: ignore[arg-type]
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("button", name="Import 1 leader")).to_be_visible()
    axe_check(page)
    assert not LeaderProfile.objects.exists()
    page.get_by_role("button", name="Import 1 leader").click()
    expect(page.get_by_text("Imported 1 system leaders (to add: 1")).to_be_visible()
    axe_check(page)
    assert LeaderProfile.objects.get().user.email == "lee@school.test"
