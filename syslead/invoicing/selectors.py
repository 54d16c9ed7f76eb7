"""Reading invoices for the pages and the PDF."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from syslead.accounts.models import User
from syslead.core.money import pounds
from syslead.invoicing import access
from syslead.invoicing.models import Invoice, InvoiceLine, LineKind
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
    invoice = _with_related(Invoice.objects.filter(pk=invoice_id)).first()
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
    parties = invoice_parties(invoice.funding_route)
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
        "parties": invoice_parties(invoice.funding_route),
    }


def lines_of(invoice: Invoice) -> QuerySet[InvoiceLine]:
    return invoice.lines.select_related("visit")
