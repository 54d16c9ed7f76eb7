"""A deployment's invoices downloaded as CSV or Excel: the invoices page's access rule (404 to
anyone who may not see the agreement, 403 to those who see no invoices) and the invoices the
person may read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBase

from syslead.core import exports as x
from syslead.core.http import AuthenticatedHttpRequest
from syslead.invoicing import access
from syslead.invoicing.models import Invoice
from syslead.visits.access import deployment_records_for_user

#: Rows read from the database at a time while a download streams.
CHUNK = 500

INVOICE_COLUMNS: list[x.Column[Invoice]] = [
    x.text("Invoice", lambda i: i.number or f"Draft invoice {i.pk}"),
    x.text("From", lambda i: i.issuer_name, width=30),
    x.text("To", lambda i: i.payer_name, width=30),
    x.number("Days", lambda i: i.days),
    x.money("Sessions (£)", lambda i: i.sessions_total),
    x.money("Expenses (£)", lambda i: i.expenses_total),
    x.money("Total (£)", lambda i: i.total),
    x.money("Broker's fee (£)", lambda i: i.broker_share),
    x.money("Home school's share (£)", lambda i: i.home_school_share),
    x.text("Status", lambda i: i.get_status_display()),
    x.date("Issued", lambda i: i.issued_on),
    x.date("Due", lambda i: i.due_on),
    x.date("Paid", lambda i: i.paid_on),
]


@login_required
def invoice_export(
    request: AuthenticatedHttpRequest, deployment_id: int, fmt: str
) -> HttpResponseBase:
    """The invoices the agreement's invoices page lists to this person, newest first."""
    deployment, roles = deployment_records_for_user(request.user, deployment_id)
    if not access.may_see_list(roles):
        raise PermissionDenied("Only the schools and the broker see this agreement's invoices.")
    rows = (
        access.invoices_visible(request.user, deployment)
        .select_related("issuer_school", "issuer_organisation")
        .iterator(chunk_size=CHUNK)
    )
    sheet = x.Sheet("Invoices", INVOICE_COLUMNS, rows)
    return x.export_response(x.Export(f"invoices-agreement-{deployment.pk}", [sheet]), fmt)
