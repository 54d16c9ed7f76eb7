"""``python manage.py import_ofsted PATH``: import newer Ofsted inspections (docs/impact.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from syslead.schools.ofsted_file import OfstedFileError
from syslead.schools.services import schools_import_ofsted


class Command(BaseCommand):
    help = (
        "Add or correct graded Ofsted inspections from a file in Ofsted's published CSV layout "
        "(the monthly management information: URN, 'Inspection start date', 'Overall "
        "effectiveness'), or the shipped history's (URN, Rating, 'Inspection Date'), plain or "
        "gzip. Reports inspections added, updated and unchanged, rows kept apart (no single "
        "overall grade: ungraded, or the report-card era from September 2025) and rows rejected "
        "with their line and reason. All or nothing: a file refused part-way imports nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The Ofsted CSV file, as downloaded.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = schools_import_ofsted(actor=None, path=options["path"])
        except OfstedFileError as error:
            raise CommandError(f"Nothing imported from {options['path']}: {error}") from error
        for row in result.rejected:
            self.stderr.write(f"Rejected line {row.line} (URN {row.urn or '-'}): {row.reason}")
        if result.rejected_count > len(result.rejected):
            self.stderr.write(
                f"... and {result.rejected_count - len(result.rejected)} more rejected rows "
                "(only the first are listed)."
            )
        if result.kept_apart_count:
            self.stdout.write(
                f"Kept apart {result.kept_apart_count} rows without a single overall grade, "
                f"for example line {result.kept_apart[0].line}: {result.kept_apart[0].reason}"
            )
        self.stdout.write(f"{result.layout}: {result.summary()}")
