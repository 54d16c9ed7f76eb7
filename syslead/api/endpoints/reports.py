"""Reports: a broker's key performance indicators (docs/api.md: "Reports")."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from syslead.api.auth import request_user
from syslead.api.errors import UnprocessableError
from syslead.api.schemas import READ_ERRORS, AcademicYearLabel, Id
from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import NotAllowed
from syslead.core.money import money_text
from syslead.organisations.models import Organisation
from syslead.reports.selectors import can_read_kpis, kpis

router = Router(tags=["Reports"])


class SleOut(Schema):
    leader: int
    name: str
    designated_on: dt.date
    deploy_by: dt.date = Field(description="Designation + 3 calendar months.")
    first_agreement_starts_on: dt.date | None
    deployed_within_3_months: bool


class RouteOut(Schema):
    funding_route: str
    agreements: int
    days: float
    total_cost: str


class KpisOut(Schema):
    organisation: int
    academic_year: str
    sles_designated: int = Field(description="SLEs the organisation designated in the year.")
    sles_designation_target: int | None = Field(
        description="The targets of its SLE designation rounds opening in the year (null: none)."
    )
    sles_deployed_within_3_months: int = Field(
        description="Of them, those with an agreement (awaiting signatures, active or completed) "
        "starting within 3 calendar months of designation."
    )
    sles_deployed_within_3_months_percent: float = Field(description="0 when none designated.")
    sles_deployed_within_3_months_target_percent: float = Field(description="At least 50%.")
    sles_deployed_within_3_months_target_met: bool
    sles: list[SleOut]
    agreements_by_funding_route: list[RouteOut]


@router.get(
    "/reports/kpis",
    response={200: KpisOut, **READ_ERRORS},
    summary="Key performance indicators of an organisation for an academic year",
    description=(
        "Read by the organisation's coordinators and broker leads (403 others; 404 for an unknown "
        "organisation). `academic_year` (e.g. 2025-26) defaults to the current one."
    ),
)
def read_kpis(
    request: HttpRequest, organisation: Id, academic_year: AcademicYearLabel | None = None
) -> KpisOut:
    found = Organisation.objects.filter(pk=organisation).first()
    if found is None:
        raise Http404("No such organisation.")
    if not can_read_kpis(request_user(request), found):
        raise NotAllowed(f"Only coordinators and broker leads of {found.name} may read its KPIs.")
    try:
        year = AcademicYear.parse(academic_year) if academic_year else AcademicYear.current()
    except ValueError as exc:
        raise UnprocessableError({"academic_year": [str(exc)]}) from None
    figures = kpis(found, year)
    return KpisOut(
        organisation=found.pk,
        academic_year=figures.academic_year,
        sles_designated=figures.sles_designated,
        sles_designation_target=figures.sles_designation_target,
        sles_deployed_within_3_months=figures.sles_deployed_within_3_months,
        sles_deployed_within_3_months_percent=figures.sles_deployed_within_3_months_percent,
        sles_deployed_within_3_months_target_percent=figures.target_percent,
        sles_deployed_within_3_months_target_met=figures.target_met,
        sles=[
            SleOut(
                leader=row.leader_id,
                name=row.leader_name,
                designated_on=row.designated_on,
                deploy_by=row.deploy_by,
                first_agreement_starts_on=row.first_agreement_starts_on,
                deployed_within_3_months=row.deployed_within_window,
            )
            for row in figures.sles
        ],
        agreements_by_funding_route=[
            RouteOut(
                funding_route=row.funding_route,
                agreements=row.agreements,
                days=float(row.days),
                total_cost=money_text(row.total_cost),
            )
            for row in figures.by_funding_route
        ],
    )
