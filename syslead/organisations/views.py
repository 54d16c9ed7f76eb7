"""Public pages of an organisation, reachable without signing in: a simple page, and its public
directory of system leaders (the public tier of the two-tier directory: only published profiles,
only the parts each leader consented to)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from syslead.leaders.forms import PublicDirectoryForm
from syslead.leaders.selectors import (
    PublicFilters,
    designation_types_for,
    public_directory,
    specialisms_for,
)
from syslead.organisations.models import Organisation
from syslead.schools.geo import Location, locate


def _organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.select_related("lead_school"), slug=slug)


def organisation_page(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    return render(
        request,
        "organisations/public.html",
        {"organisation": organisation, "published": len(public_directory(organisation))},
    )


DIRECTORY_FILTERS = ("specialism", "phase", "designation", "postcode", "within")


def organisation_directory(request: HttpRequest, slug: str) -> HttpResponse:
    """The public directory, filtered by specialism, phase, designation and distance from a
    postcode; an unknown postcode is an error on the form, never a failure."""
    organisation = _organisation(slug)
    searched = any(request.GET.get(name) for name in DIRECTORY_FILTERS)
    form = PublicDirectoryForm(
        request.GET if searched else None,
        designation_types=list(designation_types_for([organisation.pk])),
        specialisms=list(specialisms_for([organisation.pk])),
    )
    filters = PublicFilters()
    place: Location | None = None
    if searched and form.is_valid():
        data = form.cleaned_data
        if data["postcode"]:
            place = locate(data["postcode"])
            if place is None:
                form.add_error(
                    "postcode",
                    f"We do not know where {data['postcode'].upper()} is. Check the postcode, "
                    "or enter its first half, like LN2.",
                )
        filters = PublicFilters(
            specialism=data["specialism"],
            phase=data["phase"],
            designation=data["designation"],
            near=(place.latitude, place.longitude) if place else None,
            within_km=float(data["within"]) if data["within"] is not None else None,
        )
    valid = not form.errors
    return render(
        request,
        "organisations/directory.html",
        {
            "organisation": organisation,
            "form": form,
            "searched": searched,
            "place": place,
            "profiles": public_directory(organisation, filters) if valid else [],
            "valid": valid,
        },
    )
