"""What running Syslead as a service needs in the database: the task worker's heartbeat, and the
scheduler's claims on each run of a periodic job (so two schedulers never run one job twice)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Heartbeat(models.Model):
    """The last time a background process showed it was alive (``worker``: a task ran)."""

    name = models.CharField(primary_key=True, max_length=40)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} seen at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class ScheduledRun(models.Model):
    """One run of a periodic job, claimed by the scheduler that enqueued it. The pair (job, slot)
    is unique: a second scheduler trying to claim the same run fails and enqueues nothing."""

    job = models.CharField(max_length=60)
    #: Which run: the day (YYYY-MM-DD) for a daily job, the interval's number for a frequent one.
    slot = models.CharField(max_length=40)
    claimed_at = models.DateTimeField(default=timezone.now, db_index=True)
    #: host:pid of the scheduler that claimed it.
    claimed_by = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="operations_one_run_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.slot}"
