"""API tokens from the account page: issued by the signed-in person (shown once), listed,
revoked; every token expires (401 with a detail after), and ``issue_token --days``."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.models import ApiToken, User
from syslead.core.models import Event

ACCOUNT = reverse("accounts:account")


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def test_a_person_issues_a_token_from_their_account_page_and_sees_it_once(
    login: Any, sip: User, client_school: Any
) -> None:
    client = login(sip)
    response = client.post(reverse("accounts:token_issue"), {"label": "Reports", "days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=sip)
    raw = response.context["raw"]
    assert raw in response.content.decode()
    assert token.label == "Reports"
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert Client().get("/api/v1/schools/120001", headers=_bearer(raw)).status_code == 200
    # Afterwards the account page lists it by its prefix only.
    page = client.get(ACCOUNT).content.decode()
    assert token.prefix in page
    assert raw not in page


def test_a_token_form_with_bad_days_shows_the_error_and_issues_nothing(
    login: Any, sip: User
) -> None:
    client = login(sip)
    response = client.post(reverse("accounts:token_issue"), {"days": "999"})
    assert response.status_code == 200
    assert "A token works for at most 366 days" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it_at_once_and_is_recorded(
    login: Any, sip: User, client_school: Any
) -> None:
    token, raw = ApiToken.issue(sip)
    client = login(sip)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response["Location"] == ACCOUNT
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert Client().get("/api/v1/schools/120001", headers=_bearer(raw)).status_code == 401
    assert Event.objects.filter(verb="api_token.revoked", subject_id=str(sip.pk)).exists()


def test_nobody_revokes_another_persons_token(login: Any, sip: User, coordinator: User) -> None:
    token, _ = ApiToken.issue(coordinator)
    response = login(sip).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_an_expired_token_is_401_with_a_detail(sip: User, client_school: Any) -> None:
    token, raw = ApiToken.issue(sip)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().get("/api/v1/schools/120001", headers=_bearer(raw))
    assert response.status_code == 401
    assert response.json() == {
        "detail": "The bearer token has expired: issue a new one from your account page."
    }
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_token_lasts_the_configured_number_of_days_by_default(sip: User, settings: Any) -> None:
    settings.SYSLEAD_API_TOKEN_DAYS = 90
    token, _ = ApiToken.issue(sip)
    assert timedelta(days=89, hours=23) < token.expires_at - timezone.now() <= timedelta(days=90)


def test_expired_tokens_show_as_expired_on_the_account_page(login: Any, sip: User) -> None:
    token, _ = ApiToken.issue(sip)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert "Expired" in login(sip).get(ACCOUNT).content.decode()


def test_issue_token_takes_days_and_still_prints_only_the_token(coordinator: User) -> None:
    out = StringIO()
    call_command("issue_token", "alice@kyra.test", "--days", "7", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    token = ApiToken.objects.get(user=coordinator)
    assert ApiToken.user_for(lines[0]) == coordinator
    assert timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= timedelta(days=7)


def test_issue_token_refuses_a_lifetime_out_of_range(coordinator: User) -> None:
    with pytest.raises(CommandError, match="between 1 and 366 days"):
        call_command("issue_token", "alice@kyra.test", "--days", "0", stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_user_for_refuses_an_expired_token(sip: User) -> None:
    token, raw = ApiToken.issue(sip, lifetime=timedelta(days=1))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert ApiToken.user_for(raw) is None
