"""``manage.py retention_doc [--check]``: write docs/retention.md from the retention table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from syslead.privacy.retention import retention_markdown


def retention_doc_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "retention.md"


class Command(BaseCommand):
    help = "Write docs/retention.md from syslead/privacy/retention.py (--check: only compare)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if the file differs.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = retention_doc_path()
        text = retention_markdown()
        if options["check"]:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is out of date: run `manage.py retention_doc`.")
            self.stdout.write(f"{path} matches the retention table.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path}.")
