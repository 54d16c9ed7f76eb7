"""Invoicing in Chromium, axe-core on every page: the coordinator opens the agreement's invoices
from its delivery panel, drafts an invoice for the agreed visits, checks it and issues it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.deployments.models import Deployment
from syslead.invoicing.models import Invoice, InvoiceStatus
from syslead.visits.models import Visit

pytestmark = pytest.mark.browser


def test_the_coordinator_drafts_and_issues_an_invoice(
    page: Page, coordinator: User, client_head: User, deployment: Deployment, visits: list[Visit]
) -> None:
    browser_signed_in(page, coordinator.email, home=False)
    page.goto(f"/deployments/{deployment.pk}/delivery/")
    page.get_by_role("link", name="Invoices", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invoices")
    axe_check(page)
    page.get_by_role("button", name="Draft an invoice for 3 agreed visits").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft invoice")
    expect(page.get_by_text("£650.00").first).to_be_visible()
    axe_check(page)
    page.get_by_label("What the expenses were for").fill("Train fares")
    page.get_by_label("Amount in pounds").fill("23.60")
    page.get_by_role("button", name="Add expenses").click()
    expect(page.get_by_text("£673.60").first).to_be_visible()
    page.get_by_role("link", name="Issue the invoice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the invoice before you issue it"
    )
    axe_check(page)
    page.get_by_role("button", name="Issue the invoice").click()
    invoice = Invoice.objects.get()
    assert invoice.status == InvoiceStatus.ISSUED
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Invoice {invoice.number}")
    axe_check(page)
    page.get_by_role("link", name="Mark as paid").click()
    axe_check(page)
    page.get_by_role("link", name="Back to the invoice").click()
    page.get_by_role("link", name="Cancel the invoice").click()
    axe_check(page)
