"""Telling people what to do: a row in their in-app inbox and an e-mail through the task worker
(docs/ux.md: "E-mails say what to do and link straight to it; nothing important is only in an
e-mail"). Areas call ``notify`` inside their service's transaction: the inbox rows are written
with the change, the e-mails are queued only once it commits, so a refused change tells nobody.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from syslead.notifications.models import Notification
from syslead.notifications.services import email_enqueue

if TYPE_CHECKING:
    from syslead.accounts.models import User

EMAIL_TEMPLATE = "notifications/email/notification"


def _people(users: Iterable[Any]) -> list[Any]:
    """Each active person once, in the order given."""
    seen: set[int] = set()
    people = []
    for user in users:
        if user is None or not getattr(user, "is_active", False) or user.pk in seen:
            continue
        seen.add(user.pk)
        people.append(user)
    return people


def _queue_emails(people: list[Any], subject: str, text: str, url: str, detail: str) -> None:
    link = f"{settings.SITE_URL}{url}" if url.startswith("/") else url
    for person in people:
        if not person.email:
            continue
        email_enqueue(
            to=person.email,
            subject=subject,
            template=EMAIL_TEMPLATE,
            context={"name": person.get_short_name(), "text": text, "detail": detail, "link": link},
        )


def notify(
    *,
    users: Iterable[Any],
    verb: str,
    text: str,
    url: str = "",
    subject: str | None = None,
    detail: str = "",
    email: bool = True,
    reminder_key: str = "",
    reminded_on: dt.date | None = None,
) -> list[Notification]:
    """Put ``text`` (linking to ``url``) in each person's inbox and, once the transaction commits,
    e-mail each of them separately (nobody sees another's address)."""
    people = _people(users)
    if not people:
        return []
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user=person,
                verb=verb,
                text=text[:300],
                url=url,
                reminder_key=reminder_key,
                reminded_on=reminded_on,
            )
            for person in people
        ]
    )
    if email:
        mail_subject = subject or text
        transaction.on_commit(lambda: _queue_emails(people, mail_subject, text, url, detail))
    return rows


# --- Reading and marking -----------------------------------------------------------------------


def inbox_for(user: User) -> QuerySet[Notification]:
    """The person's notifications, newest first."""
    return Notification.objects.filter(user=user)


def unread_count(user: User | AnonymousUser | None) -> int:
    if user is None or not user.is_authenticated:  # nobody, or nobody signed in
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_for_user(user: User, notification_id: int) -> Notification:
    """One of the person's own notifications; 404 for anyone else's."""
    return get_object_or_404(Notification, pk=notification_id, user=user)


def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of your own notifications read (only its owner reads it)."""
    if notification.user_id != actor.pk:
        raise PermissionError("Only its owner reads a notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the person read; returns how many."""
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
