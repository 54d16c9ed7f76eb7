"""The alliance collects (docs/rules.md, "Charging models"): the broker invoices the supported
school the full price, then pays the leader's school its share with a remittance advice and keeps
its fee. Who may record and read the advice (docs/access.md, "Remittance advice"), its page and its
PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.dates import date_input_data
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment
from syslead.invoicing import services
from syslead.invoicing.models import (
    Invoice,
    InvoiceStatus,
    IssuerKind,
    PayerKind,
    RemittanceAdvice,
)
from syslead.invoicing.pricing import Totals, money_flows, net_positions
from syslead.invoicing.tests.conftest import route_deployment
from syslead.leaders.models import LeaderProfile
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.visits.models import VisitStatus
from syslead.visits.tests.factories import make_visit

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


def _collected(
    leader: LeaderProfile, alliance: Organisation, client_school: School, route: str = "school"
) -> Deployment:
    deployment = route_deployment(leader, alliance, client_school, route)
    deployment.collected_by = "broker"
    deployment.save(update_fields=["collected_by"])
    make_visit(deployment, date=dt.date(2025, 10, 6), status=VisitStatus.AGREED)
    return deployment


@pytest.fixture
def collected(leader: LeaderProfile, alliance: Organisation, client_school: School) -> Deployment:
    """The alliance collects on the school route: one agreed full day at £350 (£50 to it)."""
    return _collected(leader, alliance, client_school)


def _paid(coordinator: User, deployment: Deployment) -> Invoice:
    invoice = services.invoice_draft(actor=coordinator, deployment=deployment)
    invoice = services.invoice_issue(actor=coordinator, invoice=invoice)
    return services.invoice_mark_paid(
        actor=coordinator, invoice=invoice, paid_on=timezone.localdate()
    )


@pytest.mark.parametrize("route", ["school", "local_authority"])
def test_when_the_alliance_collects_the_broker_invoices_the_supported_school_the_full_price(
    coordinator: User,
    leader: LeaderProfile,
    alliance: Organisation,
    client_school: School,
    route: str,
) -> None:
    deployment = _collected(leader, alliance, client_school, route)
    invoice = services.invoice_draft(actor=coordinator, deployment=deployment)
    assert invoice.collected_by == "broker"
    assert (invoice.issuer_kind, invoice.issuer_organisation) == (IssuerKind.BROKER, alliance)
    assert (invoice.payer_kind, invoice.payer_school) == (PayerKind.SUPPORTED_SCHOOL, client_school)
    assert (invoice.total, invoice.home_school_share, invoice.broker_share) == (350, 300, 50)


def test_the_home_schools_head_cannot_draft_what_the_broker_collects(
    home_head: User, collected: Deployment
) -> None:
    with pytest.raises(NotAllowed):
        services.invoice_draft(actor=home_head, deployment=collected)


def test_the_broker_records_the_payment_and_a_remittance_advice_accounts_for_every_pound(
    coordinator: User, home_head: User, collected: Deployment
) -> None:
    """docs/rules.md, Charging models: £350 collected = £300 to the leader's school + £50 kept."""
    invoice = _paid(coordinator, collected)
    remittance = services.remittance_record(
        actor=coordinator, invoice=invoice, paid_on=timezone.localdate(), reference="BACS 123"
    )
    assert (remittance.collected, remittance.amount, remittance.broker_retained) == (
        Decimal("350.00"),
        Decimal("300.00"),
        Decimal("50.00"),
    )
    assert remittance.collected == remittance.amount + remittance.broker_retained
    assert remittance.home_school == collected.home_school
    assert remittance.days == 1
    totals = Totals(
        invoice.days,
        invoice.sessions_total,
        invoice.expenses_total,
        invoice.total,
        invoice.broker_share,
        invoice.home_school_share,
    )
    flows = money_flows(totals, "school", "broker")
    assert net_positions(flows)["home_school"] == remittance.amount
    note = Notification.objects.get(user=home_head, verb="remittance.recorded")
    assert note.url == f"/remittances/{remittance.pk}/"
    assert "£300.00" in note.text


def test_a_remittance_only_after_the_invoice_is_paid(
    coordinator: User, collected: Deployment
) -> None:
    invoice = services.invoice_draft(actor=coordinator, deployment=collected)
    invoice = services.invoice_issue(actor=coordinator, invoice=invoice)
    with pytest.raises(RuleViolation) as refused:
        services.remittance_record(actor=coordinator, invoice=invoice)
    assert refused.value.rule == "remittance_after_payment"


def test_one_remittance_per_invoice(coordinator: User, collected: Deployment) -> None:
    invoice = _paid(coordinator, collected)
    services.remittance_record(actor=coordinator, invoice=invoice)
    with pytest.raises(RuleViolation) as refused:
        services.remittance_record(actor=coordinator, invoice=invoice)
    assert refused.value.rule == "one_remittance_per_invoice"
    assert RemittanceAdvice.objects.count() == 1


