"""A service's refusals of its input have one shape (``core.exceptions``): a ValidationError whose
``message_dict`` maps each field to its messages, which pages and the API both read."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError

from syslead.core.exceptions import FieldErrors, field_error
from syslead.core.service_calls import put_service_errors


def test_collected_errors_are_raised_together_and_only_when_there_are_some() -> None:
    errors = FieldErrors()
    errors.raise_if_any()  # nothing to say: no exception
    errors.add("days", "Enter a number of days, like 7.5.")
    errors.add("days", "Days are whole or half days.")
    errors["summary"] = ["Say briefly what support the school needs."]
    with pytest.raises(ValidationError) as raised:
        errors.raise_if_any()
    assert raised.value.message_dict == {
        "days": ["Enter a number of days, like 7.5.", "Days are whole or half days."],
        "summary": ["Say briefly what support the school needs."],
    }


def test_one_fields_refusal_lands_on_the_forms_field() -> None:
    class _Form(forms.Form):
        reason = forms.CharField(required=False)

    form = _Form({"reason": ""})
    assert form.is_valid()
    put_service_errors(form, field_error("reason", "Say why."))
    assert form.errors["reason"] == ["Say why."]
