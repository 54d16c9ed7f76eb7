"""The invoice as a document laid out like an invoice (docs/ux.md: "Every form and record downloads
as a PDF"): who issues it and to whom, its number and dates, the lines, the totals and, in words,
the split between the leader's school and the broker. ``invoice_pdf`` renders it with WeasyPrint."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from syslead.invoicing.models import Invoice, RemittanceAdvice
from syslead.invoicing.selectors import invoice_context, remittance_context


def invoice_html(invoice: Invoice) -> str:
    context: dict[str, Any] = {**invoice_context(invoice), "generated_at": timezone.now()}
    return render_to_string("invoicing/invoice_pdf.html", context)


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF (WeasyPrint, imported here: it is slow to load)."""
    from weasyprint import HTML

    pdf = HTML(string=invoice_html(invoice)).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def invoice_filename(invoice: Invoice) -> str:
    school = slugify(invoice.deployment.client_school.name)[:60].strip("-")
    name = slugify(invoice.number) if invoice.number else f"draft-{invoice.pk}"
    return f"invoice-{name}-{school}.pdf"


def remittance_html(remittance: RemittanceAdvice) -> str:
    context: dict[str, Any] = {**remittance_context(remittance), "generated_at": timezone.now()}
    return render_to_string("invoicing/remittance_pdf.html", context)


def remittance_pdf(remittance: RemittanceAdvice) -> bytes:
    """The remittance advice as a PDF, for the leader's school (WeasyPrint)."""
    from weasyprint import HTML

    pdf = HTML(string=remittance_html(remittance)).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def remittance_filename(remittance: RemittanceAdvice) -> str:
    school = slugify(remittance.home_school.name)[:60].strip("-")
    return f"remittance-{slugify(remittance.invoice.number)}-{school}.pdf"
