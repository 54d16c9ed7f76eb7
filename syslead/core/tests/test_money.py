"""Money in one place (docs/money.md): reading amounts, the limits, the column and the formats."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template

from syslead.core.money import (
    MAX_DIGITS,
    MAX_MONEY,
    MoneyField,
    money_field,
    money_problem,
    money_text,
    parse_money,
    pounds,
)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("£1,234.50", Decimal("1234.50")),
        ("1234.5", Decimal("1234.50")),
        (" 350 ", Decimal("350.00")),
        ("£ 42.05", Decimal("42.05")),
        (".5", Decimal("0.50")),
        ("0", Decimal("0.00")),
        ("10,000.00", Decimal("10000.00")),
        (Decimal("7.1"), Decimal("7.10")),
    ],
)
def test_an_amount_is_read_from_what_people_type(text: str | Decimal, amount: Decimal) -> None:
    parsed = parse_money(text)
    assert parsed == amount
    assert parsed.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "text", ["", "abc", "£", "12,34", "1,2345", "1.2.3", "1e3", "NaN", "Infinity", "££5", "5 000"]
)
def test_text_that_is_not_an_amount_is_refused_with_the_example(text: str) -> None:
    with pytest.raises(ValueError, match=r"Enter an amount in pounds, like 350\.00\."):
        parse_money(text)


def test_a_negative_amount_is_refused() -> None:
    with pytest.raises(ValueError, match=r"£0\.00 or more"):
        parse_money("-1.00")
    with pytest.raises(ValueError, match=r"£0\.00 or more"):
        parse_money("£-1")


def test_an_amount_that_must_be_something_is_more_than_nothing() -> None:
    with pytest.raises(ValueError, match="more than £0"):
        parse_money("0.00", positive=True)
    with pytest.raises(ValueError, match="more than £0"):
        parse_money("-3", positive=True)
    assert parse_money("0.01", positive=True) == Decimal("0.01")


def test_more_than_two_decimal_places_are_refused_never_rounded() -> None:
    with pytest.raises(ValueError, match="at most two decimal places"):
        parse_money("42.505")
    with pytest.raises(ValueError, match="at most two decimal places"):
        parse_money(Decimal("0.001"))
    assert parse_money("42.500") == Decimal("42.50")


def test_an_absurd_amount_is_refused_with_the_limit() -> None:
    assert parse_money("£10,000.00") == MAX_MONEY
    with pytest.raises(ValueError, match=r"at most £10,000\.00"):
        parse_money("10000.01")
    with pytest.raises(ValueError, match=r"at most £10,000\.00"):
        parse_money(Decimal("1e30"))
    with pytest.raises(ValueError, match=r"like 350\.00"):
        parse_money("9" * 40)


def test_services_share_the_check() -> None:
    assert money_problem(Decimal("350.00")) is None
    assert money_problem(Decimal("NaN")) == "Enter an amount in pounds, like 350.00."
    assert money_problem(Decimal("-0.01"))
    assert money_problem(Decimal("0"), positive=True)


def test_formats_for_people_and_for_the_api() -> None:
    assert pounds(Decimal("1750")) == "£1,750.00"
    assert pounds(Decimal("0.005")) == "£0.01"
    assert money_text(Decimal("350")) == "350.00"
    rendered = Template("{% load syslead_money %}{{ a|money }} {{ b|money }}").render(
        Context({"a": Decimal("1234.5"), "b": None})
    )
    assert rendered == "£1,234.50 £0.00"


def test_one_column_size_for_all_money() -> None:
    field = money_field()
    assert (field.max_digits, field.decimal_places) == (MAX_DIGITS, 2)
    assert field.default == Decimal("0.00")
    assert money_field(None).default is not Decimal("0.00")


class _Form(forms.Form):
    amount = MoneyField(label="Amount")
    expenses = MoneyField(label="Expenses", positive=True, required=False)


def test_the_form_field_reads_pounds_and_shows_the_message() -> None:
    form = _Form({"amount": "£1,234.50", "expenses": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"amount": Decimal("1234.50"), "expenses": None}
    refused = _Form({"amount": "lots", "expenses": "0"})
    assert not refused.is_valid()
    assert refused.errors["amount"] == ["Enter an amount in pounds, like 350.00."]
    assert refused.errors["expenses"] == ["Enter an amount more than £0."]
    assert _Form({}).errors["amount"] == ["Enter an amount in pounds, like 350.00."]
