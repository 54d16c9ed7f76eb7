"""Training events and attendance."""

from __future__ import annotations

from typing import Any

from django import forms

from syslead.core.dates import GovukDateField
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.leaders.forms.common import (
    Checkboxes,
    OrganisationField,
    OrganisationFormMixin,
    Radios,
)
from syslead.leaders.models import (
    USEFULNESS_CHOICES,
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


class TrainingInviteForm(forms.Form):
    """Whom to invite: leaders as ``leader-<pk>``, lead officers as ``officer-<pk>``."""

    people = forms.MultipleChoiceField(
        label="Who to invite",
        widget=Checkboxes,
        help_text="Each person is e-mailed the invitation with a calendar file. Anyone already "
        "invited is not e-mailed again.",
        error_messages={"required": "Choose at least one person to invite."},
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = people


class TrainingFeedbackForm(forms.Form):
    usefulness = forms.TypedChoiceField(
        label="How useful was the event?",
        coerce=int,
        choices=[(str(value), label) for value, label in USEFULNESS_CHOICES],
        widget=Radios,
        error_messages={"required": "Choose how useful the event was, from 1 to 5."},
    )
    will_do_differently = forms.CharField(
        label="What will you do differently as a result?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": "Say what you will do differently after the event."},
    )
    comments = forms.CharField(
        label="Any other comments (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX_LENGTH,
    )


#: How many training needs the termly review form offers (record another review for more).
NEED_ROWS = 4
NEED_KIND_CHOICES = [("", "No particular kind of event"), *TrainingKind.choices]


class TermlyReviewForm(OrganisationFormMixin, forms.Form):
    organisation = OrganisationField()
    held_on = GovukDateField(
        label="Date of the review meeting",
        error_messages={"required": "Give the date of the review meeting."},
    )
    attended_by = forms.CharField(
        label="Who attended",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say who attended the review meeting."},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_organisations(organisations)
        for number in range(1, NEED_ROWS + 1):
            self.fields[f"need_{number}"] = forms.CharField(
                label=f"Training need {number} (optional)",
                required=False,
                max_length=300,
            )
            self.fields[f"need_{number}_kind"] = forms.ChoiceField(
                label=f"Kind of event that would meet need {number}",
                required=False,
                choices=NEED_KIND_CHOICES,
            )

    def need_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"need_{number}"], self[f"need_{number}_kind"])
            for number in range(1, NEED_ROWS + 1)
        ]

    def needs(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        return [
            (data.get(f"need_{number}", ""), data.get(f"need_{number}_kind", ""))
            for number in range(1, NEED_ROWS + 1)
        ]
