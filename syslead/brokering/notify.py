"""E-mails about brokering: through the notifications area's ``email_enqueue`` when it is there,
otherwise rendered here and sent by this area's own background task. Always after the
transaction commits, so a refused change sends nothing."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from syslead.brokering.tasks import send_brokering_email


def _send_now(to: list[str], subject: str, template: str, context: Mapping[str, Any]) -> None:
    try:
        notifications = importlib.import_module("syslead.notifications.services")
    except ImportError:
        notifications = None
    enqueue = getattr(notifications, "email_enqueue", None)
    if enqueue is not None:
        enqueue(to=to, subject=subject, template=template, context=dict(context))
        return
    body = render_to_string(f"{template}.txt", dict(context))
    send_brokering_email.enqueue(to=to, subject=" ".join(subject.split()), body=body)


def email_after_commit(
    *, to: str | list[str], subject: str, template: str, context: Mapping[str, Any]
) -> None:
    """Queue an e-mail once the surrounding transaction commits (at once outside one)."""
    recipients = [to] if isinstance(to, str) else [address for address in to if address]
    if not recipients:
        return
    context = {"site_url": settings.SITE_URL, **context}
    transaction.on_commit(lambda: _send_now(recipients, subject, template, context))
