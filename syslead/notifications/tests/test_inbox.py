"""The in-app inbox: a row per person told, e-mailed separately after the commit; the inbox page
with the unread count in every page's header."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from syslead.accounts.models import User
from syslead.notifications.inbox import notify, unread_count
from syslead.notifications.models import Notification


def test_notify_writes_a_row_per_person_and_e_mails_each_after_the_commit(
    coordinator: User, client_head: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = notify(
            users=[coordinator, client_head, coordinator, None],
            verb="test.done",
            text="Agree the note of visit",
            url="/visits/1/agree/",
        )
    assert [row.user for row in rows] == [coordinator, client_head]
    assert mail.outbox == []  # nothing until the transaction commits
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinator.email, client_head.email])
    assert "http://127.0.0.1:8000/visits/1/agree/" in mail.outbox[0].body
    assert unread_count(coordinator) == 1


def test_inactive_people_are_not_told(coordinator: User) -> None:
    User.objects.filter(pk=coordinator.pk).update(is_active=False)
    coordinator.refresh_from_db()
    assert notify(users=[coordinator], verb="x", text="y") == []


def test_the_inbox_shows_my_notifications_and_the_header_counts_unread(
    login: Callable[[User], Client], coordinator: User, client_head: User
) -> None:
    notify(users=[coordinator], verb="x", text="Quality-assure the final report", url="/")
    notify(users=[client_head], verb="x", text="Somebody else's business", url="/")
    page = login(coordinator).get("/inbox/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Quality-assure the final report" in content
    assert "Somebody else" not in content
    assert 'class="count-badge">1<' in content


def test_opening_a_notification_marks_it_read_and_goes_there(
    login: Callable[[User], Client], coordinator: User, client_head: User
) -> None:
    [note] = notify(users=[coordinator], verb="x", text="Go", url="/inbox/?from=note")
    client = login(coordinator)
    response = client.get(f"/inbox/{note.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/inbox/?from=note"
    note.refresh_from_db()
    assert note.read_at is not None
    [theirs] = notify(users=[client_head], verb="x", text="Theirs", url="/")
    assert client.get(f"/inbox/{theirs.pk}/").status_code == 404


def test_mark_all_read(login: Callable[[User], Client], coordinator: User) -> None:
    notify(users=[coordinator], verb="x", text="One")
    notify(users=[coordinator], verb="x", text="Two")
    response = login(coordinator).post("/inbox/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


@pytest.mark.parametrize("path", ["/inbox/", "/inbox/1/"])
def test_the_inbox_needs_signing_in(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
