"""Logs as one JSON object per line, each carrying the request id of the request it belongs to.

The request id lives in a context variable: the request-log middleware sets it for the request;
tasks enqueued meanwhile store it beside their arguments (see ``tasks_backend``), and the task
worker sets it again while it runs that task, so the task's log lines carry the same id."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from contextvars import ContextVar
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("syslead_request_id", default=None)

#: An incoming ``X-Request-ID`` is kept only if it looks like an id: letters, digits and a few
#: separators, at most 128 characters. Anything else (spaces, quotes, very long) is replaced.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:=+-]{0,127}$")

#: Attributes a log record may carry (``extra=``) that the JSON line includes, in this order.
FIELDS = (
    "request_id",
    "user_id",
    "method",
    "path",
    "status",
    "duration_ms",
    "task_id",
    "task",
)


def request_id_from(header: str | None) -> str:
    """The incoming id if it is sane, else a new random one."""
    if header and SANE_REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Put the current request id on every record (None outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", ...FIELDS present, "exception"?}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                line[field] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def _task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """In the task worker: the task runs under the request id stored when it was enqueued."""
    db_result = getattr(task_result, "db_result", None)
    if db_result is None:  # run at once in the web process: the request's id is already set
        return
    stored = db_result.args_kwargs.get("request_id")
    request_id_var.set(stored if isinstance(stored, str) else None)


def _task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if getattr(task_result, "db_result", None) is not None:
        request_id_var.set(None)


def connect_task_signals() -> None:
    """Set the request id before django-tasks logs "Task ... RUNNING", clear it after it logs
    the outcome: receivers run in the order they were connected."""
    from django_tasks.signals import log_task_started, task_finished, task_started

    task_started.disconnect(log_task_started)
    task_started.connect(_task_started, dispatch_uid="syslead_request_id_started")
    task_started.connect(log_task_started)
    task_finished.connect(_task_finished, dispatch_uid="syslead_request_id_finished")
