"""A per-address limit on public forms that anyone may post without signing in (docs/rules.md:
Designations, applying from the broker's public page). Each address may post a form ``limit``
times in ``window`` seconds; the count is kept in the shared cache, so every web process sees the
same count. The address is the one the sign-in lockout uses (``client_ip_address``), so trusted
proxies are handled the same way."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from syslead.core.client_ip import client_ip_address


def rate_limit_hit(request: HttpRequest, scope: str, *, limit: int, window: int) -> bool:
    """Count one post of the ``scope`` form from this address; True when it is over the limit
    (the caller refuses it with a clear message, never a 5xx)."""
    address = client_ip_address(request) or "unknown"
    key = f"rate:{scope}:{address}"
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count > limit
