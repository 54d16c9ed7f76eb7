"""Deployments and delivery records put straight in the database for tests (no rules checked:
tests of the rules go through the services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from syslead.accounts.models import User
from syslead.brokering.models import Route, SupportRequest
from syslead.deployments.models import Deployment, DeploymentStatus, FundingRoute, Objective
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.visits.models import ActionPoint, Session, Visit, VisitStatus

STARTS_ON = dt.date(2025, 9, 8)
ENDS_ON = dt.date(2026, 3, 27)


def make_leader_profile(user: User, school: School) -> LeaderProfile:
    return LeaderProfile.objects.create(
        user=user,
        home_school=school,
        job_title="Headteacher",
        is_headteacher=True,
        core_training_completed_on=dt.date(2025, 9, 1),
    )


def make_deployment(
    *,
    leader: LeaderProfile,
    organisation: Organisation,
    client_school: School,
    route: str = Route.SCHOOL,
    status: str = DeploymentStatus.ACTIVE,
    starts_on: dt.date = STARTS_ON,
    ends_on: dt.date = ENDS_ON,
    full_days: int = 6,
    half_days: int = 2,
    objectives: tuple[str, ...] = (
        "Raise attainment in KS2 maths",
        "Develop the maths leader's monitoring",
    ),
    **extra: Any,
) -> Deployment:
    request = SupportRequest.objects.create(
        organisation=organisation,
        school=client_school,
        route=route,
        academic_year="2025-26",
        needs=["maths", "leadership"],
        phase="primary",
        days_requested=Decimal(full_days) + Decimal(half_days) / 2,
        summary="Support for maths leadership.",
    )
    deployment = Deployment.objects.create(
        organisation=organisation,
        support_request=request,
        leader=leader,
        client_school=client_school,
        home_school=leader.home_school,
        status=status,
        starts_on=starts_on,
        ends_on=ends_on,
        academic_year="2025-26",
        full_days=full_days,
        half_days=half_days,
        aims=["Improve leadership of maths"],
        funding_route=FundingRoute.SCHOOL
        if route == Route.SCHOOL
        else FundingRoute.LOCAL_AUTHORITY,
        total_cost=Decimal("2400.00"),
        payable_by_school=Decimal("2400.00"),
        to_home_school=Decimal("2100.00"),
        to_broker=Decimal("300.00"),
        activated_at=timezone.now() if status == DeploymentStatus.ACTIVE else None,
        **extra,
    )
    for position, text in enumerate(objectives, start=1):
        Objective.objects.create(deployment=deployment, position=position, text=text)
    return deployment


def make_visit(
    deployment: Deployment,
    *,
    date: dt.date = dt.date(2025, 10, 6),
    session: str = Session.FULL_DAY,
    status: str = VisitStatus.AWAITING_AGREEMENT,
    submitted_at: dt.datetime | None = None,
    actions: tuple[tuple[str, str, dt.date], ...] = (),
) -> Visit:
    visit = Visit.objects.create(
        deployment=deployment,
        date=date,
        session=session,
        hours=Decimal("6") if session == Session.FULL_DAY else Decimal("2.5"),
        focus="Maths book scrutiny with the maths leader",
        progress="Agreed a feedback policy.",
        status=status,
        recorded_by=deployment.leader.user,
        submitted_at=submitted_at or timezone.now(),
    )
    for position, (owner, action, due_on) in enumerate(actions, start=1):
        ActionPoint.objects.create(
            visit=visit, position=position, owner=owner, action=action, due_on=due_on
        )
    return visit
