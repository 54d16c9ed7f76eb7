"""Response headers every page and API answer needs."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

NO_STORE = "private, no-store"


class PrivateNoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every page answered to a signed-in person and on
    every API response (signed in or not), so that no browser or shared cache keeps a copy of
    what only that person may see. Public pages answered to someone not signed in keep their
    headers, and static files never reach this middleware (WhiteNoise answers them first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path_info.startswith("/api/") or getattr(user, "is_authenticated", False):
            response["Cache-Control"] = NO_STORE
            if "Expires" in response:
                del response["Expires"]
        return response
