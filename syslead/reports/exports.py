"""The KPI page downloaded as CSV or Excel: the page's organisation and year (the same readers:
coordinators and broker leads of the organisation, administrators), each of its tables a sheet
(in CSV, a section each)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from syslead.brokering.forms import OrganisationYearForm
from syslead.brokering.views.common import broker_organisations, chosen_organisation
from syslead.core import exports as x
from syslead.core.academic_years import AcademicYear
from syslead.core.http import AuthenticatedHttpRequest
from syslead.reports.impact import Impact, ImpactRow, impact
from syslead.reports.selectors import (
    AreaFigures,
    Kpis,
    RagCounts,
    RouteFigures,
    SleDeployment,
    agreements_by_area,
    evaluation_outcomes,
    kpis,
    year_agreements,
)
from syslead.reports.views_impact import impact_scope

MEASURE_COLUMNS: list[x.Column[tuple[str, Any]]] = [
    x.text("Measure", lambda m: m[0], width=48),
    x.number("Value", lambda m: m[1]),
]

FIGURE_COLUMNS: list[x.Column[Any]] = [
    x.number("Agreements", lambda f: f.agreements),
    x.number("Days", lambda f: f.days),
    x.money("Total cost (£)", lambda f: f.total_cost),
]

OUTCOME_COLUMNS: list[x.Column[RagCounts]] = [
    x.text("Item", lambda o: o.label, width=48),
    x.number("Green", lambda o: o.green),
    x.number("Amber", lambda o: o.amber),
    x.number("Red", lambda o: o.red),
    x.number("Green (%)", lambda o: o.green_percent),
]


def _within_window(today: dt.date) -> x.Column[SleDeployment]:
    def words(sle: SleDeployment) -> str:
        if sle.deployed_within_window:
            return "Yes"
        return "Not yet" if sle.deploy_by >= today else "No"

    return x.text("Within 3 months", words)


def _measures(figures: Kpis, routes: list[RouteFigures]) -> list[tuple[str, Any]]:
    return [
        ("SLEs designated", figures.sles_designated),
        ("Target of SLEs to designate", figures.sles_designation_target),
        ("SLEs deployed within 3 months", figures.sles_deployed_within_3_months),
        ("SLEs deployed within 3 months (%)", figures.sles_deployed_within_3_months_percent),
        ("Target deployed within 3 months (%)", figures.target_percent),
        ("Target met", "Yes" if figures.target_met else "No"),
        ("Agreements starting this year", sum(r.agreements for r in routes)),
        ("Days agreed", sum((r.days for r in routes), Decimal(0))),
        (
            "Total cost (£)",
            x.Cell(sum((r.total_cost for r in routes), Decimal(0)), x.Kind.MONEY),
        ),
    ]


@login_required
def kpi_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponseBase:
    """The KPIs of the organisation and year the page shows, every table."""
    organisations = broker_organisations(request.user)
    organisation = chosen_organisation(
        request, organisations, "Only coordinators and broker leads read the KPIs."
    )
    form = OrganisationYearForm(request.GET or None, organisations=organisations)
    if form.is_bound and not form.is_valid():
        return redirect(f"{reverse('reports:kpis')}?{request.GET.urlencode()}")
    year = AcademicYear.current().label
    if form.is_valid() and form.cleaned_data.get("academic_year"):
        year = form.cleaned_data["academic_year"]
    agreements = year_agreements(organisation, year)  # read once for the three that use them
    figures = kpis(organisation, year, agreements)
    routes = list(figures.by_funding_route)
    _evaluations, outcomes = evaluation_outcomes(organisation, year, agreements)
    sle_columns: list[x.Column[SleDeployment]] = [
        x.text("System leader", lambda s: s.leader_name, width=28),
        x.date("Designated", lambda s: s.designated_on),
        x.date("To be deployed by", lambda s: s.deploy_by),
        x.date("First agreement starts", lambda s: s.first_agreement_starts_on),
        _within_window(timezone.localdate()),
    ]
    route_columns: list[x.Column[RouteFigures]] = [
        x.text("Funded by", lambda r: r.label, width=30),
        *FIGURE_COLUMNS,
    ]
    area_columns: list[x.Column[AreaFigures]] = [
        x.text("Local authority of the supported school", lambda a: a.local_authority, width=30),
        *FIGURE_COLUMNS,
    ]
    sheets: list[x.Sheet[Any]] = [
        x.Sheet("KPIs", MEASURE_COLUMNS, _measures(figures, routes)),
        x.Sheet("SLEs designated", sle_columns, figures.sles),
        x.Sheet("By commissioner", route_columns, routes),
        x.Sheet("By area", area_columns, agreements_by_area(organisation, year, agreements)),
        x.Sheet("Evaluation outcomes", OUTCOME_COLUMNS, outcomes),
        *impact_sheets(impact(organisation, year)),
    ]
    return x.export_response(x.Export(f"kpis-{organisation.slug}-{year}", sheets), fmt)


def _percent(value: float | None) -> Any:
    return "" if value is None else value


IMPACT_COLUMNS: list[x.Column[ImpactRow]] = [
    x.number("Supported schools", lambda r: r.supported),
    x.number("Improved", lambda r: r.improved),
    x.number("Stayed the same", lambda r: r.stayed),
    x.number("Declined", lambda r: r.declined),
    x.number("Supported improved (%)", lambda r: _percent(r.supported_proportion.percent)),
    x.number("95% CI low (%)", lambda r: _percent(r.supported_proportion.low_percent)),
    x.number("95% CI high (%)", lambda r: _percent(r.supported_proportion.high_percent)),
    x.number("Comparison schools", lambda r: r.comparison_schools),
    x.number("Comparison improved", lambda r: r.comparison_improved),
    x.number(
        "Comparison improved, weighted (%)", lambda r: _percent(r.comparison_proportion.percent)
    ),
    x.number("Comparison 95% CI low (%)", lambda r: _percent(r.comparison_proportion.low_percent)),
    x.number(
        "Comparison 95% CI high (%)", lambda r: _percent(r.comparison_proportion.high_percent)
    ),
    x.number("Difference (points)", lambda r: _percent(r.difference_points)),
    x.number("No starting grade", lambda r: r.no_starting_grade),
    x.number("Not inspected again", lambda r: r.not_inspected_again),
    x.number("No comparison school", lambda r: r.without_comparison),
]


def impact_sheets(figures: Impact) -> list[x.Sheet[Any]]:
    """The impact figures as sheets: overall, by year, by broker (every broker only)."""
    sheets: list[x.Sheet[Any]] = [
        x.Sheet(
            "Impact",
            [x.text("Scope", lambda r: r.label, width=30), *IMPACT_COLUMNS],
            [figures.overall],
        ),
        x.Sheet(
            "Impact by year",
            [x.text("Year agreements began", lambda r: r.label), *IMPACT_COLUMNS],
            figures.by_year,
        ),
    ]
    if figures.organisation is None:
        sheets.append(
            x.Sheet(
                "Impact by broker",
                [x.text("Broker", lambda r: r.label, width=30), *IMPACT_COLUMNS],
                figures.by_broker,
            )
        )
    return sheets


@login_required
def impact_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponseBase:
    """The impact page's figures for the same broker and year (the same readers), each table a
    sheet (docs/impact.md)."""
    scope = impact_scope(request)
    if scope.form.is_bound and not scope.form.is_valid():
        return redirect(f"{reverse('reports:impact')}?{request.GET.urlencode()}")
    figures = impact(scope.organisation, scope.year)
    who = scope.organisation.slug if scope.organisation is not None else "all-brokers"
    when = scope.year.label if scope.year is not None else "all-years"
    return x.export_response(x.Export(f"impact-{who}-{when}", impact_sheets(figures)), fmt)
