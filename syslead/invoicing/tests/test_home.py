"""Invoicing on the home page: coordinators are told of agreed notes of visit not invoiced a month
on; the home school's headteacher sees the income due to the school, overdue invoices first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.deployments.models import Deployment
from syslead.invoicing.home import INVOICE_WITHIN_DAYS
from syslead.invoicing.models import Invoice
from syslead.invoicing.services import invoice_draft, invoice_issue
from syslead.visits.models import Visit

Login = Callable[[User], Client]


def test_coordinator_is_told_of_agreed_visits_not_invoiced_after_30_days(
    login: Login, coordinator: User, deployment: Deployment, visits: list[Visit]
) -> None:
    assert INVOICE_WITHIN_DAYS == 30
    page = login(coordinator).get("/").content.decode()
    assert "Invoice 3 agreed notes of visit" in page  # two agreed and one signed off
    assert reverse("invoicing:list", args=[deployment.pk]) in page


def test_a_drafted_invoice_clears_the_coordinators_reminder(
    login: Login, coordinator: User, deployment: Deployment, visits: list[Visit]
) -> None:
    invoice_draft(actor=coordinator, deployment=deployment)
    assert "agreed notes of visit" not in login(coordinator).get("/").content.decode()


def test_home_headteacher_sees_income_due_and_overdue_invoices(
    login: Login,
    coordinator: User,
    home_head: User,
    client_head: User,
    deployment: Deployment,
    visits: list[Visit],
) -> None:
    invoice = invoice_draft(actor=coordinator, deployment=deployment)
    invoice_issue(actor=coordinator, invoice=invoice, today=dt.date(2025, 11, 3))
    invoice = Invoice.objects.get(pk=invoice.pk)
    page = login(home_head).get("/").content.decode()
    assert "Income due to my school" in page
    assert f"Invoice {invoice.number} to {invoice.payer_name} is overdue" in page
    assert "£650.00" in page
    assert "Income due to my school" not in login(client_head).get("/").content.decode()


def test_a_visit_invoiced_again_after_a_cancelled_invoice_is_not_reported(
    login: Login, coordinator: User, deployment: Deployment, visits: list[Visit]
) -> None:
    from syslead.invoicing.services import invoice_cancel

    cancelled = invoice_draft(actor=coordinator, deployment=deployment)
    invoice_cancel(actor=coordinator, invoice=cancelled)
    assert "Invoice 3 agreed notes of visit" in login(coordinator).get("/").content.decode()
    invoice_draft(actor=coordinator, deployment=deployment)
    assert "agreed notes of visit" not in login(coordinator).get("/").content.decode()


def test_income_paid_is_said_since_a_named_date_and_a_zero_is_not_shown(
    login: Login, coordinator: User, home_head: User, deployment: Deployment, visits: list[Visit]
) -> None:
    from django.utils import timezone

    from syslead.invoicing.services import invoice_mark_paid

    invoice = invoice_draft(actor=coordinator, deployment=deployment)
    invoice_issue(actor=coordinator, invoice=invoice, today=dt.date(2025, 11, 3))
    page = login(home_head).get("/").content.decode()
    assert "Paid since" not in page
    assert "has been paid £0" not in page  # nothing paid yet: no sentence about it
    today = timezone.localdate()
    invoice_mark_paid(actor=coordinator, invoice=Invoice.objects.get(pk=invoice.pk), paid_on=today)
    page = login(home_head).get("/").content.decode()
    assert f"The school has been paid £650.00 since 1 January {today.year - 1}." in page


def test_an_invoice_of_one_day_totals_1_day_not_1_days(
    login: Login, coordinator: User, deployment: Deployment
) -> None:
    from syslead.visits.models import VisitStatus
    from syslead.visits.tests.factories import make_visit

    make_visit(deployment, date=dt.date(2025, 10, 6), status=VisitStatus.AGREED)
    invoice = invoice_draft(actor=coordinator, deployment=deployment)
    page = login(coordinator).get(reverse("invoicing:detail", args=[invoice.pk])).content.decode()
    assert "Total (1 day)" in page
    assert "1 days" not in page
