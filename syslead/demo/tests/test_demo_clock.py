"""The demo's clock: what a step writes is dated on the step's day; nothing else moves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.events import event_record
from syslead.core.models import Event
from syslead.demo.clock import Clock
from syslead.notifications.inbox import notify
from syslead.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _event(user: User, verb: str) -> Event:
    return event_record(actor=None, subject=user, verb=verb)


def test_a_step_is_dated_on_its_day_and_nothing_else_moves(stranger: User) -> None:
    today = timezone.localdate()
    clock = Clock(today)
    before = _event(stranger, "before")
    with clock.on(today - dt.timedelta(days=30), 11) as long_ago:
        during = _event(stranger, "during")
        notify(users=[stranger], verb="old", text="Something that happened a month ago")
    with clock.on(today - dt.timedelta(days=2), 9) as lately:
        notify(users=[stranger], verb="new", text="Something to do now")
    after = _event(stranger, "after")
    stamps = {e.pk: e.created_at for e in (before, after)}
    clock.settle()

    during.refresh_from_db()
    assert during.created_at == long_ago
    assert timezone.localtime(long_ago).hour == 11
    for event in (before, after):
        event.refresh_from_db()
        assert event.created_at == stamps[event.pk]
    old = Notification.objects.get(verb="old")
    assert old.created_at == long_ago
    assert old.read_at == long_ago  # read at the time
    new = Notification.objects.get(verb="new")
    assert new.created_at == lately
    assert new.read_at is None  # still waiting for the person


def test_a_moment_is_never_later_than_now() -> None:
    clock = Clock(timezone.localdate())
    assert clock.moment(timezone.localdate() + dt.timedelta(days=3)) <= timezone.now()
