"""Signed-in sessions: the idle and absolute limits, and the list on the account page from which
a person ends any of them (server-side)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from syslead.accounts.browser_sessions import (
    LAST_SEEN,
    SIGNED_IN_AT,
    describe_user_agent,
    sessions_of,
)
from syslead.accounts.models import User, UserSession

HOME = "/"
ACCOUNT = reverse("accounts:account")
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def _browser(user: User, agent: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    return client


def _age(client: Client, **seconds: float) -> None:
    """Move the session's clock back (instead of waiting)."""
    session = client.session
    if "signed_in" in seconds:
        session[SIGNED_IN_AT] = time.time() - seconds["signed_in"]
    if "last_seen" in seconds:
        session[LAST_SEEN] = time.time() - seconds["last_seen"]
    session.save()


def test_signing_in_records_the_session_with_its_browser(coordinator: User) -> None:
    _browser(coordinator, FIREFOX)
    row = UserSession.objects.get(user=coordinator)
    assert describe_user_agent(row.user_agent) == "Firefox on Windows"
    assert row.ip_address == "127.0.0.1"


def test_a_session_idle_longer_than_the_limit_is_signed_out(
    coordinator: User, settings: Any
) -> None:
    settings.SYSLEAD_SESSION_IDLE_MINUTES = 30
    client = _browser(coordinator, FIREFOX)
    _age(client, last_seen=31 * 60)
    response = client.get("/schools/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fschools%2F"
    assert "_auth_user_id" not in client.session
    assert not UserSession.objects.filter(user=coordinator).exists()
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page


def test_a_session_used_within_the_idle_limit_carries_on(coordinator: User, settings: Any) -> None:
    settings.SYSLEAD_SESSION_IDLE_MINUTES = 30
    client = _browser(coordinator, FIREFOX)
    _age(client, last_seen=29 * 60)
    assert client.get(HOME).status_code == 200
    # The request refreshed "last seen" (in the session and on the row).
    assert time.time() - client.session[LAST_SEEN] < 60
    row = UserSession.objects.get(user=coordinator)
    assert (time.time() - row.last_seen_at.timestamp()) < 60


def test_a_busy_session_still_ends_at_the_absolute_limit(coordinator: User, settings: Any) -> None:
    settings.SYSLEAD_SESSION_MAX_HOURS = 12
    client = _browser(coordinator, FIREFOX)
    _age(client, signed_in=12 * 3600 + 1, last_seen=10)
    response = client.get(HOME)
    assert response["Location"].startswith("/accounts/login/")
    assert "signed out 12 hours after signing in" in client.get("/accounts/login/").content.decode()


def test_the_account_page_lists_each_session_with_browser_and_times(coordinator: User) -> None:
    _browser(coordinator, SAFARI_IPHONE)
    here = _browser(coordinator, FIREFOX)
    page = here.get(ACCOUNT).content.decode()
    assert "Safari on iPhone" in page
    assert "Firefox on Windows" in page
    assert "Now (this browser)" in page
    assert len(sessions_of(coordinator)) == 2


def test_ending_another_session_signs_that_browser_out_on_the_server(coordinator: User) -> None:
    phone = _browser(coordinator, SAFARI_IPHONE)
    here = _browser(coordinator, FIREFOX)
    phone_row = UserSession.objects.get(user=coordinator, user_agent=SAFARI_IPHONE)
    phone_key = phone_row.session_id
    response = here.post(reverse("accounts:session_end", args=[phone_row.pk]))
    assert response["Location"] == ACCOUNT
    assert not Session.objects.filter(session_key=phone_key).exists()
    assert phone.get(HOME)["Location"].startswith("/accounts/login/")
    assert here.get(HOME).status_code == 200


def test_ending_ones_own_current_session_signs_out(coordinator: User) -> None:
    here = _browser(coordinator, FIREFOX)
    row = UserSession.objects.get(user=coordinator)
    response = here.post(reverse("accounts:session_end", args=[row.pk]))
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in here.session


def test_nobody_ends_another_persons_session(coordinator: User, broker_lead: User) -> None:
    _browser(coordinator, FIREFOX)
    theirs = UserSession.objects.get(user=coordinator)
    other = _browser(broker_lead, FIREFOX)
    response = other.post(reverse("accounts:session_end", args=[theirs.pk]))
    assert response.status_code == 404
    assert Session.objects.filter(session_key=theirs.session_id).exists()


def test_signing_out_removes_the_session_from_the_list(coordinator: User) -> None:
    client = _browser(coordinator, FIREFOX)
    client.post(reverse("accounts:logout"))
    assert sessions_of(coordinator) == []


def test_the_account_page_needs_signing_in(client: Client, db: None) -> None:
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_describe_user_agent_names_common_browsers() -> None:
    assert describe_user_agent(SAFARI_IPHONE) == "Safari on iPhone"
    edge = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
    )
    assert describe_user_agent(edge) == "Edge on Windows"
    assert describe_user_agent("") == "Unknown browser"


def test_changing_the_password_keeps_this_session_listed_and_ends_the_others(
    coordinator: User,
) -> None:
    phone = _browser(coordinator, SAFARI_IPHONE)
    here = _browser(coordinator, FIREFOX)
    response = here.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-2026",
            "new_password2": "a-new-long-passphrase-2026",
        },
    )
    assert response.status_code == 302
    rows = sessions_of(coordinator)
    assert [row.user_agent for row in rows] == [FIREFOX]
    assert rows[0].session_id == here.session.session_key
    assert here.get(HOME).status_code == 200
    assert phone.get(HOME)["Location"].startswith("/accounts/login/")


def test_a_session_past_its_idle_limit_is_no_longer_listed(coordinator: User) -> None:
    _browser(coordinator, SAFARI_IPHONE)
    here = _browser(coordinator, FIREFOX)
    UserSession.objects.filter(user_agent=SAFARI_IPHONE).update(
        last_seen_at=timezone.now() - timedelta(minutes=45)
    )
    assert [row.user_agent for row in sessions_of(coordinator)] == [FIREFOX]
    assert "Safari on iPhone" not in here.get(ACCOUNT).content.decode()
