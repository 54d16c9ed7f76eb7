"""Signing in by e-mail, the lockout after repeated failures, signing out and passwords."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from conftest import PASSWORD
from syslead.accounts.models import User

LOGIN_URL = "/accounts/login/"


def _sign_in(client: Client, email: str, password: str) -> Any:
    return client.post(LOGIN_URL, {"username": email, "password": password})


def test_login_page_asks_for_an_email_address_with_autocomplete(client: Client, db: None) -> None:
    page = client.get(LOGIN_URL).content.decode()
    label = '<label class="govuk-label govuk-label--s" for="id_username">E-mail address</label>'
    assert label in page
    assert 'type="email" name="username"' in page
    assert 'autocomplete="username"' in page
    assert 'autocomplete="current-password"' in page
    assert "Forgotten your password?" in page


def test_coordinator_signs_in_with_email_and_lands_on_home(
    client: Client, coordinator: User
) -> None:
    response = _sign_in(client, "ALICE@kyra.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).context["user"] == coordinator


def test_wrong_password_shows_error_summary_linked_to_the_field(
    client: Client, coordinator: User
) -> None:
    response = _sign_in(client, "alice@kyra.test", "not-the-password")
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert '<a href="#id_username">The e-mail address or password is not right.' in page
    assert "<title>Error: Sign in" in page


def test_empty_form_names_each_missing_field(client: Client, db: None) -> None:
    page = client.post(LOGIN_URL, {"username": "", "password": ""}).content.decode()
    assert '<a href="#id_username">Enter your e-mail address</a>' in page
    assert '<a href="#id_password">Enter your password</a>' in page
    assert 'aria-describedby="id_username-error"' in page


def test_sixth_attempt_is_refused_after_five_failures_even_with_the_right_password(
    client: Client, coordinator: User
) -> None:
    for _ in range(5):
        _sign_in(client, "alice@kyra.test", "wrong-guess")
    response = _sign_in(client, "alice@kyra.test", PASSWORD)
    page = response.content.decode()
    assert response.status_code == 429
    assert "Signing in is paused for 15 minutes" in page
    assert "There were 5 wrong attempts" in page
    assert "_auth_user_id" not in client.session


def test_failures_for_one_email_do_not_lock_another(
    client: Client, coordinator: User, broker_lead: User
) -> None:
    for _ in range(5):
        _sign_in(client, "alice@kyra.test", "wrong-guess")
    response = _sign_in(client, "bea@kyra.test", PASSWORD)
    assert response.status_code == 302


def test_sign_out_needs_a_post_and_ends_the_session(
    login: Callable[[User], Client], coordinator: User
) -> None:
    client = login(coordinator)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "You have signed out." in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302


def _reset_link(body: str) -> str:
    match = re.search(r"https?://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


def test_password_reset_email_is_sent_by_the_background_task(
    client: Client, coordinator: User
) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "alice@kyra.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@kyra.test"]
    assert message.subject == "Reset your Syslead password"
    assert "Hello Alice," in message.body
    link = _reset_link(message.body)

    form_url = client.get(link)["Location"]  # Django hides the token behind a redirect
    page = client.get(form_url).content.decode()
    assert "Choose a new password" in page
    response = client.post(
        form_url,
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert _sign_in(client, "alice@kyra.test", "a-new-long-passphrase").status_code == 302


def test_password_reset_for_unknown_email_sends_nothing_but_looks_the_same(
    client: Client, db: None
) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@nowhere.test"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


@pytest.mark.django_db
def test_password_reset_with_the_database_backend_queues_a_task_row(
    client: Client, settings: Any, coordinator: User
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.post(reverse("accounts:password_reset"), {"email": "alice@kyra.test"})
    assert mail.outbox == []
    row = DBTaskResult.objects.get()
    assert row.task_path == "syslead.notifications.tasks.send_email"
    assert row.args_kwargs["kwargs"]["to"] == ["alice@kyra.test"]


def test_expired_reset_link_says_so(client: Client, db: None) -> None:
    page = client.get("/accounts/password/reset/MQ/set-password/", follow=True)
    assert "This link has expired" in page.content.decode()


def test_password_change_needs_sign_in(client: Client, db: None) -> None:
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_person_changes_their_password(login: Callable[[User], Client], leader_user: User) -> None:
    client = login(leader_user)
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "Current password" in page
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    leader_user.refresh_from_db()
    assert leader_user.check_password("another-long-passphrase")


def test_password_change_with_wrong_current_password_is_refused(
    login: Callable[[User], Client], leader_user: User
) -> None:
    client = login(leader_user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "nope",
            "new_password1": "x-long-pass-1",
            "new_password2": "x-long-pass-1",
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
