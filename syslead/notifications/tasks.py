"""Background tasks of the notifications area. Arguments are plain JSON so that the database
backend can store them and a worker (``manage.py db_worker``) can run them later."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(to: list[str], subject: str, body: str, html: str = "") -> int:
    """Send one e-mail (plain text, with an HTML alternative when given); returns how many sent."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
