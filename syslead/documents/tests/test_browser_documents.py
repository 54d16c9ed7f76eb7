"""In Chromium, axe-core on every page (the add page at 320 px wide too): the supported
school's headteacher follows the agreement page's link to add a briefing paper, a file too large
comes back with a message, and the document is listed and removed."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.deployments.models import Deployment
from syslead.documents.models import Document

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.7\n%%EOF\n"


def test_a_party_adds_a_document_on_the_agreement_and_removes_it(
    page: Page, client_head: User, agreement: Deployment, settings: Any
) -> None:
    settings.SYSLEAD_DOCUMENT_MAX_BYTES = 1024
    browser_signed_in(page, client_head.email, home=False)
    page.goto(f"/deployments/{agreement.pk}/#documents")
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    axe_check(page)
    expect(page.get_by_label("Upload a file")).to_have_count(0)  # on a page of its own

    page.get_by_role("link", name="Add a document").click()
    expect(page.get_by_role("heading", level=1, name="Add a document")).to_be_visible()
    axe_check(page)
    page.get_by_label("What kind of document is it?").select_option("briefing_paper")
    page.get_by_label("Title").fill("Briefing for Lee")
    page.get_by_label("Upload a file").set_input_files(
        {"name": "big.pdf", "mimeType": "application/pdf", "buffer": PDF + b"\x00" * 2000}
    )
    page.get_by_role("button", name="Add the document").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="The file must be 1 KB or smaller")).to_be_visible()
    axe_check(page)
    page.set_viewport_size({"width": 320, "height": 800})
    axe_check(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_label("Upload a file").set_input_files(
        {"name": "briefing.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Add the document").click()
    expect(page.get_by_text("is added to the documents")).to_be_visible()
    expect(page.get_by_role("link", name="Briefing for Lee")).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Remove Briefing for Lee").click()
    expect(page.get_by_text("is removed from the documents")).to_be_visible()
    assert not Document.objects.exists()
