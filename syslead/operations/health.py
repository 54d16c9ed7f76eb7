"""``/health/live`` and ``/health/ready``: anonymous, never cached, and revealing nothing but
whether each check passes (no versions, hosts or error messages)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from syslead.operations.models import Heartbeat
from syslead.operations.tasks import WORKER

logger = logging.getLogger(__name__)

#: Once this process has seen every migration applied, it stays so until it restarts (new code,
#: new migrations, a new process): the migration graph is read from disk only until then.
_migrations_seen_applied = False


def database_reachable() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def migrations_applied() -> bool:
    global _migrations_seen_applied  # noqa: PLW0603 (a per-process memo)
    if _migrations_seen_applied:
        return True
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    _migrations_seen_applied = not plan
    return _migrations_seen_applied


def worker_heartbeat_recent() -> bool:
    limit = dt.timedelta(seconds=settings.SYSLEAD_WORKER_HEARTBEAT_MAX_AGE)
    return Heartbeat.objects.filter(name=WORKER, seen_at__gte=timezone.now() - limit).exists()


#: The readiness checks, in order; after a failing database the others are not tried.
CHECKS: dict[str, Callable[[], bool]] = {
    "database": database_reachable,
    "migrations": migrations_applied,
    "worker": worker_heartbeat_recent,
}


def run_checks() -> dict[str, str]:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        if results.get("database") == "failing":
            results[name] = "failing"
            continue
        try:
            passed = bool(check())
        except Exception:  # any failure is "failing"; the detail goes to the log only
            logger.warning("Readiness check %s raised", name, exc_info=True)
            passed = False
        results[name] = "ok" if passed else "failing"
    return results


@require_safe
@never_cache
def live(request: HttpRequest) -> JsonResponse:
    """The process answers (no database)."""
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def ready(request: HttpRequest) -> JsonResponse:
    """The database answers, every migration is applied, and a task worker ran recently."""
    results = run_checks()
    if all(value == "ok" for value in results.values()):
        return JsonResponse({"status": "ok"})
    return JsonResponse({"status": "unavailable", "checks": results}, status=503)
