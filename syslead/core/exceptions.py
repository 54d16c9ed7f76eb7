"""Errors services raise: the web UI shows them in the page, the API maps them to statuses."""

from __future__ import annotations


class RuleViolation(Exception):
    """A business rule refuses the change (capacity, exclusivity, state, eligibility): HTTP 409."""

    def __init__(self, message: str, *, rule: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule

    def __str__(self) -> str:
        return self.message


class NotAllowed(Exception):
    """The person is known but may not do this: HTTP 403."""

    def __init__(self, message: str = "You are not allowed to do that.") -> None:
        super().__init__(message)
        self.message = message
