"""Asking for the impact evidence pack in Chromium, axe-core on every state: the headteacher follows
the link from the delivery page, asks for the pack, sees it waiting (the page polls), and when the
background task has made it, sees it ready without reloading and downloads the PDF.

The live server has no task worker: the database backend stores the task, and the test plays the
worker by calling the task between page steps (the page's polls are held back meanwhile, so the
test and the server never use the shared test database at the same moment)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.deployments.models import Deployment
from syslead.evaluation.models import EvidencePack, EvidencePackStatus
from syslead.evaluation.tasks import build_evidence_pack

pytestmark = pytest.mark.browser


def test_ask_for_the_pack_watch_it_become_ready_and_download_it(
    page: Page, settings: Any, client_head: User, evidenced: Deployment
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    browser_signed_in(page, client_head.email, home=False)
    page.goto(f"/deployments/{evidenced.pk}/delivery/")
    page.get_by_role("link", name="Impact evidence pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact evidence pack")
    expect(page.get_by_text("No evidence pack has been made yet.")).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Make the evidence pack").click()
    progress = page.locator("#pack-progress")
    expect(progress).to_contain_text("Waiting to start")
    expect(progress).to_have_attribute("hx-trigger", "every 2s")
    expect(page.locator('[role="status"][aria-live="polite"]').first).to_be_attached()
    axe_check(page)

    # The worker's turn, with the page's polls held back while it works.
    def hold_back(route: Route) -> None:
        route.abort()

    page.route("**/evidence-pack/", hold_back)
    # A poll already on its way finishes first: then nothing of the page's is at the server.
    page.wait_for_load_state("networkidle")
    pack = EvidencePack.objects.get(deployment=evidenced)
    assert build_evidence_pack.call(pack.pk) == EvidencePackStatus.READY
    page.unroute("**/evidence-pack/", hold_back)

    download = page.get_by_role("link", name="Download the evidence pack")
    expect(download).to_be_visible()  # the next poll brings it, no reload
    expect(progress).to_contain_text("Ready")
    expect(progress).not_to_have_attribute("hx-trigger", "every 2s")
    expect(progress).to_contain_text("this pack is up to date")
    axe_check(page)

    href = download.get_attribute("href")
    assert href == f"/deployments/{evidenced.pk}/evidence-pack/{pack.pk}.pdf"
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
