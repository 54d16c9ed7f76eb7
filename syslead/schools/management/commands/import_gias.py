"""``python manage.py import_gias PATH``: import or update schools from a GIAS CSV download."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from syslead.schools.gias import GiasFileError
from syslead.schools.services import schools_import_gias


class Command(BaseCommand):
    help = (
        "Import or update schools by URN from a 'Get Information about Schools' CSV download "
        "(e.g. edubasealldata20181029.csv), UTF-8 or Windows-1252, reporting rows added, updated "
        "and rejected with their line and reason. All or nothing: a file refused part-way "
        "imports nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The GIAS CSV file, as downloaded.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = schools_import_gias(actor=None, path=options["path"])
        except GiasFileError as error:
            raise CommandError(f"Nothing imported from {options['path']}: {error}") from error
        for row in result.rejected:
            self.stderr.write(f"Rejected line {row.line} (URN {row.urn or '-'}): {row.reason}")
        if result.rejected_count > len(result.rejected):
            self.stderr.write(
                f"... and {result.rejected_count - len(result.rejected)} more rejected rows "
                "(only the first are listed)."
            )
        self.stdout.write(
            f"Added {result.added}, updated {result.updated}, unchanged {result.unchanged}, "
            f"rejected {result.rejected_count}."
        )
