"""The invitation pages' forms: one question per page, then check the answers; and choosing a
password behind the link."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from syslead.accounts.access import coordinated_organisation_ids, is_administrator
from syslead.accounts.models import Role, User
from syslead.organisations.models import Organisation


class PersonForm(forms.Form):
    name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the person's full name"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="We will send the invitation to this address.",
        error_messages={
            "required": "Enter the person's e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@school.org.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def role_choices_for(user: User) -> list[tuple[str, str]]:
    """The roles this person may invite someone to hold."""
    roles = [Role.COORDINATOR, Role.BROKER_LEAD, Role.SIP, Role.HEADTEACHER, Role.SYSTEM_LEADER]
    if is_administrator(user):
        roles.append(Role.ADMINISTRATOR)
    return [(str(r.value), str(r.label)) for r in roles]


class SomeoneToInviteForm(forms.Form):
    """The name and e-mail address of someone to invite to take their part in a case: the person
    who signs for a party of an agreement, or a school's headteacher asked to choose a leader."""

    name = forms.CharField(
        label="Their full name",
        max_length=150,
        error_messages={"required": "Enter the person's name."},
    )
    email = forms.EmailField(
        label="Their e-mail address",
        max_length=254,
        error_messages={
            "required": "Enter the person's e-mail address.",
            "invalid": "Enter an e-mail address in the correct format, like name@school.org.uk",
        },
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label="What will they do in Syslead?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's role"},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices_for(user)  # type: ignore[attr-defined]


class OrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Which organisation?",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Select the organisation",
            "invalid_choice": "Select one of the organisations listed",
        },
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = Organisation.objects.order_by("name")
        if not is_administrator(user):
            queryset = queryset.filter(pk__in=coordinated_organisation_ids(user))
        self.fields["organisation"].queryset = queryset  # type: ignore[attr-defined]


class SchoolForm(forms.Form):
    school = forms.IntegerField(
        label="Which school? Give its URN",
        help_text="The school's unique reference number, 6 digits, like 137551. Find it under "
        "Schools.",
        min_value=100000,
        max_value=999999,
        error_messages={
            "required": "Enter the school's URN",
            "invalid": "Enter the URN as 6 digits, like 137551",
            "min_value": "Enter the URN as 6 digits, like 137551",
            "max_value": "Enter the URN as 6 digits, like 137551",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ChoosePasswordForm(forms.Form):
    """Django's password rules, checked against the person being invited."""

    new_password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        help_text="At least 8 characters; not a common password, not all numbers, and not like "
        "your name or e-mail address.",
        error_messages={"required": "Choose a password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        error_messages={"required": "Type the password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, person: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "The two passwords are not the same")
        elif first:
            try:
                password_validation.validate_password(first, self.person)
            except forms.ValidationError as error:
                self.add_error("new_password1", error)
        return cleaned
