"""Public pages of an organisation, reachable without signing in: a simple page, and its public
directory of system leaders (the public tier of the two-tier directory: only published profiles,
only the parts each leader consented to)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from syslead.leaders.selectors import public_directory
from syslead.organisations.models import Organisation


def _organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.select_related("lead_school"), slug=slug)


def organisation_page(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    return render(
        request,
        "organisations/public.html",
        {"organisation": organisation, "published": len(public_directory(organisation))},
    )


def organisation_directory(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    return render(
        request,
        "organisations/directory.html",
        {"organisation": organisation, "profiles": public_directory(organisation)},
    )
