"""The invoice pages: who may open each and do each action, the check steps, the list's query
budget and the PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.core.dates import date_input_data
from syslead.deployments.models import Deployment
from syslead.invoicing import services
from syslead.invoicing.models import Invoice, InvoiceStatus
from syslead.visits.models import Visit
from syslead.visits.tests.factories import make_visit

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


@pytest.fixture
def invoice(coordinator: User, deployment: Deployment, visits: list[Visit]) -> Invoice:
    return services.invoice_draft(actor=coordinator, deployment=deployment)


def _pages(invoice: Invoice) -> list[str]:
    return [
        f"/deployments/{invoice.deployment_id}/invoices/",
        f"/invoices/{invoice.pk}/",
        f"/invoices/{invoice.pk}/issue/",
        f"/invoices/{invoice.pk}/paid/",
        f"/invoices/{invoice.pk}/cancel/",
        f"/invoices/{invoice.pk}/invoice.pdf",
    ]


def test_signed_out_people_are_sent_to_sign_in(client: Client, invoice: Invoice) -> None:
    for url in _pages(invoice):
        assert client.get(url).status_code == 302


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "other_head"])
def test_outsiders_see_no_invoice_page_and_can_do_nothing(
    request: pytest.FixtureRequest, who: str, login: Login, invoice: Invoice
) -> None:
    client = login(request.getfixturevalue(who))
    for url in _pages(invoice):
        assert client.get(url).status_code == 404, url
    for url in _pages(invoice)[2:5]:
        assert (
            client.post(
                url, {"reason": "x", **date_input_data("paid_on", "2025-11-01")}
            ).status_code
            == 404
        )
    assert client.post(f"/deployments/{invoice.deployment_id}/invoices/draft/").status_code == 404
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DRAFT


def test_the_leader_is_never_shown_invoices(
    login: Login, leader_user: User, invoice: Invoice
) -> None:
    client = login(leader_user)
    assert client.get(f"/deployments/{invoice.deployment_id}/invoices/").status_code == 403
    assert client.get(f"/invoices/{invoice.pk}/").status_code == 404


def test_the_payer_reads_but_cannot_act(login: Login, client_head: User, invoice: Invoice) -> None:
    client = login(client_head)
    assert client.get(f"/deployments/{invoice.deployment_id}/invoices/").status_code == 200
    page = client.get(f"/invoices/{invoice.pk}/")
    assert page.status_code == 200
    assert b"Issue the invoice" not in page.content
    assert client.get(f"/invoices/{invoice.pk}/invoice.pdf").status_code == 200
    for url in _pages(invoice)[2:5]:
        assert client.get(url).status_code == 403
    assert client.post(f"/deployments/{invoice.deployment_id}/invoices/draft/").status_code == 403


def test_a_broker_lead_reads_but_cannot_act(
    login: Login, broker_lead: User, invoice: Invoice
) -> None:
    client = login(broker_lead)
    assert client.get(f"/invoices/{invoice.pk}/").status_code == 200
    assert client.post(f"/invoices/{invoice.pk}/issue/").status_code == 403


def test_the_list_offers_to_draft_for_the_agreed_visits(
    login: Login, coordinator: User, deployment: Deployment, visits: list[Visit]
) -> None:
    client = login(coordinator)
    page = client.get(f"/deployments/{deployment.pk}/invoices/")
    assert b"Draft an invoice for 3 agreed visits" in page.content
    response = client.post(f"/deployments/{deployment.pk}/invoices/draft/")
    invoice = Invoice.objects.get()
    assert response.url == f"/invoices/{invoice.pk}/"  # type: ignore[attr-defined]
    again = client.post(f"/deployments/{deployment.pk}/invoices/draft/", follow=True)
    assert b"no agreed notes of visit to invoice" in again.content


def test_issue_has_a_check_step_then_numbers_the_invoice(
    login: Login, coordinator: User, invoice: Invoice
) -> None:
    client = login(coordinator)
    check = client.get(f"/invoices/{invoice.pk}/issue/")
    assert b"Check the invoice before you issue it" in check.content
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DRAFT
    client.post(f"/invoices/{invoice.pk}/issue/")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
    assert invoice.number


def test_expenses_paid_and_cancel_pages(login: Login, home_head: User, invoice: Invoice) -> None:
    client = login(home_head)
    client.post(f"/invoices/{invoice.pk}/", {"description": "Train", "amount": "12.50"})
    refused = client.post(f"/invoices/{invoice.pk}/", {"description": "Taxi", "amount": "abc"})
    assert b"Enter an amount in pounds" in refused.content
    client.post(f"/invoices/{invoice.pk}/issue/")
    future = client.post(
        f"/invoices/{invoice.pk}/paid/", {**date_input_data("paid_on", "2999-01-01")}
    )
    assert b"cannot be in the future" in future.content
    no_reason = client.post(f"/invoices/{invoice.pk}/cancel/", {"reason": ""})
    assert b"Say why the issued invoice is cancelled" in no_reason.content
    client.post(f"/invoices/{invoice.pk}/paid/", {**date_input_data("paid_on", dt.date.today())})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert str(invoice.total) == "662.50"


def test_cancel_page_cancels_a_draft(login: Login, coordinator: User, invoice: Invoice) -> None:
    response = login(coordinator).post(f"/invoices/{invoice.pk}/cancel/", {"reason": ""})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CANCELLED
    assert response.url == f"/deployments/{invoice.deployment_id}/invoices/"  # type: ignore[attr-defined]


def test_the_pdf_is_laid_out_like_an_invoice(invoice: Invoice) -> None:
    from syslead.invoicing.pdf import invoice_html, invoice_pdf

    html = invoice_html(invoice)
    assert "DRAFT INVOICE" in html
    assert "£650.00" in html
    assert "Twilight session" in html
    assert invoice_pdf(invoice).startswith(b"%PDF")


def test_the_list_costs_a_fixed_number_of_queries(
    login: Login,
    coordinator: User,
    deployment: Deployment,
    visits: list[Visit],
    django_assert_max_num_queries: object,
) -> None:
    for _ in range(6):
        make_visit(deployment, status="agreed")
        services.invoice_draft(actor=coordinator, deployment=deployment)
    client = login(coordinator)
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        page = client.get(f"/deployments/{deployment.pk}/invoices/")
    assert page.content.count(b"Draft invoice ") == 6


def test_the_delivery_panel_links_to_the_invoices(
    login: Login, coordinator: User, deployment: Deployment
) -> None:
    page = login(coordinator).get(f"/deployments/{deployment.pk}/delivery/")
    assert f"/deployments/{deployment.pk}/invoices/".encode() in page.content
