"""The scheduler enqueues each periodic job once per run, whoever asks: a second pass, a second
scheduler or a restart finds the run claimed and enqueues nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from conftest import only_on_postgresql, race
from syslead.operations.models import Heartbeat, ScheduledRun
from syslead.operations.scheduler import KEEP_CLAIMS, Job, jobs, run_due_jobs

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DATABASE_QUEUE = {"default": {"BACKEND": "syslead.operations.tasks_backend.DatabaseBackend"}}


def at(hour: int, minute: int = 0, day: int = 3) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def database_queue(settings: Any) -> None:
    settings.TASKS = DATABASE_QUEUE


def queued() -> list[str]:
    return sorted(
        path.rsplit(".", 1)[-1] for path in DBTaskResult.objects.values_list("task_path", flat=True)
    )


def test_the_jobs_are_the_heartbeat_reminders_and_retention() -> None:
    assert {job.name for job in jobs()} == {"worker-heartbeat", "reminders", "retention"}


def test_after_seven_every_job_is_enqueued_once_for_the_day(database_queue: None) -> None:
    assert sorted(run_due_jobs(at(7, 30))) == ["reminders", "retention", "worker-heartbeat"]
    assert queued() == ["apply_retention_task", "heartbeat", "send_reminders_task"]
    reminders = DBTaskResult.objects.get(task_path__endswith="send_reminders_task")
    assert reminders.task_result.kwargs == {"today": "2026-12-03"}


def test_a_second_pass_in_the_same_slot_enqueues_nothing(database_queue: None) -> None:
    run_due_jobs(at(7, 30))
    assert run_due_jobs(at(7, 30)) == []
    assert run_due_jobs(at(9, 0)) == []  # the heartbeat still waits in the queue
    assert len(queued()) == 3


def test_before_its_time_a_daily_job_waits(database_queue: None) -> None:
    assert run_due_jobs(at(2, 0)) == ["worker-heartbeat"]
    assert run_due_jobs(at(3, 0)) == ["retention"]
    assert run_due_jobs(at(8, 0)) == ["reminders"]


def test_the_next_day_the_daily_jobs_run_again(database_queue: None) -> None:
    run_due_jobs(at(7, 30))
    DBTaskResult.objects.all().delete()
    assert sorted(run_due_jobs(at(7, 30, day=4))) == ["reminders", "retention", "worker-heartbeat"]


def test_a_heartbeat_is_not_piled_up_while_one_waits_for_a_worker(database_queue: None) -> None:
    heartbeat = Job("worker-heartbeat", "syslead.operations.tasks.heartbeat", 30, None, True)
    assert run_due_jobs(at(10, 0), only=[heartbeat]) == ["worker-heartbeat"]
    assert run_due_jobs(at(10, 1), only=[heartbeat]) == []
    DBTaskResult.objects.update(status="SUCCESSFUL")
    assert run_due_jobs(at(10, 2), only=[heartbeat]) == ["worker-heartbeat"]


def test_old_claims_are_deleted_as_new_ones_are_made(database_queue: None) -> None:
    run_due_jobs(at(7, 30))
    DBTaskResult.objects.all().delete()
    later = at(7, 30) + KEEP_CLAIMS + dt.timedelta(days=1)
    run_due_jobs(later)
    assert ScheduledRun.objects.filter(claimed_at__lt=later - KEEP_CLAIMS).count() == 0
    assert ScheduledRun.objects.count() == 3


def test_run_scheduler_once_enqueues_and_the_tasks_run(settings: Any) -> None:
    """Tests run tasks at once: the heartbeat task records the worker's time."""
    call_command("run_scheduler", "--once")
    assert Heartbeat.objects.filter(name="worker").exists()
    assert ScheduledRun.objects.filter(job="worker-heartbeat").count() == 1


@only_on_postgresql("the unique (job, slot) claim")
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_enqueue_each_run_once(settings: Any) -> None:
    settings.TASKS = DATABASE_QUEUE
    now = at(7, 30)
    outcomes = race([lambda: run_due_jobs(now) for _ in range(4)])
    assert outcomes == ["ok"] * 4
    assert queued() == ["apply_retention_task", "heartbeat", "send_reminders_task"]
    assert ScheduledRun.objects.count() == 3
