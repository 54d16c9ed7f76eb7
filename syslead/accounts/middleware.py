"""Signed-in sessions: their idle and absolute limits, then two-factor sign-in (a person with an
app gives a code first; one whose role requires two-factor and has no app sets one up first).

Bearer-token requests to the API carry no session and pass untouched."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from syslead.accounts.browser_sessions import session_limit_reached, session_seen
from syslead.accounts.two_factor import must_give_code, must_set_up


def _passes_untouched(request: HttpRequest) -> bool:
    path = request.path_info
    static = "/" + settings.STATIC_URL.lstrip("/")
    return path.startswith(("/api/", static)) or path == "/favicon.ico"


def redirect_to(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that htmx follows as a whole page rather than swapping into a fragment."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _with_next(url: str, request: HttpRequest) -> str:
    if request.method == "GET" and not request.headers.get("HX-Request"):
        return f"{url}?{urlencode({'next': request.get_full_path()})}"
    return url


class SessionLimitsMiddleware:
    """Signs a person out once their session has been idle, or open, for too long."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not _passes_untouched(request):
            limit = session_limit_reached(request)
            if limit is not None:
                logout(request)
                messages.info(request, limit.reason)
                return redirect_to(request, _with_next(reverse(settings.LOGIN_URL), request))
            session_seen(request)
        return self.get_response(request)


class TwoFactorMiddleware:
    """Until a code is given (or an app set up, where the role requires one), only the code or
    set-up pages and signing out are open."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not _passes_untouched(request):
            path = request.path_info
            logout_path = reverse("accounts:logout")
            if must_give_code(request):
                verify = reverse("accounts:two_factor_verify")
                if path not in {verify, logout_path}:
                    return redirect_to(request, _with_next(verify, request))
            elif must_set_up(request):
                allowed = {
                    reverse("accounts:two_factor_setup"),
                    reverse("accounts:recovery_codes"),
                    logout_path,
                }
                if path not in allowed:
                    return redirect_to(
                        request, _with_next(reverse("accounts:two_factor_setup"), request)
                    )
        return self.get_response(request)
