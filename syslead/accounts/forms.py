"""Forms for signing in and managing a password. People sign in with their e-mail address; the
field keeps Django's name ``username`` because django-axes counts failed attempts by it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.template.loader import render_to_string

from syslead.notifications.services import email_enqueue


class EmailAuthenticationForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label="E-mail address",
        max_length=254,
        error_messages={
            "required": "Enter your e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@school.org.uk",
        },
        widget=forms.EmailInput(
            attrs={"autocomplete": "username", "spellcheck": "false", "autofocus": True}
        ),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "The e-mail address or password is not right. Check them and try again.",
        "inactive": "This account has been closed. Ask your coordinator if you need it again.",
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="We will send a link to reset your password to this address.",
        error_messages={
            "required": "Enter your e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@school.org.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def send_mail(  # noqa: PLR0917 (Django's signature)
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Send the reset link through the background e-mail task instead of during the request."""
        subject = render_to_string(subject_template_name, context)
        email_enqueue(
            to=to_email,
            subject=subject,
            template=email_template_name.removesuffix(".txt"),
            context=context,
        )


def _plain_labels(form: forms.Form) -> None:
    labels = {
        "old_password": "Current password",
        "new_password1": "New password",
        "new_password2": "Confirm new password",
    }
    for name, label in labels.items():
        if name in form.fields:
            form.fields[name].label = label


class SetPasswordForm(auth_forms.SetPasswordForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_labels(self)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_labels(self)


class CodeForm(forms.Form):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery "
        "codes.",
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "off",
                "autofocus": True,
            }
        ),
    )


class SetUpForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=12,
        help_text="The 6 digits the app shows for Syslead.",
        error_messages={"required": "Enter the 6-digit code the app shows"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
    )


class TokenForm(forms.Form):
    label = forms.CharField(
        label="What it is for (optional)",
        max_length=100,
        required=False,
        help_text="For example: the trust's reporting script.",
    )
    days = forms.IntegerField(
        label="Days until it expires",
        min_value=1,
        max_value=366,
        error_messages={
            "required": "Enter how many days the token should work",
            "invalid": "Enter a whole number of days",
            "min_value": "A token works for at least 1 day",
            "max_value": "A token works for at most 366 days",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label="Name or e-mail address", max_length=150, required=False)
