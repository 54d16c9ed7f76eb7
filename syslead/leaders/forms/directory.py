"""The coordinators' directory search."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from syslead.leaders.forms.common import (
    PHASE_CHOICES,
    designation_type_choices,
    specialism_choices,
)
from syslead.leaders.models import (
    DesignationType,
    Specialism,
)
from syslead.schools.forms import PlainSelect
from syslead.schools.postcodes import is_full_postcode, is_outward_code


class DirectorySearchForm(forms.Form):
    """The directory's filters. Selects render in Python (``PlainSelect``): a page that answers
    in tens of milliseconds cannot spend them rendering 150 options through templates."""

    designation = forms.ChoiceField(label="Designation", required=False, widget=PlainSelect)
    specialism = forms.ChoiceField(label="Specialism", required=False, widget=PlainSelect)
    phase = forms.ChoiceField(
        label="Phase",
        required=False,
        choices=[("", "Any phase"), *PHASE_CHOICES],
        widget=PlainSelect,
    )
    la = forms.ChoiceField(label="Local authority", required=False, widget=PlainSelect)
    near = forms.CharField(
        label="Near a school or postcode",
        help_text="A school's URN, a postcode or its first half, like 120001, LN2 2HG or LN2.",
        required=False,
        max_length=20,
    )
    within = forms.DecimalField(
        label="Within (km)",
        required=False,
        min_value=Decimal("0.5"),
        max_value=Decimal("1000"),
        decimal_places=1,
        widget=forms.NumberInput(attrs={"class": "input--short", "step": "0.5"}),
        error_messages={"min_value": "Give a distance of at least 0.5 km."},
    )
    min_days = forms.DecimalField(
        label="Days still available this year",
        help_text="At least this many days not yet committed.",
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("366"),
        decimal_places=1,
        widget=forms.NumberInput(attrs={"class": "input--short", "step": "0.5"}),
    )

    def __init__(
        self,
        *args: Any,
        designation_types: list[DesignationType],
        specialisms: list[Specialism],
        local_authorities: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        designation_field = self.fields["designation"]
        assert isinstance(designation_field, forms.ChoiceField)
        designation_field.choices = [
            ("", "Any designation"),
            *designation_type_choices(designation_types),
        ]
        specialism_field = self.fields["specialism"]
        assert isinstance(specialism_field, forms.ChoiceField)
        specialism_field.choices = [("", "Any specialism"), *specialism_choices(specialisms)]
        la_field = self.fields["la"]
        assert isinstance(la_field, forms.ChoiceField)
        la_field.choices = [("", "Any local authority")] + [(n, n) for n in local_authorities]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("within") is not None and not (data.get("near") or "").strip():
            self.add_error("near", "Give a school's URN or a postcode to search within a distance.")
        return data


#: The distances a visitor may search within, in kilometres.
PUBLIC_DISTANCES = (5, 10, 20, 50)


class PublicDirectoryForm(forms.Form):
    """The public directory's filters: specialism, phase, designation, and a distance from a
    postcode (placed from the schools register: a school's postcode, else its postcode area)."""

    specialism = forms.ChoiceField(label="Specialism", required=False)
    phase = forms.ChoiceField(
        label="Phase", required=False, choices=[("", "Any phase"), *PHASE_CHOICES]
    )
    designation = forms.ChoiceField(label="Designation", required=False)
    postcode = forms.CharField(
        label="Near a postcode (optional)",
        help_text="A full postcode, like LN2 2HG, or its first half, like LN2.",
        required=False,
        max_length=10,
        error_messages={"max_length": "Enter a postcode of 10 characters or fewer."},
    )
    within = forms.TypedChoiceField(
        label="Within",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any distance"), *[(str(km), f"{km} km") for km in PUBLIC_DISTANCES]],
    )

    def __init__(
        self,
        *args: Any,
        designation_types: list[DesignationType],
        specialisms: list[Specialism],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        specialism_field = self.fields["specialism"]
        assert isinstance(specialism_field, forms.ChoiceField)
        specialism_field.choices = [("", "Any specialism"), *specialism_choices(specialisms)]
        designation_field = self.fields["designation"]
        assert isinstance(designation_field, forms.ChoiceField)
        designation_field.choices = [
            ("", "Any designation"),
            *designation_type_choices(designation_types),
        ]

    def clean_postcode(self) -> str:
        text = " ".join((self.cleaned_data.get("postcode") or "").split())
        if text and not (is_full_postcode(text) or is_outward_code(text)):
            raise forms.ValidationError(
                "Enter a real postcode, like LN2 2HG, or its first half, like LN2."
            )
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("within") is not None and not data.get("postcode") and not self.errors:
            self.add_error("postcode", "Enter a postcode to search within a distance of it.")
        return data
