"""In Chromium, axe-core on every page: an agreement drafted when the supported school's
headteacher and the broker lead have no account says so; the coordinator invites the headteacher
from the agreement and records the broker lead's signature given on paper with a scan."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.brokering.models import SupportRequest
from syslead.deployments.models import Party, Signature
from syslead.deployments.services import deployment_create
from syslead.deployments.tests.factories import agreement_kwargs
from syslead.leaders.models import LeaderProfile

pytestmark = pytest.mark.browser


def test_the_coordinator_invites_a_missing_signer_and_records_a_paper_signature(
    page: Page,
    coordinator: User,
    home_head: User,
    support_request: SupportRequest,
    leader: LeaderProfile,
    settings: object,
    tmp_path: object,
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    deployment = deployment_create(
        actor=coordinator, support_request=support_request, leader=leader, **agreement_kwargs()
    )
    browser_signed_in(page, coordinator.email, home=False)
    page.goto(f"/deployments/{deployment.pk}/")
    expect(
        page.get_by_text("No one can sign for the headteacher of Ermine Primary Academy yet")
    ).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="invite the headteacher of Ermine Primary Academy").click()
    axe_check(page)
    page.get_by_label("Their full name").fill("Cara Client-Head")
    page.get_by_label("Their e-mail address").fill("cara@ermine.test")
    page.get_by_role("button", name="Send the invitation").click()
    expect(
        page.get_by_text("Invited cara@ermine.test (Cara Client-Head), not yet joined")
    ).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Record a signature on paper").first.click()
    axe_check(page)
    page.get_by_label("The broker lead of").check()
    page.get_by_label("Name of the person who signed").fill("Bea Broker-Lead")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Why was it signed on paper?").fill("Signed at the board meeting")
    page.get_by_label("Scan of the signed agreement").set_input_files(
        {"name": "signed.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"}
    )
    page.get_by_role("button", name="Record the signature").click()
    expect(page.get_by_text("is recorded")).to_be_visible()
    axe_check(page)
    assert Signature.objects.get(deployment=deployment).party == Party.BROKER_LEAD
