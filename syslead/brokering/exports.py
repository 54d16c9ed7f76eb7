"""The requests list and unmet demand downloaded as CSV or Excel: the pages' access rules,
selectors and filters, every row."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from syslead.brokering import selectors
from syslead.brokering.forms import CaseloadFilterForm, OrganisationYearForm
from syslead.brokering.models import SupportRequest
from syslead.brokering.views.common import (
    CASELOAD_ROLES,
    broker_organisations,
    chosen_organisation,
    require_role,
)
from syslead.brokering.vocabulary import specialism_labels
from syslead.brokering.web_selectors import caseload, visible_organisations
from syslead.core import exports as x
from syslead.core.academic_years import AcademicYear
from syslead.core.http import AuthenticatedHttpRequest

#: Rows read from the database at a time while a download streams.
CHUNK = 500

REQUEST_COLUMNS: list[x.Column[SupportRequest]] = [
    x.number("Request", lambda r: r.pk),
    x.number("School URN", lambda r: r.school.urn),
    x.text("School", lambda r: r.school.name, width=30),
    x.text("Broker", lambda r: r.organisation.name, width=30),
    x.text("Route", lambda r: r.get_route_display()),
    x.text("Academic year", lambda r: r.academic_year),
    x.number("Days", lambda r: r.days_requested),
    x.date("Asked", lambda r: r.created_at),
    x.text("Status", lambda r: r.get_status_display()),
    x.text(
        "Chosen leader", lambda r: r.chosen_leader.user.get_full_name() if r.chosen_leader else ""
    ),
]


def _back_to(request: HttpRequest, url_name: str) -> HttpResponseBase:
    """To the page with the same filters, where the form says what is wrong with them."""
    return redirect(f"{reverse(url_name)}?{request.GET.urlencode()}")


@login_required
def request_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponseBase:
    """Every request the requests page lists with these filters, every page."""
    require_role(request.user, CASELOAD_ROLES, "Only people who work on requests see them.")
    organisations = visible_organisations(request.user, caseload(request.user))
    form = CaseloadFilterForm(request.GET or None, organisations=organisations)
    if form.is_bound and not form.is_valid():
        return _back_to(request, "brokering:list")
    data: dict[str, Any] = form.cleaned_data if form.is_bound else {}
    rows = (
        caseload(
            request.user,
            status=data.get("status") or "",
            route=data.get("route") or "",
            school=data.get("school") or "",
            organisation_id=data.get("organisation"),
        )
        .select_related("school", "organisation", "chosen_leader__user")
        .iterator(chunk_size=CHUNK)
    )
    sheet = x.Sheet("Requests for support", REQUEST_COLUMNS, rows)
    return x.export_response(x.Export("requests", [sheet]), fmt)


def _report_choice(
    request: AuthenticatedHttpRequest, message: str
) -> tuple[Any, OrganisationYearForm, str]:
    """The organisation and year a report is about, as its page reads them."""
    organisations = broker_organisations(request.user)
    organisation = chosen_organisation(request, organisations, message)
    form = OrganisationYearForm(request.GET or None, organisations=organisations)
    year = AcademicYear.current().label
    if form.is_valid() and form.cleaned_data.get("academic_year"):
        year = form.cleaned_data["academic_year"]
    return organisation, form, year


@login_required
def unmet_demand_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponseBase:
    """The unmet demand table of the organisation and year the page shows."""
    organisation, form, year = _report_choice(
        request, "Only coordinators and broker leads read unmet demand."
    )
    if form.is_bound and not form.is_valid():
        return _back_to(request, "brokering:unmet_demand")
    labels = specialism_labels(organisation.pk)
    columns: list[x.Column[selectors.DemandRow]] = [
        x.text(
            "Specialism",
            lambda r: labels.get(r.specialism) or r.specialism.replace("_", " ").capitalize(),
        ),
        x.text("Phase", lambda r: r.phase_label[:1].upper() + r.phase_label[1:]),
        x.text("Area", lambda r: r.area),
        x.number("Requests", lambda r: r.requests),
        x.number("Declined", lambda r: r.declined),
        x.number("Days asked", lambda r: r.days),
        x.number("Leaders in area", lambda r: r.leaders_in_area),
        x.number("Days left in area", lambda r: r.remaining_days_in_area),
        x.number("Leaders anywhere", lambda r: r.leaders),
        x.number("Gap (days)", lambda r: r.gap_days),
    ]
    rows = selectors.unmet_demand(organisation, year)
    sheet = x.Sheet(f"Unmet demand {year}", columns, rows)
    name = f"unmet-demand-{organisation.slug}-{year}"
    return x.export_response(x.Export(name, [sheet]), fmt)
