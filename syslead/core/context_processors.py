"""Template context every page needs: the navigation for the person's roles (none while they
still owe a two-factor code or an app set-up: those pages are all that is open to them)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from syslead.accounts.two_factor import must_give_code, must_set_up
from syslead.core.navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    pending = bool(
        user is not None
        and user.is_authenticated
        and hasattr(request, "session")
        and (must_give_code(request) or must_set_up(request))
    )
    return {
        "nav_items": [] if pending else navigation_for(user, request.path),
        "two_factor_pending": pending,
    }
