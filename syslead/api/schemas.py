"""Shapes shared by every endpoint: the error bodies of the contract, and the bounded types every
request field is built from, so the limits below are enforced (422) and stated in the OpenAPI
document in one place.

The limits, in words (also in docs/api-input.md):
- ids: whole numbers from 1 to 2**63 − 1 (the database's integer range); URNs from 1 to 2**31 − 1;
- academic years: "2025-26" style, consecutive years, from 2000-01 to 2098-99;
- dates: from 1 January 1900 to 31 August 2099 (the end of the last academic year);
- days (released, requested): 0 to 366 with at most one decimal place;
- money (rates, fees): 0.00 to 10,000.00 pounds with at most two decimal places;
- sessions (full days, half days, twilights) and years of experience: small whole numbers;
- texts: a title or name at most its column's length (``max_length_of``), a longer text at most
  ``TEXT_MAX_LENGTH`` characters; codes at most ``CODE_MAX_LENGTH``; lists at most
  ``LIST_MAX_ITEMS`` items;
- a request body at most ``MAX_BODY_BYTES`` (2.5 MB): larger is 413.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.db import models
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from syslead.core import money
from syslead.core.academic_years import (
    FIRST_YEAR,
    LAST_YEAR,
    YEAR_LABEL_LENGTH,
    YEAR_PATTERN,
    AcademicYear,
)
from syslead.core.limits import MAX_ID, MAX_URN, TEXT_MAX_LENGTH

__all__ = ["MAX_ID", "MAX_URN", "TEXT_MAX_LENGTH"]

#: The largest request body, in bytes (Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``: 2.5 MB).
MAX_BODY_BYTES: int = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440
#: Codes: specialisms, phases, designation types, criteria.
CODE_MAX_LENGTH = 50
#: Items in any list a request sends.
LIST_MAX_ITEMS = 100
#: Days in a year: the most that can be released or asked for.
MAX_DAYS = Decimal(366)
#: Pounds: the most a day's rate or fee may be (``syslead.core.money``).
MAX_MONEY = money.MAX_MONEY
#: Sessions of an agreement (full days, half days, twilights): at most one of each a day.
MAX_SESSIONS = 366
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(LAST_YEAR + 1, 8, 31)


def max_length_of(model: type[models.Model], field: str) -> int:
    """The column's length, so a field the API writes is never longer than the database holds."""
    length = getattr(model._meta.get_field(field), "max_length", None)
    return int(length) if length else TEXT_MAX_LENGTH


def unset(**kwargs: Any) -> Any:
    """A field an update may leave out but not send as null: left out, it is None and not among
    the fields set (pydantic does not validate a default); sent as null, it is a 422."""
    return Field(None, **kwargs)


def _academic_year(label: str) -> str:
    return AcademicYear.parse(label).label


def _decimal_schema(maximum: Decimal, places: int, description: str, example: Any) -> Any:
    """How a bounded decimal is documented: a JSON number from 0 to ``maximum``, or the same as a
    string ("7.5") with at most ``places`` decimals."""
    digits = len(str(int(maximum)))
    return WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": float(maximum)},
                {
                    "type": "string",
                    "pattern": rf"^\d{{1,{digits}}}(\.\d{{1,{places}}})?$",
                    "maxLength": digits + 1 + places,
                },
            ],
            "description": description,
            "examples": [example],
        }
    )


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Urn = Annotated[int, Field(ge=1, le=MAX_URN, description="A school's URN.")]
AcademicYearLabel = Annotated[
    str,
    Field(
        max_length=YEAR_LABEL_LENGTH,
        description=(
            f'An academic year, e.g. "2025-26" (1 Sept 2025 – 31 Aug 2026): consecutive years, '
            f"from {AcademicYear(FIRST_YEAR).label} to {AcademicYear(LAST_YEAR).label}."
        ),
        json_schema_extra={"pattern": YEAR_PATTERN},
        examples=["2026-27"],
    ),
    AfterValidator(_academic_year),
]
Date = Annotated[dt.date, Field(ge=FIRST_DATE, le=LAST_DATE)]
Days = Annotated[
    Decimal,
    Field(ge=0, le=MAX_DAYS, decimal_places=1, allow_inf_nan=False),
    _decimal_schema(MAX_DAYS, 1, "Days: 0 to 366, whole or half days.", 7.5),
]
Money = Annotated[
    Decimal,
    Field(ge=0, le=MAX_MONEY, decimal_places=2, allow_inf_nan=False),
    _decimal_schema(MAX_MONEY, 2, 'Pounds: 0.00 to 10000.00, e.g. "350.00".', "350.00"),
]
Hours = Annotated[
    Decimal,
    Field(ge=0, le=24, decimal_places=2, allow_inf_nan=False),
    _decimal_schema(Decimal(24), 2, "Hours: 0 to 24.", 6),
]
#: The longest time of day a request may send: "HH:MM:SS.ffffff+HH:MM".
TIME_MAX_LENGTH = 21


def _short_time(value: Any) -> Any:
    if isinstance(value, str) and len(value) > TIME_MAX_LENGTH:
        raise ValueError(f'A time of day has at most {TIME_MAX_LENGTH} characters, e.g. "09:30".')
    return value


Time = Annotated[
    dt.time,
    BeforeValidator(_short_time),
    WithJsonSchema(
        {
            "type": "string",
            "format": "time",
            "maxLength": TIME_MAX_LENGTH,
            "description": 'A time of day, e.g. "09:30".',
        }
    ),
]
Sessions = Annotated[int, Field(ge=0, le=MAX_SESSIONS)]
Years = Annotated[int, Field(ge=0, le=80, description="Whole years.")]
Code = Annotated[str, Field(max_length=CODE_MAX_LENGTH)]
Codes = Annotated[list[Code], Field(max_length=LIST_MAX_ITEMS)]
Text = Annotated[str, Field(max_length=TEXT_MAX_LENGTH)]
Texts = Annotated[list[Text], Field(max_length=LIST_MAX_ITEMS)]
Ids = Annotated[list[Id], Field(max_length=1000)]


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


#: The error statuses any authenticated endpoint may answer with: 422 for a bad path or query.
AUTH_ERRORS: dict[int, Any] = {401: ErrorOut, 422: InvalidFieldsOut}
#: ...and those of an endpoint that reads one record.
READ_ERRORS: dict[int, Any] = {**AUTH_ERRORS, 403: ErrorOut, 404: ErrorOut}
#: ...and those of an endpoint that writes (a body over ``MAX_BODY_BYTES`` is 413).
WRITE_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: RuleErrorOut,
    413: ErrorOut,
    422: InvalidFieldsOut,
}
