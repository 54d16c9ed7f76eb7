"""Forms rendered as the GOV.UK Design System writes them, with its error messages (docs/ux.md,
"Forms" and "Error messages")."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.template import Context, Template

from syslead.core.dates import GovukDateField


class ExampleForm(forms.Form):
    urn = forms.CharField(label="School's URN", max_length=6, help_text="6 digits")
    summary = forms.CharField(label="Summary", max_length=500, widget=forms.Textarea)
    days = forms.IntegerField(label="Days requested", min_value=1, max_value=24)
    rate = forms.DecimalField(label="Day rate", max_value=1000, decimal_places=2)
    kind = forms.ChoiceField(
        label="Kind of concern",
        choices=[("a", "Welfare"), ("b", "Conduct")],
        widget=forms.RadioSelect,
    )
    needs = forms.MultipleChoiceField(
        label="Needs",
        choices=[("x", "Maths"), ("y", "Reading")],
        widget=forms.CheckboxSelectMultiple,
    )
    phase = forms.ChoiceField(label="Phase", choices=[("", "Choose"), ("p", "Primary")])
    agree = forms.BooleanField(label="I agree")
    email = forms.EmailField(label="E-mail address")
    visited_on = GovukDateField(label="Date of the visit")
    note = forms.CharField(
        label="Note", required=True, error_messages={"required": "Write what was agreed"}
    )


def bound(data: dict[str, Any]) -> ExampleForm:
    form = ExampleForm(data=data)
    form.is_valid()
    return form


def test_a_required_field_left_empty_gets_a_message_written_from_its_label() -> None:
    errors = bound({}).errors
    assert errors["urn"] == ["Enter school's URN"]
    assert errors["kind"] == ["Select kind of concern"]
    assert errors["needs"] == ["Select needs"]
    assert errors["phase"] == ["Select phase"]
    assert errors["agree"] == ["Select “I agree” to continue"]
    assert errors["visited_on"] == ["Enter date of the visit"]


def test_a_message_the_form_wrote_itself_is_kept() -> None:
    assert bound({})["note"].errors == ["Write what was agreed"]


def test_each_rule_has_a_design_system_message() -> None:
    errors = bound(
        {
            "urn": "1234567",
            "summary": "x" * 501,
            "days": "25",
            "rate": "1000.50",
            "kind": "z",
            "needs": ["z"],
            "phase": "q",
            "email": "not an address",
        }
    ).errors
    assert errors["urn"] == ["School's URN must be 6 characters or fewer"]
    assert errors["summary"] == ["Summary must be 500 characters or fewer"]
    assert errors["days"] == ["Days requested must be 24 or fewer"]
    assert errors["rate"] == ["Day rate must be 1000 or less"]
    assert errors["kind"] == ["Select kind of concern from the list"]
    assert errors["needs"] == ["Select needs from the list"]
    assert errors["phase"] == ["Select phase from the list"]
    assert errors["email"] == [
        "Enter an email address in the correct format, like name@example.com"
    ]
    low = bound({"days": "0", "rate": "1.234"}).errors
    assert low["days"] == ["Days requested must be 1 or more"]
    assert low["rate"] == ["Day rate must have no more than 2 decimal places"]
    assert bound({"days": "two"}).errors["days"] == ["Days requested must be a whole number"]
    assert bound({"rate": "lots"}).errors["rate"] == ["Day rate must be a number"]


def test_a_text_input_has_its_label_hint_and_error_message_linked() -> None:
    html = str(bound({"urn": "1234567"})["urn"].as_field_group())
    assert '<div class="govuk-form-group govuk-form-group--error">' in html
    assert (
        '<label class="govuk-label govuk-label--s" for="id_urn">School&#x27;s URN</label>' in html
    )
    assert '<div class="govuk-hint" id="id_urn-hint">6 digits</div>' in html
    assert (
        '<p class="govuk-error-message" id="id_urn-error"><span class="govuk-visually-hidden">'
        "Error:</span> School&#x27;s URN must be 6 characters or fewer</p>"
    ) in html
    assert 'class="govuk-input govuk-input--error"' in html
    assert 'aria-describedby="id_urn-hint id_urn-error"' in html


def test_a_field_without_errors_has_no_error_markup() -> None:
    html = str(ExampleForm()["urn"].as_field_group())
    assert "govuk-form-group--error" not in html
    assert "govuk-error-message" not in html
    assert 'class="govuk-input"' in html


def test_a_textarea_with_a_maximum_length_counts_characters() -> None:
    html = str(ExampleForm()["summary"].as_field_group())
    assert 'data-module="govuk-character-count" data-maxlength="500"' in html
    assert 'class="govuk-textarea govuk-js-character-count"' in html
    assert " maxlength=" not in html  # the count, not the browser, tells of a text too long
    assert 'id="id_summary-info"' in html


def test_radios_and_checkboxes_are_a_fieldset_with_a_legend() -> None:
    html = str(bound({})["kind"].as_field_group())
    assert '<fieldset class="govuk-fieldset" aria-describedby="id_kind-error">' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">' in html
    assert '<div class="govuk-radios" data-module="govuk-radios">' in html
    assert 'type="radio" class="govuk-radios__input" name="kind" value="a" id="id_kind_0"' in html
    assert '<label class="govuk-label govuk-radios__label" for="id_kind_0">Welfare</label>' in html
    boxes = str(ExampleForm()["needs"].as_field_group())
    assert (
        'class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes"' in boxes
    )
    assert 'type="checkbox" class="govuk-checkboxes__input" name="needs" value="x"' in boxes


def test_a_select_and_a_single_checkbox() -> None:
    html = str(bound({"phase": "q"})["phase"].as_field_group())
    assert 'class="govuk-select govuk-select--error"' in html
    box = str(ExampleForm()["agree"].as_field_group())
    assert 'class="govuk-checkboxes__input"' in box
    assert (
        '<label class="govuk-label govuk-checkboxes__label" for="id_agree">I agree</label>' in box
    )


def test_field_group_options_make_the_label_a_heading_or_the_radios_inline() -> None:
    template = Template(
        "{% load syslead_forms %}{% field_group form.urn heading=True %}"
        "{% field_group form.kind inline=True legend='What kind?' %}"
    )
    html = template.render(Context({"form": ExampleForm()}))
    assert '<h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--l"' in html
    assert 'class="govuk-radios govuk-radios--inline"' in html
    assert "What kind?</legend>" in html


def test_the_error_summary_links_each_error_to_its_field_once() -> None:
    form = bound({"urn": "1234567", "visited_on_day": "3", "visited_on_year": "2027"})
    html = Template('{% include "includes/error_summary.html" %}').render(Context({"form": form}))
    assert 'class="govuk-error-summary error-summary" data-module="govuk-error-summary"' in html
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html
    assert '<a href="#id_urn">School&#x27;s URN must be 6 characters or fewer</a>' in html
    assert '<a href="#id_kind_0">Select kind of concern</a>' in html  # a group's first input
    assert '<a href="#id_visited_on_0">Date of the visit must include a month</a>' in html
    assert html.count("Select kind of concern") == 1
    assert "data-autofocus" not in html  # GOV.UK Frontend focuses the summary itself


def test_a_whole_form_renders_every_field_through_the_field_template() -> None:
    html = str(ExampleForm())
    assert html.count('<div class="govuk-form-group') >= 11
    assert "govuk-date-input" in html


def test_a_date_carried_on_hidden_is_read_back_as_the_same_date() -> None:
    form = bound({"visited_on_day": "27", "visited_on_month": "3", "visited_on_year": "2027"})
    hidden = str(form["visited_on"].as_hidden())
    assert 'type="hidden" name="visited_on_day" value="27"' in hidden
    assert 'name="visited_on_year" value="2027"' in hidden


class _OwnOption(forms.Select):
    """A select whose options have a template of their own (written by Django's loop)."""

    option_template_name = "django/forms/widgets/attrs.html"


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=[("", "Choose"), ("1", "Tom & <Jerry>"), ("2", 'Say "hi"')]), "1"),
        (forms.Select(choices=[(1, "One"), (2, "Two")], attrs={"class": "a&b"}), 2),
        (
            forms.Select(
                choices=[("Primary", [("p1", "Infant"), ("p2", "Junior")]), ("s", "Secondary")]
            ),
            "p2",
        ),
        (forms.SelectMultiple(choices=[("a", "A"), ("b", "B"), ("c", "C")]), ["a", "c"]),
        (forms.NullBooleanSelect(), True),
        (forms.Select(choices=[]), None),
        (_OwnOption(choices=[("x", "X")]), "x"),
    ],
)
def test_a_select_is_written_as_djangos_own_templates_write_it(widget: Any, value: Any) -> None:
    """The project's select template writes plain options in Python (an administrator's list
    of every broker is long): the markup is Django's own, escaping and all."""
    from django.forms.renderers import DjangoTemplates

    from syslead.core.govuk_forms import GovukFormRenderer

    ours = widget.render("choice", value, attrs={"id": "id_choice"}, renderer=GovukFormRenderer())
    djangos = widget.render("choice", value, attrs={"id": "id_choice"}, renderer=DjangoTemplates())
    assert ours == djangos
    assert "<select" in ours
