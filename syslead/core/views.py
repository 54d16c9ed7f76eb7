"""Pages that belong to no single business area: home by role and "About the data"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from syslead.core import about, home
from syslead.core.http import AuthenticatedHttpRequest


@login_required
def home_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "core/home.html", home.home_context(request.user))


@login_required
def about_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "datasets": about.datasets(),
        "ogl_attribution": about.OGL_ATTRIBUTION,
        "os_attribution": about.OS_ATTRIBUTION,
    }
    return render(request, "core/about_data.html", context)
