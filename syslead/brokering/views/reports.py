"""The LA team's list of schools that could benefit from support (docs/rules.md: Requests), and
unmet demand against supply: the priorities for the next designation round (docs/rules.md, item 8),
with a map of England drawn from school coordinates."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from syslead.accounts.access import organisation_ids_for
from syslead.accounts.models import Role
from syslead.brokering import selectors
from syslead.brokering.forms import OrganisationYearForm
from syslead.brokering.vocabulary import specialism_labels
from syslead.brokering.web_selectors import organisations_for
from syslead.core.academic_years import AcademicYear
from syslead.core.gc_pause import cyclic_gc_paused
from syslead.core.http import AuthenticatedHttpRequest
from syslead.schools.maps import area_map

from .common import (
    LA_ROUTE_ROLES,
    RESULTS_PER_PAGE,
    broker_organisations,
    chosen_organisation,
)

#: Roles that read the schools that could benefit: the LA team, its lead and SIPs.
AREA_ROLES = (Role.COORDINATOR, Role.BROKER_LEAD, Role.SIP)


@login_required
def schools_that_could_benefit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Schools in the organisation's area meeting the criteria, with the reasons, each with a
    link to start an LA-route request for it."""
    organisations = organisations_for(request.user, AREA_ROLES)
    organisation = chosen_organisation(
        request, organisations, "Only the LA team, broker leads and SIPs see this list."
    )
    form = OrganisationYearForm(request.GET or None, organisations=organisations, with_year=False)
    needs = selectors.schools_that_could_benefit(organisation)
    page = Paginator(needs, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    may_start = organisation.pk in organisation_ids_for(request.user, LA_ROUTE_ROLES) or (
        request.user.is_superuser
    )
    rows = []
    for need in page:
        query = urlencode(
            [("school", need.school.urn), ("organisation", organisation.pk)]
            + [("criteria", c) for c in need.suggested_criteria],
        )
        rows.append((need, f"{reverse('brokering:new_la')}?{query}"))
    return render(
        request,
        "brokering/schools_that_could_benefit.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "rows": rows,
            "may_start": may_start,
            "has_area": bool(organisation.local_authority_name or organisation.areas),
        },
    )


@login_required
def unmet_demand_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Unmet or declined demand by specialism, phase and area against supply, largest gap first,
    with a map of the requests waiting and the organisation's leaders."""
    organisations = broker_organisations(request.user)
    organisation = chosen_organisation(
        request, organisations, "Only coordinators and broker leads read unmet demand."
    )
    form = OrganisationYearForm(request.GET or None, organisations=organisations)
    year = AcademicYear.current().label
    if form.is_valid() and form.cleaned_data.get("academic_year"):
        year = form.cleaned_data["academic_year"]
    # Thousands of leaders' facts and map points, freed as the page is sent: see
    # ``cyclic_gc_paused`` (a full collection in one request in twenty doubled its time).
    with cyclic_gc_paused():
        # The rows, the requests' schools and the leaders' home schools from the same reads.
        demand = selectors.unmet_demand_report(organisation, year)
        rows = demand.rows
        # Both tables a page at a time (the download has every row), so that the page's work does
        # not grow with the rows; the priorities, the total and the map use every row.
        page = Paginator(rows, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        places = Paginator(
            [(name, town, area) for _, _, name, town, area in demand.waiting], RESULTS_PER_PAGE
        ).get_page(request.GET.get("places"))
        waiting = [(lat, lon, name) for lat, lon, name, _, _ in demand.waiting]
        return render(
            request,
            "brokering/unmet_demand.html",
            {
                "organisation": organisation,
                "form": form,
                "year": year,
                "rows": rows,
                "page": page,
                "labels": specialism_labels(organisation.pk),
                "total_gap": sum((row.gap_days for row in rows if row.gap_days > 0), 0),
                "priorities": selectors.designation_priorities(rows),
                "map": area_map(waiting, demand.leaders),
                "waiting_places": places,
                "query": urlencode({"organisation": organisation.pk, "academic_year": year}),
            },
        )
