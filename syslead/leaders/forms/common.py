"""What the leaders forms share: widgets that link from the error summary, choices, the
organisation a coordinator acts for, and a service's errors put on the form."""

from __future__ import annotations

from typing import Any

from django import forms

from syslead.leaders.constants import PHASES
from syslead.leaders.models import DesignationType, Specialism
from syslead.organisations.models import Organisation

DAYS = forms.NumberInput(attrs={"step": "0.5", "min": "0", "class": "input--short"})
PHASE_CHOICES = list(PHASES.items())


class Radios(forms.RadioSelect):
    """Radios whose field points at the first option, so an error summary links to it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class Checkboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose field points at the first option, so an error summary links to it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


def specialism_choices(specialisms: list[Specialism]) -> list[tuple[str, str]]:
    """Code → label, each code once (built-in first when an organisation repeats a label)."""
    seen: dict[str, str] = {}
    for specialism in specialisms:
        seen.setdefault(specialism.code, specialism.label)
    return sorted(seen.items(), key=lambda item: item[1].lower())


def designation_type_choices(types: list[DesignationType]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for designation_type in types:
        seen.setdefault(designation_type.code, f"{designation_type.code}: {designation_type.name}")
    return sorted(seen.items())


class OrganisationField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """The organisation a coordinator acts for; shown only when they coordinate several."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Organisation.objects.none())
        kwargs.setdefault("label", "Organisation")
        kwargs.setdefault("empty_label", None)
        kwargs.setdefault("error_messages", {"required": "Choose the organisation."})
        super().__init__(**kwargs)


class OrganisationFormMixin:
    """Limits the ``organisation`` field to the organisations given; hides it when there is one."""

    fields: dict[str, forms.Field]

    def _set_organisations(self, organisations: list[Organisation]) -> None:
        field = self.fields.get("organisation")
        if not isinstance(field, forms.ModelChoiceField):
            return
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        if len(organisations) == 1:
            field.initial = organisations[0].pk
            field.widget = forms.HiddenInput()
