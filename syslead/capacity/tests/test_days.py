"""The day arithmetic (docs/rules.md, Capacity: "A half day or twilight counts as half a day")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syslead.capacity.days import (
    NEGATIVE_DAYS,
    NOT_DAYS,
    NOT_HALF_DAYS,
    TOO_MANY_DAYS,
    days_from_units,
    days_of,
    days_words,
    is_half_day_multiple,
    number_text,
    parse_days,
    split_days,
    total,
    units_of,
)

counts = st.integers(min_value=0, max_value=500)


def test_a_full_day_counts_one_and_a_half_day_or_twilight_half_a_day() -> None:
    assert days_of(full_days=1) == Decimal("1")
    assert days_of(half_days=1) == Decimal("0.5")
    assert days_of(twilight_sessions=1) == Decimal("0.5")
    assert days_of(3, 1, 2) == Decimal("4.5")
    assert days_of() == 0


@given(full=counts, half=counts, twilight=counts)
def test_days_are_counted_in_half_day_units_without_rounding(
    full: int, half: int, twilight: int
) -> None:
    units = units_of(full, half, twilight)
    assert units == 2 * full + half + twilight
    assert days_of(full, half, twilight) == days_from_units(units)
    assert days_of(full, half, twilight) * 2 == units
    assert is_half_day_multiple(days_of(full, half, twilight))


def test_a_sum_over_no_rows_is_no_days() -> None:
    assert days_from_units(None) == 0
    assert total([]) == 0
    assert total([Decimal("1"), Decimal("0.5")]) == Decimal("1.5")


@pytest.mark.parametrize(
    ("days", "valid"),
    [
        (Decimal("7"), True),
        (Decimal("7.5"), True),
        (Decimal("0"), True),
        (Decimal("7.25"), False),
        (Decimal("0.1"), False),
        (Decimal("NaN"), False),
        (Decimal("Infinity"), False),
    ],
)
def test_days_must_be_whole_or_half_days(days: Decimal, valid: bool) -> None:
    assert is_half_day_multiple(days) is valid


@given(days=st.decimals(min_value=-10, max_value=200, places=2))
def test_days_split_into_full_and_half_days_round_down_to_a_half_day(days: Decimal) -> None:
    full, half = split_days(days)
    assert full >= 0
    assert half in (0, 1)
    assert days_of(full, half) <= max(days, Decimal(0))
    assert max(days, Decimal(0)) - days_of(full, half) < Decimal("0.5")


def test_days_in_words() -> None:
    assert number_text(Decimal("3.0")) == "3"
    assert number_text(Decimal("2.50")) == "2.5"
    assert days_words(Decimal("1")) == "1 day"
    assert days_words(Decimal("0.5")) == "0.5 days"


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("7.5", Decimal("7.5")),
        (" 7.50 ", Decimal("7.5")),
        ("0", Decimal("0")),
        ("12", Decimal("12")),
    ],
)
def test_days_typed_in_a_file_are_read_as_whole_or_half_days(text: str, days: Decimal) -> None:
    """docs/rules.md, Capacity: "A half day or twilight counts as half a day"; the one reader of
    days typed as text (an import's cells), so the services take a ``Decimal``."""
    assert parse_days(text) == days


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", NOT_DAYS),
        ("seven", NOT_DAYS),
        ("NaN", NOT_DAYS),
        ("-1", NEGATIVE_DAYS),
        ("1001", TOO_MANY_DAYS),
        ("1e30", TOO_MANY_DAYS),
        ("7.25", NOT_HALF_DAYS),
    ],
)
def test_days_that_are_not_whole_or_half_days_are_refused_in_words(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.split("(", maxsplit=1)[0].rstrip()):
        parse_days(text)
