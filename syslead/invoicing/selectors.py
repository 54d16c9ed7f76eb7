"""Reading invoices for the pages and the PDF."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from syslead.accounts.models import User
from syslead.core.money import pounds
from syslead.core.queries import one_or_none
from syslead.invoicing import access
from syslead.invoicing.models import Invoice, InvoiceLine, LineKind, RemittanceAdvice
from syslead.invoicing.pricing import invoice_parties


def _with_related(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return invoices.select_related(
        "deployment__leader__user",
        "deployment__organisation",
        "deployment__client_school",
        "deployment__home_school",
        "deployment__support_request",
        "issuer_school",
        "issuer_organisation",
        "payer_school",
        "payer_organisation",
    )


def invoice_for_user(user: User, invoice_id: int) -> Invoice:
    """The invoice, or 404 to anyone who may not read it."""
    invoice = one_or_none(_with_related(Invoice.objects.filter(pk=invoice_id)))
    if invoice is None or not access.may_read(user, invoice):
        raise Http404("No such invoice.")
    return invoice


def who_pays_whom(invoice: Invoice) -> str:
    """In words: who pays whom, and where the broker's share goes."""
    deployment = invoice.deployment
    broker = deployment.organisation.name
    home = deployment.home_school.name
    total = pounds(invoice.total)
    fee = pounds(invoice.broker_share)
    share = pounds(invoice.home_school_share)
    parties = invoice_parties(invoice.funding_route, invoice.collected_by)
    if parties.broker_keeps_fee:
        return (
            f"{broker} funds the days: it pays {home} {total}, its share for backfill, and keeps "
            f"its fee of {fee}. Leaders themselves are never paid."
        )
    if invoice.issuer_kind == "broker":
        return (
            f"{invoice.payer_name} pays {broker} {total}; {broker} keeps its fee of {fee} and "
            f"pays {home} {share} for backfill. Leaders themselves are never paid."
        )
    return (
        f"{invoice.payer_name} pays {home} {total}; {home} keeps {share} for backfill"
        f"{' and expenses' if invoice.expenses_total else ''} and passes {broker} its fee of "
        f"{fee}. Leaders themselves are never paid."
    )


def invoice_context(invoice: Invoice) -> dict[str, Any]:
    lines = list(invoice.lines.select_related("visit"))
    return {
        "invoice": invoice,
        "deployment": invoice.deployment,
        "session_lines": [line for line in lines if line.kind == LineKind.SESSION],
        "expense_lines": [line for line in lines if line.kind == LineKind.EXPENSES],
        "who_pays_whom": who_pays_whom(invoice),
        "parties": invoice_parties(invoice.funding_route, invoice.collected_by),
        "remittance": RemittanceAdvice.objects.filter(invoice=invoice).first(),
    }


def lines_of(invoice: Invoice) -> QuerySet[InvoiceLine]:
    return invoice.lines.select_related("visit")


def remittance_for_user(user: User, remittance_id: int) -> RemittanceAdvice:
    """The remittance advice, or 404 to anyone who may not read it."""
    remittance = one_or_none(
        RemittanceAdvice.objects.filter(pk=remittance_id).select_related(
            "invoice",
            "deployment__leader__user",
            "deployment__organisation",
            "deployment__client_school",
            "deployment__home_school",
            "home_school",
            "broker",
            "recorded_by",
        )
    )
    if remittance is None or not access.may_read_remittance(user, remittance):
        raise Http404("No such remittance advice.")
    return remittance


def remittance_context(remittance: RemittanceAdvice) -> dict[str, Any]:
    deployment = remittance.deployment
    lines = list(remittance.invoice.lines.filter(kind=LineKind.SESSION).select_related("visit"))
    return {
        "remittance": remittance,
        "invoice": remittance.invoice,
        "deployment": deployment,
        "session_rows": [
            {
                "description": line.description,
                "rate": line.rate,
                "broker_fee": line.broker_fee,
                "home_share": line.rate - line.broker_fee,
            }
            for line in lines
        ],
        "expenses_total": remittance.invoice.expenses_total,
        "words": (
            f"{remittance.broker.name} collected {pounds(remittance.collected)} from "
            f"{remittance.invoice.payer_name} (invoice {remittance.invoice.number}), paid "
            f"{remittance.home_school.name} {pounds(remittance.amount)} on "
            f"{remittance.paid_on:%-d %B %Y} and kept {pounds(remittance.broker_retained)} for "
            "brokering and administration. Leaders themselves are never paid."
        ),
    }
