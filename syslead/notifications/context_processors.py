"""The unread count shown next to "Inbox" in every page's header (one query per page)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from syslead.notifications.inbox import unread_count


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}
    return {"inbox_unread": unread_count(user)}
