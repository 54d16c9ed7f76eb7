"""Quick ways to put leaders and requests in the database for brokering tests (no permission
checks: the rules themselves are tested through the services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count
from typing import Any

from conftest import make_school, make_user
from syslead.accounts.models import Role
from syslead.brokering.models import Route, SupportRequest
from syslead.core.academic_years import AcademicYear
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

YEAR = AcademicYear.current().label
_serial = count(1)
_urns = count(140001)


def school(name: str, lat: float = 53.23, lon: float = -0.54, **extra: Any) -> School:
    """A school at a place (latitude, longitude), in Lincolnshire unless told otherwise."""
    return make_school(next(_urns), name, latitude=lat, longitude=lon, **extra)


def leader(
    home: School,
    *,
    name: str | None = None,
    organisation: Organisation | None = None,
    specialisms: tuple[str, ...] = ("maths",),
    phases: tuple[str, ...] = ("primary",),
    designation: str | None = "SLE",
    designation_status: str = DesignationStatus.ACTIVE,
    trained: bool = True,
    release: str | Decimal | None = "10",
    years: int = 5,
    declared_conflicts: str = "",
    user: Any = None,
    exclusive: bool = False,
    **extra: Any,
) -> LeaderProfile:
    """A leader at ``home``: designated, trained, released 10 days this year and associated with
    ``organisation``, unless told otherwise."""
    n = next(_serial)
    if user is None:
        user = make_user(
            f"leader{n}@schools.test", name or f"Leader {n:03d}", (Role.SYSTEM_LEADER, None)
        )
    profile = LeaderProfile.objects.create(
        user=user,
        home_school=home,
        job_title=extra.pop("job_title", "Deputy headteacher"),
        years_experience=years,
        core_training_completed_on=dt.date(2024, 9, 20) if trained else None,
        declared_conflicts=declared_conflicts,
        **extra,
    )
    codes = []
    for code in specialisms:
        Specialism.objects.get_or_create(
            code=code, organisation=None, defaults={"label": code.title()}
        )
        codes.append(code)
    profile.specialisms.set(Specialism.objects.filter(code__in=codes, organisation=None))
    LeaderPhase.objects.bulk_create([LeaderPhase(leader=profile, phase=p) for p in phases])
    if designation:
        Designation.objects.create(
            leader=profile,
            type=DesignationType.objects.get(code=designation, organisation=None),
            designated_on=dt.date(2024, 9, 1),
            status=designation_status,
            revoked_on=dt.date(2025, 1, 1)
            if designation_status == DesignationStatus.REVOKED
            else None,
        )
    if release is not None:
        ReleaseAgreement.objects.create(
            leader=profile, academic_year=YEAR, days=Decimal(release), agreed_on=dt.date(2024, 9, 1)
        )
    if organisation is not None:
        associate(profile, organisation, exclusive=exclusive)
    return profile


def associate(
    profile: LeaderProfile, organisation: Organisation, *, exclusive: bool = False
) -> Association:
    return Association.objects.create(
        leader=profile,
        organisation=organisation,
        starts_on=dt.date(2024, 9, 1),
        exclusive=exclusive,
    )


def support_request(
    school: School,
    organisation: Organisation,
    *,
    needs: tuple[str, ...] = ("maths",),
    days: str | Decimal = "5",
    route: str = Route.SCHOOL,
    **extra: Any,
) -> SupportRequest:
    return SupportRequest.objects.create(
        organisation=organisation,
        school=school,
        route=route,
        academic_year=extra.pop("academic_year", YEAR),
        needs=list(needs),
        phase=extra.pop("phase", school.phase),
        days_requested=Decimal(days),
        summary=extra.pop("summary", "Support for maths leadership."),
        **extra,
    )
