"""``manage.py run_scheduler [--once]``: enqueue the periodic jobs (worker heartbeat every 30
seconds, reminders and retention once a day) when they are due; safe to run twice."""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from syslead.operations.scheduler import run_due_jobs

logger = logging.getLogger("syslead.scheduler")


class Command(BaseCommand):
    help = "Enqueue the periodic jobs when they are due (a loop; --once for one pass)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One pass, then exit (cron).")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between passes (default 5)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.running = True
        self.verbosity = int(options["verbosity"])
        if options["once"]:
            self._pass()
            return
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        logger.info("Scheduler started")
        while self.running:
            close_old_connections()
            try:
                self._pass()
            except Exception:  # a database blip must not end the scheduler; next pass retries
                logger.exception("Scheduler pass failed")
            close_old_connections()
            deadline = time.monotonic() + options["interval"]
            while self.running and time.monotonic() < deadline:
                time.sleep(0.2)
        logger.info("Scheduler stopped")

    def _pass(self) -> None:
        for name in run_due_jobs(timezone.now()):
            logger.info("Enqueued %s", name)
            if self.verbosity > 1:
                self.stdout.write(f"Enqueued {name}")

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.running = False
