"""Day arithmetic, defined once (docs/rules.md: Capacity, "A half day or twilight counts as half a
day"): what a full day, a half day and a twilight session count for, sums of them, and whether a
number of days is a whole or half number.

Counting is done in half-day units (integers) wherever a database sums, and turned into days once,
so no rounding ever happens on the way: a full day is two units, a half day or twilight one.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Final

from django.db.models import Expression, F

ZERO: Final = Decimal("0")
#: A full day counts 1 day.
FULL_DAY: Final = Decimal("1")
#: A half day, or a twilight session, counts half a day.
HALF_DAY: Final = Decimal("0.5")
#: Units of a full day when counting in half days.
UNITS_PER_DAY: Final = 2
#: The most days any one figure (days released, a policy's cap) may be: more than a year has.
MAX_DAYS_GIVEN: Final = Decimal("1000")

NOT_DAYS: Final = "Enter a number of days, like 7.5."
NEGATIVE_DAYS: Final = "The number of days cannot be negative."
TOO_MANY_DAYS: Final = "That is more days than there are in a year."
NOT_HALF_DAYS: Final = "Give whole or half days (a half day or twilight session counts 0.5)."


def units_of(full_days: int = 0, half_days: int = 0, twilight_sessions: int = 0) -> int:
    """Half-day units: a full day two, a half day or twilight one."""
    return full_days * UNITS_PER_DAY + half_days + twilight_sessions


def days_from_units(units: int | None) -> Decimal:
    """Half-day units as days (None, as a sum over no rows, is 0): 7 → 3.5."""
    return Decimal(units or 0) / UNITS_PER_DAY


def days_of(full_days: int = 0, half_days: int = 0, twilight_sessions: int = 0) -> Decimal:
    """Days of a time commitment: 3 full days, 1 half day and 2 twilights are 4.5 days."""
    return days_from_units(units_of(full_days, half_days, twilight_sessions))


def units_expression(
    full: str = "full_days", half: str = "half_days", twilight: str = "twilight_sessions"
) -> Expression:
    """The same half-day units in SQL, over the named columns (for ``Sum`` and subqueries)."""
    return F(full) * UNITS_PER_DAY + F(half) + F(twilight)


def total(days: Iterable[Decimal]) -> Decimal:
    """The sum of some days (0 for none)."""
    return sum(days, ZERO)


def is_half_day_multiple(days: Decimal) -> bool:
    """Whether ``days`` is a whole or half number of days (7 and 7.5 are, 7.25 is not). A finite
    number is needed: give very large numbers a range check first (1e30 % 0.5 is an error)."""
    return days.is_finite() and days % HALF_DAY == 0


def days_problem(days: Decimal) -> str | None:
    """What is wrong with a number of days someone gives (days released, a policy's cap or
    minimum), in words, or None: 0 or more, at most ``MAX_DAYS_GIVEN``, in whole or half days
    (docs/rules.md: Capacity). The one check forms, imports and services share."""
    if not days.is_finite():
        return NOT_DAYS
    if days < 0:
        return NEGATIVE_DAYS
    if days > MAX_DAYS_GIVEN:  # before the remainder: 1e30 % 0.5 is an InvalidOperation
        return TOO_MANY_DAYS
    if not is_half_day_multiple(days):
        return NOT_HALF_DAYS
    return None


def given_days(days: Decimal) -> Decimal:
    """Days that passed ``days_problem`` as stored: one decimal place (7.50 is 7.5)."""
    return days.quantize(Decimal("0.1"))


def parse_days(text: str) -> Decimal:
    """A number of days typed in a file or a form: "7.5" → Decimal("7.5"); ``ValueError`` with
    the message to show when it is not a number of days within ``days_problem``'s rules."""
    try:
        days = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(NOT_DAYS) from None
    problem = days_problem(days)
    if problem:
        raise ValueError(problem)
    return given_days(days)


def split_days(days: Decimal) -> tuple[int, int]:
    """Days as (full days, half days), rounding down to a half day; below 0 is (0, 0):
    3.5 → (3, 1), 3.7 → (3, 1), 3 → (3, 0)."""
    days = max(days, ZERO)
    full = int(days.to_integral_value(rounding=ROUND_FLOOR))
    half = 1 if days - full >= HALF_DAY else 0
    return full, half


def number_text(days: Decimal) -> str:
    """Decimal("3.0") → "3", Decimal("2.5") → "2.5"."""
    text = f"{days.quantize(Decimal('0.1')).normalize():f}"
    return "0" if text in ("-0", "") else text


def days_words(days: Decimal) -> str:
    """Decimal("1") → "1 day", Decimal("2.5") → "2.5 days"."""
    text = number_text(days)
    return f"{text} day" if text == "1" else f"{text} days"
