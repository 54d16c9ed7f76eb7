"""Showing a service's refusal in the page, the one way every area does it."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.service_calls import run_service


class DaysForm(forms.Form):
    days = forms.IntegerField()


class ButtonForm(forms.Form):
    """A page that is only a button: the form is never bound."""


def _refuse(error: Exception) -> None:
    raise error


def test_what_the_service_returns_is_returned() -> None:
    assert run_service(DaysForm({"days": "3"}), lambda: 42) == 42


def test_a_person_who_may_not_gets_a_403() -> None:
    with pytest.raises(PermissionDenied, match="Only coordinators"):
        run_service(DaysForm(), lambda: _refuse(NotAllowed("Only coordinators may.")))


def test_a_rules_refusal_goes_at_the_top_even_on_an_unbound_form() -> None:
    form = ButtonForm()
    assert run_service(form, lambda: _refuse(RuleViolation("Not agreed yet.", rule="r"))) is None
    assert form.non_field_errors() == ["Not agreed yet."]


def test_a_rules_refusal_goes_on_the_field_it_is_about_worded_by_the_page() -> None:
    form = DaysForm({"days": "30"})
    form.is_valid()
    run_service(
        form,
        lambda: _refuse(RuleViolation("Over the cap.", rule="cap")),
        rule_field="days",
        rule_text=lambda refusal: f"{refusal.message} (Rule: {refusal.rule}.)",
    )
    assert form.errors["days"] == ["Over the cap. (Rule: cap.)"]


def test_field_errors_go_on_their_fields_renamed_and_the_rest_at_the_top() -> None:
    form = DaysForm({"days": "3"})
    form.is_valid()
    error = ValidationError({"number_of_days": ["Too many."], "other": ["Something else."]})
    run_service(form, lambda: _refuse(error), aliases={"number_of_days": "days"})
    assert form.errors["days"] == ["Too many."]
    assert form.non_field_errors() == ["Something else."]


def test_a_form_may_place_field_errors_itself() -> None:
    placed: list[tuple[str, str]] = []

    class PlacingForm(DaysForm):
        def put_error(self, name: str, message: str) -> None:
            placed.append((name, message))

    run_service(PlacingForm(), lambda: _refuse(ValidationError({"aims": ["Give an aim."]})))
    assert placed == [("aims", "Give an aim.")]
