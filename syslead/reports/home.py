"""The broker lead's KPI block on the home page (docs/ux.md "Broker lead: ... KPIs for this year
against target, costs and days by commissioner"). ``syslead.core.home.HOME_SOURCES`` names it."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from syslead.accounts.access import organisation_ids_for
from syslead.accounts.models import Role, User
from syslead.core.academic_years import AcademicYear
from syslead.core.home import Block, Link, Section
from syslead.organisations.models import Organisation
from syslead.reports.selectors import kpis


def broker_lead_kpis(user: User) -> Iterable[Block]:
    """This year's KPIs of each organisation the person leads, with a link to the full page."""
    year = AcademicYear.current()
    for organisation in Organisation.objects.filter(
        pk__in=organisation_ids_for(user, [Role.BROKER_LEAD])
    ).order_by("name"):
        figures = kpis(organisation, year)
        query = f"?organisation={organisation.pk}&academic_year={year.label}"
        url = reverse("reports:kpis") + query
        yield Section(
            title=f"KPIs {year.label}: {organisation.name}",
            template="reports/home/kpis.html",
            context={"kpis": figures},
            links=(Link("All the KPIs, costs and days by commissioner", url),),
        )
