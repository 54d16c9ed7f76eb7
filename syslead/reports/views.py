"""The broker's KPI page (docs/rules.md: KPIs, Reporting; docs/ux.md: "KPIs for this year against
target, costs and days by commissioner"): coordinators and broker leads of the organisation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from syslead.brokering.forms import OrganisationYearForm
from syslead.brokering.views.common import broker_organisations, chosen_organisation
from syslead.core.academic_years import AcademicYear
from syslead.core.http import AuthenticatedHttpRequest
from syslead.reports.annual import kpi_charts, kpis_over_years
from syslead.reports.selectors import (
    agreements_by_area,
    evaluation_outcomes,
    kpis,
    year_agreements,
)


@login_required
def kpi_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """SLEs designated against target, SLEs deployed within 3 months against the 50% target,
    days and costs by commissioner and by area, the evaluations' RAG outcomes, and the KPIs of
    the years before; charts with their tables (docs/annual-report.md, "Charts")."""
    organisations = broker_organisations(request.user)
    organisation = chosen_organisation(
        request, organisations, "Only coordinators and broker leads read the KPIs."
    )
    form = OrganisationYearForm(request.GET or None, organisations=organisations)
    year = AcademicYear.current().label
    if form.is_valid() and form.cleaned_data.get("academic_year"):
        year = form.cleaned_data["academic_year"]
    agreements = year_agreements(organisation, year)  # read once for the three below
    figures = kpis(organisation, year, agreements)
    evaluations, outcomes = evaluation_outcomes(organisation, year, agreements)
    by_route = figures.by_funding_route
    by_area = agreements_by_area(organisation, year, agreements)
    history = kpis_over_years(organisation, year)
    return render(
        request,
        "reports/kpis.html",
        {
            "organisation": organisation,
            "today": timezone.localdate(),
            "form": form,
            "year": year,
            "kpis": figures,
            "by_area": by_area,
            "history": history,
            "charts": kpi_charts(history, by_area, outcomes),
            "evaluations": evaluations,
            "outcomes": outcomes,
            "route_totals": {
                "agreements": sum(r.agreements for r in by_route),
                "days": sum((r.days for r in by_route), 0),
                "total_cost": sum((r.total_cost for r in by_route), 0),
            },
        },
    )
