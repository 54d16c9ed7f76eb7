"""Forms of the quality assurance pages."""

from __future__ import annotations

from django import forms

from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.quality.models import QaOutcome


class DrawSampleForm(forms.Form):
    term = forms.ChoiceField(label="School term")

    def __init__(self, *args: object, terms: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["term"].choices = terms  # type: ignore[attr-defined]


class CheckForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Does the note of visit meet the standard?",
        choices=QaOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the note meets the standard."},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when the note needs improvement: the leader is told.",
        max_length=TEXT_MAX_LENGTH,
    )


class FeedbackForm(forms.Form):
    strengths = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write the leader's strengths."},
        max_length=TEXT_MAX_LENGTH,
    )
    areas_to_develop = forms.CharField(
        label="Areas to develop",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write the areas to develop."},
        max_length=TEXT_MAX_LENGTH,
    )
    meets_standard = forms.TypedChoiceField(
        label="Does the leader meet the standard?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the leader meets the standard."},
    )
