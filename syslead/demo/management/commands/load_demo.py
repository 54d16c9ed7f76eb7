"""``python manage.py load_demo``: the school register, three real brokers, about 150 synthetic
people at real schools, their system leaders and a year of casework. Safe to run again: it adds
only what is missing."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from syslead.demo import DEMO_PASSWORD
from syslead.demo.builder import build_demo
from syslead.demo.organisations import DemoDataError
from syslead.schools.register import RegisterFileError


class Command(BaseCommand):
    help = "Load the demonstration data (idempotent). `demo_logins` lists who to sign in as."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir", type=Path, default=None, help="Folder of the shipped .csv.gz files."
        )
        parser.add_argument(
            "--skip-register",
            action="store_true",
            help="Do not reload the school register (use the schools already loaded).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            build = build_demo(
                data_dir=options["data_dir"], load_register=not options["skip_register"]
            )
        except (RegisterFileError, DemoDataError) as error:
            raise CommandError(f"The demo was not loaded: {error}") from error
        people = build.people
        self.stdout.write(build.register_summary)
        self.stdout.write(f"Organisations: {', '.join(o.name for o in build.organisations.all())}.")
        self.stdout.write(
            f"People: {len(people.plans) + 1} in the demo, {people.created} added now. "
            f"Every demo account's password is {DEMO_PASSWORD}."
        )
        if build.casework is not None:
            self.stdout.write(build.casework.summary())
        if build.alliance is not None:
            self.stdout.write(build.alliance.summary())
        self.stdout.write(f"Took {time.perf_counter() - started:.1f} s.")
