"""The privacy pages in Chromium, axe-core on each: the public privacy notice reached from the
footer; an administrator finds a person, asks for their subject access export, watches it become
ready without reloading (the test plays the worker, the page's polls held back meanwhile, as the
evidence pack's browser test does), then erases the person after confirming."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.privacy.models import ExportStatus, SubjectAccessExport
from syslead.privacy.tasks import build_subject_access_export

pytestmark = pytest.mark.browser


def test_the_privacy_notice_from_the_footer(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("contentinfo").get_by_role("link", name="Privacy notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    expect(page.get_by_role("heading", name="How long records are kept")).to_be_visible()
    axe_check(page)


def test_an_administrator_exports_then_erases_a_person(
    page: Page, settings: Any, administrator: User, stranger: User
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    browser_signed_in(page, administrator.email, home=False)
    page.goto("/privacy/people/")
    axe_check(page)
    page.get_by_label("Name or e-mail address").fill("charlie")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Charlie Stranger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Charlie Stranger")
    axe_check(page)

    page.get_by_role("button", name="Make a subject access export").click()
    progress = page.locator("#export-progress")
    expect(progress).to_contain_text("Waiting to start")
    expect(progress).to_have_attribute("hx-trigger", "every 2s")
    axe_check(page)

    def hold_back(route: Route) -> None:
        route.abort()

    page.route("**/privacy/exports/*/", hold_back)
    page.wait_for_load_state("networkidle")
    export = SubjectAccessExport.objects.get(person=stranger)
    assert build_subject_access_export.call(export.pk) == ExportStatus.READY
    page.unroute("**/privacy/exports/*/", hold_back)
    expect(page.get_by_role("link", name="Download the export")).to_be_visible()
    expect(progress).not_to_have_attribute("hx-trigger", "every 2s")
    axe_check(page)

    page.goto(f"/privacy/people/{stranger.pk}/")
    page.get_by_role("link", name="Erase this person").click()
    page.get_by_label("Why is this person being erased?").fill("Their request of 1 May")
    page.get_by_role("button", name="Erase Charlie Stranger").click()
    expect(page.locator(".error-summary")).to_contain_text("Confirm that you understand")
    axe_check(page)
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Erase Charlie Stranger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Former user {stranger.pk}")
    axe_check(page)
