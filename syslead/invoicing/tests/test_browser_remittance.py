"""The alliance collects, in Chromium with axe-core on every page (and at 320 px): the coordinator
sets a draft agreement's charging, then, once the supported school has paid the broker's invoice,
records the payment to the leader's school, whose headteacher opens the remittance advice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import axe_check, browser_signed_in
from syslead.accounts.models import User
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.invoicing import services
from syslead.invoicing.models import RemittanceAdvice
from syslead.visits.models import VisitStatus
from syslead.visits.tests.factories import make_visit

pytestmark = pytest.mark.browser


def test_the_charging_page_and_the_remittance_advice(
    page: Page, coordinator: User, home_head: User, deployment: Deployment
) -> None:
    Deployment.objects.filter(pk=deployment.pk).update(status=DeploymentStatus.DRAFT)
    browser_signed_in(page, coordinator.email, home=False)
    page.goto(f"/charging/agreements/{deployment.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Charging for this agreement")
    axe_check(page)
    page.get_by_label("Bespoke full day rate (£, optional)").fill("400")
    page.get_by_role("button", name="Save the charging").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)
    page.get_by_label("The broker collects", exact=False).check()
    page.get_by_label("Bespoke half day or twilight session rate (£, optional)").fill("180")
    page.get_by_label("Why this agreement has a bespoke price").fill("Agreed at the board.")
    page.get_by_role("button", name="Save the charging").click()
    expect(page.get_by_text("Agreed at the board.").first).to_be_visible()

    Deployment.objects.filter(pk=deployment.pk).update(status=DeploymentStatus.ACTIVE)
    make_visit(deployment, date=dt.date(2025, 10, 6), status=VisitStatus.AGREED)
    deployment.refresh_from_db()
    invoice = services.invoice_draft(actor=coordinator, deployment=deployment)
    invoice = services.invoice_issue(actor=coordinator, invoice=invoice)
    services.invoice_mark_paid(actor=coordinator, invoice=invoice, paid_on=timezone.localdate())
    page.goto(f"/invoices/{invoice.pk}/")
    page.get_by_role("link", name="Record the payment to").click()
    axe_check(page)
    page.get_by_role("button", name="Record the payment").click()
    remittance = RemittanceAdvice.objects.get()
    assert remittance.amount == 350  # £400 less the £50 fee
    expect(page.get_by_role("heading", level=1)).to_have_text(remittance.title)
    axe_check(page)

    page.context.clear_cookies()
    browser_signed_in(page, home_head.email)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"/remittances/{remittance.pk}/")
    expect(page.get_by_text("£350.00").first).to_be_visible()
    axe_check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
