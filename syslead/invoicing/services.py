"""Writes of invoices: draft from the agreed notes of visit, add expenses, issue, mark paid,
cancel (docs/rules.md: Charging; features 5 and 6). The rules live here; pages call these.

Each service checks who may act (``NotAllowed``), then the state (``RuleViolation`` naming the
rule), then the fields (``ValidationError``), writes in one transaction and records an event.
Drafting locks the deployment's row, so two drafts at once cannot both collect the same visits
(and the partial unique index on live lines would refuse the second anyway).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.events import event_record
from syslead.core.exceptions import NotAllowed, RuleViolation, field_error
from syslead.core.money import money, money_problem, pounds
from syslead.deployments.costs import Rates
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.invoicing import access
from syslead.invoicing.models import (
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    IssuerKind,
    LineKind,
    PayerKind,
    RemittanceAdvice,
)
from syslead.invoicing.pricing import (
    BROKER,
    HOME_SCHOOL,
    SUPPORTED_SCHOOL,
    PricedSession,
    invoice_parties,
    invoice_totals,
    price_session,
)
from syslead.invoicing.transitions import INITIAL, INVOICE
from syslead.notifications.inbox import notify
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.visits import recipients
from syslead.visits.access import deployment_roles
from syslead.visits.models import AGREED_STATUSES, Visit

#: Invoices are due this many days after they are issued.
PAYMENT_TERMS_DAYS = 30
#: Agreements whose delivered days may be invoiced (the work is under way or done).
INVOICEABLE_STATUSES = (
    DeploymentStatus.ACTIVE,
    DeploymentStatus.PAUSED,
    DeploymentStatus.COMPLETED,
    DeploymentStatus.ENDED_EARLY,
)


def uninvoiced_visits(deployment: Deployment) -> Any:
    """The deployment's agreed notes of visit on no live invoice, oldest first."""
    return (
        Visit.objects.filter(deployment=deployment, status__in=AGREED_STATUSES)
        .exclude(invoice_lines__live=True)
        .order_by("date", "id")
    )


def _rates(deployment: Deployment) -> Rates:
    return Rates(
        full_day_rate=deployment.full_day_rate,
        half_day_rate=deployment.half_day_rate,
        full_day_broker_fee=deployment.full_day_broker_fee,
        half_day_broker_fee=deployment.half_day_broker_fee,
    )


def _url(invoice: Invoice) -> str:
    return reverse("invoicing:detail", args=[invoice.pk])


def _line_priced(line: InvoiceLine) -> PricedSession:
    return PricedSession(line.session, line.days, line.rate, line.broker_fee, line.amount)


def _recompute(invoice: Invoice) -> None:
    lines = list(invoice.lines.all())
    totals = invoice_totals(
        [_line_priced(line) for line in lines if line.kind == LineKind.SESSION],
        [line.amount for line in lines if line.kind == LineKind.EXPENSES],
        invoice.funding_route,
        invoice.collected_by,
    )
    invoice.days = totals.days
    invoice.sessions_total = totals.sessions_total
    invoice.expenses_total = totals.expenses_total
    invoice.total = totals.total
    invoice.broker_share = totals.broker_share
    invoice.home_school_share = totals.home_school_share
    invoice.save(
        update_fields=[
            "days",
            "sessions_total",
            "expenses_total",
            "total",
            "broker_share",
            "home_school_share",
        ]
    )


def _party_fields(deployment: Deployment) -> dict[str, Any]:
    parties = invoice_parties(deployment.funding_route, deployment.collected_by)
    fields: dict[str, Any] = {
        "funding_route": deployment.funding_route,
        "collected_by": deployment.collected_by,
    }
    if parties.issuer == HOME_SCHOOL:
        fields |= {"issuer_kind": IssuerKind.HOME_SCHOOL, "issuer_school": deployment.home_school}
    else:
        fields |= {
            "issuer_kind": IssuerKind.BROKER,
            "issuer_organisation": deployment.organisation,
        }
    if parties.payer == SUPPORTED_SCHOOL:
        fields |= {
            "payer_kind": PayerKind.SUPPORTED_SCHOOL,
            "payer_school": deployment.client_school,
            "payer_name": deployment.client_school.name,
        }
    elif parties.payer == BROKER:
        fields |= {
            "payer_kind": PayerKind.BROKER,
            "payer_organisation": deployment.organisation,
            "payer_name": deployment.organisation.name,
        }
    else:
        fields |= {
            "payer_kind": PayerKind.COMMISSIONER,
            "payer_name": deployment.commissioner_name or "The commissioner",
        }
    return fields


