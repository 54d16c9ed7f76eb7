"""Invoicing on the home page (docs/ux.md "Home page by role"): for coordinators, agreed notes of
visit still not invoiced a month on; for the headteacher of a leader's home school, the income due
to the school. ``syslead.core.home.HOME_SOURCES`` names these sources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.access import coordinated_organisation_ids, headteacher_school_urns
from syslead.accounts.models import User
from syslead.core.home import AttentionItem, Block, Section
from syslead.deployments.models import Deployment
from syslead.invoicing.access import invoices_visible_to
from syslead.invoicing.models import InvoiceLine, InvoiceStatus
from syslead.visits.models import AGREED_STATUSES

#: Agreed notes of visit older than this with no invoice need invoicing (a month's grace).
INVOICE_WITHIN_DAYS = 30
#: How many agreements the coordinator's attention list names (the rest are one click away).
ATTENTION_ROWS = 10


def _uninvoiced() -> Q:
    """An agreed note of visit more than a month old, on no live invoice."""
    return Q(
        visits__status__in=AGREED_STATUSES,
        visits__date__lt=timezone.localdate() - dt.timedelta(days=INVOICE_WITHIN_DAYS),
    ) & ~Q(visits__in=InvoiceLine.objects.filter(live=True, visit__isnull=False).values("visit_id"))


def coordinator_visits_to_invoice(user: User) -> Iterable[Block]:
    """Agreements of the coordinated organisations with agreed notes of visit more than a month
    old that are on no invoice yet, oldest first (one query)."""
    coordinated = coordinated_organisation_ids(user)
    if not coordinated:
        return
    rows = (
        Deployment.objects.filter(organisation_id__in=coordinated)
        .annotate(
            waiting=Count("visits", filter=_uninvoiced(), distinct=True),
            oldest=Min("visits__date", filter=_uninvoiced()),
        )
        .filter(waiting__gt=0)
        .select_related("client_school", "leader__user")
        .order_by("oldest", "pk")[:ATTENTION_ROWS]
    )
    for deployment in rows:
        count = deployment.waiting
        yield AttentionItem(
            f"Invoice {count} agreed note{'s' if count != 1 else ''} of visit: "
            f"{deployment.leader.user.get_full_name()} at {deployment.client_school.name}",
            reverse("invoicing:list", args=[deployment.pk]),
            f"The oldest is from {deployment.oldest:%-d %b %Y}.",
        )


def headteacher_income(user: User) -> Iterable[Block]:
    """Income due to the headteacher's school from its leaders' support: invoices it issued and
    not yet paid (overdue ones need attention), and what it has been paid this year."""
    urns = headteacher_school_urns(user)
    if not urns:
        return
    issued = invoices_visible_to(user).filter(issuer_school_id__in=urns)
    today = timezone.localdate()
    unpaid = list(
        issued.filter(status=InvoiceStatus.ISSUED)
        .select_related("deployment__client_school", "issuer_school")
        .order_by("due_on", "pk")
    )
    for invoice in unpaid:
        if invoice.due_on and invoice.due_on < today:
            yield AttentionItem(
                f"Invoice {invoice.number} to {invoice.payer_name} is overdue",
                reverse("invoicing:detail", args=[invoice.pk]),
                f"£{invoice.total:,.2f}, due {invoice.due_on:%-d %b %Y}.",
            )
    if not unpaid and not issued.exists():
        return
    paid_since = dt.date(today.year - 1, 1, 1)
    paid = issued.filter(status=InvoiceStatus.PAID, paid_on__gte=paid_since).aggregate(
        total=Sum("total")
    )["total"] or Decimal("0")
    yield Section(
        title="Income due to my school",
        template="invoicing/home/income.html",
        context={
            "unpaid": unpaid,
            "unpaid_total": sum((i.total for i in unpaid), Decimal("0")),
            "paid_recently": paid,
            "paid_since": paid_since,
            "today": today,
        },
    )
