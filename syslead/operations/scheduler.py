"""The periodic jobs, and how a scheduler enqueues each run exactly once.

``manage.py run_scheduler`` loops over :data:`JOBS`; for each job whose time has come it claims the
run (a :class:`ScheduledRun` row, unique per job and slot) and enqueues the job's task in the same
transaction. A second scheduler, or the same one after a restart, finds the run already claimed
and enqueues nothing, so running two schedulers (or a cron line beside one) is safe. The task
workers do the work; the scheduler only enqueues."""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from syslead.operations.models import ScheduledRun

#: Claims older than this are deleted (they only guard against a second run of the same slot).
KEEP_CLAIMS = dt.timedelta(days=3)


@dataclass(frozen=True)
class Job:
    name: str
    task_path: str
    #: Run every so many seconds (slots are numbered from the epoch) ...
    every_seconds: int | None = None
    #: ... or once a day, at or after this local time (a scheduler started later still runs it).
    daily_at: dt.time | None = None
    #: Do not enqueue another run while one is still waiting in the queue (no worker running).
    skip_if_waiting: bool = False

    def slot(self, now: dt.datetime) -> str | None:
        """Which run is due at ``now`` (None: not yet today)."""
        if self.every_seconds:
            return str(int(now.timestamp()) // self.every_seconds)
        assert self.daily_at is not None
        local = timezone.localtime(now)
        return local.date().isoformat() if local.time() >= self.daily_at else None

    def kwargs(self, slot: str) -> dict[str, Any]:
        """The daily jobs' tasks are told which day they run for."""
        return {"today": slot} if self.daily_at is not None else {}


def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def jobs() -> list[Job]:
    return [
        Job(
            "worker-heartbeat",
            "syslead.operations.tasks.heartbeat",
            every_seconds=settings.SYSLEAD_HEARTBEAT_EVERY_SECONDS,
            skip_if_waiting=True,
        ),
        Job(
            "reminders",
            "syslead.notifications.reminders.send_reminders_task",
            daily_at=_time(settings.SYSLEAD_REMINDERS_AT),
        ),
        Job(
            "retention",
            "syslead.privacy.retention_run.apply_retention_task",
            daily_at=_time(settings.SYSLEAD_RETENTION_AT),
        ),
    ]


def scheduler_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def _waiting(job: Job) -> bool:
    """A run of this job is still in the database queue, not started."""
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends["default"], DatabaseBackend):
        return False
    return DBTaskResult.objects.ready().filter(task_path=job.task_path).exists()


def run_due_jobs(now: dt.datetime, *, only: list[Job] | None = None) -> list[str]:
    """Claim and enqueue every job due at ``now`` that no scheduler has claimed yet; the names
    of those this call enqueued."""
    enqueued: list[str] = []
    for job in only if only is not None else jobs():
        slot = job.slot(now)
        if slot is None or ScheduledRun.objects.filter(job=job.name, slot=slot).exists():
            continue
        if job.skip_if_waiting and _waiting(job):
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(
                    job=job.name, slot=slot, claimed_at=now, claimed_by=scheduler_name()
                )
                import_string(job.task_path).enqueue(**job.kwargs(slot))
        except IntegrityError:  # another scheduler claimed this run first
            continue
        enqueued.append(job.name)
    if enqueued:
        ScheduledRun.objects.filter(claimed_at__lt=now - KEEP_CLAIMS).delete()
    return enqueued
