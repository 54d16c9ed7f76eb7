"""A task for the two-worker test: each run claims its number, so a second run of the same task
would fail on the unique (job, slot) pair instead of passing unnoticed."""

from __future__ import annotations

import os
import time

from django_tasks import task

from syslead.operations.models import ScheduledRun


@task()
def record_run(number: int) -> int:
    time.sleep(0.05)  # long enough for the other worker to be picking tasks meanwhile
    ScheduledRun.objects.create(
        job="two-workers-test", slot=str(number), claimed_by=str(os.getpid())
    )
    return number
