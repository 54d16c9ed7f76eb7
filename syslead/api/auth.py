"""Bearer-token authentication for the public API: a token acts as exactly its user."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from syslead.accounts.models import ApiToken, User
from syslead.accounts.selectors import api_token_for_key

#: How stale ``last_used_at`` may get before a request refreshes it (saves a write per request).
LAST_USED_PRECISION = timedelta(minutes=5)


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` as issued by ``manage.py issue_token EMAIL``."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = api_token_for_key(token.strip())
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.expires_at <= now:
            request.syslead_token_expired = True  # type: ignore[attr-defined]
            return None
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


def request_user(request: HttpRequest) -> User:
    """The user the request's bearer token acts as (endpoints run only once it is known)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise TypeError("request_user() needs an endpoint behind BearerToken.")
    return user
