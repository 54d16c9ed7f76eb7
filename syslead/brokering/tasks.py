"""Background tasks of brokering: arguments are plain JSON so the database backend can store them
and ``manage.py db_worker`` can run them later."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_brokering_email(to: list[str], subject: str, body: str) -> int:
    """Send one plain-text e-mail (used only when the notifications area offers no sender)."""
    return EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    ).send()


@task()
def run_allocation(run_id: int, request_ids: list[int] | None = None) -> str:
    """Compute a batch allocation's draft matches (the run shows its status while it works)."""
    from syslead.brokering.allocation import allocation_execute

    run = allocation_execute(run_id, request_ids)
    return str(run.status)
