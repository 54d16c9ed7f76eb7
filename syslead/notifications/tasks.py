"""Background tasks of the notifications area. Arguments are plain JSON so that the database
backend can store them and a worker (``manage.py db_worker``) can run them later."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(
    to: list[str],
    subject: str,
    body: str,
    html: str = "",
    attachments: list[list[str]] | None = None,
) -> int:
    """Send one e-mail (plain text, with an HTML alternative when given, and text attachments as
    ``[filename, content, mimetype]``, e.g. an .ics invitation); returns how many sent."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    return message.send()
