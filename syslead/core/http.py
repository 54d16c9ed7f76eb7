"""Request types for views behind ``login_required``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from syslead.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request from a signed-in person: ``request.user`` is a ``User``, never anonymous."""

    user: User


def signed_in_user(request: HttpRequest) -> User:
    """The person behind a request that only signed-in people reach (the admin site checks it
    before any of its pages): ``PermissionDenied`` if, against that, nobody is signed in."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user
