"""Forms of the quality assurance pages."""

from __future__ import annotations

from typing import Any

from django import forms

from syslead.core.filters import FilterForm
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.quality.concerns import ACTION_STATUSES
from syslead.quality.models import LeaderConcernCategory, LeaderConcernStatus, QaOutcome


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


class EvaluationCheckForm(CheckForm):
    """The same judgement, of the leader's work as a sampled end-of-support evaluation shows it."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["outcome"].label = "Does the work the evaluation shows meet the standard?"
        self.fields[
            "comment"
        ].help_text = "Needed when the work needs improvement: the leader is told."


# --- Concerns about or from a leader ------------------------------------------------------------


class ConcernForm(forms.Form):
    category = forms.ChoiceField(
        label="What is the concern about?",
        choices=LeaderConcernCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the concern is about."},
    )
    summary = forms.CharField(
        label="Summary",
        max_length=200,
        error_messages={"required": "Give the concern a short summary."},
    )
    description = forms.CharField(
        label="Describe the concern",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": "Describe the concern."},
    )


class ConcernAboutLeaderForm(ConcernForm):
    """Raised with the broker, not from an agreement: its coordinators and leads choose the
    leader."""

    leader = forms.TypedChoiceField(
        label="Which leader is it about?",
        coerce=int,
        error_messages={"required": "Choose the leader the concern is about."},
    )
    field_order = ["leader", "category", "summary", "description"]

    def __init__(self, *args: Any, leaders: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = [("", "Choose a leader"), *leaders]  # type: ignore[attr-defined]


class ConcernActionForm(forms.Form):
    text = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": "Describe what was done."},
    )
    status = forms.ChoiceField(
        label="Where does this leave the concern?",
        choices=[(s.value, s.label) for s in ACTION_STATUSES],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where this leaves the concern."},
    )


class ConcernQaLinkForm(forms.Form):
    qa_check = forms.TypedChoiceField(
        label="QA check",
        coerce=int,
        error_messages={"required": "Choose a QA check of this leader's work for this broker."},
    )

    def __init__(self, *args: Any, checks: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["qa_check"].choices = [("", "Choose a QA check"), *checks]  # type: ignore[attr-defined]


class ConcernReviewForm(forms.Form):
    target = forms.ChoiceField(
        label="What to review",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the designation or association to review."},
    )
    reason = forms.CharField(
        label="Why it is being reviewed",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
        error_messages={"required": "Say why it is being reviewed."},
    )

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets  # type: ignore[attr-defined]


class ConcernFilterForm(FilterForm):
    """The concerns list: which status it shows."""

    status = forms.ChoiceField(label="Status", required=False)

    def __init__(self, data: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.set_choices(
            "status",
            [("", "Not closed"), ("all", "All"), *LeaderConcernStatus.choices],
            "",
        )
