"""The coordinators' directory of system leaders: search by designation, specialism, phase, area,
distance and days still available (the internal tier of the two-tier directory)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from syslead.accounts.access import coordinated_organisation_ids, is_administrator
from syslead.core.academic_years import AcademicYear
from syslead.core.gc_pause import cyclic_gc_paused
from syslead.core.http import AuthenticatedHttpRequest
from syslead.leaders.forms import DirectorySearchForm
from syslead.leaders.selectors import (
    DirectoryResults,
    designation_types_for,
    directory_search,
    specialisms_for,
)
from syslead.leaders.views.common import (
    RESULTS_PER_PAGE,
    reader_organisation_ids,
    require_reader,
)
from syslead.schools.geo import Location, locate
from syslead.schools.selectors import local_authority_names

SEARCH_FIELDS = ("designation", "specialism", "phase", "la", "near", "within", "min_days")


@dataclass
class DirectorySearch:
    """What the query string asks of the directory: the organisations whose leaders the reader
    reads (``None``: every organisation, an administrator's), the form (bound when a filter is
    given), the selector's criteria and the place searched near. The page and its downloads read
    it alike."""

    organisation_ids: set[int] | None
    form: DirectorySearchForm
    criteria: dict[str, Any]
    place: Location | None
    searched: bool

    @property
    def valid(self) -> bool:
        return not self.form.errors


def directory_search_from(request: AuthenticatedHttpRequest) -> DirectorySearch:
    """Parse the directory's filters from ``request.GET`` (an unknown place is a form error)."""
    # An administrator reads every organisation's leaders: no list of every organisation's id.
    organisation_ids = (
        None if is_administrator(request.user) else reader_organisation_ids(request.user)
    )
    form = DirectorySearchForm(
        request.GET if any(request.GET.get(n) for n in SEARCH_FIELDS) else None,
        designation_types=list(designation_types_for(organisation_ids)),
        specialisms=list(specialisms_for(organisation_ids)),
        local_authorities=local_authority_names(),
    )
    criteria: dict[str, Any] = {}
    place: Location | None = None
    searched = form.is_bound
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        near_text = (data["near"] or "").strip()
        if near_text:
            place = locate(near_text)
            if place is None:
                form.add_error(
                    "near",
                    f"We could not find “{near_text}”. Enter a school's URN, a full postcode or "
                    "the first half of one, like 120001, LN2 2HG or LN2.",
                )
        criteria = {
            "designation_type": data["designation"] or None,
            "specialism": data["specialism"] or None,
            "phase": data["phase"] or None,
            "local_authority": data["la"] or None,
            "near": (place.latitude, place.longitude) if place else None,
            "within_km": float(data["within"]) if data["within"] is not None else None,
            "min_available_days": data["min_days"],
        }
    return DirectorySearch(organisation_ids, form, criteria, place, searched)


def directory_rows(
    request: AuthenticatedHttpRequest,
    search: DirectorySearch,
    year: AcademicYear,
    *,
    delivery: bool = True,
) -> DirectoryResults:
    """Every leader the search keeps, in the page's order (read lazily); without the days
    delivered and invoiced when ``delivery`` is False (the page shows neither)."""
    return directory_search(
        user=request.user,
        organisation_ids=search.organisation_ids,
        academic_year=year,
        delivery=delivery,
        **search.criteria,
    )


@login_required
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_reader(request.user)
    year = AcademicYear.current()
    search = directory_search_from(request)
    context: dict[str, Any] = {
        "form": search.form,
        "year": year,
        "place": search.place,
        "searched": search.searched,
        "is_coordinator": is_administrator(request.user)
        or bool(coordinated_organisation_ids(request.user)),
    }
    # Every leader the search keeps is read to order them (12,000 for an administrator), then
    # freed as the page is sent: see ``cyclic_gc_paused`` (a full collection of the process in
    # one request in ten doubled its time).
    with cyclic_gc_paused():
        if search.valid:
            rows = directory_rows(request, search, year, delivery=False)
            page = Paginator(rows, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
            context |= {"page": page, "count": len(rows)}
        return render(request, "leaders/directory.html", context)
