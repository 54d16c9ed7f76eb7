"""Forms of the schools pages: they parse and validate, nothing more."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from syslead.schools.models import Phase
from syslead.schools.selectors import local_authority_names


class PlainSelect(forms.Select):
    """A select rendered in Python: the template-per-option renderer takes milliseconds for the
    150 local authorities, on a page that must answer within 50 ms."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if str(key) == chosen else ""}>'
            f"{escape(label)}</option>"
            for key, label in self.choices
        )
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")


class SchoolSearchForm(forms.Form):
    q = forms.CharField(
        label="School name, URN, postcode or town",
        help_text="For example Ermine, 120001, LN2 2HG or LN2. A postcode lists the nearest first.",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    la = forms.ChoiceField(label="Local authority", required=False, widget=PlainSelect)
    phase = forms.ChoiceField(
        label="Phase",
        required=False,
        choices=[("", "Any phase"), *Phase.choices],
        widget=PlainSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_authorities(local_authority_names())

    def _set_authorities(self, names: list[str]) -> None:
        la_field = self.fields["la"]
        assert isinstance(la_field, forms.ChoiceField)
        la_field.choices = [("", "Any local authority")] + [(name, name) for name in names]

    def full_clean(self) -> None:
        # The list of authorities is cached: a name it lacks may be new, so look again once.
        chosen = self.data.get("la") if self.is_bound else None
        if chosen and chosen not in local_authority_names():
            self._set_authorities(local_authority_names(fresh=True))
        super().full_clean()

    def has_criteria(self) -> bool:
        return any(self.cleaned_data.get(name) for name in ("q", "la", "phase"))