def test_no_remittance_when_the_home_school_invoiced(
    coordinator: User, deployment: Deployment
) -> None:
    make_visit(deployment, date=dt.date(2025, 10, 6), status=VisitStatus.AGREED)
    invoice = _paid(coordinator, deployment)
    with pytest.raises(RuleViolation) as refused:
        services.remittance_record(actor=coordinator, invoice=invoice)
    assert refused.value.rule == "remittance_broker_collected_only"


def test_only_the_brokers_coordinators_record_a_remittance(
    coordinator: User, broker_lead: User, home_head: User, collected: Deployment
) -> None:
    invoice = _paid(coordinator, collected)
    for person in (broker_lead, home_head):
        with pytest.raises(NotAllowed):
            services.remittance_record(actor=person, invoice=invoice)


def test_the_payment_date_is_not_before_the_invoice_was_paid_nor_in_the_future(
    coordinator: User, collected: Deployment
) -> None:
    from django.core.exceptions import ValidationError

    invoice = _paid(coordinator, collected)
    for when in (invoice.paid_on - dt.timedelta(days=1), timezone.localdate() + dt.timedelta(1)):
        with pytest.raises(ValidationError):
            services.remittance_record(actor=coordinator, invoice=invoice, paid_on=when)


def test_the_remittance_is_read_by_the_broker_and_the_home_head_only(
    login: Login,
    coordinator: User,
    broker_lead: User,
    home_head: User,
    client_head: User,
    leader_user: User,
    other_coordinator: User,
    collected: Deployment,
) -> None:
    invoice = _paid(coordinator, collected)
    remittance = services.remittance_record(actor=coordinator, invoice=invoice)
    for person in (coordinator, broker_lead, home_head):
        page = login(person).get(f"/remittances/{remittance.pk}/")
        assert page.status_code == 200
        assert "£300.00" in page.content.decode()
    for person in (client_head, leader_user, other_coordinator):
        assert login(person).get(f"/remittances/{remittance.pk}/").status_code == 404
        assert login(person).get(f"/remittances/{remittance.pk}/remittance.pdf").status_code == 404
    # The home head sees it listed with the agreement's invoices.
    listing = login(home_head).get(f"/deployments/{collected.pk}/invoices/")
    assert f"/remittances/{remittance.pk}/" in listing.content.decode()


def test_the_remit_page_records_the_payment(
    login: Login, coordinator: User, home_head: User, collected: Deployment
) -> None:
    invoice = _paid(coordinator, collected)
    client = login(coordinator)
    detail = client.get(f"/invoices/{invoice.pk}/")
    assert f"/invoices/{invoice.pk}/remit/" in detail.content.decode()
    future = client.post(f"/invoices/{invoice.pk}/remit/", date_input_data("paid_on", "2999-01-01"))
    assert b"cannot be in the future" in future.content
    done = client.post(
        f"/invoices/{invoice.pk}/remit/",
        {**date_input_data("paid_on", timezone.localdate()), "reference": "BACS 9"},
    )
    remittance = RemittanceAdvice.objects.get(invoice=invoice)
    assert done.url == f"/remittances/{remittance.pk}/"  # type: ignore[attr-defined]
    assert remittance.reference == "BACS 9"
    assert login(home_head).get(f"/invoices/{invoice.pk}/remit/").status_code == 404


def test_the_remittance_pdf_shows_the_agreement_days_amount_and_date_paid(
    coordinator: User, collected: Deployment
) -> None:
    from syslead.invoicing.pdf import remittance_html, remittance_pdf

    invoice = _paid(coordinator, collected)
    remittance = services.remittance_record(actor=coordinator, invoice=invoice)
    html = remittance_html(remittance)
    assert "REMITTANCE ADVICE" in html
    assert f"agreement {collected.pk}" in html
    assert "£300.00" in html
    assert "£50.00" in html
    assert f"{remittance.paid_on:%-d %B %Y}" in html
    assert remittance_pdf(remittance).startswith(b"%PDF")


def test_the_database_refuses_a_remittance_that_loses_a_pound(
    coordinator: User, collected: Deployment
) -> None:
    from django.db import IntegrityError, transaction

    invoice = _paid(coordinator, collected)
    with pytest.raises(IntegrityError), transaction.atomic():
        RemittanceAdvice.objects.create(
            invoice=invoice,
            deployment=collected,
            home_school=collected.home_school,
            broker=collected.organisation,
            collected=Decimal("350.00"),
            amount=Decimal("300.00"),
            broker_retained=Decimal("40.00"),
            paid_on=timezone.localdate(),
        )
    assert invoice.status == InvoiceStatus.PAID


def test_remittance_events_are_read_by_the_broker_and_the_home_head_only(
    coordinator: User,
    broker_lead: User,
    home_head: User,
    client_head: User,
    leader_user: User,
    collected: Deployment,
) -> None:
    from syslead.deployments.selectors import deployment_timeline

    invoice = _paid(coordinator, collected)
    services.remittance_record(actor=coordinator, invoice=invoice)

    def reads(person: User) -> bool:
        return any(e.verb == "remittance.recorded" for e in deployment_timeline(collected, person))

    assert all(reads(person) for person in (coordinator, broker_lead, home_head))
    assert not any(reads(person) for person in (client_head, leader_user))
