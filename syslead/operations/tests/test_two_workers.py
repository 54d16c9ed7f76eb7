"""Two task workers on one PostgreSQL queue run every task exactly once (each claims a task
with SELECT ... FOR UPDATE SKIP LOCKED before running it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from conftest import only_on_postgresql
from syslead.operations.models import ScheduledRun
from syslead.operations.tests.worker_tasks import record_run

ROOT = Path(__file__).resolve().parents[3]
TASKS = 40


@only_on_postgresql("FOR UPDATE SKIP LOCKED on the task row")
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_run_each_task_exactly_once(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "syslead.operations.tasks_backend.DatabaseBackend"}}
    for number in range(TASKS):
        record_run.enqueue(number)

    database = connection.settings_dict
    env = {
        key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "SENTRY_DSN"}
    }
    credentials = quote(database["USER"]) + (
        f":{quote(database['PASSWORD'])}" if database.get("PASSWORD") else ""
    )
    env["DATABASE_URL"] = (
        f"postgres://{credentials}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    )
    command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--interval",
        "0",
        "--no-reload",
    ]
    workers = [
        subprocess.Popen(
            [*command, "--worker-id", f"worker-{n}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for n in (1, 2)
    ]
    for worker in workers:
        _, errors = worker.communicate(timeout=60)
        assert worker.returncode == 0, errors.decode()[-2000:]

    results = list(DBTaskResult.objects.all())
    assert len(results) == TASKS
    assert {result.status for result in results} == {"SUCCESSFUL"}
    assert all(len(result.worker_ids) == 1 for result in results)
    runs = ScheduledRun.objects.filter(job="two-workers-test")
    assert sorted(int(slot) for slot in runs.values_list("slot", flat=True)) == list(range(TASKS))
    assert runs.count() == TASKS
