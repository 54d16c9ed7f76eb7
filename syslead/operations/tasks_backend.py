"""The database task queue (django-tasks-db), storing the request id of the request that
enqueued a task beside its arguments, so the worker's log lines for it carry the same id."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django_tasks_db.backend import DatabaseBackend as BaseDatabaseBackend
from django_tasks_db.compat import normalize_json

from syslead.operations.logs import request_id_var

if TYPE_CHECKING:
    from django_tasks_db.models import DBTaskResult


def stored_arguments(args: Any, kwargs: Any) -> dict[str, Any]:
    """What goes in the task row's ``args_kwargs``: the arguments, and the request id if any
    (django-tasks-db reads only ``args`` and ``kwargs`` from it)."""
    stored: dict[str, Any] = normalize_json({"args": args, "kwargs": kwargs})
    request_id = request_id_var.get()
    if request_id:
        stored["request_id"] = request_id
    return stored


class DatabaseBackend(BaseDatabaseBackend):
    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> DBTaskResult[Any, Any]:
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.create(
            id=self._get_id(),
            args_kwargs=stored_arguments(args, kwargs),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )

    async def _atask_to_db_task(self, task: Any, args: Any, kwargs: Any) -> DBTaskResult[Any, Any]:
        from django_tasks_db.models import DBTaskResult

        return await DBTaskResult.objects.acreate(
            id=self._get_id(),
            args_kwargs=stored_arguments(args, kwargs),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )
