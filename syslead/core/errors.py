"""Error pages for what Django refuses before a view runs: a request body over the size limit is
a clear 413 (a page, or JSON ``detail`` under the API), any other bad request the usual 400."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.defaults import bad_request as default_bad_request

from syslead.core.limits import body_limit_text, too_large_detail


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``: Django raises ``RequestDataTooBig`` (a 400 by default) when a body is over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``, wherever it is first read (a view, the CSRF check)."""
    if isinstance(exception, RequestDataTooBig):
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": too_large_detail()}, status=413)
        return render(request, "413.html", {"limit": body_limit_text()}, status=413)
    return default_bad_request(request, exception)
