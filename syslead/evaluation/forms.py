"""Forms of the feedback and evaluation pages: parsing only; the services hold the rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

from syslead.core.academic_years import Term
from syslead.core.filters import TermFilterForm
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.deployments.models import Objective
from syslead.evaluation.models import ContributionRating, EvaluationItem, Rag
from syslead.visits.forms import RadioButtons


class FeedbackForm(forms.Form):
    """The termly feedback, completed each term by the headteacher (docs/rules.md: Feedback and
    evaluation)."""

    work_managed_by = forms.CharField(
        label="Work in school managed by", max_length=200, required=False
    )
    days_in_school = forms.DecimalField(
        label="Days in school (including preparation time)",
        min_value=0,
        max_value=200,
        decimal_places=1,
        widget=forms.NumberInput(
            attrs={"step": "0.5", "class": "input--short", "inputmode": "decimal"}
        ),
    )
    objectives = forms.CharField(
        label="The agreed objectives of the work undertaken by the system leader in the school",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
    )
    school_actions = forms.CharField(
        label="Agreed action within the school as a result of the work",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
    )
    leader_actions = forms.CharField(
        label="Agreed action by the system leader as a result of the work",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
    )
    impact = forms.CharField(
        label="What has been the impact of the system leader's work?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_MAX_LENGTH,
    )


RAG_CHOICES = Rag.choices


class ProgressRatingForm(forms.Form):
    """One RAG radio group (and a comment) per objective, for one viewpoint and term."""

    def __init__(self, *args: Any, objectives: list[Objective], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objectives = objectives
        for objective in objectives:
            self.fields[f"rating_{objective.pk}"] = forms.ChoiceField(
                label=f"Objective {objective.position}: {objective.text}",
                choices=RAG_CHOICES,
                widget=RadioButtons,
                required=False,
            )
            self.fields[f"comment_{objective.pk}"] = forms.CharField(
                label=f"Comment on objective {objective.position} (optional)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=TEXT_MAX_LENGTH,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f"rating_{o.pk}") for o in self.objectives):
            raise forms.ValidationError("Rate at least one objective red, amber or green.")
        return data

    def rows(self) -> list[tuple[Objective, forms.BoundField, forms.BoundField]]:
        return [(o, self[f"rating_{o.pk}"], self[f"comment_{o.pk}"]) for o in self.objectives]

    def ratings(self) -> dict[int, str]:
        return {
            o.pk: self.cleaned_data[f"rating_{o.pk}"]
            for o in self.objectives
            if self.cleaned_data.get(f"rating_{o.pk}")
        }

    def comments(self) -> dict[int, str]:
        return {o.pk: self.cleaned_data.get(f"comment_{o.pk}", "") for o in self.objectives}


class RevisedMeasuresForm(forms.Form):
    revised_measures = forms.CharField(
        label="Revised or new impact measures agreed",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX_LENGTH,
    )


class EvaluationForm(forms.Form):
    """The end-of-support evaluation (docs/rules.md: Feedback and evaluation): nine items rated red,
    amber or green, with comments and evidence, then future priorities and support requested."""

    future_priorities = forms.CharField(
        label="Future improvement or support priorities",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
    )
    future_support_requested = forms.CharField(
        label="Future support requested",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="If you would like more support, say what: you can then ask for it in one step.",
        max_length=TEXT_MAX_LENGTH,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in EvaluationItem:
            self.fields[f"rating_{item.value}"] = forms.ChoiceField(
                label=item.label,
                choices=RAG_CHOICES,
                widget=RadioButtons,
                error_messages={"required": f"Rate “{item.label}” red, amber or green."},
            )
            self.fields[f"comment_{item.value}"] = forms.CharField(
                label=f"Your comments and evidence: {item.label}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=TEXT_MAX_LENGTH,
            )
        # Keep the form's order: the nine items first, then the future.
        order = [
            f"{kind}_{item.value}" for item in EvaluationItem for kind in ("rating", "comment")
        ]
        self.order_fields([*order, "future_priorities", "future_support_requested"])

    def items(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (item.label, self[f"rating_{item.value}"], self[f"comment_{item.value}"])
            for item in EvaluationItem
        ]

    def ratings(self) -> dict[str, str]:
        return {item.value: self.cleaned_data[f"rating_{item.value}"] for item in EvaluationItem}

    def comments(self) -> dict[str, str]:
        return {item.value: self.cleaned_data[f"comment_{item.value}"] for item in EvaluationItem}


class FinalReportForm(forms.Form):
    work_summary = forms.CharField(
        label="Summary of the work done",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_MAX_LENGTH,
    )
    impact = forms.CharField(
        label="Evidence of impact achieved",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=TEXT_MAX_LENGTH,
    )
    next_steps = forms.CharField(
        label="Next steps and future priorities",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX_LENGTH,
    )


class QualityAssuranceForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("approve", "Approve it and send it to the school"),
            ("return", "Return it to the leader with comments"),
        ],
        widget=RadioButtons,
    )
    comments = forms.CharField(
        label="Comments",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when you return the report.",
        max_length=TEXT_MAX_LENGTH,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not (data.get("comments") or "").strip():
            self.add_error("comments", "Say what the leader should change.")
        return data


class ProgressFilterForm(TermFilterForm):
    """The term to rate, and as whom (the first of the person's viewpoints when none is asked;
    the page offers the choice only to someone with more than one)."""

    viewpoint = forms.ChoiceField(label="As", required=False)

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        terms: Sequence[Term],
        default: Term,
        viewpoints: Sequence[tuple[str, str]],
    ) -> None:
        super().__init__(data, terms=terms, default=default)
        self.set_choices("viewpoint", viewpoints, viewpoints[0][0] if viewpoints else "")


class SelfEvaluationForm(forms.Form):
    """The leader's self-evaluation of one deployment (docs/rules.md, "A leader's portfolio")."""

    went_well = forms.CharField(
        label="What went well",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": "Enter what went well."},
    )
    impact_seen = forms.CharField(
        label="The impact you saw",
        help_text="In the school: pupils, staff, leadership. Say how you know.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": "Enter the impact you saw."},
    )
    do_differently = forms.CharField(
        label="What you would do differently",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": "Enter what you would do differently."},
    )
    contribution = forms.ChoiceField(
        label="How do you rate your own contribution?",
        choices=ContributionRating.choices,
        widget=RadioButtons,
        error_messages={"required": "Select how you rate your own contribution."},
    )
