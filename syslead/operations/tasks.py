"""The task worker's heartbeat: the scheduler enqueues it every 30 seconds; whichever worker
runs it records the time, which ``/health/ready`` reads."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from syslead.operations.models import Heartbeat

WORKER = "worker"
#: Finished heartbeat tasks older than this are deleted as new ones run (they say nothing).
KEEP_FINISHED = dt.timedelta(hours=1)


@task()
def heartbeat() -> str:
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=WORKER, defaults={"seen_at": now})
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(
        task_path=heartbeat.module_path, finished_at__lt=now - KEEP_FINISHED
    ).delete()
    return now.isoformat()
