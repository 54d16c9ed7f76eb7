"""Forms of the delivery pages: they parse and validate input; the services apply the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory

from syslead.accounts.models import User
from syslead.calendars.school_calendar import calendar_for
from syslead.core.dates import GovukDateField
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.visits.models import (
    PREPARATION_LEAD_DAYS,
    ActionOwner,
    ConcernKind,
    LogActivity,
    Session,
)
from syslead.visits.services import ActionPointSpec


class RadioButtons(forms.RadioSelect):
    """Radios whose field "label" is the first radio, so the error summary can link to it."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return super().id_for_label(id_, index if index is not None else "0")


class VisitForm(forms.Form):
    date = GovukDateField(label="Date of visit")
    session = forms.ChoiceField(
        label="Session",
        choices=Session.choices,
        widget=RadioButtons,
        help_text="A full day counts as 1 day; a half day or twilight session as half a day.",
    )
    hours = forms.DecimalField(
        label="Hours in school",
        min_value=0.25,
        max_value=24,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={"step": "0.25", "class": "input--short", "inputmode": "decimal"}
        ),
    )
    focus = forms.CharField(
        label="Focus of visit", widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX_LENGTH
    )
    progress = forms.CharField(
        label="Progress made",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX_LENGTH,
    )
    issues = forms.CharField(
        label="Points or issues arising during the visit",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Raise safeguarding or other serious concerns separately, straight away.",
        max_length=TEXT_MAX_LENGTH,
    )
    confirm_non_school_day = forms.BooleanField(label="Yes, record it on that day", required=False)

    def __init__(
        self,
        *args: Any,
        local_authority: str = "",
        recorded_on: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        """``local_authority``: the supported school's, whose calendar says which days are
        school days; ``recorded_on``: the date the note already has (not asked about again)."""
        super().__init__(*args, **kwargs)
        self.local_authority = local_authority
        self.recorded_on = recorded_on
        #: Why the date given is not a school day, when it is not (the page then asks).
        self.non_school_day: str | None = None
        self.non_school_date: dt.date | None = None

    def clean(self) -> dict[str, Any]:
        """A date that is not a school day (a weekend, a bank holiday, the school's holidays or
        half-term) is asked about once: the page warns and the leader ticks "Yes, record it on
        that day". The API takes such a date as given."""
        data = super().clean() or {}
        day = data.get("date")
        if day is None or day == self.recorded_on:
            return data
        reason = calendar_for(self.local_authority).why_not_a_school_day(day)
        if reason is None:
            return data
        self.non_school_day = reason
        self.non_school_date = day
        if not data.get("confirm_non_school_day"):
            self.add_error(
                "date",
                f"{day:%A %-d %B %Y} is not a school day ({reason}). Check the date, or tick "
                "“Yes, record it on that day”.",
            )
        return data


class ActionPointForm(forms.Form):
    owner = forms.ChoiceField(
        label="For", choices=[("", "Choose"), *ActionOwner.choices], required=False
    )
    action = forms.CharField(
        label="Action",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX_LENGTH,
    )
    due_on = GovukDateField(label="Due by", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = [bool(data.get(name)) for name in ("owner", "action", "due_on")]
        if any(filled) and not all(filled):
            if not data.get("owner"):
                self.add_error("owner", "Say whether the action is for the leader or the school.")
            if not data.get("action"):
                self.add_error("action", "Describe the action.")
            if not data.get("due_on"):
                self.add_error("due_on", "Give the date the action is due.")
        return data


class BaseActionPointFormSet(BaseFormSet[ActionPointForm]):
    def specs(self) -> list[ActionPointSpec]:
        """The filled-in rows, in order."""
        return [
            ActionPointSpec(
                owner=form.cleaned_data["owner"],
                action=form.cleaned_data["action"],
                due_on=form.cleaned_data["due_on"],
            )
            for form in self.forms
            if form.cleaned_data.get("action")
        ]


ActionPointFormSet = formset_factory(
    ActionPointForm, formset=BaseActionPointFormSet, extra=0, max_num=30, absolute_max=30
)


class AgreeForm(forms.Form):
    decision = forms.ChoiceField(
        label="Do you agree this note of visit?",
        choices=[("agree", "Yes, I agree it"), ("changes", "No, ask for changes")],
        widget=RadioButtons,
    )
    comment = forms.CharField(
        label="What should change?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only if you ask for changes. The leader sees your comment.",
        max_length=TEXT_MAX_LENGTH,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "changes" and not (data.get("comment") or "").strip():
            self.add_error("comment", "Say what should change.")
        return data


class LogEntryForm(forms.Form):
    date = GovukDateField(
        help_text=f"Within the agreement. Preparation may be dated up to {PREPARATION_LEAD_DAYS} "
        "days before it starts.",
    )
    hours = forms.DecimalField(
        label="Time (in hours)",
        min_value=0.25,
        max_value=24,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={"step": "0.25", "class": "input--short", "inputmode": "decimal"}
        ),
    )
    activity = forms.ChoiceField(label="Kind of activity", choices=LogActivity.choices)
    actions = forms.CharField(
        label="Actions", widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_LENGTH
    )
    outcomes = forms.CharField(
        label="Outcomes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX_LENGTH,
    )
    comments = forms.CharField(
        label="Comments",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX_LENGTH,
    )


class ConcernForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of concern", choices=ConcernKind.choices, widget=RadioButtons
    )
    summary = forms.CharField(
        label="Summary", max_length=200, help_text="One line: what is the concern?"
    )
    details = forms.CharField(
        label="Details", widget=forms.Textarea(attrs={"rows": 6}), max_length=TEXT_MAX_LENGTH
    )
    action_taken = forms.CharField(
        label="What have you already done?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, told the school's designated safeguarding lead.",
        max_length=TEXT_MAX_LENGTH,
    )


class ConcernActionForm(forms.Form):
    text = forms.CharField(
        label="Action taken", widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX_LENGTH
    )


class ConcernCloseForm(forms.Form):
    outcome = forms.CharField(
        label="Outcome", widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX_LENGTH
    )


class ConcernContactForm(forms.Form):
    safeguarding_lead: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Named person for safeguarding and serious concerns",
        queryset=User.objects.none(),  # the organisation's people, set per form
        empty_label="Choose a person",
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["safeguarding_lead"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people


class LogSignForm(forms.Form):
    """The headteacher's declaration on the term's shared deployment record (docs/rules.md,
    Records: "signed by the head each term")."""

    confirm = forms.BooleanField(
        label="I confirm this deployment record is an accurate account of the support my school "
        "received this term",
        error_messages={"required": "Tick the box to confirm the record is accurate."},
    )
