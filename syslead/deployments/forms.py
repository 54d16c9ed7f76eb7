"""Forms of the agreement pages. They only parse and validate input; the services (and
``deployments.terms.clean_terms``, which they call) decide what an agreement may be.

The agreement form asks for every field of the paper agreements it replaces (docs/rules.md:
Deployment agreement): the contract between the schools and the broker
(home school and supported school details, start date, time commitment, intended end date, aims,
objectives, costs), its SLE school-to-school support agreement (working with, managed by,
frequency, agreed times in school, purpose, staff involved, the baseline → actions → improvement →
impact table) and a local authority's support agreement (focus, intended outcomes, days,
funding arrangements, exit agreement).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory

from syslead.accounts.models import User
from syslead.core.dates import GovukDateField
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.deployments.models import (
    ChangeAction,
    ChangeKind,
    Deployment,
    DeploymentStatus,
    FundingRoute,
    FurtherSupport,
)
from syslead.deployments.terms import DETAIL_FIELDS, OBJECTIVE_FIELDS
from syslead.invitations.forms import SomeoneToInviteForm
from syslead.leaders.models import LeaderProfile

#: How many overall aims the form offers ("Overall aim(s) of deployment: 1. 2. 3.").
AIM_FIELDS = ("aim_1", "aim_2", "aim_3")
#: Empty objective rows the form adds after the filled ones (the contract's "1. 2. 3.").
OBJECTIVE_ROWS = 3
MAX_OBJECTIVES = 20
TEXT_ROWS = 3


class RadioButtons(forms.RadioSelect):
    """Radios whose "label" is the first radio, so the error summary can link to it."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return super().id_for_label(id_, index if index is not None else "0")


NUMBER_WIDGET = forms.NumberInput(attrs={"class": "input--short", "inputmode": "numeric"})


def _text(label: str, help_text: str = "", *, rows: int = TEXT_ROWS) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=TEXT_MAX_LENGTH,
    )


def _line(label: str, help_text: str = "", *, max_length: int = 200) -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=help_text, max_length=max_length)


def _sessions(label: str, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=1000,
        initial=0,
        required=False,
        help_text=help_text,
        widget=NUMBER_WIDGET,
    )