@transaction.atomic
def invoice_draft(*, actor: User, deployment: Deployment) -> Invoice:
    """A draft invoice of the deployment's agreed notes of visit not yet on a live invoice, each
    priced at the agreement's rates (a twilight at the half-day rate)."""
    locked = (
        Deployment.objects.select_for_update(of=("self",))
        .select_related("home_school", "client_school", "organisation", "leader__user")
        .get(pk=deployment.pk)
    )
    if not access.may_draft(deployment_roles(actor, locked), locked):
        raise NotAllowed(
            "Only the broker's coordinators, or the leader's school's headteacher where the "
            "school invoices, draft invoices."
        )
    if locked.status not in INVOICEABLE_STATUSES:
        raise RuleViolation(
            f"The agreement is {locked.get_status_display().lower()}: only the days of an "
            "agreement under way or finished can be invoiced.",
            rule="deployment_not_invoiceable",
        )
    visits = list(uninvoiced_visits(locked))
    if not visits:
        raise RuleViolation(
            "There are no agreed notes of visit to invoice: every agreed visit is already on an "
            "invoice.",
            rule="nothing_to_invoice",
        )
    invoice = Invoice.objects.create(
        deployment=locked, status=INITIAL, created_by=actor, **_party_fields(locked)
    )
    rates = _rates(locked)
    lines = []
    for visit in visits:
        priced = price_session(visit.session, rates, locked.funding_route, locked.collected_by)
        lines.append(
            InvoiceLine(
                invoice=invoice,
                kind=LineKind.SESSION,
                visit=visit,
                description=f"{visit.get_session_display()} on {visit.date:%-d %B %Y}",
                session=visit.session,
                days=priced.days,
                rate=priced.rate,
                broker_fee=priced.broker_fee,
                amount=priced.amount,
            )
        )
    InvoiceLine.objects.bulk_create(lines)
    _recompute(invoice)
    event_record(
        actor=actor,
        subject=locked,
        verb="invoice.drafted",
        summary=f"Drafted an invoice for {len(lines)} agreed visits ({pounds(invoice.total)})",
        data={"invoice": invoice.pk, "visits": [v.pk for v in visits]},
    )
    return invoice


def _locked(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.select_for_update(of=("self",))
        .select_related(
            "deployment__leader__user",
            "deployment__organisation",
            "deployment__client_school",
            "deployment__home_school",
            "deployment__support_request",
            "issuer_school",
            "issuer_organisation",
        )
        .get(pk=invoice.pk)
    )


def _may_act(actor: User, invoice: Invoice, step: str, doing: str) -> None:
    INVOICE.require_permitted(
        step,
        actor,
        invoice,
        f"Only the invoice's issuer or the broker's coordinators {doing}.",
    )


@transaction.atomic
def invoice_add_expenses(
    *, actor: User, invoice: Invoice, description: str, amount: Decimal
) -> InvoiceLine:
    """On the school route the leader's school invoices "at the agreed rate plus expenses"."""
    invoice = _locked(invoice)
    _may_act(actor, invoice, "add_expenses", "add expenses")
    expenses = INVOICE.require_source(
        "add_expenses", invoice, "Expenses can be added only to a draft invoice."
    )
    if not invoice_parties(invoice.funding_route, invoice.collected_by).expenses_allowed:
        raise RuleViolation(
            "Expenses are invoiced only on the school route: on this agreement's route the rates "
            "include travel.",
            rule="expenses_school_route_only",
        )
    description = description.strip()
    if not description:
        raise field_error("description", "Say what the expenses were for.")
    problem = money_problem(amount, positive=True)
    if problem:
        raise field_error("amount", problem)
    line = InvoiceLine.objects.create(
        invoice=invoice,
        kind=LineKind.EXPENSES,
        description=description[:300],
        amount=money(amount),
    )
    _recompute(invoice)
    event_record(
        actor=actor,
        subject=invoice.deployment,
        verb=expenses.records,
        summary=f"Added expenses of {pounds(line.amount)} to a draft invoice",
        data={"invoice": invoice.pk, "line": line.pk},
    )
    return line


