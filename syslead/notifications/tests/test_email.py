"""E-mails are rendered in the request and sent by a background task."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from syslead.accounts.models import User
from syslead.notifications.services import email_enqueue
from syslead.notifications.tasks import send_email

RESET_CONTEXT = {
    "email": "alice@kyra.test",
    "protocol": "https",
    "domain": "syslead.example",
    "uid": "MQ",
    "token": "abc-123",
}


def _reset_context() -> dict[str, Any]:
    return {**RESET_CONTEXT, "user": User(email="alice@kyra.test", name="Alice Coordinator")}


def test_email_enqueue_renders_the_template_and_the_task_sends_it(db: None) -> None:
    email_enqueue(
        to="alice@kyra.test",
        subject="Reset your\nSyslead password",
        template="accounts/email/password_reset",
        context=_reset_context(),
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@kyra.test"]
    assert message.subject == "Reset your Syslead password"
    assert "https://syslead.example/accounts/password/reset/MQ/abc-123/" in message.body


def test_send_email_attaches_html_when_given(db: None) -> None:
    send_email.call(to=["a@b.test"], subject="Hi", body="Plain", html="<p>Rich</p>")
    message = mail.outbox[0]
    assert message.body == "Plain"
    assert message.alternatives[0][0] == "<p>Rich</p>"  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_with_the_database_backend_the_email_waits_for_the_worker(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker closes stale connections between tasks; inside the test's transaction that
    # would close the connection the test is using (PostgreSQL then refuses the next query).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    email_enqueue(
        to=["alice@kyra.test"],
        subject="Reset your Syslead password",
        template="accounts/email/password_reset",
        context=_reset_context(),
    )
    row = DBTaskResult.objects.get()
    assert mail.outbox == []
    # Only plain JSON is stored: the worker needs neither the request nor the user object.
    assert json.loads(json.dumps(row.args_kwargs)) == row.args_kwargs

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
