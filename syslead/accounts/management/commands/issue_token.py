"""``manage.py issue_token EMAIL``: print a new API bearer token for that user, alone on stdout."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from syslead.accounts.selectors import user_for_email
from syslead.accounts.services import api_token_issue
from syslead.core.exceptions import RuleViolation


class Command(BaseCommand):
    help = (
        "Issue a new API token for the user with this e-mail address and print it as the only "
        "line on stdout. The token acts with exactly that user's permissions until it expires."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The user's e-mail address.")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="How many days the token works (default: the SYSLEAD_API_TOKEN_DAYS setting, 90).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email: str = options["email"]
        user = user_for_email(email)
        if user is None:
            raise CommandError(f"No user has the e-mail address {email}.")
        try:
            raw = api_token_issue(actor=None, user=user, days=options["days"])
        except RuleViolation as exc:
            raise CommandError(exc.message) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(raw)
