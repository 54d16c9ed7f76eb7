"""Reminders: each business area says what is outstanding on a given day (a ``Reminder`` per
thing, naming who must act); this module puts each in the inbox and e-mails it, at most once per
person per thing per day and then again only every ``REMIND_EVERY`` days while it is outstanding.

Run daily by ``manage.py send_reminders`` (cron) or the ``send_reminders_task`` background task.
Every source takes ``today`` so tests can move the calendar without patching the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from syslead.notifications.inbox import notify
from syslead.notifications.models import Notification

if TYPE_CHECKING:
    from syslead.accounts.models import User

#: While a thing stays outstanding, remind the same person again after this many days.
REMIND_EVERY = dt.timedelta(days=7)

#: Where reminders come from: functions ``source(today) -> Iterable[Reminder]``.
REMINDER_SOURCES: list[str] = [
    "syslead.visits.reminders.notes_not_agreed",
    "syslead.visits.reminders.agreements_without_visits",
    "syslead.evaluation.reminders.feedback_due",
    "syslead.evaluation.reminders.evaluations_due",
    "syslead.evaluation.reminders.sip_views_due",
    "syslead.alliances.reminders.mou_reviews",
    "syslead.brokering.reminders.approaches_to_answer",
    "syslead.brokering.reminders.approaches_expired",
]


@dataclass(frozen=True)
class Reminder:
    """Something outstanding: ``key`` names the thing (e.g. ``visit:12:agree``)."""

    key: str
    users: list[Any]
    verb: str
    text: str
    url: str
    subject: str = ""
    detail: str = ""


def _reminded_recently(user: User, key: str, today: dt.date) -> bool:
    return Notification.objects.filter(
        user=user, reminder_key=key, reminded_on__gt=today - REMIND_EVERY, reminded_on__lte=today
    ).exists()


def deliver(reminders: Iterable[Reminder], today: dt.date) -> int:
    """Put each reminder in its people's inboxes and e-mail them, unless they were reminded of the
    same thing recently; returns how many were sent."""
    sent = 0
    for reminder in reminders:
        for user in reminder.users:
            if _reminded_recently(user, reminder.key, today):
                continue
            try:
                with transaction.atomic():
                    sent += len(
                        notify(
                            users=[user],
                            verb=reminder.verb,
                            text=reminder.text,
                            url=reminder.url,
                            subject=reminder.subject or None,
                            detail=reminder.detail,
                            reminder_key=reminder.key,
                            reminded_on=today,
                        )
                    )
            except IntegrityError:  # another run reminded them today
                continue
    return sent


def send_reminders(today: dt.date, sources: list[str] | None = None) -> int:
    """Send every area's reminders for ``today``; idempotent within the day."""
    total = 0
    for path in sources if sources is not None else REMINDER_SOURCES:
        source: Callable[[dt.date], Iterable[Reminder]] = import_string(path)
        total += deliver(list(source(today)), today)
    return total


@task()
def send_reminders_task(today: str | None = None) -> int:
    """The daily reminders in the background (``today`` as YYYY-MM-DD; default: today)."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return send_reminders(day)
