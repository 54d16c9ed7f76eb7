"""Invoices for delivered days (docs/rules.md: Charging; features 5 and 6: "Notes of visit agreed by
the school that count as delivered days and become invoice lines"; "The £350 → £300 + £50 split,
by funding route, computed and invoiced without a spreadsheet").

An invoice belongs to one deployment agreement. Its lines are the agreed notes of visit (one line
each, priced at the agreement's rate) and, on the school route, expenses. Who issues it and who
pays it follow the agreement's funding route (``pricing.invoice_parties``). Totals are computed by
the services in ``Decimal`` and stored. A visit is on at most one live (not cancelled) invoice:
``InvoiceLine.live`` mirrors its invoice's status so a partial unique index can say so.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.core.money import money_field


class IssuerKind(models.TextChoices):
    HOME_SCHOOL = "home_school", "The leader's school"
    BROKER = "broker", "The broker"


class PayerKind(models.TextChoices):
    SUPPORTED_SCHOOL = "supported_school", "The supported school"
    BROKER = "broker", "The broker"
    COMMISSIONER = "commissioner", "The commissioner"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Cancelled"


#: Invoices whose days count as invoiced in the capacity ledger.
INVOICED_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.PAID)
#: Invoices that hold their visits (a cancelled one frees them).
LIVE_STATUSES = (InvoiceStatus.DRAFT, InvoiceStatus.ISSUED, InvoiceStatus.PAID)


class Invoice(models.Model):
    deployment = models.ForeignKey(
        "deployments.Deployment", on_delete=models.PROTECT, related_name="invoices"
    )
    funding_route = models.CharField(max_length=20)
    collected_by = models.CharField(
        max_length=20,
        default="home_school",
        help_text="Who collects on the agreement's charging model (docs/rules.md).",
    )
    issuer_kind = models.CharField(max_length=20, choices=IssuerKind.choices)
    issuer_school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issuer_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payer_kind = models.CharField(max_length=20, choices=PayerKind.choices)
    payer_school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payer_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payer_name = models.CharField(max_length=200, help_text="Who pays, as printed.")
    number = models.CharField(max_length=40, blank=True, help_text="Given when issued.")
    sequence = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT, db_index=True
    )
    days = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal("0"))
    sessions_total = money_field()
    expenses_total = money_field()
    total = money_field()
    broker_share = money_field()
    home_school_share = money_field()
    issued_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_school", "number"],
                condition=Q(issuer_school__isnull=False) & ~Q(number=""),
                name="invoice_number_unique_per_school",
            ),
            models.UniqueConstraint(
                fields=["issuer_organisation", "number"],
                condition=Q(issuer_organisation__isnull=False) & ~Q(number=""),
                name="invoice_number_unique_per_organisation",
            ),
            models.CheckConstraint(
                condition=(Q(issuer_school__isnull=False) & Q(issuer_organisation__isnull=True))
                | (Q(issuer_school__isnull=True) & Q(issuer_organisation__isnull=False)),
                name="invoice_has_one_issuer",
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0)
                & Q(sessions_total__gte=0)
                & Q(expenses_total__gte=0)
                & Q(broker_share__gte=0)
                & Q(home_school_share__gte=0),
                name="invoice_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED])
                | ~Q(number=""),
                name="invoice_numbered_once_issued",
            ),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.number}" if self.number else f"Draft invoice {self.pk}"

    @property
    def issuer_name(self) -> str:
        if self.issuer_school is not None:
            return self.issuer_school.name
        return self.issuer_organisation.name if self.issuer_organisation else ""

    @property
    def title(self) -> str:
        return f"Invoice {self.number}" if self.number else "Draft invoice"


class LineKind(models.TextChoices):
    SESSION = "session", "Session delivered"
    EXPENSES = "expenses", "Expenses"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=10, choices=LineKind.choices)
    visit = models.ForeignKey(
        "visits.Visit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoice_lines",
    )
    live = models.BooleanField(
        default=True, help_text="False once the invoice is cancelled: its visit is free again."
    )
    description = models.CharField(max_length=300)
    session = models.CharField(max_length=20, blank=True)
    days = models.DecimalField(max_digits=4, decimal_places=1, default=Decimal("0"))
    rate = money_field()
    broker_fee = money_field()
    amount = money_field()

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit"],
                condition=Q(live=True) & Q(visit__isnull=False),
                name="visit_on_one_live_invoice",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(rate__gte=0) & Q(broker_fee__gte=0),
                name="invoice_line_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(kind="session") & Q(visit__isnull=False))
                | (Q(kind="expenses") & Q(visit__isnull=True)),
                name="invoice_line_visit_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class RemittanceAdvice(models.Model):
    """The broker paid the leader's school its share of an invoice the broker collected, and kept
    its own (docs/rules.md, "Charging models"). One per invoice; the amounts are copied from the
    invoice when the payment is recorded."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="remittance")
    deployment = models.ForeignKey(
        "deployments.Deployment", on_delete=models.PROTECT, related_name="remittances"
    )
    home_school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    broker = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    days = models.DecimalField(max_digits=6, decimal_places=1, default=Decimal("0"))
    collected = money_field()
    amount = money_field()
    broker_retained = money_field()
    paid_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True, help_text="The payment's reference.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(broker_retained__gte=0) & Q(collected__gte=0),
                name="remittance_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(collected=models.F("amount") + models.F("broker_retained")),
                name="remittance_accounts_for_every_pound",
            ),
        ]

    def __str__(self) -> str:
        return f"Remittance advice for {self.invoice}"

    @property
    def title(self) -> str:
        return f"Remittance advice for invoice {self.invoice.number}"
