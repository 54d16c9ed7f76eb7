"""Which address a request comes from, for the sign-in lockout (django-axes).

With ``SYSLEAD_TRUSTED_PROXIES = 0`` (no proxy) it is ``REMOTE_ADDR``. Behind N trusted reverse
proxies, each of which appends the address it received the request from to ``X-Forwarded-For``,
the client is the N-th address from the right of that header: the ones to its left were sent by
the client and could be anything, so a client cannot choose its address by adding its own entries.
A header with fewer than N addresses, or an entry that is not an IP address, falls back to
``REMOTE_ADDR`` (the nearest proxy), which is safe: it can only lock out more, never less.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip_address(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies: int = settings.SYSLEAD_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [
        entry for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return _address(forwarded[-proxies]) or remote
