"""A task enqueued during a request runs, in the worker, under that request's id: its log lines
(django-tasks' "started" and "finished", and the task's own) carry the same request id."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from syslead.operations.logs import request_id_var
from syslead.operations.middleware import RequestLogMiddleware
from syslead.operations.tasks import heartbeat
from syslead.operations.tests.test_request_log import Lines

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "syslead.operations.tasks_backend.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings: Any) -> None:
    settings.TASKS = DATABASE_QUEUE


@pytest.fixture
def task_lines() -> Iterator[Lines]:
    handler = Lines()
    loggers = [logging.getLogger("django_tasks"), logging.getLogger("django_tasks_db")]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def _request_that_enqueues(request_id: str | None = None) -> HttpResponse:
    def view(request: HttpRequest) -> HttpResponse:
        heartbeat.enqueue()
        return HttpResponse("queued")

    headers = {"X-Request-ID": request_id} if request_id else {}
    response = RequestLogMiddleware(view)(RequestFactory().get("/queue", headers=headers))
    assert isinstance(response, HttpResponse)
    return response


def _run_in_worker(row: DBTaskResult) -> None:
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    row.claim(worker.worker_id)
    worker.run_task(row)


def test_a_task_enqueued_in_a_request_stores_the_request_id(database_queue: None) -> None:
    response = _request_that_enqueues()
    row = DBTaskResult.objects.get()
    assert row.args_kwargs["request_id"] == response["X-Request-ID"]
    assert row.task_result.args == []
    assert row.task_result.kwargs == {}


def test_the_worker_logs_the_task_under_the_request_id(
    database_queue: None, task_lines: Lines
) -> None:
    _request_that_enqueues("req-from-the-balancer-42")
    row = DBTaskResult.objects.get()
    assert request_id_var.get() is None  # the request is over

    _run_in_worker(row)

    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    lines = task_lines.json()
    states = [
        line["message"].rsplit("state=", 1)[-1] for line in lines if "state=" in line["message"]
    ]
    assert states == ["RUNNING", "SUCCESSFUL"]
    assert {line.get("request_id") for line in lines} == {"req-from-the-balancer-42"}
    assert request_id_var.get() is None  # the next task starts clean


def test_a_task_enqueued_outside_a_request_has_no_request_id(
    database_queue: None, task_lines: Lines
) -> None:
    heartbeat.enqueue()
    row = DBTaskResult.objects.get()
    assert "request_id" not in row.args_kwargs
    _run_in_worker(row)
    assert all("request_id" not in line for line in task_lines.json())


def test_a_task_run_at_once_in_the_request_keeps_the_request_id(task_lines: Lines) -> None:
    response = _request_that_enqueues("immediate-run-7")  # tests run tasks at once
    assert response["X-Request-ID"] == "immediate-run-7"
    lines = task_lines.json()
    assert lines
    assert {line.get("request_id") for line in lines} == {"immediate-run-7"}
