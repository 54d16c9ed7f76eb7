"""Background tasks of reports: arguments are plain JSON so the database backend can store them
and ``manage.py db_worker`` can run them later."""

from __future__ import annotations

from django_tasks import task


@task()
def build_annual_report(report_id: int) -> str:
    """Make one annual report, its PDF and workbook (the page shows its status while it works)."""
    from syslead.reports.annual import annual_report_build

    return str(annual_report_build(report_id).status)
