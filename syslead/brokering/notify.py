"""E-mails about brokering, queued through the notifications area's ``email_enqueue`` once the
transaction commits, so a refused change sends nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction

from syslead.notifications.services import email_enqueue


def email_after_commit(
    *, to: str | list[str], subject: str, template: str, context: Mapping[str, Any]
) -> None:
    """Queue an e-mail once the surrounding transaction commits (at once outside one)."""
    recipients = [to] if isinstance(to, str) else [address for address in to if address]
    if not recipients:
        return
    context = {"site_url": settings.SITE_URL, **context}
    transaction.on_commit(
        lambda: email_enqueue(to=recipients, subject=subject, template=template, context=context)
    )
