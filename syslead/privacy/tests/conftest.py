"""Fixtures for data protection tests: Lee's agreement supporting Ermine Primary, finished on
27 March 2026, with agreed notes of visit, an issued invoice, feedback, an evaluation and a
concern; and what the KPI page and the invoices read, to compare before and after."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from syslead.accounts.models import User
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.evaluation.models import EvaluationItem
from syslead.evaluation.services import evaluation_submit
from syslead.invoicing import services as invoicing
from syslead.invoicing.models import Invoice
from syslead.leaders.models import Designation, DesignationType, LeaderProfile
from syslead.organisations.models import Organisation
from syslead.reports.selectors import evaluation_outcomes, kpis
from syslead.schools.models import School
from syslead.visits.models import Session, Visit, VisitStatus
from syslead.visits.services import concern_raise
from syslead.visits.tests.conftest import leader, named_person  # noqa: F401
from syslead.visits.tests.factories import make_deployment, make_visit

ENDED_ON = dt.date(2026, 3, 27)
RATES = {
    "full_day_rate": Decimal("350.00"),
    "half_day_rate": Decimal("150.00"),
    "full_day_broker_fee": Decimal("50.00"),
    "half_day_broker_fee": Decimal("25.00"),
}


@pytest.fixture
def finished(
    leader: LeaderProfile,  # noqa: F811
    alliance: Organisation,
    client_school: School,
    coordinator: User,
    client_head: User,
) -> Deployment:
    """A completed agreement with two agreed notes of visit (one naming the leader in its text),
    an issued invoice, an evaluation; Lee is an SLE designated by the alliance."""
    Designation.objects.create(
        leader=leader,
        type=DesignationType.objects.get(code="SLE", organisation=None),
        organisation=alliance,
        designated_on=dt.date(2025, 9, 1),
    )
    deployment = make_deployment(
        leader=leader, organisation=alliance, client_school=client_school, **RATES
    )
    Deployment.objects.filter(pk=deployment.pk).update(
        leader_contact="lee@mountstreet.test",
        client_headteacher_name="Cara Client-Head",
        client_headteacher_email="cara@ermine.test",
        staff_involved="Mr Smith, the maths leader",
    )
    make_visit(deployment, date=dt.date(2025, 10, 6), status=VisitStatus.AGREED)
    visit = make_visit(
        deployment,
        date=dt.date(2025, 10, 13),
        session=Session.HALF_DAY,
        status=VisitStatus.SIGNED_OFF,
    )
    Visit.objects.filter(pk=visit.pk).update(progress="Lee Leader coached Mr Smith.")
    invoice = invoicing.invoice_draft(actor=coordinator, deployment=deployment)
    invoicing.invoice_issue(actor=coordinator, invoice=invoice, today=dt.date(2025, 10, 20))
    evaluation_submit(
        actor=client_head,
        deployment=deployment,
        ratings=dict.fromkeys(EvaluationItem.values, "green"),
        comments={"overall_success": "Lee Leader transformed our maths leadership."},
    )
    Deployment.objects.filter(pk=deployment.pk).update(
        status=DeploymentStatus.COMPLETED, ended_on=ENDED_ON
    )
    deployment.refresh_from_db()
    return deployment


@pytest.fixture
def concern(finished: Deployment, leader_user: User, named_person: User) -> Any:  # noqa: F811
    from syslead.visits.services import concern_contact_set

    concern_contact_set(
        actor=User.objects.get(email="alice@kyra.test"),
        organisation=finished.organisation,
        safeguarding_lead=named_person,
    )
    return concern_raise(
        actor=leader_user,
        deployment=finished,
        kind="safeguarding",
        summary="A pupil's disclosure",
        details="Details of the disclosure.",
    )


@dataclass(frozen=True)
class Figures:
    """What counts, KPIs and invoices are made of, for one organisation and year."""

    kpis: Any
    outcomes: Any
    invoices: list[tuple[Any, ...]]
    visits: list[tuple[Any, ...]]


def kpi_figures(organisation: Organisation, year: str) -> tuple[Any, ...]:
    """The KPI page's figures (every number and date; the leaders' names are not figures)."""
    k = kpis(organisation, year)
    return (
        k.sles_designated,
        k.sles_designation_target,
        k.sles_deployed_within_3_months,
        k.sles_deployed_within_3_months_percent,
        k.target_met,
        tuple(
            (s.leader_id, s.designated_on, s.deploy_by, s.first_agreement_starts_on) for s in k.sles
        ),
        k.by_funding_route,
    )


def figures(organisation: Organisation, year: str = "2025-26") -> Figures:
    return Figures(
        kpis=kpi_figures(organisation, year),
        outcomes=evaluation_outcomes(organisation, year),
        invoices=list(
            Invoice.objects.order_by("pk").values_list(
                "pk", "number", "status", "days", "total", "broker_share", "home_school_share"
            )
        ),
        visits=list(
            Visit.objects.order_by("pk").values_list("pk", "date", "session", "hours", "status")
        ),
    )
