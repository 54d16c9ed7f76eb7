"""Background tasks of brokering: arguments are plain JSON so the database backend can store them
and ``manage.py db_worker`` can run them later."""

from __future__ import annotations

from django_tasks import task


@task()
def run_allocation(run_id: int, request_ids: list[int] | None = None) -> str:
    """Compute a batch allocation's draft matches (the run shows its status while it works)."""
    from syslead.brokering.allocation import allocation_execute

    run = allocation_execute(run_id, request_ids)
    return str(run.status)