class AgreementForm(forms.Form):
    """The agreement's terms and details. Which fields are shown in which part of the page is the
    template's business (``PARTS``)."""

    # System leader: home school details
    leader_role = _line("Role of the system leader", max_length=150)
    leader_contact = _line("The system leader's phone number or e-mail address")
    home_headteacher_name = _line(
        "Headteacher of the leader's school",
        "When the leader is the headteacher, the chair of governors signs for the school.",
        max_length=150,
    )
    # Supported school details
    client_headteacher_name = _line("Headteacher of the supported school", max_length=150)
    client_headteacher_email = forms.EmailField(
        label="E-mail of the supported school's headteacher", required=False
    )
    client_contact_name = _line("School contact name", "The school's senior leader contact.")
    client_contact_role = _line("School contact role", max_length=150)
    client_contact_details = _line("School contact phone number or e-mail address")
    managed_by_name = _line("Work in school to be managed by", max_length=150)
    managed_by_email = forms.EmailField(label="E-mail of the school manager", required=False)
    broker_lead_name = _line(
        "Signs for the broker", "For example the headteacher of the lead teaching school."
    )
    # Deployment
    starts_on = GovukDateField(
        label="Agreed start date",
        error_messages={"required": "Enter the agreed start date."},
    )
    ends_on = GovukDateField(
        label="Intended end date",
        help_text="As a guide, no less than one term and no more than six terms.",
        error_messages={"required": "Enter the intended end date."},
    )
    length_justification = _text(
        "Why is the agreement shorter than a term or longer than six terms?"
    )
    full_days = _sessions("Full days")
    half_days = _sessions("Half days")
    twilight_sessions = _sessions("Twilight sessions", "Charged and counted as half days.")
    intervals = _line("Frequency", "For example: one day a fortnight, or half a day each week.")
    times_in_school = _line("Agreed time(s) in school", "For example: Tuesday mornings.")
    purpose = _text("Purpose of support", "The focus for support.")
    staff_involved = _text("Staff involved", "The teachers or staff to be supported.")
    aim_1 = _line("Overall aim 1", max_length=500)
    aim_2 = _line("Overall aim 2", max_length=500)
    aim_3 = _line("Overall aim 3", max_length=500)
    evaluation_strategy = _text(
        "Evaluation strategy", "How you will know the support has worked, agreed at the outset."
    )
    monitoring_arrangements = _text(
        "Monitoring arrangements",
        "For example: a note of visit after every visit, the deployment record shared each "
        "term, termly feedback from the headteacher.",
    )
    exit_arrangements = _text(
        "Exit arrangements", "How the support will conclude, and what happens at the end."
    )
    # Funding
    funding_route = forms.ChoiceField(
        label="Who funds the days?",
        choices=FundingRoute.choices,
        widget=RadioButtons,
        error_messages={"required": "Choose who funds the days."},
    )
    commissioner_name = _line(
        "Name of the commissioner",
        "The local authority or other commissioner who funds the days, if not the school.",
    )
    funding_notes = _text("Funding arrangements", "Anything else about how the days are paid.")
    # A coordinator passes the capacity rule only with a recorded reason.
    capacity_override_reason = _text(
        "Reason to go ahead beyond the leader's capacity",
        "Only if the capacity rule refuses the days. Your reason is recorded on the agreement.",
    )

    #: The parts of the page, each a fieldset, in the contract's order.
    PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
        (
            "System leader: home school details",
            ("leader_role", "leader_contact", "home_headteacher_name"),
        ),
        (
            "Supported school details",
            (
                "client_headteacher_name",
                "client_headteacher_email",
                "client_contact_name",
                "client_contact_role",
                "client_contact_details",
                "managed_by_name",
                "managed_by_email",
            ),
        ),
        ("The broker", ("broker_lead_name",)),
    )

    def __init__(self, *args: Any, show_override: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Set by the page when the length is outside the guide or the capacity rule refuses.
        self.needs_justification = bool(self["length_justification"].value())
        self.show_override = show_override or bool(self["capacity_override_reason"].value())

    def part_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.PARTS]

    def aims(self) -> list[str]:
        return [self.cleaned_data.get(name) or "" for name in AIM_FIELDS]

    def terms(self, objectives: list[dict[str, Any]]) -> dict[str, Any]:
        """The terms as the services take them (``deployment_create``'s keyword arguments)."""
        data = self.cleaned_data
        return {
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "full_days": data.get("full_days") or 0,
            "half_days": data.get("half_days") or 0,
            "twilight_sessions": data.get("twilight_sessions") or 0,
            "aims": [aim for aim in self.aims() if aim.strip()],
            "objectives": objectives,
            "funding_route": data["funding_route"],
            "length_justification": data.get("length_justification") or "",
            **{name: data.get(name) or "" for name in DETAIL_FIELDS},
        }

    def put_error(self, name: str, message: str) -> None:
        """A service's error on the field it names (aims on the first aim; others at the top)."""
        if name == "aims":
            name = AIM_FIELDS[0]
        if name in self.fields:
            self.add_error(name, message)
            if name == "length_justification":
                self.needs_justification = True
        else:
            self.add_error(None, message)


def initial_from_deployment(deployment: Deployment) -> dict[str, Any]:
    """The form's values for an existing agreement (to change or amend it)."""
    initial: dict[str, Any] = {
        "starts_on": deployment.starts_on,
        "ends_on": deployment.ends_on,
        "full_days": deployment.full_days,
        "half_days": deployment.half_days,
        "twilight_sessions": deployment.twilight_sessions,
        "funding_route": deployment.funding_route,
        "length_justification": deployment.length_justification,
        **{name: getattr(deployment, name) for name in DETAIL_FIELDS},
    }
    for name, aim in zip(AIM_FIELDS, deployment.aims, strict=False):
        initial[name] = aim
    return initial


