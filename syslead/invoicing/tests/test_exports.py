"""The download of an agreement's invoices: the invoices the page lists to the person, money as
numbers with two decimals, safe to open, refused as the page refuses."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.core.tests.export_helpers import (
    column,
    queries_for,
    read_csv,
    read_workbook,
    read_xlsx,
)
from syslead.deployments.models import Deployment
from syslead.invoicing import services
from syslead.invoicing.models import Invoice, IssuerKind, PayerKind
from syslead.visits.models import Visit

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]

HOSTILE = ['=HYPERLINK("http://evil.test","Click")', "+1", "-2", "@SUM(A1:A9)"]


@pytest.fixture
def invoice(coordinator: User, deployment: Deployment, visits: list[Visit]) -> Invoice:
    return services.invoice_draft(actor=coordinator, deployment=deployment)


def _add_invoices(deployment: Deployment, payer_names: list[str]) -> None:
    """Invoices written straight to the table (the list only reads them)."""
    Invoice.objects.bulk_create(
        Invoice(
            deployment=deployment,
            funding_route=deployment.funding_route,
            issuer_kind=IssuerKind.HOME_SCHOOL,
            issuer_school=deployment.home_school,
            payer_kind=PayerKind.SUPPORTED_SCHOOL,
            payer_school=deployment.client_school,
            payer_name=name,
            days=Decimal("1"),
            sessions_total=Decimal("350"),
            total=Decimal("350"),
            broker_share=Decimal("50"),
            home_school_share=Decimal("300"),
        )
        for name in payer_names
    )


def _url(invoice: Invoice, fmt: str) -> str:
    return f"/deployments/{invoice.deployment_id}/invoices/export.{fmt}"


def test_the_download_lists_the_invoices_the_page_lists_with_money_as_money(
    login: Login, coordinator: User, invoice: Invoice
) -> None:
    _add_invoices(invoice.deployment, ["Ermine Primary Academy"])
    client = login(coordinator)
    page = [
        i.pk
        for i in client.get(f"/deployments/{invoice.deployment_id}/invoices/").context["invoices"]
    ]
    csv_rows = read_csv(client.get(_url(invoice, "csv")))
    assert column(csv_rows, "Invoice") == [f"Draft invoice {pk}" for pk in page]
    assert column(csv_rows, "Total (£)")[-1] == f"{invoice.total:.2f}"
    assert column(csv_rows, "Broker's fee (£)")[0] == "50.00"
    sheet = read_workbook(client.get(_url(invoice, "xlsx"))).worksheets[0]
    header = [c.value for c in sheet[1]]
    total = sheet.cell(row=3, column=header.index("Total (£)") + 1)
    assert total.data_type == "n"
    assert total.value == invoice.total
    assert total.number_format == "#,##0.00"


def test_payer_names_that_look_like_formulas_are_neutralised(
    login: Login, coordinator: User, invoice: Invoice
) -> None:
    _add_invoices(invoice.deployment, HOSTILE)
    client = login(coordinator)
    expected = sorted(["'" + n for n in HOSTILE] + [invoice.payer_name])
    assert sorted(column(read_csv(client.get(_url(invoice, "csv"))), "To")) == expected
    xlsx_rows = read_xlsx(client.get(_url(invoice, "xlsx")))
    assert sorted(column(xlsx_rows, "To")) == expected
    assert set(column(xlsx_rows, "Days")) == {1, invoice.days}


@pytest.mark.parametrize("who", ["coordinator", "broker_lead", "client_head", "home_head"])
def test_the_people_who_see_the_invoices_page_download_it(
    request: pytest.FixtureRequest, login: Login, invoice: Invoice, who: str
) -> None:
    client = login(request.getfixturevalue(who))
    page = client.get(f"/deployments/{invoice.deployment_id}/invoices/")
    assert page.status_code == 200
    rows = read_csv(client.get(_url(invoice, "csv")))
    assert len(rows) - 1 == len(page.context["invoices"])


def test_the_leader_is_refused_as_on_the_page(
    login: Login, leader_user: User, invoice: Invoice
) -> None:
    assert login(leader_user).get(_url(invoice, "csv")).status_code == 403


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "other_head"])
def test_outsiders_get_not_found_as_on_the_page(
    request: pytest.FixtureRequest, login: Login, invoice: Invoice, who: str
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get(_url(invoice, "csv")).status_code == 404
    assert client.get(_url(invoice, "xlsx")).status_code == 404


def test_anonymous_is_sent_to_sign_in(client: Client, invoice: Invoice) -> None:
    response = client.get(_url(invoice, "xlsx"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_page_links_to_its_downloads(login: Login, coordinator: User, invoice: Invoice) -> None:
    body = login(coordinator).get(f"/deployments/{invoice.deployment_id}/invoices/").content
    assert f'href="{_url(invoice, "csv")}"'.encode() in body
    assert f'href="{_url(invoice, "xlsx")}"'.encode() in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_download_costs_the_same_queries_for_three_invoices_or_thirty(
    login: Login, coordinator: User, deployment: Deployment, fmt: str
) -> None:
    client = login(coordinator)
    url = f"/deployments/{deployment.pk}/invoices/export.{fmt}"
    _add_invoices(deployment, ["Payer"] * 3)
    queries_for(client, url)
    few = queries_for(client, url)
    _add_invoices(deployment, ["Payer"] * 27)
    assert queries_for(client, url) == few
