"""Record and read the audit trail (see ``core.models.Event``)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from syslead.core.models import Event


def event_record(
    *,
    actor: Any,
    subject: models.Model,
    verb: str,
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """Write one timeline row; call it inside the service's transaction."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return Event.objects.create(
        actor=user,
        verb=verb,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        summary=summary[:300],
        data=data or {},
    )


def events_for(subject: models.Model) -> QuerySet[Event]:
    """The timeline of one record, oldest first."""
    return Event.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
    ).select_related("actor")
