"""``manage.py apply_retention [--date YYYY-MM-DD] [--dry-run]``: apply the retention schedule
(run it daily, as ``send_reminders`` is)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from syslead.privacy.retention import RULES_BY_KEY
from syslead.privacy.retention_run import apply_retention


class Command(BaseCommand):
    help = "Delete or anonymise what the retention schedule says is due; record what was done."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what is due; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        result = apply_retention(today, dry_run=options["dry_run"])
        verb = "Would change" if options["dry_run"] else "Changed"
        self.stdout.write(
            f"Retention schedule for {today:%Y-%m-%d}: {verb} {result.total} records."
        )
        for key, count in result.counts.items():
            rule = RULES_BY_KEY[key]
            held = result.held.get(key, 0)
            line = f"  {key}: {count} ({rule.action})"
            if held:
                line += f", {held} held for live work"
            self.stdout.write(line)
