"""Designation types, rounds, applications and their stages, designating and revoking."""

from __future__ import annotations

from typing import Any

from django import forms

from syslead.core.dates import GovukDateField
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.leaders.forms.common import (
    OrganisationField,
    OrganisationFormMixin,
    Radios,
    designation_type_choices,
)
from syslead.leaders.models import (
    DesignationType,
)
from syslead.organisations.models import Organisation


class DesignationTypeForm(OrganisationFormMixin, forms.Form):
    organisation = OrganisationField()
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="A short code, like MLE.",
        error_messages={"required": "Enter a short code, like MLE."},
    )
    name = forms.CharField(
        label="Name",
        max_length=120,
        help_text="For example Maths Leader of Education.",
        error_messages={"required": "Enter the designation's name."},
    )
    criteria = forms.CharField(
        label="Eligibility criteria",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX_LENGTH,
    )
    min_years_experience = forms.IntegerField(
        label="Minimum years of experience",
        min_value=0,
        max_value=40,
        initial=0,
        widget=forms.NumberInput(attrs={"class": "input--short"}),
    )
    requires_headteacher = forms.BooleanField(label="Holders must be headteachers", required=False)
    excludes_headteacher = forms.BooleanField(
        label="Holders must be below headteacher", required=False
    )
    requires_good_or_outstanding_school = forms.BooleanField(
        label="The holder's school must be good or outstanding", required=False
    )
    is_exclusive = forms.BooleanField(
        label="Holders may be associated with only one organisation at a time", required=False
    )
    requires_annual_training = forms.BooleanField(
        label="Holders attend one mandatory training session a year", required=False
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_organisations(organisations)


class RoundForm(OrganisationFormMixin, forms.Form):
    organisation = OrganisationField()
    designation_type = forms.ChoiceField(label="Designation")
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example LLE recruitment 2026-27.",
        error_messages={"required": "Enter a title for the round."},
    )
    opens_on = GovukDateField(
        label="Applications open on",
        error_messages={"required": "Give the date applications open."},
    )
    closes_on = GovukDateField(
        label="Applications close on",
        error_messages={"required": "Give the date applications close."},
    )
    target = forms.IntegerField(
        label="Target number of designations",
        min_value=0,
        max_value=1000,
        initial=0,
        widget=forms.NumberInput(attrs={"class": "input--short"}),
    )
    priorities = forms.CharField(
        label="Priorities",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The specialisms, phases and areas this round seeks.",
        max_length=TEXT_MAX_LENGTH,
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        designation_types: list[DesignationType],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_organisations(organisations)
        field = self.fields["designation_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = designation_type_choices(designation_types)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The window must close on or after it opens.")
        return data


class ApplicationForm(forms.Form):
    years_in_role = forms.IntegerField(
        label="Years in your role or field of expertise",
        min_value=0,
        max_value=60,
        widget=forms.NumberInput(attrs={"class": "input--short"}),
        error_messages={"required": "Give the years in role: 0 or more."},
    )
    field_of_expertise = forms.CharField(
        label="Field of expertise",
        max_length=200,
        error_messages={"required": "Enter the field of expertise."},
    )
    evidence = forms.CharField(
        label="Evidence of impact against the criteria",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Give evidence of impact against the criteria."},
        max_length=TEXT_MAX_LENGTH,
    )


class StageForm(forms.Form):
    to_stage = forms.CharField(widget=forms.HiddenInput(), max_length=TEXT_MAX_LENGTH)
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For the record; the applicant does not see it.",
        max_length=TEXT_MAX_LENGTH,
    )
    feedback = forms.CharField(
        label="The panel's feedback to the applicant",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Sent to the applicant with the outcome. Required when not designating; "
        "optional when designating.",
        max_length=TEXT_MAX_LENGTH,
    )
    designated_on = GovukDateField(label="Designated on", required=False)


class DesignateForm(forms.Form):
    type_code = forms.ChoiceField(label="Designation")
    organisation = forms.ChoiceField(
        label="Designated by",
        help_text="Your organisation, or a national designation (NLE, NLG) recorded for the "
        "leader.",
    )
    designated_on = GovukDateField(
        label="Designated on",
        error_messages={"required": "Give the date of designation."},
    )
    review_on = GovukDateField(
        label="Review on",
        required=False,
        help_text="Leave empty for three years after designation.",
    )

    NATIONAL = "national"

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        designation_types: list[DesignationType],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        type_field = self.fields["type_code"]
        assert isinstance(type_field, forms.ChoiceField)
        type_field.choices = designation_type_choices(designation_types)
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ChoiceField)
        org_field.choices = [(str(o.pk), o.name) for o in organisations] + [
            (self.NATIONAL, "A national designation (no organisation)")
        ]


class RevokeForm(forms.Form):
    revoked_on = GovukDateField(
        label="Revoked on",
        error_messages={"required": "Give the date of revocation."},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reason for revoking the designation."},
        max_length=TEXT_MAX_LENGTH,
    )


class DesignationReviewCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        widget=Radios,
        choices=[
            ("continued", "The designation continues"),
            ("revoked", "The designation is revoked"),
        ],
        error_messages={"required": "Choose whether the designation continues or ends."},
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The reason, when the designation is revoked.",
        max_length=TEXT_MAX_LENGTH,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == "revoked" and not (data.get("notes") or "").strip():
            self.add_error("notes", "Give the reason for revoking the designation.")
        return data


class PublicApplicationForm(ApplicationForm):
    """Applying from the broker's public page without an account (a pending applicant): who you
    are and your school, then the statements every application gives."""

    field_order = [
        "round",
        "name",
        "email",
        "school",
        "job_title",
        "is_headteacher",
        "years_in_role",
        "field_of_expertise",
        "evidence",
    ]

    round = forms.TypedChoiceField(
        label="Designation sought",
        coerce=int,
        widget=Radios,
        error_messages={
            "required": "Choose the designation you are applying for.",
            "invalid_choice": "Choose one of the designations this round offers.",
        },
    )
    name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter your full name."},
    )
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="We write to you here with the outcome.",
        error_messages={
            "required": "Enter your e-mail address.",
            "invalid": "Enter an e-mail address in the correct format, like name@school.org.uk",
        },
    )
    school = forms.CharField(
        label="Your school",
        max_length=200,
        help_text="Its URN (the 6-digit number from Get Information about Schools) or its full "
        "name.",
        error_messages={"required": "Enter your school's URN or name."},
    )
    job_title = forms.CharField(
        label="Job title",
        max_length=150,
        error_messages={"required": "Enter your job title."},
    )
    is_headteacher = forms.BooleanField(label="I am the headteacher of this school", required=False)

    def __init__(self, *args: Any, rounds: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["round"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (
                r.pk,
                f"{r.designation_type.name} ({r.designation_type.code}): {r.title}, "
                f"closes {r.closes_on:%-d %B %Y}",
            )
            for r in rounds
        ]
        if len(rounds) == 1:
            self.initial.setdefault("round", rounds[0].pk)
