"""Background tasks of the privacy area: arguments are plain JSON so the database backend can
store them and ``manage.py db_worker`` can run them later. The daily retention run is
``syslead.privacy.retention_run.apply_retention_task`` (beside the function it runs, as the
reminders' task is)."""

from __future__ import annotations

from django_tasks import task


@task()
def build_subject_access_export(export_id: int) -> str:
    """Make one subject access export (the export shows how far it has got while it works)."""
    from syslead.privacy.subject_access import export_build

    return str(export_build(export_id).status)
