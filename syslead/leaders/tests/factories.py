"""Quick ways to put system leaders and their records in the database for tests (no permission
checks: tests of the rules go through the services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count
from typing import Any

from syslead.accounts.models import Role, User
from syslead.brokering.models import Route, SupportRequest
from syslead.deployments.models import Deployment, DeploymentStatus, FundingRoute
from syslead.leaders.models import (
    Association,
    Designation,
    DesignationStatus,
    DesignationType,
    LeaderPhase,
    LeaderProfile,
    ReleaseAgreement,
    Specialism,
)
from syslead.organisations.models import Organisation
from syslead.schools.models import School

_serial = count(1)


def make_leader(
    *,
    school: School,
    name: str | None = None,
    user: User | None = None,
    specialisms: tuple[str, ...] = ("maths",),
    phases: tuple[str, ...] = ("primary",),
    core_training_completed_on: dt.date | None = dt.date(2025, 9, 20),
    **extra: Any,
) -> LeaderProfile:
    from conftest import make_user

    if user is None:
        n = next(_serial)
        user = make_user(
            f"leader{n}@schools.test", name or f"Leader {n}", (Role.SYSTEM_LEADER, None)
        )
    leader = LeaderProfile.objects.create(
        user=user,
        home_school=school,
        job_title=extra.pop("job_title", "Deputy headteacher"),
        core_training_completed_on=core_training_completed_on,
        **extra,
    )
    leader.specialisms.set(Specialism.objects.filter(code__in=specialisms, organisation=None))
    LeaderPhase.objects.bulk_create([LeaderPhase(leader=leader, phase=p) for p in phases])
    return leader


def designate(
    leader: LeaderProfile,
    code: str,
    organisation: Organisation | None = None,
    *,
    designated_on: dt.date = dt.date(2025, 9, 1),
    status: str = DesignationStatus.ACTIVE,
    **extra: Any,
) -> Designation:
    return Designation.objects.create(
        leader=leader,
        type=DesignationType.objects.get(code=code, organisation=None),
        organisation=organisation,
        designated_on=designated_on,
        status=status,
        **extra,
    )


def associate(
    leader: LeaderProfile,
    organisation: Organisation,
    *,
    starts_on: dt.date = dt.date(2025, 9, 1),
    exclusive: bool = False,
) -> Association:
    return Association.objects.create(
        leader=leader, organisation=organisation, starts_on=starts_on, exclusive=exclusive
    )


def release(leader: LeaderProfile, year: str, days: str | Decimal) -> ReleaseAgreement:
    return ReleaseAgreement.objects.create(
        leader=leader, academic_year=year, days=Decimal(days), agreed_on=dt.date(2025, 9, 1)
    )


def make_deployment(
    leader: LeaderProfile,
    *,
    organisation: Organisation,
    client_school: School,
    starts_on: dt.date = dt.date(2025, 10, 1),
    academic_year: str = "2025-26",
    full_days: int = 3,
    half_days: int = 0,
    twilight_sessions: int = 0,
    status: str = DeploymentStatus.ACTIVE,
) -> Deployment:
    request = SupportRequest.objects.create(
        organisation=organisation,
        school=client_school,
        route=Route.SCHOOL,
        academic_year=academic_year,
        needs=["maths"],
        phase="primary",
        days_requested=Decimal("3"),
        summary="Support for maths leadership.",
    )
    return Deployment.objects.create(
        organisation=organisation,
        support_request=request,
        leader=leader,
        client_school=client_school,
        home_school=leader.home_school,
        status=status,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=120),
        academic_year=academic_year,
        full_days=full_days,
        half_days=half_days,
        twilight_sessions=twilight_sessions,
        funding_route=FundingRoute.SCHOOL,
    )
