"""Forms of the privacy pages."""

from __future__ import annotations

from django import forms


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="Name or e-mail address", max_length=150, required=False, strip=True)


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label="Why is this person being erased?",
        help_text="For example: their request under UK GDPR article 17, received on a date. "
        "It is recorded with the erasure.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    confirm = forms.BooleanField(
        label="I understand: their name, e-mail address and the free text about them are "
        "replaced for good, and they can never sign in again.",
        required=True,
        error_messages={"required": "Confirm that you understand the erasure cannot be undone."},
    )
