"""The invoicing services: drafting collects the agreed visits not yet invoiced, a visit is never
on two live invoices, cancelling frees visits, who may act, and the ledger's invoiced column."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from syslead.accounts.models import User
from syslead.capacity.ledger import leader_capacity
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment
from syslead.invoicing import services
from syslead.invoicing.models import Invoice, InvoiceLine, InvoiceStatus, LineKind, PayerKind
from syslead.invoicing.tests.conftest import route_deployment
from syslead.leaders.models import LeaderProfile
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.visits.models import Visit

pytestmark = pytest.mark.django_db


def test_draft_prices_each_agreed_visit_at_the_agreed_rate(
    coordinator: User, deployment: Deployment, visits: list[Visit]
) -> None:
    invoice = services.invoice_draft(actor=coordinator, deployment=deployment)
    lines = list(invoice.lines.order_by("visit__date"))
    assert [line.visit for line in lines] == visits[:3]
    assert [line.amount for line in lines] == [350, 150, 150]  # the twilight at the half-day rate
    assert (invoice.days, invoice.total) == (Decimal("2.0"), Decimal("650.00"))
    assert (invoice.home_school_share, invoice.broker_share) == (550, 100)
    assert invoice.status == InvoiceStatus.DRAFT
    assert invoice.number == ""
    assert invoice.issuer_school == deployment.home_school
    assert invoice.payer_kind == PayerKind.SUPPORTED_SCHOOL


def test_nothing_to_invoice_is_refused(coordinator: User, deployment: Deployment) -> None:
    with pytest.raises(RuleViolation) as refused:
        services.invoice_draft(actor=coordinator, deployment=deployment)
    assert refused.value.rule == "nothing_to_invoice"


def test_a_second_draft_finds_no_visit_left(
    coordinator: User, deployment: Deployment, visits: list[Visit]
) -> None:
    services.invoice_draft(actor=coordinator, deployment=deployment)
    with pytest.raises(RuleViolation) as refused:
        services.invoice_draft(actor=coordinator, deployment=deployment)
    assert refused.value.rule == "nothing_to_invoice"


def test_the_database_refuses_a_visit_on_two_live_invoices(
    coordinator: User, deployment: Deployment, visits: list[Visit]
) -> None:
    first = services.invoice_draft(actor=coordinator, deployment=deployment)
    second = Invoice.objects.create(
        deployment=deployment,
        funding_route="school",
        issuer_kind="home_school",
        issuer_school=deployment.home_school,
        payer_kind="supported_school",
        payer_name="x",
    )
    line = first.lines.first()
    assert line is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.create(
            invoice=second, kind=LineKind.SESSION, visit=line.visit, description="again"
        )
    # Once the first is cancelled its line is no longer live and the visit may go on another.
    services.invoice_cancel(actor=coordinator, invoice=first)
    InvoiceLine.objects.create(
        invoice=second, kind=LineKind.SESSION, visit=line.visit, description="again"
    )


def test_the_database_refuses_a_negative_amount(
    coordinator: User, deployment: Deployment, visits: list[Visit]
) -> None:
    invoice = services.invoice_draft(actor=coordinator, deployment=deployment)
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.create(
            invoice=invoice, kind=LineKind.EXPENSES, description="refund", amount=Decimal("-1")
        )


def test_cancel_frees_the_visits_for_a_new_invoice(
    coordinator: User, deployment: Deployment, visits: list[Visit]
) -> None:
    first = services.invoice_draft(actor=coordinator, deployment=deployment)
    services.invoice_cancel(actor=coordinator, invoice=first)
    first.refresh_from_db()
    assert first.status == InvoiceStatus.CANCELLED
    assert services.uninvoiced_visits(deployment).count() == 3
    second = services.invoice_draft(actor=coordinator, deployment=deployment)
    assert second.lines.count() == 3


def test_issued_invoice_needs_a_reason_to_cancel_and_a_paid_one_cannot_be(
    coordinator: User, deployment: Deployment, visits: list[Visit]
) -> None:
    invoice = services.invoice_draft(actor=coordinator, deployment=deployment)
    services.invoice_issue(actor=coordinator, invoice=invoice, today=dt.date(2025, 11, 3))
    with pytest.raises(ValidationError):
        services.invoice_cancel(actor=coordinator, invoice=invoice)
    services.invoice_mark_paid(actor=coordinator, invoice=invoice, paid_on=dt.date(2025, 11, 20))
    with pytest.raises(RuleViolation) as refused:
        services.invoice_cancel(actor=coordinator, invoice=invoice, reason="Oops")
    assert refused.value.rule == "invoice_not_cancellable"


def test_issue_numbers_per_issuer_sets_dates_and_tells_the_payer(
    coordinator: User, client_head: User, deployment: Deployment, visits: list[Visit]
) -> None:
    invoice = services.invoice_draft(actor=coordinator, deployment=deployment)
    issued = services.invoice_issue(actor=coordinator, invoice=invoice, today=dt.date(2025, 11, 3))
    assert issued.number == f"{deployment.home_school_id}-0001"
    assert (issued.issued_on, issued.due_on) == (dt.date(2025, 11, 3), dt.date(2025, 12, 3))
    note = Notification.objects.get(user=client_head, verb="invoice.issued")
    assert "£650.00" in note.text
    assert f"/invoices/{invoice.pk}/" == note.url
    with pytest.raises(RuleViolation) as refused:
        services.invoice_issue(actor=coordinator, invoice=invoice)
    assert refused.value.rule == "invoice_not_draft"


def test_mark_paid_only_an_issued_invoice(
    coordinator: User, deployment: Deployment, visits: list[Visit]
) -> None:
    invoice = services.invoice_draft(actor=coordinator, deployment=deployment)
    with pytest.raises(RuleViolation) as refused:
        services.invoice_mark_paid(actor=coordinator, invoice=invoice)
    assert refused.value.rule == "invoice_not_issued"


def test_expenses_on_the_school_route_only(
    coordinator: User,
    deployment: Deployment,
    visits: list[Visit],
    leader: LeaderProfile,
    alliance: Organisation,
    client_school: School,
) -> None:
    invoice = services.invoice_draft(actor=coordinator, deployment=deployment)
    services.invoice_add_expenses(
        actor=coordinator, invoice=invoice, description="Train fares", amount=Decimal("23.60")
    )
    invoice.refresh_from_db()
    assert (invoice.expenses_total, invoice.total) == (Decimal("23.60"), Decimal("673.60"))
    with pytest.raises(ValidationError):
        services.invoice_add_expenses(
            actor=coordinator, invoice=invoice, description="Taxi", amount=Decimal("-5")
        )
    la = route_deployment(leader, alliance, client_school, "local_authority")
    from syslead.visits.tests.factories import make_visit

    make_visit(la, status="agreed")
    la_invoice = services.invoice_draft(actor=coordinator, deployment=la)
    with pytest.raises(RuleViolation) as refused:
        services.invoice_add_expenses(
            actor=coordinator, invoice=la_invoice, description="Taxi", amount=Decimal("5")
        )
    assert refused.value.rule == "expenses_school_route_only"


def test_broker_route_home_school_invoices_the_broker_its_share(
    coordinator: User, leader: LeaderProfile, alliance: Organisation, client_school: School
) -> None:
    from syslead.visits.tests.factories import make_visit

    deployment = route_deployment(leader, alliance, client_school, "broker")
    make_visit(deployment, status="agreed")
    invoice = services.invoice_draft(actor=coordinator, deployment=deployment)
    assert invoice.payer_organisation == alliance
    assert invoice.total == Decimal("300.00")
    other = route_deployment(leader, alliance, client_school, "other")
    make_visit(other, status="agreed")
    by_broker = services.invoice_draft(actor=coordinator, deployment=other)
    assert by_broker.issuer_organisation == alliance
    assert by_broker.payer_name == "Diocese of Kyra"


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "client_head", "leader_user"])
def test_only_the_issuer_or_the_broker_may_act(
    request: pytest.FixtureRequest,
    who: str,
    coordinator: User,
    deployment: Deployment,
    visits: list[Visit],
) -> None:
    person = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        services.invoice_draft(actor=person, deployment=deployment)
    invoice = services.invoice_draft(actor=coordinator, deployment=deployment)
    for act in (services.invoice_issue, services.invoice_cancel):
        with pytest.raises(NotAllowed):
            act(actor=person, invoice=invoice)


def test_the_home_school_head_acts_on_the_home_schools_invoices_only(
    home_head: User,
    coordinator: User,
    deployment: Deployment,
    visits: list[Visit],
    leader: LeaderProfile,
    alliance: Organisation,
    client_school: School,
) -> None:
    invoice = services.invoice_draft(actor=home_head, deployment=deployment)
    services.invoice_issue(actor=home_head, invoice=invoice)
    other = route_deployment(leader, alliance, client_school, "other")
    from syslead.visits.tests.factories import make_visit

    make_visit(other, status="agreed")
    with pytest.raises(NotAllowed):
        services.invoice_draft(actor=home_head, deployment=other)


def test_the_ledger_counts_days_on_issued_and_paid_invoices_only(
    coordinator: User, deployment: Deployment, visits: list[Visit], leader: LeaderProfile
) -> None:
    invoice = services.invoice_draft(actor=coordinator, deployment=deployment)
    assert leader_capacity(leader, "2025-26").invoiced == 0  # a draft is not invoiced
    services.invoice_issue(actor=coordinator, invoice=invoice)
    capacity = leader_capacity(leader, "2025-26")
    assert (capacity.delivered, capacity.invoiced) == (2, 2)
    assert leader_capacity(leader, "2024-25").invoiced == 0
    services.invoice_mark_paid(actor=coordinator, invoice=invoice)
    assert leader_capacity(leader, "2025-26").invoiced == 2
    paid_later = services.invoice_draft  # nothing left to draft
    with pytest.raises(RuleViolation):
        paid_later(actor=coordinator, deployment=deployment)


def test_the_ledger_drops_a_cancelled_invoice(
    coordinator: User, deployment: Deployment, visits: list[Visit], leader: LeaderProfile
) -> None:
    invoice = services.invoice_draft(actor=coordinator, deployment=deployment)
    services.invoice_issue(actor=coordinator, invoice=invoice)
    services.invoice_cancel(actor=coordinator, invoice=invoice, reason="Wrong rate")
    assert leader_capacity(leader, "2025-26").invoiced == 0


def test_the_ledger_reads_invoiced_days_in_one_query(
    coordinator: User,
    deployment: Deployment,
    visits: list[Visit],
    leader: LeaderProfile,
    django_assert_num_queries: object,
) -> None:
    from syslead.capacity.ledger import invoiced_days_by_leader

    services.invoice_issue(
        actor=coordinator,
        invoice=services.invoice_draft(actor=coordinator, deployment=deployment),
    )
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert invoiced_days_by_leader(LeaderProfile.objects.all(), "2025-26") == {
            leader.pk: Decimal("2.0")
        }
