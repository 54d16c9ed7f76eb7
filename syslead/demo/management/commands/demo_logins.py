"""``python manage.py demo_logins``: who to sign in as in the demo, and the shared password."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from syslead.demo import DEMO_PASSWORD
from syslead.demo.people import FEATURED_EMAILS, demo_accounts, roles_described


class Command(BaseCommand):
    help = "Print the demo logins: role, name, e-mail, and the one demo password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="List every demo account.")

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = demo_accounts()
        if not accounts:
            self.stdout.write("There are no demo accounts yet: run `manage.py load_demo`.")
            return
        shown = accounts if options["all"] else [u for u in accounts if u.email in FEATURED_EMAILS]
        rows = [(roles_described(u) or "No role", u.get_full_name(), u.email) for u in shown]
        headings = ("Role", "Name", "E-mail")
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headings)]

        def line(cells: tuple[str, str, str]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write(f"Demo logins (password for every account: {DEMO_PASSWORD})")
        self.stdout.write(line(headings))
        self.stdout.write(line(("-" * widths[0], "-" * widths[1], "-" * widths[2])))
        for row in rows:
            self.stdout.write(line(row))
        if not options["all"]:
            self.stdout.write(
                f"…and {len(accounts) - len(shown)} more demo accounts with the same password "
                "(`manage.py demo_logins --all` lists them)."
            )
