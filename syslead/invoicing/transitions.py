"""The invoice's transition table (docs/transitions.md: The invoice).

An invoice is drafted from the agreed notes of visit not yet on a live invoice; expenses are
added to a draft (on the school route); issuing numbers and dates it; an issued invoice is marked
paid; a draft or issued invoice may be cancelled (an issued one with a reason), which frees its
visits. A paid invoice stays: a credit note is outside Syslead. Who may act is
``invoicing.access.may_act``: the issuer or the broker's coordinators.
"""

from __future__ import annotations

from syslead.accounts.models import User
from syslead.core.transitions import TransitionTable, step
from syslead.invoicing import access
from syslead.invoicing.models import Invoice, InvoiceStatus

S = InvoiceStatus
#: The status a new invoice starts in.
INITIAL = S.DRAFT
ISSUER = "The invoice's issuer (the leader's school's headteacher when it issues) or the broker's "
ISSUER += "coordinators"


def issuer(user: User, invoice: Invoice) -> bool:
    return access.may_act(user, invoice)


INVOICE: TransitionTable[Invoice] = TransitionTable(
    record="invoice",
    field="status",
    choices=InvoiceStatus,
    rule="invoice_state",
    transitions=[
        step(
            "add_expenses",
            [S.DRAFT],
            None,
            may=issuer,
            who=ISSUER + ", on the school route",
            records="invoice.expenses_added",
            action="add expenses to it",
            rule="invoice_not_draft",
        ),
        step(
            "issue",
            [S.DRAFT],
            S.ISSUED,
            may=issuer,
            who=ISSUER,
            records="invoice.issued",
            action="issue it",
            rule="invoice_not_draft",
        ),
        step(
            "mark_paid",
            [S.ISSUED],
            S.PAID,
            may=issuer,
            who=ISSUER,
            records="invoice.paid",
            action="mark it paid",
            rule="invoice_not_issued",
        ),
        step(
            "cancel",
            [S.DRAFT, S.ISSUED],
            S.CANCELLED,
            may=issuer,
            who=ISSUER + " (with a reason once issued)",
            records="invoice.cancelled",
            action="cancel it",
            rule="invoice_not_cancellable",
        ),
    ],
)

__all__ = ["INITIAL", "INVOICE", "issuer"]
