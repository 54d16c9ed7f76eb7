"""The leavers' clock: an account saved inactive starts it, an account made active again stops
it (the retention run also starts it for inactive accounts changed without a save)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from syslead.accounts.models import User
from syslead.privacy.models import AccountDeparture


@receiver(post_save, sender=User, dispatch_uid="privacy_departure_clock")
def departure_clock(sender: Any, instance: User, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    if instance.is_active:
        AccountDeparture.objects.filter(user=instance).delete()
    else:
        AccountDeparture.objects.get_or_create(
            user=instance, defaults={"deactivated_at": timezone.now()}
        )
