"""The broker's agreement and code of conduct (publishing, signing, the leader's contact) and a
person's governance record."""

from __future__ import annotations

from typing import Any

from django import forms

from syslead.accounts.models import User
from syslead.core.dates import GovukDateField
from syslead.leaders.forms.common import Radios
from syslead.leaders.models import GovernancePosition
from syslead.leaders.services.agreements import AGREEMENT_MAX_LENGTH


class AgreementPublishForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Give the agreement a title."},
    )
    text = forms.CharField(
        label="Agreement and code of conduct",
        help_text="What the leader and the organisation each commit to, and the code of conduct.",
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=AGREEMENT_MAX_LENGTH,
        error_messages={"required": "Enter the text of the agreement and code of conduct."},
    )


class AgreementSignForm(forms.Form):
    signed_name = forms.CharField(
        label="Your full name",
        max_length=150,
        error_messages={"required": "Type your full name to sign."},
    )
    confirmed = forms.BooleanField(
        label="I have read this agreement and code of conduct and I agree to them",
        error_messages={
            "required": "Confirm that you have read the agreement and code of conduct and agree "
            "to them."
        },
    )


class _PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name())


class AssociationContactForm(forms.Form):
    contact = _PersonChoiceField(
        label="Contact at the organisation",
        queryset=User.objects.none(),
        widget=Radios,
        empty_label=None,
        error_messages={
            "required": "Choose the leader's contact at the organisation.",
            "invalid_choice": "Choose one of the organisation's coordinators or broker leads.",
        },
    )

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = staff


class GovernanceRoleForm(forms.Form):
    body = forms.CharField(
        label="School or trust",
        max_length=200,
        error_messages={"required": "Enter the school or trust governed."},
    )
    role = forms.ChoiceField(
        label="Role",
        widget=Radios,
        choices=GovernancePosition.choices,
        error_messages={"required": "Choose the role: chair, vice-chair, governor or trustee."},
    )
    starts_on = GovukDateField(
        label="From", error_messages={"required": "Give the date the role started."}
    )
    ends_on = GovukDateField(
        label="To", required=False, help_text="Leave empty if the role is still held."
    )
