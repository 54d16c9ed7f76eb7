"""The impact page: supported schools' Ofsted grades against a comparison group (docs/impact.md).
Read by whoever reads the KPIs: coordinators and broker leads of the organisation, and
administrators, who may also see every broker at once."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from syslead.accounts.access import is_administrator
from syslead.brokering.views.common import broker_organisations, chosen_organisation
from syslead.core.academic_years import AcademicYear
from syslead.core.http import AuthenticatedHttpRequest
from syslead.organisations.models import Organisation
from syslead.reports.charts import impact_chart
from syslead.reports.forms import EVERY_BROKER, ImpactForm
from syslead.reports.impact import BASELINE_YEARS, Impact, impact
from syslead.schools.ofsted_file import REPORT_CARD_ERA_STARTS

REFUSED = "Only coordinators and broker leads read the impact figures."


@dataclass(frozen=True)
class ImpactScope:
    form: ImpactForm
    organisation: Organisation | None
    year: AcademicYear | None


def impact_scope(request: AuthenticatedHttpRequest) -> ImpactScope:
    """The broker and year asked for, by the KPIs' access rule: 403 for someone who brokers for
    no organisation, 404 for an organisation not theirs; "every broker" only for administrators
    (and it is their default)."""
    organisations = broker_organisations(request.user)
    if not organisations:
        raise PermissionDenied(REFUSED)
    every_broker = is_administrator(request.user)
    form = ImpactForm(request.GET or None, organisations=organisations, every_broker=every_broker)
    wanted = request.GET.get("organisation", "")
    organisation: Organisation | None
    if every_broker and wanted in ("", EVERY_BROKER):
        organisation = None
    else:
        organisation = chosen_organisation(request, organisations, REFUSED)
    year = None
    if form.is_valid() and form.cleaned_data.get("academic_year"):
        year = AcademicYear.parse(form.cleaned_data["academic_year"])
    return ImpactScope(form=form, organisation=organisation, year=year)


@login_required
def impact_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The figures, the chart with its table, and the method in words."""
    scope = impact_scope(request)
    figures: Impact = impact(scope.organisation, scope.year)
    groups = figures.by_broker if scope.organisation is None else figures.by_year
    return render(
        request,
        "reports/impact.html",
        {
            "scope": scope,
            "form": scope.form,
            "impact": figures,
            "groups": groups,
            "group_heading": "Broker" if scope.organisation is None else "Year agreements began",
            "chart": impact_chart(groups),
            "report_card_era_starts": REPORT_CARD_ERA_STARTS,
            "baseline_years": BASELINE_YEARS,
        },
    )
