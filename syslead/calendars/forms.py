"""The term dates form: each date in the GOV.UK date input (syslead.core.dates, docs/ux.md); and
the new calendar address, shown in a field to copy from."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from syslead.calendars.models import DATE_FIELDS, date_field_label, validate_term_dates
from syslead.core.dates import GovukDateField


class TermDatesForm(forms.Form):
    """The twelve dates of an academic year: each term's first and last days and its
    half-term's, in order and inside the year (checked again by the service)."""

    def __init__(self, *args: Any, academic_year: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.academic_year = academic_year
        for name in DATE_FIELDS:
            example = "3 9" if name.endswith("_starts_on") else "27 10"
            start_year = academic_year.split("-", maxsplit=1)[0]
            self.fields[name] = GovukDateField(
                label=date_field_label(name), help_text=f"For example, {example} {start_year}"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            validate_term_dates(self.academic_year, {name: data.get(name) for name in DATE_FIELDS})
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return data

    def term_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fields term by term, for the page."""
        return [
            (term, [self[name] for name in DATE_FIELDS if name.startswith(f"{term}_")])
            for term in ("autumn", "spring", "summer")
        ]


class CalendarAddressForm(forms.Form):
    """The calendar address just made, in a read-only text input the person copies from (nothing
    is sent back: the page has no submit button)."""

    address = forms.CharField(
        label="Copy this address",
        max_length=2000,
        required=False,
        widget=forms.TextInput(attrs={"readonly": True, "spellcheck": "false"}),
    )

    def __init__(self, address: str) -> None:
        super().__init__(initial={"address": address}, auto_id="calendar-%s")
