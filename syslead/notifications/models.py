"""The in-app inbox: one row per thing a person is told about, most often something to do, with a
link straight to where they do it (docs/ux.md: "nothing important is only in an e-mail")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Notification(models.Model):
    """A message in one person's inbox. Reminders carry ``reminder_key`` (the thing reminded
    about) and ``reminded_on`` (the day): the database holds at most one reminder per person per
    thing per day, so running the reminders twice a day sends nothing new."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    verb = models.CharField(max_length=80, help_text='What happened, e.g. "visit.to_agree".')
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True, help_text="Where to act, a site path.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    reminder_key = models.CharField(max_length=120, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["user", "reminder_key", "reminded_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "reminder_key", "reminded_on"],
                condition=~Q(reminder_key=""),
                name="one_reminder_per_thing_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verb} for {self.user_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
