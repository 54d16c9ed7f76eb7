"""A leader's profile: their own form, a coordinator's, adding a leader, the declaration."""

from __future__ import annotations

from typing import Any

from django import forms

from syslead.core.dates import GovukDateField
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.leaders.forms.common import (
    PHASE_CHOICES,
    Checkboxes,
    OrganisationField,
    OrganisationFormMixin,
    specialism_choices,
)
from syslead.leaders.models import (
    Specialism,
)
from syslead.organisations.models import Organisation


class ProfileForm(forms.Form):
    """The parts of a profile the leader keeps themselves (a coordinator may edit them too)."""

    job_title = forms.CharField(
        label="Job title", max_length=150, error_messages={"required": "Enter the job title."}
    )
    specialisms = forms.MultipleChoiceField(
        label="Specialisms",
        required=False,
        widget=Checkboxes,
        help_text="Fields of expertise: select all that apply.",
    )
    phases = forms.MultipleChoiceField(
        label="Phases",
        required=False,
        choices=PHASE_CHOICES,
        widget=Checkboxes,
        help_text="The phases of school you can support.",
    )
    years_experience = forms.IntegerField(
        label="Years of experience in your field",
        min_value=0,
        max_value=60,
        widget=forms.NumberInput(attrs={"class": "input--short"}),
        error_messages={"required": "Give the years of experience (0 or more)."},
    )
    pen_portrait = forms.CharField(
        label="Pen portrait",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="A short description of your experience and the support you offer, as schools "
        "will read it when choosing a leader.",
        max_length=TEXT_MAX_LENGTH,
    )
    declared_conflicts = forms.CharField(
        label="Declared conflicts of interest",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Schools or interests you should not be matched with (for example a school "
        "where a relative works). Declare a conflict as soon as it arises.",
        max_length=TEXT_MAX_LENGTH,
    )

    def __init__(self, *args: Any, specialisms: list[Specialism], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["specialisms"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = specialism_choices(specialisms)


PUBLICATION_FIELDS = (
    "publish_profile",
    "publish_name",
    "publish_school",
    "publish_specialisms",
    "publish_pen_portrait",
)


class MyProfileForm(ProfileForm):
    """The leader's own form: their profile and their consent to publish each part of it."""

    publish_profile = forms.BooleanField(
        label="Publish my profile in the public directory",
        required=False,
        help_text="Only the parts you tick below are shown; nothing else ever is.",
    )
    publish_name = forms.BooleanField(label="My name", required=False)
    publish_school = forms.BooleanField(label="My school", required=False)
    publish_specialisms = forms.BooleanField(label="My specialisms and phases", required=False)
    publish_pen_portrait = forms.BooleanField(label="My pen portrait", required=False)


class CoordinatorProfileForm(ProfileForm):
    """A coordinator's form: the profile plus what bears on eligibility and deployability."""

    home_school = forms.IntegerField(
        label="Home school URN",
        help_text="The school that employs the leader.",
        widget=forms.NumberInput(attrs={"class": "input--short"}),
        error_messages={"required": "Give the home school's URN."},
    )
    is_headteacher = forms.BooleanField(
        label="The leader is the headteacher of their home school", required=False
    )
    core_training_completed_on = GovukDateField(
        label="Core training completed on",
        required=False,
        help_text="Leave empty if not yet completed: no deployment before core training.",
    )


class LeaderCreateForm(OrganisationFormMixin, CoordinatorProfileForm):
    """Add a leader: an existing person by e-mail, or a new one with their name."""

    email = forms.EmailField(
        label="E-mail address",
        help_text="If this person already uses Syslead, we add the profile to their account.",
        error_messages={
            "required": "Enter the leader's e-mail address.",
            "invalid": "Enter an e-mail address like name@school.org.uk.",
        },
    )
    name = forms.CharField(
        label="Full name",
        required=False,
        max_length=150,
        help_text="Needed only for someone new to Syslead.",
    )
    organisation = OrganisationField()

    field_order = [
        "email",
        "name",
        "organisation",
        "home_school",
        "job_title",
        "is_headteacher",
        "years_experience",
        "specialisms",
        "phases",
        "core_training_completed_on",
        "pen_portrait",
        "declared_conflicts",
    ]

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_organisations(organisations)


class SchoolFindForm(forms.Form):
    school_q = forms.CharField(
        label="Find the home school",
        help_text="School name, town, URN or postcode.",
        required=False,
        max_length=100,
    )


class DeclarationForm(forms.Form):
    reason = forms.CharField(
        label="Which criteria do you no longer meet, and why?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say which criteria you no longer meet, and why."},
        max_length=TEXT_MAX_LENGTH,
    )
