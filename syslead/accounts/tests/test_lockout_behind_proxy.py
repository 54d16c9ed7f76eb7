"""The sign-in lockout keys on the client's address as the trusted proxies saw it: behind one proxy
two people get separate lockouts, and nobody can pick an address by sending X-Forwarded-For."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import PASSWORD
from syslead.accounts.models import User
from syslead.core.client_ip import client_ip_address

LOGIN_URL = "/accounts/login/"
PROXY = "10.0.0.5"


def _sign_in(forwarded_for: str | None, password: str, remote: str = PROXY) -> Any:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    client = Client(REMOTE_ADDR=remote)
    return client.post(
        LOGIN_URL, {"username": "alice@kyra.test", "password": password}, headers=headers
    )


def _lock_out(forwarded_for: str, remote: str = PROXY) -> None:
    for _ in range(5):
        _sign_in(forwarded_for, "wrong-guess", remote)


def test_behind_one_proxy_two_clients_are_locked_out_separately(
    settings: Any, coordinator: User
) -> None:
    settings.SYSLEAD_TRUSTED_PROXIES = 1
    _lock_out("203.0.113.7")

    assert _sign_in("203.0.113.7", PASSWORD).status_code == 429
    assert _sign_in("198.51.100.20", PASSWORD).status_code != 429


def test_a_client_cannot_escape_the_lockout_by_adding_its_own_forwarded_entries(
    settings: Any, coordinator: User
) -> None:
    settings.SYSLEAD_TRUSTED_PROXIES = 1
    _lock_out("203.0.113.7")

    # The proxy appends the real address to whatever the client sent.
    spoofed = _sign_in("198.51.100.20, 192.0.2.1, 203.0.113.7", PASSWORD)

    assert spoofed.status_code == 429


def test_a_client_cannot_lock_out_someone_else_by_naming_their_address(
    settings: Any, coordinator: User
) -> None:
    settings.SYSLEAD_TRUSTED_PROXIES = 1
    _lock_out("198.51.100.20, 203.0.113.7")  # the attacker at .7 claims to be .20

    assert _sign_in("198.51.100.20", PASSWORD).status_code != 429


def test_without_trusted_proxies_forwarded_for_is_ignored(settings: Any, coordinator: User) -> None:
    settings.SYSLEAD_TRUSTED_PROXIES = 0
    _lock_out("203.0.113.7", remote="192.0.2.44")

    assert _sign_in("198.51.100.20", PASSWORD, remote="192.0.2.44").status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.5"),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.5"),  # fewer entries than proxies: the nearest proxy
        (1, "not-an-address", "10.0.0.5"),
        (1, "", "10.0.0.5"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_nth_entry_from_the_right(
    settings: Any, rf: Any, proxies: int, forwarded: str, expected: str
) -> None:
    settings.SYSLEAD_TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip_address(request) == expected
