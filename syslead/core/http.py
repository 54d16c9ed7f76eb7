"""Request types for views behind ``login_required``."""

from __future__ import annotations

from django.http import HttpRequest

from syslead.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request from a signed-in person: ``request.user`` is a ``User``, never anonymous."""

    user: User
