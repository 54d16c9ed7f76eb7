"""``python manage.py load_schools``: load the register shipped in ``data/`` (idempotent)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from syslead.schools.register import RegisterFileError
from syslead.schools.services import schools_load_register


class Command(BaseCommand):
    help = (
        "Load every open school in England, the Ofsted inspection history and outward-postcode "
        "centroids from the shipped data folder. Re-running updates; it never duplicates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help=f"Folder holding the .csv.gz files (default {settings.SYSLEAD_DATA_DIR}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            counts = schools_load_register(data_dir=options["data_dir"])
        except RegisterFileError as error:
            raise CommandError(f"Nothing loaded: {error}") from error
        for row in counts.record.rejected_rows:
            self.stderr.write(
                f"Rejected line {row['line']} (URN {row['urn'] or '-'}): {row['reason']}"
            )
        self.stdout.write(counts.summary())
        self.stdout.write(f"Took {time.perf_counter() - started:.1f} s.")
