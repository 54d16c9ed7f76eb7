"""Who reaches the account, two-factor and people pages: anonymous visitors are sent to sign in;
POST-only actions refuse GET; the people pages are for administrators only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from syslead.accounts.models import ApiToken, User, UserSession

OPEN_TO_ANYONE_SIGNED_IN = [
    "accounts:account",
    "accounts:two_factor_setup",
    "accounts:recovery_codes",
]
POST_ONLY = [
    "accounts:recovery_codes_new",
    "accounts:two_factor_turn_off",
    "accounts:token_issue",
]


def _urls(user: User, stranger: User) -> list[str]:
    token, _ = ApiToken.issue(user)
    Client().force_login(user)
    session = UserSession.objects.get(user=user)
    return [
        *(reverse(name) for name in OPEN_TO_ANYONE_SIGNED_IN + POST_ONLY),
        reverse("accounts:two_factor_verify"),
        reverse("accounts:token_revoke", args=[token.pk]),
        reverse("accounts:session_end", args=[session.pk]),
        reverse("accounts:people"),
        reverse("accounts:two_factor_reset", args=[stranger.pk]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_from_every_account_page(
    client: Client, coordinator: User, stranger: User
) -> None:
    for url in _urls(coordinator, stranger):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith("/accounts/login/?next="), url


@pytest.mark.parametrize("name", OPEN_TO_ANYONE_SIGNED_IN)
def test_every_signed_in_person_opens_their_own_account_pages(
    login: Any, stranger: User, name: str
) -> None:
    client = login(stranger)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", POST_ONLY)
def test_account_actions_refuse_get(login: Any, stranger: User, name: str) -> None:
    client = login(stranger)
    assert client.get(reverse(name)).status_code == 405


def test_the_code_page_sends_a_person_with_no_code_owed_onwards(login: Any, stranger: User) -> None:
    client = login(stranger)
    response = client.get(reverse("accounts:two_factor_verify"))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_another_persons_token_and_session_are_not_found(
    login: Any, coordinator: User, stranger: User
) -> None:
    token, _ = ApiToken.issue(coordinator)
    Client().force_login(coordinator)
    session = UserSession.objects.get(user=coordinator)
    client = login(stranger)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("accounts:session_end", args=[session.pk])).status_code == 404


def test_administrators_open_the_people_pages(
    login: Any, administrator: User, stranger: User
) -> None:
    client = login(administrator)
    assert client.get(reverse("accounts:people")).status_code == 200
    assert client.get(reverse("accounts:two_factor_reset", args=[stranger.pk])).status_code == 200
    assert client.get(reverse("accounts:two_factor_reset", args=[999999])).status_code == 404
