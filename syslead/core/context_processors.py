"""Template context every page needs: the navigation for the person's roles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from syslead.core.navigation import navigation_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav_items": navigation_for(request.user, request.path)}
