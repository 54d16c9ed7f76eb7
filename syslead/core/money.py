"""Money, in one place (docs/money.md): reading an amount a person or a file typed, checking an
amount against the product's limits, the model field that stores it, and writing it for people
and for the API.

Money is ``Decimal`` end to end (never a float), in pounds to the penny. The rules every amount is
held to, whoever sends it (a form, the API, a CSV file, a service's caller):

- at most two decimal places ("42.505" is refused, never rounded);
- not negative (and, where the amount must be something, such as expenses, more than £0);
- at most ``MAX_MONEY`` (£10,000.00): the largest day's rate, fee or expenses line that makes
  sense; totals of many lines are stored in the same columns, which hold up to £99,999,999.99.

Text is read leniently about how it looks ("£1,234.50", " 1234.5 ") and strictly about what it
says: a comma must separate thousands, and nothing else may be in it.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
#: The most one amount a person or a file enters may be: a day's rate or fee, an expenses line.
MAX_MONEY = Decimal("10000.00")
#: Digits of the money columns: pounds up to 99,999,999.99 (totals of many lines).
MAX_DIGITS = 10
DECIMAL_PLACES = 2
#: The longest text an amount may be typed as ("£10,000.00" with room for spaces).
MONEY_TEXT_MAX_LENGTH = 20

#: "£1,234.50", "1234.5", "-3", "0.505": a sign, the £, digits (commas between thousands), pence.
_MONEY_TEXT = re.compile(
    r"^(?P<sign>[-+]?)\s*£?\s*(?P<after>[-+]?)\s*"
    r"(?P<pounds>\d{1,3}(?:,\d{3})+|\d+)?(?:\.(?P<pence>\d+))?$"
)

NOT_AN_AMOUNT = "Enter an amount in pounds, like 350.00."
NEGATIVE = "Enter an amount of £0.00 or more."
NOT_POSITIVE = "Enter an amount more than £0."
TOO_MANY_PLACES = "Enter pounds and pence, with at most two decimal places."


def too_large(maximum: Decimal = MAX_MONEY) -> str:
    return f"Enter an amount of at most {pounds(maximum)}."


def money_problem(
    amount: Decimal, *, positive: bool = False, maximum: Decimal = MAX_MONEY
) -> str | None:
    """What is wrong with an amount, in words, or None: the one check forms, the API and services
    share. ``positive``: the amount must be more than £0 (not just £0 or more)."""
    if not amount.is_finite():
        return NOT_AN_AMOUNT
    if amount < 0:
        return NOT_POSITIVE if positive else NEGATIVE
    if positive and amount == 0:
        return NOT_POSITIVE
    if amount > maximum:
        return too_large(maximum)
    if amount != amount.quantize(PENNY, rounding=ROUND_HALF_UP):
        return TOO_MANY_PLACES
    return None


def parse_money(
    text: str | Decimal, *, positive: bool = False, maximum: Decimal = MAX_MONEY
) -> Decimal:
    """Text typed in a form or a file, or a ``Decimal``, as pounds to the penny; ``ValueError``
    with the message to show when it is not an amount within the rules.

    "£1,234.50" → Decimal("1234.50"); "1234.5" → Decimal("1234.50"); "12,34" → ValueError."""
    if isinstance(text, Decimal):
        amount = text
    else:
        found = _MONEY_TEXT.match(text.strip()) if len(text) <= MONEY_TEXT_MAX_LENGTH else None
        if (
            found is None
            or (found["sign"] and found["after"])
            or (found["pounds"] is None and found["pence"] is None)
        ):
            raise ValueError(NOT_AN_AMOUNT)
        digits = (found["pounds"] or "0").replace(",", "")
        try:
            amount = Decimal(f"{found['sign'] or found['after']}{digits}.{found['pence'] or '0'}")
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits
            raise ValueError(NOT_AN_AMOUNT) from None
    problem = money_problem(amount, positive=positive, maximum=maximum)
    if problem:
        raise ValueError(problem)
    return money(amount)


def money(value: Decimal | int) -> Decimal:
    """Pounds to the penny, rounding halves up (arithmetic's results; never a float)."""
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def money_text(value: Decimal) -> str:
    """Decimal("350") → "350.00" (the API's money format)."""
    return f"{money(value):.2f}"


def pounds(value: Decimal) -> str:
    """Decimal("1750") → "£1,750.00" (for people)."""
    return f"£{money(value):,.2f}"


def money_field(default: Decimal | None = ZERO) -> models.DecimalField[Decimal, Decimal]:
    """A column of pounds and pence, never negative (totals up to £99,999,999.99)."""
    if default is None:
        return models.DecimalField(
            max_digits=MAX_DIGITS,
            decimal_places=DECIMAL_PLACES,
            validators=[MinValueValidator(ZERO)],
        )
    return models.DecimalField(
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        default=default,
        validators=[MinValueValidator(ZERO)],
    )


class MoneyField(forms.Field):
    """A form's amount in pounds: reads "£1,234.50" or "1234.5" (``parse_money``), cleans to a
    ``Decimal``. ``positive``: the amount must be more than £0."""

    def __init__(
        self, *, positive: bool = False, maximum: Decimal = MAX_MONEY, **kwargs: Any
    ) -> None:
        self.positive = positive
        self.maximum = maximum
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "class": "input--short",
                    "inputmode": "decimal",
                    "maxlength": str(MONEY_TEXT_MAX_LENGTH),
                }
            ),
        )
        kwargs.setdefault("error_messages", {"required": NOT_AN_AMOUNT})
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        text = value if isinstance(value, Decimal) else str(value)
        try:
            return parse_money(text, positive=self.positive, maximum=self.maximum)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        return money_text(value) if isinstance(value, Decimal) else value
