"""Pages that belong to no single business area: home by role and "About the data"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from syslead.core import about, home
from syslead.core.filters import OrganisationFilterForm
from syslead.core.http import AuthenticatedHttpRequest


@login_required
def home_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "core/home.html", home.home_context(request.user))


@login_required
def activity(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An organisation's recent activity: who did what, newest first (moved off the home page,
    which leads with work; docs/ux.md)."""
    organisations = home.activity_organisations(request.user)
    if not organisations:
        raise PermissionDenied("Only coordinators and broker leads see an organisation's activity.")
    form = OrganisationFilterForm(request.GET, organisations=organisations)
    organisation = form.organisation_chosen()
    context = {
        "organisation": organisation,
        "organisations": organisations,
        "filter_form": form,
        "events": home.organisation_events({organisation.pk}, limit=home.ACTIVITY_EVENTS),
        "limit": home.ACTIVITY_EVENTS,
    }
    return render(request, "core/activity.html", context)


@login_required
def about_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "datasets": about.datasets(),
        "ogl_attribution": about.OGL_ATTRIBUTION,
        "os_attribution": about.OS_ATTRIBUTION,
    }
    return render(request, "core/about_data.html", context)
