"""Forget the cached term dates of a local authority whenever its dates change."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from syslead.calendars.models import TermDates
from syslead.calendars.school_calendar import forget_term_dates


@receiver(post_save, sender=TermDates)
@receiver(post_delete, sender=TermDates)
def _term_dates_changed(sender: Any, instance: TermDates, **kwargs: Any) -> None:
    forget_term_dates(instance.local_authority)
