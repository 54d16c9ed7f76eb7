"""Errors services raise: the web UI shows them in the page, the API maps them to statuses."""

from __future__ import annotations

from django.core.exceptions import ValidationError


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


class FieldErrors(dict[str, list[str]]):
    """A service's refusals of its input, field by field: the one shape pages
    (``core.service_calls.put_service_errors``) and the API (``api.errors``: 422 with ``detail``
    and ``errors``) read. Collect with ``add``, then ``raise_if_any`` before writing anything."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def field_error(field: str, message: str) -> ValidationError:
    """One field's refusal, to raise: ``raise field_error("amount", "Enter an amount ...")``."""
    return ValidationError({field: [message]})
