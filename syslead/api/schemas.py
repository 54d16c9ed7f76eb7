"""Shapes shared by every endpoint: the error bodies of the contract."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    """Every 4xx: a human-readable ``detail``."""

    detail: str


class RuleErrorOut(Schema):
    """409: a business rule refuses the change; ``rule`` names it for programs."""

    detail: str
    rule: str = ""


class InvalidFieldsOut(Schema):
    """422: ``errors`` maps each invalid field's name to a list of messages."""

    detail: str
    errors: dict[str, list[str]]


#: The error statuses any authenticated endpoint may answer with.
AUTH_ERRORS: dict[int, Any] = {401: ErrorOut}
#: ...and those of an endpoint that writes.
WRITE_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    409: RuleErrorOut,
    422: InvalidFieldsOut,
}
