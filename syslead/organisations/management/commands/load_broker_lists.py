"""``python manage.py load_broker_lists``: the lists an administrator sets up brokers from — the
teaching school hubs and alliances shipped in ``data/`` and the local authorities of the school
register (load the register first). Idempotent; all or nothing (docs/going-live.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from syslead.organisations.broker_lists import BrokerListError
from syslead.organisations.services import BrokerListsRefused, known_brokers_load


class Command(BaseCommand):
    help = (
        "Load the teaching school hubs (2025), teaching school alliances (2018) and local "
        "authorities (from the loaded school register) that brokers are set up from. "
        "Re-running updates; it never duplicates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help=f"Folder holding the .csv.gz files (default {settings.SYSLEAD_DATA_DIR}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            loaded = known_brokers_load(data_dir=options["data_dir"])
        except BrokerListsRefused as refused:
            for problem in refused.problems:
                self.stderr.write(f"Rejected {problem}")
            raise CommandError(f"Nothing loaded: {refused}") from refused
        except BrokerListError as error:
            raise CommandError(f"Nothing loaded: {error}") from error
        self.stdout.write(loaded.summary())
        if not loaded.by_source.get("local_authority"):
            self.stdout.write(
                "No local authorities: load the school register first (manage.py load_schools)."
            )
