"""Public pages of an organisation, reachable without signing in: a simple page, its public
directory of system leaders (the public tier of the two-tier directory: only published profiles,
only the parts each leader consented to), and applying for designation in an open round without
an account (docs/rules.md: Designations)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from syslead.core.rate_limit import rate_limit_hit
from syslead.core.service_calls import run_service
from syslead.leaders.forms import PublicApplicationForm, PublicDirectoryForm
from syslead.leaders.selectors import (
    PublicFilters,
    designation_types_for,
    public_directory,
    specialisms_for,
)
from syslead.leaders.services import open_rounds, public_application_submit
from syslead.organisations.models import Organisation
from syslead.schools.geo import Location, locate

#: Posts of the public application form allowed from one address per hour.
APPLY_LIMIT = 10
APPLY_WINDOW_SECONDS = 3600


def _organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.select_related("lead_school"), slug=slug)


def organisation_page(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    return render(
        request,
        "organisations/public.html",
        {
            "organisation": organisation,
            "published": len(public_directory(organisation)),
            "open_rounds": open_rounds(organisation.pk),
        },
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


@require_http_methods(["GET", "POST"])
def organisation_apply(request: HttpRequest, slug: str) -> HttpResponse:
    """Apply to be a system leader in one of the organisation's open rounds, without an account:
    anyone; posts are limited per address (``APPLY_LIMIT`` an hour)."""
    organisation = _organisation(slug)
    rounds = open_rounds(organisation.pk)
    form = PublicApplicationForm(request.POST if request.method == "POST" else None, rounds=rounds)
    context = {"organisation": organisation, "rounds": rounds, "form": form}
    if request.method != "POST":
        return render(request, "organisations/apply.html", context)
    if rate_limit_hit(request, "public_apply", limit=APPLY_LIMIT, window=APPLY_WINDOW_SECONDS):
        context["limited"] = True
        return render(request, "organisations/apply.html", context, status=429)
    if not rounds:
        return render(request, "organisations/apply.html", context, status=400)
    if form.is_valid():
        data = form.cleaned_data
        chosen = next(r for r in rounds if r.pk == data["round"])
        application = run_service(
            form,
            lambda: public_application_submit(
                round=chosen,
                name=data["name"],
                email=data["email"],
                school=data["school"],
                job_title=data["job_title"],
                is_headteacher=data["is_headteacher"],
                years_in_role=data["years_in_role"],
                field_of_expertise=data["field_of_expertise"],
                evidence=data["evidence"],
            ),
        )
        if application is not None:
            return render(
                request,
                "organisations/applied.html",
                {"organisation": organisation, "round": chosen, "email": data["email"]},
            )
    return render(request, "organisations/apply.html", context, status=400)
