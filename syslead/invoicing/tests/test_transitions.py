"""The invoice's transition table (docs/transitions.md: The invoice): every row is reachable
through a service and records its event; a step from a state the row does not list is refused with
its rule; the invoice's page offers exactly the steps the table allows."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.core.exceptions import RuleViolation
from syslead.core.models import Event
from syslead.deployments.models import Deployment
from syslead.invoicing import services
from syslead.invoicing.models import Invoice, InvoiceStatus
from syslead.invoicing.transitions import INVOICE
from syslead.visits.models import Visit

S = InvoiceStatus

#: Each row: a state it starts from, and the service call taking it.
REACH: dict[str, tuple[str, Callable[[User, Invoice], Any]]] = {
    "add_expenses": (
        S.DRAFT,
        lambda u, i: services.invoice_add_expenses(
            actor=u, invoice=i, description="Travel", amount=Decimal("12.50")
        ),
    ),
    "issue": (S.DRAFT, lambda u, i: services.invoice_issue(actor=u, invoice=i)),
    "mark_paid": (S.ISSUED, lambda u, i: services.invoice_mark_paid(actor=u, invoice=i)),
    "cancel": (
        S.ISSUED,
        lambda u, i: services.invoice_cancel(actor=u, invoice=i, reason="Wrong payer"),
    ),
}


def _invoice(actor: User, deployment: Deployment, status: str) -> Invoice:
    invoice = services.invoice_draft(actor=actor, deployment=deployment)
    if status != S.DRAFT:
        Invoice.objects.filter(pk=invoice.pk).update(
            status=status, number="X-1", issued_on=invoice.created_at.date()
        )
        invoice.refresh_from_db()
    return invoice


def test_every_row_of_the_invoice_table_has_a_service_that_takes_it() -> None:
    assert set(REACH) == {row.name for row in INVOICE}


@pytest.mark.parametrize("name", sorted(REACH))
def test_each_invoice_transition_is_reached_through_its_service_and_records_its_event(
    name: str, coordinator: User, deployment: Deployment, visits: list[Visit]
) -> None:
    start, call = REACH[name]
    call(coordinator, _invoice(coordinator, deployment, start))
    row = INVOICE[name]
    assert Invoice.objects.get().status == (row.target or start)
    assert Event.objects.filter(verb=row.records).count() == 1


@pytest.mark.parametrize("name", sorted(REACH))
def test_each_invoice_transition_from_a_state_it_does_not_list_is_refused_with_its_rule(
    name: str, coordinator: User, deployment: Deployment, visits: list[Visit]
) -> None:
    row = INVOICE[name]
    for wrong in sorted(set(S.values) - row.sources):
        Invoice.objects.all().delete()
        invoice = _invoice(coordinator, deployment, wrong)
        with pytest.raises(RuleViolation) as refused:
            REACH[name][1](coordinator, invoice)
        assert refused.value.rule == row.rule
        assert str(refused.value)
        assert Invoice.objects.get().status == wrong
    assert not Event.objects.filter(verb=row.records).exists()


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (S.DRAFT, {"Issue the invoice", "Cancel the invoice"}),
        (S.ISSUED, {"Mark as paid", "Cancel the invoice"}),
        (S.PAID, set()),
        (S.CANCELLED, set()),
    ],
)
def test_the_invoice_page_offers_the_steps_the_table_allows(
    status: str,
    offered: set[str],
    coordinator: User,
    deployment: Deployment,
    visits: list[Visit],
    client: Client,
) -> None:
    invoice = _invoice(coordinator, deployment, status)
    client.force_login(coordinator)
    page = client.get(reverse("invoicing:detail", args=[invoice.pk])).content.decode()
    buttons = {"Issue the invoice", "Mark as paid", "Cancel the invoice"}
    assert {b for b in buttons if f">{b}</a>" in page} == offered


def test_docs_transitions_shows_the_invoice_table_as_the_code_has_it() -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "transitions.md").read_text()
    assert INVOICE.as_markdown() in text
