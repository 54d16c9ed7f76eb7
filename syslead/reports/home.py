"""The KPI block on the home pages of coordinators and broker leads (docs/ux.md, "Home page by
role": this year's KPIs against target, costs and days by commissioner), with links to the full
KPI page and to the annual report. ``syslead.core.home.HOME_SOURCES`` names it."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from syslead.accounts.access import organisation_ids_for
from syslead.accounts.models import Role, User
from syslead.core.academic_years import AcademicYear
from syslead.core.home import Block, Link, Section
from syslead.organisations.models import Organisation
from syslead.reports.selectors import kpis


def _kpi_sections(organisation_ids: Iterable[int]) -> Iterable[Block]:
    year = AcademicYear.current()
    for organisation in Organisation.objects.filter(pk__in=organisation_ids).order_by("name"):
        figures = kpis(organisation, year)
        query = f"?organisation={organisation.pk}&academic_year={year.label}"
        yield Section(
            title=f"KPIs {year.label}: {organisation.name}",
            template="reports/home/kpis.html",
            context={"kpis": figures},
            links=(
                Link(
                    "All the KPIs, costs and days by commissioner", reverse("reports:kpis") + query
                ),
                Link(
                    f"The annual report of {organisation.name}",
                    f"{reverse('reports:annual')}?organisation={organisation.pk}",
                ),
            ),
        )


def coordinator_kpis(user: User) -> Iterable[Block]:
    """This year's KPIs of each organisation the person coordinates."""
    return _kpi_sections(organisation_ids_for(user, [Role.COORDINATOR]))


def broker_lead_kpis(user: User) -> Iterable[Block]:
    """This year's KPIs of each organisation the person leads and does not also coordinate (those
    are shown once, as the coordinator's)."""
    coordinated = organisation_ids_for(user, [Role.COORDINATOR])
    return _kpi_sections(organisation_ids_for(user, [Role.BROKER_LEAD]) - coordinated)
