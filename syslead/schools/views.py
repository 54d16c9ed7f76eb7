"""The register's pages: search, and one school with its Ofsted history. The register is public
data, so anyone signed in may read it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from syslead.schools.forms import SchoolSearchForm
from syslead.schools.geo import school_location
from syslead.schools.maps import place_map
from syslead.schools.selectors import (
    school_for_urn,
    school_inspections,
    school_search,
)

RESULTS_PER_PAGE = 25


@login_required
def search(request: HttpRequest) -> HttpResponse:
    form = SchoolSearchForm(request.GET or None)
    context: dict[str, object] = {"form": form}
    if form.is_bound and form.is_valid() and form.has_criteria():
        found = school_search(
            form.cleaned_data["q"], form.cleaned_data["la"], form.cleaned_data["phase"]
        )
        page = Paginator(found.schools, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        context |= {
            "search": found,
            "page": page,
            "rows": [(school, found.distances.get(school.urn)) for school in page.object_list],
        }
    return render(request, "schools/search.html", context)


@login_required
def detail(request: HttpRequest, urn: int) -> HttpResponse:
    school = school_for_urn(urn)
    location = school_location(school)
    return render(
        request,
        "schools/detail.html",
        {
            "school": school,
            "inspections": school_inspections(school),
            "location": location,
            "map": place_map(location.latitude, location.longitude, school.name)
            if location
            else None,
        },
    )
