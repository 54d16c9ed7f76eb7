"""Associating, ending an association and reviews."""

from __future__ import annotations

from typing import Any

from django import forms

from syslead.core.dates import GovukDateField
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.leaders.forms.common import (
    OrganisationField,
    OrganisationFormMixin,
    Radios,
)
from syslead.leaders.models import (
    AssociationReviewOutcome,
    AssociationReviewReason,
)
from syslead.organisations.models import Organisation


class AssociateForm(OrganisationFormMixin, forms.Form):
    organisation = OrganisationField()
    starts_on = GovukDateField(
        label="Starts on",
        error_messages={"required": "Give the date the association starts."},
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_organisations(organisations)


class AssociationEndForm(forms.Form):
    notice_given_on = GovukDateField(
        label="Written notice given on",
        error_messages={"required": "Give the date of the written notice."},
    )
    ends_on = GovukDateField(
        label="Association ends on",
        error_messages={"required": "Give the date the association ends."},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason the association ends."},
        max_length=TEXT_MAX_LENGTH,
    )


class AssociationReviewForm(forms.Form):
    reason = forms.ChoiceField(
        label="Reason for the review",
        widget=Radios,
        choices=AssociationReviewReason.choices,
        error_messages={"required": "Choose the reason for the review."},
    )
    details = forms.CharField(
        label="Details",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
    )


class AssociationReviewCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        widget=Radios,
        choices=[
            (AssociationReviewOutcome.CONTINUED.value, AssociationReviewOutcome.CONTINUED.label),
            (AssociationReviewOutcome.TERMINATED.value, AssociationReviewOutcome.TERMINATED.label),
        ],
        error_messages={"required": "Choose: the association continues or is terminated."},
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("outcome") == AssociationReviewOutcome.TERMINATED
            and not (data.get("notes") or "").strip()
        ):
            self.add_error("notes", "Say why the association is terminated.")
        return data