def _next_number(invoice: Invoice) -> tuple[int, str]:
    """The issuer's next number: its own sequence, under the issuer's row lock."""
    if invoice.issuer_school_id is not None:
        School.objects.select_for_update().get(pk=invoice.issuer_school_id)
        prefix = f"{invoice.issuer_school_id}"
        issued = Invoice.objects.filter(issuer_school_id=invoice.issuer_school_id)
    else:
        assert invoice.issuer_organisation_id is not None  # the one-issuer check constraint
        org = Organisation.objects.select_for_update().get(pk=invoice.issuer_organisation_id)
        prefix = org.slug.upper()[:20] or f"ORG{org.pk}"
        issued = Invoice.objects.filter(issuer_organisation_id=invoice.issuer_organisation_id)
    last = issued.aggregate(last=Max("sequence"))["last"] or 0
    return last + 1, f"{prefix}-{last + 1:04d}"


def _payer_people(invoice: Invoice) -> list[Any]:
    if invoice.payer_kind == PayerKind.SUPPORTED_SCHOOL and invoice.payer_school_id:
        return recipients.headteachers_of(invoice.payer_school_id)
    if invoice.payer_kind == PayerKind.BROKER and invoice.payer_organisation_id:
        return recipients.broker_people(invoice.payer_organisation_id)
    return []


@transaction.atomic
def invoice_issue(*, actor: User, invoice: Invoice, today: dt.date | None = None) -> Invoice:
    """Number the invoice, date it, make it due in 30 days and tell the payer."""
    invoice = _locked(invoice)
    _may_act(actor, invoice, "issue", "issue invoices")
    INVOICE.require_source(
        "issue",
        invoice,
        f"This invoice is {invoice.get_status_display().lower()}: only a draft is issued.",
    )
    if not invoice.lines.exists():
        raise RuleViolation("An invoice needs at least one line.", rule="invoice_empty")
    today = today or timezone.localdate()
    invoice.sequence, invoice.number = _next_number(invoice)
    invoice.issued_on = today
    invoice.due_on = today + dt.timedelta(days=PAYMENT_TERMS_DAYS)
    deployment = invoice.deployment
    INVOICE.apply(
        "issue",
        invoice,
        actor=actor,
        subject=deployment,
        update_fields=["sequence", "number", "issued_on", "due_on"],
        summary=f"Issued invoice {invoice.number} to {invoice.payer_name} "
        f"for {pounds(invoice.total)}",
        data={"invoice": invoice.pk, "number": invoice.number, "total": str(invoice.total)},
    )
    notify(
        users=_payer_people(invoice),
        verb="invoice.issued",
        text=f"{invoice.issuer_name} invoiced {invoice.payer_name} {pounds(invoice.total)} for "
        f"support by {deployment.leader.name}: invoice {invoice.number}, due by "
        f"{invoice.due_on:%-d %B %Y}.",
        url=_url(invoice),
        subject=f"Invoice {invoice.number}: {pounds(invoice.total)} due by "
        f"{invoice.due_on:%-d %B %Y}",
    )
    return invoice


@transaction.atomic
def invoice_mark_paid(*, actor: User, invoice: Invoice, paid_on: dt.date | None = None) -> Invoice:
    invoice = _locked(invoice)
    _may_act(actor, invoice, "mark_paid", "mark invoices paid")
    INVOICE.require_source(
        "mark_paid",
        invoice,
        f"This invoice is {invoice.get_status_display().lower()}: only an issued invoice "
        "can be marked paid.",
    )
    paid_on = paid_on or timezone.localdate()
    if invoice.issued_on and paid_on < invoice.issued_on:
        raise field_error("paid_on", "The payment date cannot be before the invoice date.")
    if paid_on > timezone.localdate():
        raise field_error("paid_on", "The payment date cannot be in the future.")
    invoice.paid_on = paid_on
    INVOICE.apply(
        "mark_paid",
        invoice,
        actor=actor,
        subject=invoice.deployment,
        update_fields=["paid_on"],
        summary=f"Invoice {invoice.number} paid on {paid_on:%-d %B %Y}",
        data={"invoice": invoice.pk},
    )
    return invoice


