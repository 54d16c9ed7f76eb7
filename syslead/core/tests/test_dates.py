"""The GOV.UK date input's parsing and every one of its messages (docs/ux.md, "Dates")."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import timezone

from syslead.core.dates import GovukDateField, date_input_data


class VisitForm(forms.Form):
    visited_on = GovukDateField(label="Date of the visit")
    due_on = GovukDateField(label="Due date", required=False, future=True)
    held_on = GovukDateField(label="Date held", required=False, past=True)
    starts_on = GovukDateField(
        label="Start date",
        required=False,
        earliest=dt.date(2026, 9, 1),
        latest=dt.date(2027, 8, 31),
    )


def errors(**parts: str) -> list[str]:
    form = VisitForm(data=parts)
    form.is_valid()
    return [str(e) for field_errors in form.errors.values() for e in field_errors]


def test_three_parts_make_a_date() -> None:
    form = VisitForm(data=date_input_data("visited_on", "2027-03-27"))
    assert form.is_valid()
    assert form.cleaned_data["visited_on"] == dt.date(2027, 3, 27)
    assert form.cleaned_data["due_on"] is None  # optional and empty


def test_spaces_and_leading_zeros_are_forgiven() -> None:
    form = VisitForm(
        data={"visited_on_day": " 07", "visited_on_month": "03 ", "visited_on_year": "2027"}
    )
    assert form.is_valid()
    assert form.cleaned_data["visited_on"] == dt.date(2027, 3, 7)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({}, "Enter date of the visit"),
        (
            {"visited_on_day": "27", "visited_on_year": "2027"},
            "Date of the visit must include a month",
        ),
        ({"visited_on_month": "3"}, "Date of the visit must include a day and a year"),
        (
            {"visited_on_day": "31", "visited_on_month": "2", "visited_on_year": "2027"},
            "Date of the visit must be a real date",
        ),
        (
            {"visited_on_day": "x", "visited_on_month": "2", "visited_on_year": "2027"},
            "Date of the visit must be a real date",
        ),
        (
            {"visited_on_day": "1", "visited_on_month": "13", "visited_on_year": "2027"},
            "Date of the visit must be a real date",
        ),
        (
            {"visited_on_day": "1", "visited_on_month": "2", "visited_on_year": "27"},
            "Year must include 4 numbers",
        ),
    ],
)
def test_each_date_input_message(parts: dict[str, str], message: str) -> None:
    assert errors(**parts) == [message]


def test_past_future_and_range_rules() -> None:
    today = timezone.localdate()
    ok = date_input_data("visited_on", "2027-03-27")
    assert errors(**ok, **date_input_data("due_on", today)) == ["Due date must be in the future"]
    assert errors(**ok, **date_input_data("held_on", today)) == ["Date held must be in the past"]
    assert errors(**ok, **date_input_data("starts_on", "2026-08-31")) == [
        "Start date must be the same as or after 1 September 2026"
    ]
    assert errors(**ok, **date_input_data("starts_on", "2027-09-01")) == [
        "Start date must be the same as or before 31 August 2027"
    ]


def test_a_form_of_its_own_words_keeps_them() -> None:
    class Own(forms.Form):
        on = GovukDateField(
            label="Date", error_messages={"required": "Enter the agreed start date."}
        )

    form = Own(data={})
    assert not form.is_valid()
    assert form.errors["on"] == ["Enter the agreed start date."]


def test_only_the_wrong_part_is_marked() -> None:
    form = VisitForm(data={"visited_on_day": "27", "visited_on_year": "2027"})
    form.is_valid()
    html = str(form["visited_on"].as_field_group())
    month = 'id="id_visited_on_1" class="govuk-input govuk-date-input__input'
    assert f"{month} govuk-input--width-2 govuk-input--error" in html
    assert html.count("govuk-input--error") == 1
    assert "For example, 27 3 2027" in html


def test_compress_reads_the_three_parts_by_the_same_rules() -> None:
    field = GovukDateField(label="Date of the visit")
    assert field.compress(["27", "3", "2027"]) == dt.date(2027, 3, 27)
    with pytest.raises(forms.ValidationError, match="must be a real date"):
        field.compress(["31", "2", "2027"])