class ObjectiveForm(forms.Form):
    """One row: an agreed objective and outcome with its review date, and the impact table's
    columns (the SLE support agreement: baseline measure → actions → improvement → impact)."""

    text = forms.CharField(
        label="Agreed objective",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX_LENGTH,
    )
    outcome = forms.CharField(
        label="Intended outcome",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX_LENGTH,
    )
    review_on = GovukDateField(label="To be reviewed by", required=False)
    baseline = forms.CharField(
        label="Baseline measure",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX_LENGTH,
    )
    actions = forms.CharField(
        label="Actions to be carried out",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX_LENGTH,
    )
    improvement = forms.CharField(
        label="Improvement to be made",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX_LENGTH,
    )
    impact = forms.CharField(
        label="Impact",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX_LENGTH,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        others = [name for name in OBJECTIVE_FIELDS if name != "text" and data.get(name)]
        if others and not (data.get("text") or "").strip():
            self.add_error("text", "Say what the objective is, or empty this row.")
        return data


class BaseObjectiveFormSet(BaseFormSet[ObjectiveForm]):
    def rows(self) -> list[dict[str, Any]]:
        """The filled-in rows, in order, as the services take them."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if (data.get("text") or "").strip():
                rows.append(
                    {
                        name: data.get(name) or ("" if name != "review_on" else None)
                        for name in OBJECTIVE_FIELDS
                    }
                )
        return rows


def objective_formset(
    data: Any = None, *, initial: list[dict[str, Any]] | None = None
) -> BaseObjectiveFormSet:
    """The objectives' rows: the filled ones and ``OBJECTIVE_ROWS`` empty ones."""
    formset_class = formset_factory(
        ObjectiveForm,
        formset=BaseObjectiveFormSet,
        extra=OBJECTIVE_ROWS,
        max_num=MAX_OBJECTIVES,
        absolute_max=MAX_OBJECTIVES,
    )
    formset = formset_class(data, initial=initial, prefix="objectives")
    assert isinstance(formset, BaseObjectiveFormSet)
    return formset


def objectives_initial(deployment: Deployment) -> list[dict[str, Any]]:
    return [
        {name: getattr(o, name) for name in OBJECTIVE_FIELDS} for o in deployment.objectives.all()
    ]


# Choosing the request and the leader --------------------------------------------------------------


class ChooseRequestForm(forms.Form):
    support_request = forms.TypedChoiceField(
        label="Which request is the agreement for?",
        coerce=int,
        error_messages={"required": "Choose the request."},
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["support_request"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Choose a request"), *choices]


class LeaderChoiceField(forms.ModelChoiceField[LeaderProfile]):
    def label_from_instance(self, obj: LeaderProfile) -> str:
        role = obj.job_title or "system leader"
        return f"{obj.user.get_full_name()}, {role} at {obj.home_school.name}"


class ChooseLeaderForm(forms.Form):
    leader = LeaderChoiceField(
        label="Which system leader will be deployed?",
        queryset=LeaderProfile.objects.none(),
        empty_label="Choose a leader",
        error_messages={"required": "Choose the system leader."},
    )

    def __init__(self, *args: Any, leaders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["leader"]
        assert isinstance(field, LeaderChoiceField)
        field.queryset = leaders


# Signing ------------------------------------------------------------------------------------------


class SignForm(forms.Form):
    confirm = forms.BooleanField(
        error_messages={"required": "Tick the box to confirm you agree to the support agreement."}
    )

    def __init__(self, *args: Any, declaration: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = declaration


class ChairSignatureForm(forms.Form):
    chair_name = forms.CharField(
        label="Name of the chair of governors",
        max_length=100,
        error_messages={"required": "Name the chair of governors who signed."},
    )
    confirm = forms.BooleanField(
        label="The chair of governors has agreed to this support agreement and signed it",
        error_messages={"required": "Tick the box to confirm the chair of governors signed."},
    )


class InviteSignerForm(SomeoneToInviteForm):
    """Invite the person who signs for a party no one with an account holds."""


class SendForSignatureForm(forms.Form):
    """Send a draft for signature; on the local authority route without the SIP's agreement, the
    coordinator says why (the field is shown only then)."""

    sip_not_asked_reason = forms.CharField(
        label="Why send it without the SIP's agreement?",
        help_text="For example: the SIP is on leave and the school cannot wait. The reason is "
        "recorded on the agreement's timeline.",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SipAnswerForm(forms.Form):
    """The school's SIP agrees the draft or asks for changes (with comments)."""

    AGREE = "agree"
    CHANGES = "changes"

    decision = forms.ChoiceField(
        label="Do you agree this support agreement?",
        choices=[
            (AGREE, "Yes, I agree it: it can be sent for signature"),
            (CHANGES, "No, I am asking for changes"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you agree the support agreement."},
    )
    comments = forms.CharField(
        label="Comments",
        help_text="Needed when you ask for changes: say what should change.",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.CHANGES and not (data.get("comments") or "").strip():
            self.add_error("comments", "Say what should change.")
        return data


class PaperSignatureForm(forms.Form):
    """A signature given on paper: the party, who signed, when, why on paper, and a scan."""

    party = forms.ChoiceField(
        label="Who signed on paper",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the party who signed on paper."},
    )
    signer_name = forms.CharField(
        label="Name of the person who signed",
        max_length=150,
        error_messages={"required": "Enter the name of the person who signed."},
    )
    signed_on = GovukDateField(label="Date they signed")
    reason = forms.CharField(
        label="Why was it signed on paper?",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the signature was given on paper."},
    )
    scan = forms.FileField(
        label="Scan of the signed agreement",
        help_text="A PDF or an image (PNG, JPEG, TIFF or WebP), 20 MB or smaller.",
        error_messages={
            "required": "Upload a scan of the signed agreement.",
            "empty": "The file is empty: upload a scan of the signed agreement.",
        },
    )

    def __init__(self, *args: Any, parties: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        party_field = self.fields["party"]
        assert isinstance(party_field, forms.ChoiceField)
        party_field.choices = parties


# Changes and exits --------------------------------------------------------------------------------

RECORD_ONLY = ""
ACTION_LABELS: dict[str, str] = {
    RECORD_ONLY: "Record it only: nothing changes yet",
    ChangeAction.PAUSE: "Pause the agreement (its days stay reserved)",
    ChangeAction.RESUME: "Resume the agreement",
    ChangeAction.REPLACE: "Replace the leader (re-broker: the days not yet delivered carry over)",
    ChangeAction.AMEND: "Amend the terms (a new version all four parties sign again)",
    ChangeAction.END_EARLY: "End the agreement early",
}


class ChangeForm(forms.Form):
    kind = forms.ChoiceField(
        label="What has changed?",
        choices=ChangeKind.choices,
        widget=RadioButtons,
        error_messages={"required": "Say what has changed."},
    )
    reason = forms.CharField(
        label="Details",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What happened and what was agreed. The parties see this.",
        error_messages={"required": "Give the details of the change."},
        max_length=TEXT_MAX_LENGTH,
    )
    action = forms.ChoiceField(
        label="What will you do about it?",
        widget=RadioButtons,
        required=False,
    )
    new_leader = LeaderChoiceField(
        label="The leader who takes over",
        queryset=LeaderProfile.objects.none(),
        required=False,
        empty_label="Choose a leader",
        help_text="Only if you replace the leader.",
    )
    starts_on = GovukDateField(
        label="The new leader starts on",
        required=False,
        help_text="Only if you replace the leader. Leave empty for today.",
    )
    ended_on = GovukDateField(
        label="The agreement ends on",
        required=False,
        help_text="Only if you end it early. Leave empty for today.",
    )
    capacity_override_reason = _text(
        "Reason to go ahead beyond the new leader's capacity",
        "Only if the capacity rule refuses the new leader's days. Your reason is recorded.",
    )

    def __init__(self, *args: Any, actions: Iterable[str], leaders: Any, **kwargs: Any) -> None:
        """``actions``: those the person may take now (``transitions.change_actions``)."""
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [(value, ACTION_LABELS[value]) for value in actions]
        new_leader = self.fields["new_leader"]
        assert isinstance(new_leader, LeaderChoiceField)
        new_leader.queryset = leaders

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == ChangeAction.REPLACE and not data.get("new_leader"):
            self.add_error("new_leader", "Choose the leader who takes over.")
        return data


class ReasonForm(forms.Form):
    """A managed exit, the leader's "I cannot provide the outreach", a cancellation."""

    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Give the reason."},
        max_length=TEXT_MAX_LENGTH,
    )

    def __init__(self, *args: Any, label: str = "Why?", help_text: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text


class AmendForm(forms.Form):
    """Why an agreement's terms change: asked on the amendment's check page (the terms
    themselves are the draft's sections, ``views/draft.py``)."""

    kind = forms.ChoiceField(
        label="Why are the terms changing?",
        choices=ChangeKind.choices,
        widget=RadioButtons,
        initial=ChangeKind.OTHER,
        error_messages={"required": "Say why the terms are changing."},
    )
    reason = forms.CharField(
        label="Details of the change",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The parties see this when they are asked to sign the new version.",
        error_messages={"required": "Give the details of the change."},
        max_length=TEXT_MAX_LENGTH,
    )


class CompleteForm(forms.Form):
    completed_on = GovukDateField(
        label="Date the support was completed",
        required=False,
        help_text="Leave empty for today.",
    )


# Packages -----------------------------------------------------------------------------------------


class DeploymentChoiceField(forms.ModelChoiceField[Deployment]):
    def label_from_instance(self, obj: Deployment) -> str:
        return (
            f"{obj.leader.user.get_full_name()}: {obj.starts_on:%-d %b %Y} to "
            f"{obj.ends_on:%-d %b %Y} ({obj.get_status_display().lower()})"
        )


class PackageStartForm(forms.Form):
    title = forms.CharField(
        label="Title of the package",
        max_length=200,
        help_text="For example: Leadership and maths support 2026-27.",
        error_messages={"required": "Give the package a title."},
    )


class PackageAddForm(forms.Form):
    deployment = DeploymentChoiceField(
        label="Another leader's agreement for the same school",
        queryset=Deployment.objects.none(),
        empty_label="Choose an agreement",
        error_messages={"required": "Choose the agreement to add."},
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["deployment"]
        assert isinstance(field, DeploymentChoiceField)
        field.queryset = candidates


# The list of agreements ---------------------------------------------------------------------------


class AgreementFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False)
    school = forms.CharField(
        label="School", required=False, max_length=100, help_text="Name or URN."
    )
    leader = forms.CharField(label="System leader", required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", "Any status"), *DeploymentStatus.choices]


# The draft as a task list: one page a section -----------------------------------------------------


class Section:
    """A section of the draft agreement (docs/ux.md, "The agreement draft"): its page asks for
    ``fields`` of ``AgreementForm`` and, for ``objective_columns``, those columns of each
    objective; it cannot start before the sections in ``needs`` are completed."""

    def __init__(
        self,
        slug: str,
        title: str,
        fields: tuple[str, ...],
        *,
        objective_columns: tuple[str, ...] = (),
        needs: tuple[str, ...] = (),
        hint: str = "",
    ) -> None:
        self.slug = slug
        self.title = title
        self.fields = fields
        self.objective_columns = objective_columns
        self.needs = needs
        self.hint = hint


SECTIONS: tuple[Section, ...] = (
    Section(
        "parties",
        "Parties",
        tuple(name for _, names in AgreementForm.PARTS for name in names),
        hint="The leader's school, the supported school and the broker.",
    ),
    Section(
        "dates",
        "Dates and days",
        (
            "starts_on",
            "ends_on",
            "length_justification",
            "full_days",
            "half_days",
            "twilight_sessions",
            "intervals",
            "times_in_school",
        ),
    ),
    Section(
        "aims",
        "Aims and objectives",
        ("purpose", "staff_involved", *AIM_FIELDS),
        objective_columns=("text", "outcome", "review_on"),
    ),
    Section(
        "impact",
        "Baseline to impact",
        (),
        objective_columns=("baseline", "actions", "improvement", "impact"),
        needs=("aims",),
        hint="For each objective: baseline measure, actions, improvement, impact.",
    ),
    Section("evaluation", "Evaluation", ("evaluation_strategy", "monitoring_arrangements")),
    Section("funding", "Funding", ("funding_route", "commissioner_name", "funding_notes")),
    Section("exit", "Exit", ("exit_arrangements",)),
)
SECTION_BY_SLUG = {section.slug: section for section in SECTIONS}
#: Which section asks for a term the services name (their errors link to its page).
SECTION_OF: dict[str, str] = {
    **{name: section.slug for section in SECTIONS for name in section.fields},
    "aims": "aims",
    "objectives": "aims",
}


class SectionForm(AgreementForm):
    """One section's fields of the agreement form. A part an agreement cannot go without
    (``terms.REQUIRED_PARTS``) is required here too, so the page says so at once."""

    REQUIRED = {
        "home_headteacher_name": "Enter the name of the headteacher of the leader's school",
        "evaluation_strategy": "Enter the evaluation strategy",
    }

    def __init__(self, *args: Any, section: Section, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section = section
        for name in list(self.fields):
            if name not in section.fields:
                del self.fields[name]
        for name, message in self.REQUIRED.items():
            if name in self.fields:
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = message

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.section.slug == "aims" and not any(
            (data.get(name) or "").strip() for name in AIM_FIELDS
        ):
            self.add_error(AIM_FIELDS[0], "Enter at least one overall aim of the deployment")
        return data


class ObjectiveColumnsForm(ObjectiveForm):
    """Some columns of an objective row (the section's)."""

    def __init__(self, *args: Any, columns: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in columns:
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        if "text" in self.fields:
            return super().clean()
        return forms.Form.clean(self) or {}


class BaseSectionObjectiveFormSet(BaseObjectiveFormSet):
    def clean(self) -> None:
        super().clean()
        if self.form_kwargs["columns"][0] == "text" and not any(
            (getattr(form, "cleaned_data", {}).get("text") or "").strip() for form in self.forms
        ):
            raise ValidationError("Enter at least one agreed objective", code="objectives_required")


def section_objective_formset(
    section: Section, data: Any = None, *, initial: list[dict[str, Any]]
) -> BaseSectionObjectiveFormSet:
    """The objective rows of a section: to write them (empty rows after the filled ones) or to
    fill in other columns of those already written (no more rows)."""
    writing = section.objective_columns[0] == "text"
    formset_class = formset_factory(
        ObjectiveColumnsForm,
        formset=BaseSectionObjectiveFormSet,
        extra=OBJECTIVE_ROWS if writing else 0,
        max_num=MAX_OBJECTIVES,
        absolute_max=MAX_OBJECTIVES,
    )
    formset = formset_class(
        data,
        initial=initial,
        prefix="objectives",
        form_kwargs={"columns": section.objective_columns},
    )
    assert isinstance(formset, BaseSectionObjectiveFormSet)
    return formset


# Closing together and disputes (docs/rules.md, "Closing an agreement", "Disputes") ---------------


class StatementForm(forms.Form):
    """The leader's statement: fully delivered or not, and why not."""

    fully_delivered = forms.ChoiceField(
        label="Was the support fully delivered?",
        choices=[("yes", "Yes, fully delivered"), ("no", "No, not fully delivered")],
        widget=RadioButtons,
        error_messages={"required": "Say whether the support was fully delivered."},
    )
    reason = forms.CharField(
        label="Why was it not fully delivered?",
        help_text="Needed if it was not fully delivered: what was not delivered, and why.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_MAX_LENGTH,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("fully_delivered") == "no" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why the support was not fully delivered.")
        return data


class SignOffForm(forms.Form):
    """Signing the agreement off: the button is the whole form."""


class FurtherSupportForm(forms.Form):
    """The decision on further support; further support starts a new request."""

    decision = forms.ChoiceField(
        label="Does the school need further support?",
        choices=[
            (FurtherSupport.NONE.value, "No, no further support"),
            (FurtherSupport.FURTHER.value, "Yes, start a new request for further support"),
        ],
        widget=RadioButtons,
        error_messages={"required": "Choose whether the school needs further support."},
    )
    summary = forms.CharField(
        label="What further support does the school need?",
        help_text="For the new request. We filled it in from this agreement's request.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_MAX_LENGTH,
    )
    days_requested = forms.DecimalField(
        label="Days of further support",
        help_text="Whole or half days, e.g. 5 or 7.5.",
        required=False,
        min_value=Decimal("0.5"),
        max_value=Decimal("999"),
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"class": "input--short", "inputmode": "decimal"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == FurtherSupport.FURTHER:
            if not (data.get("summary") or "").strip():
                self.add_error("summary", "Say what further support the school needs.")
            if data.get("days_requested") is None and "days_requested" not in self.errors:
                self.add_error("days_requested", "Give the number of days the school needs.")
        return data


class DisputeForm(forms.Form):
    what = forms.CharField(
        label="What is the dispute about?",
        help_text="The broker's coordinators read this and record the outcome. Everyone who "
        "sees the agreement reads it on its timeline.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say what the dispute is about."},
        max_length=TEXT_MAX_LENGTH,
    )


class DisputeOutcomeForm(forms.Form):
    outcome = forms.CharField(
        label="What is the outcome?",
        help_text="Whoever raised the dispute is told, and it goes on the agreement's timeline.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say what the outcome of the dispute is."},
        max_length=TEXT_MAX_LENGTH,
    )


class PersonChoiceField(forms.ModelChoiceField[User]):
    """A choice of person, shown as their name and e-mail address."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name()} ({obj.email})"


class CopyInForm(forms.Form):
    """Copy one of the organisation's SIPs in on the agreement (docs/rules.md, "The school's
    named SIP")."""

    person = PersonChoiceField(
        label="Who should be copied in?",
        queryset=User.objects.none(),
        widget=RadioButtons,
        empty_label=None,
        error_messages={
            "required": "Choose who to copy in.",
            "invalid_choice": "Choose one of the school improvement partners listed.",
        },
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people
