"""``manage.py send_reminders [--date YYYY-MM-DD]``: send today's reminders (run it daily)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from syslead.notifications.reminders import send_reminders


class Command(BaseCommand):
    help = "Send reminders for notes of visit, feedback, evaluations and quiet agreements."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        sent = send_reminders(today)
        self.stdout.write(f"Sent {sent} reminder{'s' if sent != 1 else ''} for {today:%Y-%m-%d}.")
