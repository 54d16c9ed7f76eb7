"""E-mails to people: rendered here, sent in the background by ``tasks.send_email``."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django_tasks import TaskResult

from syslead.notifications.tasks import send_email


def email_enqueue(
    *,
    to: str | list[str],
    subject: str,
    template: str,
    context: Mapping[str, Any],
    attachments: list[tuple[str, str, str]] | None = None,
) -> TaskResult[int]:
    """Render ``<template>.txt`` (and ``<template>.html`` if it exists) and queue the e-mail,
    with text ``attachments`` as ``(filename, content, mimetype)``.

    Rendering happens now, in the request, so the task receives only plain text: nothing that
    needs the database or the request when the worker sends it later.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    body = render_to_string(f"{template}.txt", dict(context))
    html = ""
    with contextlib.suppress(TemplateDoesNotExist):
        html = render_to_string(f"{template}.html", dict(context))
    one_line_subject = " ".join(subject.split())
    files = [list(attachment) for attachment in attachments or []]
    if files:
        return send_email.enqueue(
            to=recipients, subject=one_line_subject, body=body, html=html, attachments=files
        )
    return send_email.enqueue(to=recipients, subject=one_line_subject, body=body, html=html)
