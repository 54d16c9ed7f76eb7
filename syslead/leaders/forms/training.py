"""Training events and attendance."""

from __future__ import annotations

from typing import Any

from django import forms

from syslead.core.dates import GovukDateField
from syslead.leaders.forms.common import (
    Checkboxes,
    OrganisationField,
    OrganisationFormMixin,
    Radios,
)
from syslead.leaders.models import (
    TrainingKind,
)
from syslead.organisations.models import Organisation


class TrainingEventForm(OrganisationFormMixin, forms.Form):
    organisation = OrganisationField()
    kind = forms.ChoiceField(
        label="Kind of event",
        choices=TrainingKind.choices,
        widget=Radios,
        error_messages={"required": "Choose the kind of event."},
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the event's title."}
    )
    held_on = GovukDateField(
        label="Date", error_messages={"required": "Give the date of the event."}
    )
    location = forms.CharField(label="Location", required=False, max_length=200)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_organisations(organisations)


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label="Who attended",
        required=False,
        widget=Checkboxes,
        help_text="Tick everyone who attended. Attending core training completes it.",
    )

    def __init__(self, *args: Any, leaders: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attended"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(pk), label) for pk, label in leaders]