@transaction.atomic
def invoice_cancel(*, actor: User, invoice: Invoice, reason: str = "") -> Invoice:
    """Cancel a draft or issued invoice: its visits are free to go on another invoice. A paid
    invoice stays (a credit note is outside Syslead)."""
    invoice = _locked(invoice)
    _may_act(actor, invoice, "cancel", "cancel invoices")
    INVOICE.require_source(
        "cancel",
        invoice,
        f"This invoice is {invoice.get_status_display().lower()} and cannot be cancelled.",
    )
    reason = reason.strip()
    if invoice.status == InvoiceStatus.ISSUED and not reason:
        raise field_error("reason", "Say why the issued invoice is cancelled.")
    was_issued = invoice.status == InvoiceStatus.ISSUED
    invoice.cancel_reason = reason
    INVOICE.apply(
        "cancel", invoice, actor=actor, summary="", update_fields=["cancel_reason"], record=False
    )
    freed = invoice.lines.filter(live=True).update(live=False)
    event_record(
        actor=actor,
        subject=invoice.deployment,
        verb=INVOICE["cancel"].records,
        summary=f"Cancelled {invoice.title.lower() if not invoice.number else invoice.title}",
        data={"invoice": invoice.pk, "reason": reason, "lines": freed},
    )
    if was_issued:
        notify(
            users=_payer_people(invoice),
            verb="invoice.cancelled",
            text=f"{invoice.issuer_name} cancelled invoice {invoice.number}: {reason}",
            url=_url(invoice),
            subject=f"Invoice {invoice.number} cancelled",
        )
    return invoice


@transaction.atomic
def remittance_record(
    *, actor: User, invoice: Invoice, paid_on: dt.date | None = None, reference: str = ""
) -> RemittanceAdvice:
    """The broker paid the leader's school its share of an invoice the broker collected (the
    alliance collects, or another commissioner's route) and keeps its fee: record it and produce
    the remittance advice for the leader's school (docs/rules.md, "Charging models"). Only the
    broker's coordinators; only once the invoice is paid; once per invoice."""
    invoice = _locked(invoice)
    if not access.may_record_remittance(actor, invoice):
        raise NotAllowed("Only the broker's coordinators record what the broker paid out.")
    if invoice.issuer_kind != IssuerKind.BROKER:
        raise RuleViolation(
            "The leader's school issued this invoice and is paid by the payer directly: there is "
            "nothing for the broker to remit.",
            rule="remittance_broker_collected_only",
        )
    if invoice.status != InvoiceStatus.PAID:
        raise RuleViolation(
            "Mark the invoice paid first: the broker pays the leader's school its share once it "
            "has collected the money.",
            rule="remittance_after_payment",
        )
    if RemittanceAdvice.objects.filter(invoice=invoice).exists():
        raise RuleViolation(
            "The payment to the leader's school for this invoice is already recorded.",
            rule="one_remittance_per_invoice",
        )
    paid_on = paid_on or timezone.localdate()
    if invoice.paid_on and paid_on < invoice.paid_on:
        raise field_error(
            "paid_on", "The payment date cannot be before the invoice was paid to the broker."
        )
    if paid_on > timezone.localdate():
        raise field_error("paid_on", "The payment date cannot be in the future.")
    reference = reference.strip()
    if len(reference) > 100:
        raise field_error("reference", "Use at most 100 characters.")
    deployment = invoice.deployment
    remittance = RemittanceAdvice.objects.create(
        invoice=invoice,
        deployment=deployment,
        home_school=deployment.home_school,
        broker=deployment.organisation,
        days=invoice.days,
        collected=invoice.total,
        amount=invoice.home_school_share,
        broker_retained=invoice.broker_share,
        paid_on=paid_on,
        reference=reference,
        recorded_by=actor,
    )
    event_record(
        actor=actor,
        subject=deployment,
        verb="remittance.recorded",
        summary=f"{deployment.organisation.name} paid {deployment.home_school.name} "
        f"{pounds(remittance.amount)} for invoice {invoice.number} on {paid_on:%-d %B %Y} and "
        f"kept {pounds(remittance.broker_retained)}",
        data={
            "invoice": invoice.pk,
            "remittance": remittance.pk,
            "amount": str(remittance.amount),
            "broker_retained": str(remittance.broker_retained),
        },
    )
    notify(
        users=recipients.headteachers_of(deployment.home_school_id),
        verb="remittance.recorded",
        text=f"{deployment.organisation.name} paid {deployment.home_school.name} "
        f"{pounds(remittance.amount)} on {paid_on:%-d %B %Y} for {invoice.days} days of support "
        f"by {deployment.leader.name} at {deployment.client_school.name}.",
        url=reverse("invoicing:remittance", args=[remittance.pk]),
        subject=f"Remittance advice: {pounds(remittance.amount)} for invoice {invoice.number}",
    )
    return remittance
