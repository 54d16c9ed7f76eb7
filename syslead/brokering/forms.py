"""Forms of the requests and brokering pages: they parse and validate fields, nothing more. The
rules (who may ask, which leaders may be shortlisted, approached or chosen, capacity) live in the
services, whose refusals the views put back into these forms for the error summary."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse_lazy

from syslead.accounts.models import User
from syslead.brokering.access import school_not_choosable, schools_to_ask_for
from syslead.brokering.engine import (
    DISTANCE_HALF_SCORE_KM,
    EXPERIENCE_FULL_YEARS,
    REMAINING_HEADROOM,
    Weights,
)
from syslead.brokering.models import LaCriterion, RequestStatus, Route
from syslead.core.academic_years import AcademicYear
from syslead.core.dates import GovukDateField
from syslead.leaders.forms import Checkboxes, Radios
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.schools.selectors import school_search

DAYS = forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "class": "input--short"})
TEXT = forms.Textarea(attrs={"rows": 4})
#: How many schools a name that matches several may list in its error message.
SCHOOL_MATCHES_SHOWN = 5


def school_suggestions(purpose: str, *, with_field: str = "") -> dict[str, Any]:
    """A school field's attributes for syslead.js's autocomplete: the suggestions' address for
    this ``purpose`` (``brokering.views.suggest``), and the form field whose value (the
    organisation) goes with each query (docs/ux.md, "Autocomplete")."""
    attrs: dict[str, Any] = {
        "data-suggest": reverse_lazy("brokering:school_suggestions"),
        "data-suggest-for": purpose,
        "autocomplete": "off",
    }
    if with_field:
        attrs["data-suggest-with"] = with_field
    return attrs


def academic_year_choices() -> list[tuple[str, str]]:
    """This academic year and the next."""
    current = AcademicYear.current()
    return [
        (current.label, f"{current.label} (this year)"),
        (current.next().label, f"{current.next().label} (next year)"),
    ]


def hidden_pairs(form: forms.Form) -> list[tuple[str, str]]:
    """The submitted answers as (name, value) pairs, to carry through a check-your-answers page
    as hidden fields (several pairs for a field with several values)."""
    pairs: list[tuple[str, str]] = []
    for name in form.fields:
        key = form.add_prefix(name)
        values = form.data.getlist(key) if hasattr(form.data, "getlist") else []
        pairs.extend((key, str(value)) for value in values)
    return pairs


#: A suggestion picked from the school field's autocomplete ends with its URN in brackets.
SUGGESTED_URN = re.compile(r"\(URN (\d{1,7})\)$")


def one_school(
    text: str,
    within: QuerySet[School] | None = None,
    outside: Callable[[School], str] | None = None,
) -> School:
    """The one school a URN, words of its name and town, or a picked suggestion ("Name, Town
    (URN 123456)") find, among ``within`` when given (docs/ux.md, "Autocomplete"); a
    ValidationError naming the candidates when there are none or several, or ``outside``'s
    refusal when the one school it names is not among ``within``."""
    picked = SUGGESTED_URN.search(text)
    if picked:
        text = picked.group(1)
    found = list(school_search(text, within=within).schools[: SCHOOL_MATCHES_SHOWN + 1])
    if not found and within is not None and outside is not None:
        anywhere = list(school_search(text).schools[:2])
        if len(anywhere) == 1:
            raise ValidationError(outside(anywhere[0]))
    if not found:
        raise ValidationError(f"No school matches “{text}”: check the URN or the name.")
    if len(found) > 1 and not text.isdigit():
        listed = "; ".join(f"{s.name}, {s.town} (URN {s.urn})" for s in found[:5])
        more = " and more" if len(found) > SCHOOL_MATCHES_SHOWN else ""
        raise ValidationError(
            f"More than one school matches “{text}”: {listed}{more}. Give the URN."
        )
    return found[0]


class _RequestFields(forms.Form):
    """What every request asks: needs, what support, days, timing and the year."""

    needs = forms.MultipleChoiceField(
        label="Which areas does the school need support with?",
        widget=Checkboxes,
        help_text="Select all that apply: leaders are matched on these specialisms.",
        error_messages={"required": "Select at least one area of support."},
    )
    summary = forms.CharField(
        label="What support does the school need?",
        widget=TEXT,
        max_length=4000,
        help_text="In a few sentences, as a leader would read it: the improvement priority and "
        "what you hope will change.",
        error_messages={"required": "Say briefly what support the school needs."},
    )
    context = forms.CharField(
        label="About the school (optional)",
        widget=TEXT,
        required=False,
        max_length=4000,
        help_text="Anything that helps find the right leader: a new or acting headteacher, "
        "recent changes, the staff who will be supported.",
    )
    days_requested = forms.DecimalField(
        label="How many days of support?",
        help_text="Whole or half days, for example 5 or 7.5.",
        min_value=Decimal("0.5"),
        max_value=Decimal("999"),
        decimal_places=1,
        widget=DAYS,
        error_messages={
            "required": "Give the number of days, for example 5 or 7.5.",
            "invalid": "Give the number of days as a number, for example 5 or 7.5.",
            "min_value": "The days asked for must be more than 0.",
            "max_decimal_places": "Days are whole or half days, for example 5 or 7.5.",
        },
    )
    preferred_timing = forms.CharField(
        label="When would the school like the support? (optional)",
        required=False,
        max_length=200,
        help_text="For example: spring term, a day a fortnight, not on Fridays.",
    )
    academic_year = forms.ChoiceField(
        label="Academic year",
        widget=Radios,
        error_messages={"required": "Choose the academic year."},
    )

    def __init__(self, *args: Any, specialisms: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        needs = self.fields["needs"]
        assert isinstance(needs, forms.MultipleChoiceField)
        needs.choices = sorted(specialisms.items(), key=lambda item: str(item[1]).lower())
        year = self.fields["academic_year"]
        assert isinstance(year, forms.ChoiceField)
        year.choices = academic_year_choices()
        year.initial = AcademicYear.current().label

    def hidden_pairs(self) -> list[tuple[str, str]]:
        return hidden_pairs(self)

    def need_labels(self) -> list[str]:
        labels = dict(self.fields["needs"].choices)  # type: ignore[attr-defined]
        return [str(labels.get(code, code)) for code in self.cleaned_data.get("needs", [])]


class SchoolRequestForm(_RequestFields):
    """The headteacher asks for support for their own school (the school route)."""

    organisation = forms.ChoiceField(
        label="Which broker should find the leader?",
        help_text="Brokers covering your school's area are listed first.",
        error_messages={"required": "Choose the broker to ask."},
    )
    chair_of_governors_agreed = forms.BooleanField(
        label="The chair of governors agrees to this request",
        required=False,
        help_text="On the school route the headteacher asks for support with the chair of "
        "governors, and the school funds it.",
    )

    field_order = [
        "organisation",
        "needs",
        "summary",
        "context",
        "days_requested",
        "preferred_timing",
        "academic_year",
        "chair_of_governors_agreed",
    ]

    def __init__(
        self,
        *args: Any,
        covering: list[Organisation],
        others: list[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ChoiceField)
        groups: list[Any] = [("", "Choose a broker")]
        if covering:
            groups.append(("Covering your school's area", [(str(o.pk), o.name) for o in covering]))
        if others:
            label = "Other brokers" if covering else "Brokers"
            groups.append((label, [(str(o.pk), o.name) for o in others]))
        organisation.choices = groups
        self._organisations = {str(o.pk): o for o in [*covering, *others]}

    def chosen_organisation(self) -> Organisation | None:
        return self._organisations.get(str(self.cleaned_data.get("organisation", "")))


class DirectCommissionForm(SchoolRequestForm):
    """The headteacher names the leader they want (docs/rules.md, "Direct commissioning"): the
    school route's request, for a leader from a published profile (``by_email`` False) or for a
    leader named by name and e-mail (``by_email`` True). The broker is asked only when the leader
    has none of their own (``needs_broker``): it keeps the paperwork."""

    invited_name = forms.CharField(
        label="The leader's full name",
        max_length=150,
        error_messages={"required": "Enter the leader's name."},
    )
    invited_email = forms.EmailField(
        label="Their e-mail address",
        max_length=254,
        help_text="If they are not on Syslead yet, they are invited to join and then asked.",
        error_messages={
            "required": "Enter the leader's e-mail address.",
            "invalid": "Enter an e-mail address in the correct format, like name@school.org.uk",
        },
    )
    invited_job_title = forms.CharField(
        label="Their job title",
        max_length=150,
        help_text="For example: Deputy headteacher, Maths lead.",
        error_messages={"required": "Enter the leader's job title."},
    )
    invited_school = forms.CharField(
        label="Their school",
        max_length=100,
        help_text="The school's URN, or words of its name and town.",
        error_messages={"required": "Enter the leader's school."},
    )

    field_order = [
        "invited_name",
        "invited_email",
        "invited_job_title",
        "invited_school",
        *SchoolRequestForm.field_order,
    ]

    def __init__(self, *args: Any, by_email: bool, needs_broker: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.found_school: School | None = None
        if by_email:
            self.fields["invited_school"].widget.attrs.update(school_suggestions("any"))
        else:
            for name in ("invited_name", "invited_email", "invited_job_title", "invited_school"):
                del self.fields[name]
        if not needs_broker:
            del self.fields["organisation"]
        else:
            organisation = self.fields["organisation"]
            organisation.label = "Which broker should keep the paperwork?"
            organisation.help_text = (
                "The leader has no broker of their own, so no broker fee is charged: the broker "
                "you choose drafts the agreement and keeps the records."
            )

    def clean_invited_school(self) -> str:
        text = " ".join(self.cleaned_data["invited_school"].split())
        self.found_school = one_school(text)
        return text


class LaRequestForm(_RequestFields):
    """The LA team or the school's SIP identifies a school that could benefit (the local
    authority route)."""

    organisation = forms.ModelChoiceField(
        label="For which organisation?",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the organisation."},
    )
    school = forms.CharField(
        label="School",
        max_length=100,
        help_text="The school's URN, or words of its name and town.",
        error_messages={"required": "Give the school's URN or name."},
    )
    la_criteria = forms.MultipleChoiceField(
        label="Why could the school benefit from support?",
        choices=LaCriterion.choices,
        widget=Checkboxes,
        help_text="Tick every reason the LA team and the SIP identified the school.",
        error_messages={
            "required": "Tick at least one reason the LA team and the SIP identified the school."
        },
    )
    key_areas = forms.CharField(
        label="Key areas for improvement agreed with the headteacher",
        widget=TEXT,
        required=False,
        max_length=4000,
    )

    field_order = [
        "organisation",
        "school",
        "la_criteria",
        "key_areas",
        "needs",
        "summary",
        "context",
        "days_requested",
        "preferred_timing",
        "academic_year",
    ]

    def __init__(
        self, *args: Any, organisations: list[Organisation], user: User, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        school = self.fields["school"]
        school.widget.attrs.update(school_suggestions("la", with_field="organisation"))
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        if len(organisations) == 1:
            field.initial = organisations[0].pk
            field.widget = forms.HiddenInput()
        self.found_school: School | None = None

    def clean_school(self) -> str:
        """The one school the text finds among those this person may choose for the chosen
        organisation (``schools_to_ask_for``, the rule the service applies again)."""
        text = " ".join(self.cleaned_data["school"].split())
        organisation = self.cleaned_data.get("organisation")
        if organisation is None:
            self.found_school = one_school(text)
            return text
        self.found_school = one_school(
            text,
            within=schools_to_ask_for(self.user, Route.LOCAL_AUTHORITY, organisation),
            outside=lambda school: school_not_choosable(school, organisation),
        )
        return text


# --- Shortlists and approaches -------------------------------------------------------------------


class ReasonForm(forms.Form):
    """A reason, required (withdrawing a request or an approach)."""

    reason = forms.CharField(label="Reason", widget=TEXT, max_length=2000)

    def __init__(self, *args: Any, label: str, required_message: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message


class WaitingListForm(forms.Form):
    """A reason, optional (putting a request on the waiting list)."""

    reason = forms.CharField(
        label="Why no leader can take it now (optional)",
        widget=TEXT,
        required=False,
        max_length=2000,
    )


class LeaderChoiceForm(forms.Form):
    """A form whose ``leader`` field offers the leaders the view passes as ``choices``."""

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leader = self.fields["leader"]
        assert isinstance(leader, forms.ChoiceField)
        leader.choices = choices


class SwapForm(LeaderChoiceForm):
    leader = forms.ChoiceField(
        label="Who should take their place?",
        widget=Radios,
        help_text="Leaders who pass every rule for this request, best match first.",
        error_messages={"required": "Choose the leader to add to the shortlist."},
    )
    reason = forms.CharField(
        label="Why are you changing the shortlist?",
        widget=TEXT,
        max_length=2000,
        help_text="Kept with the shortlist and shown in the request's timeline.",
        error_messages={"required": "Say why you are changing the shortlist."},
    )


class ShortlistReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why save a shortlist of fewer than three?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="Required when fewer than three leaders pass every rule; kept with the "
        "shortlist and shown on the timeline.",
    )


class JudgementForm(LeaderChoiceForm):
    leader = forms.ChoiceField(
        label="Which leader do you judge right for this request?",
        widget=Radios,
        help_text="Leaders who fail only a soft rule (remaining days), or pass every rule but "
        "score low (distance, experience). Leaders who fail a hard rule are not offered.",
        error_messages={"required": "Choose the leader to add to the shortlist."},
    )
    reason = forms.CharField(
        label="Why do you judge them right for it?",
        widget=TEXT,
        max_length=2000,
        help_text="Recorded with your name and the date, on the shortlist and the timeline.",
        error_messages={"required": "Say why you judge this leader right for the request."},
    )
    capacity_reason = forms.CharField(
        label="If they have too few days left: how will the days be found?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="A capacity override, required for a leader with too few remaining days.",
    )


class ApproachSendForm(forms.Form):
    leaders = forms.MultipleChoiceField(
        label="Which leaders should be asked?",
        widget=Checkboxes,
        error_messages={"required": "Select at least one leader to ask."},
    )
    message = forms.CharField(
        label="A message to the leaders (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="It goes with the e-mail: for example the intended outcomes or the timing.",
    )

    def __init__(
        self,
        *args: Any,
        choices: list[tuple[str, str]],
        preselect: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """``preselect``: the leaders ticked at first (default: all); a leader who declined or
        whose approach was withdrawn is offered but never ticked for them."""
        super().__init__(*args, **kwargs)
        leaders = self.fields["leaders"]
        assert isinstance(leaders, forms.MultipleChoiceField)
        leaders.choices = choices
        leaders.initial = [value for value, _ in choices] if preselect is None else list(preselect)


ANSWER_CHOICES = [
    ("accept", "Yes, I agree provisionally to give this support"),
    ("decline", "No, I decline"),
]


class ApproachAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="Can you give this support?",
        choices=ANSWER_CHOICES,
        widget=Radios,
        error_messages={"required": "Say whether you agree or decline."},
    )
    reason = forms.CharField(
        label="If you decline, why?",
        widget=TEXT,
        required=False,
        max_length=2000,
        help_text="Needed to decline; the coordinator reads it (for example: no release days "
        "left this year).",
    )

    @property
    def accept(self) -> bool:
        return self.cleaned_data.get("answer") == "accept"


class ChoiceForm(LeaderChoiceForm):
    leader = forms.ChoiceField(
        label="Which leader do you choose?",
        widget=Radios,
        error_messages={"required": "Choose one of the leaders who agreed."},
    )


# --- Sharing between brokers ---------------------------------------------------------------------


class CommissionForm(LeaderChoiceForm):
    leader = forms.ChoiceField(
        label="Which leader?",
        widget=Radios,
        error_messages={"required": "Choose a leader."},
    )
    note = forms.CharField(
        label="A note for the leader's organisation (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


DECISION_CHOICES = [
    ("approve", "Yes, share the leader for this request"),
    ("refuse", "No, we cannot share the leader"),
]


class CommissionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Do you agree to share the leader?",
        choices=DECISION_CHOICES,
        widget=Radios,
        error_messages={"required": "Say whether you agree to share the leader."},
    )
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="Needed to refuse: say why the leader cannot be shared.",
    )


# --- Matching weights ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchingFactor:
    """One factor of the match score, in the words a coordinator reads."""

    name: str
    label: str
    meaning: str


_HALF_KM = f"{DISTANCE_HALF_SCORE_KM:g}"
_FIFTH_KM = f"{2 * DISTANCE_HALF_SCORE_KM:g}"

#: The factors in the order the weights page lists them (the names of ``WEIGHT_FIELDS``); the
#: words follow ``syslead.brokering.matching``.
MATCHING_FACTORS = (
    MatchingFactor(
        "specialism",
        "Specialism",
        "How many of the areas of support the school needs are among the leader's specialisms: "
        "all of them earn the full weight, one of two earns half.",
    ),
    MatchingFactor(
        "phase",
        "Phase",
        "Whether the leader works in a school of the same phase (primary, secondary, …): the "
        "full weight if so, half if they support that phase but work in another.",
    ),
    MatchingFactor(
        "distance",
        "Distance",
        "How near the leader's own school is: the full weight close by, half at "
        f"{_HALF_KM} km, a fifth at {_FIFTH_KM} km, nothing when either school has no location.",
    ),
    MatchingFactor(
        "remaining_days",
        "Remaining days",
        "The leader's days left this year against the days asked for: the full weight with "
        f"{REMAINING_HEADROOM} times the days asked for or more, less as the room runs out.",
    ),
    MatchingFactor(
        "experience",
        "Experience",
        f"The leader's years of experience: the full weight at {EXPERIENCE_FULL_YEARS} years or "
        "more, a tenth of it for each year short of that.",
    ),
    MatchingFactor(
        "outcomes",
        "Past outcomes",
        "How the leader's past support was rated when it was evaluated (red, amber, green): "
        "half the weight until an evaluation exists, so a new leader is neither rewarded nor "
        "penalised.",
    ),
    MatchingFactor(
        "same_local_authority",
        "Same local authority",
        "The full weight if the leader's own school is in the school's local authority.",
    ),
)

WEIGHT = forms.NumberInput(attrs={"min": "0", "max": "100", "step": "1", "class": "input--short"})


class MatchingWeightsForm(forms.Form):
    """A whole number from 0 to 100 for each factor, starting from the organisation's weights."""

    def __init__(self, *args: Any, current: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        defaults = Weights()
        for factor in MATCHING_FACTORS:
            wrong = f"Give the weight for {factor.label.lower()} as a whole number from 0 to 100."
            self.fields[factor.name] = forms.IntegerField(
                label=factor.label,
                min_value=0,
                max_value=100,
                initial=current[factor.name],
                widget=WEIGHT,
                help_text=f"Now {current[factor.name]}; Syslead's default is "
                f"{getattr(defaults, factor.name)}.",
                error_messages={
                    "required": f"Give the weight for {factor.label.lower()}, from 0 to 100.",
                    "invalid": wrong,
                    "min_value": wrong,
                    "max_value": wrong,
                },
            )

    def weights(self) -> dict[str, int]:
        return {factor.name: self.cleaned_data[factor.name] for factor in MATCHING_FACTORS}


# --- Direct approaches ---------------------------------------------------------------------------


class DirectApproachForm(forms.Form):
    """A school or another agency approached a leader directly: the coordinator records it for
    one of their leaders (``leader`` and, optionally, ``request``), or the leader tells their
    broker themselves (``for_leader``: neither field)."""

    leader = forms.ChoiceField(
        label="Which leader was approached?",
        error_messages={"required": "Choose the leader who was approached."},
    )
    approached_by = forms.CharField(
        label="Who approached them?",
        max_length=200,
        help_text="The school or agency, for example Lincoln Diocese or the headteacher of "
        "Ermine Primary Academy.",
        error_messages={"required": "Say which school or agency approached the leader."},
    )
    school = forms.CharField(
        label="Which school is the support for? (optional)",
        required=False,
        max_length=100,
        help_text="The school's URN, or words of its name and town.",
    )
    approached_on = GovukDateField(
        label="When were they approached? (optional)",
        required=False,
        help_text="Leave it empty for today.",
        error_messages={"invalid": "Give the date of the approach as a real date."},
    )
    details = forms.CharField(
        label="What did they ask for? (optional)",
        widget=TEXT,
        required=False,
        max_length=2000,
        help_text="For example how many days, when, and what support.",
    )
    request = forms.ChoiceField(
        label="Is it about one of your requests? (optional)",
        required=False,
        help_text="The approach then shows on the request's timeline too.",
    )

    def __init__(
        self,
        *args: Any,
        leaders: list[tuple[str, str]] | None = None,
        requests: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.found_school: School | None = None
        self.fields["school"].widget.attrs.update(school_suggestions("any"))
        if leaders is None:
            # The leader tells their broker: about themselves, in their own words.
            del self.fields["leader"]
            del self.fields["request"]
            self.fields["approached_by"].label = "Who approached you?"
            self.fields["approached_on"].label = "When were you approached? (optional)"
            self.fields["details"].label = "What did they ask you for? (optional)"
            return
        leader = self.fields["leader"]
        assert isinstance(leader, forms.ChoiceField)
        leader.choices = [("", "Choose a leader"), *leaders]
        # A coordinator's leaders may be many: the list narrows as they type (docs/ux.md).
        leader.widget.attrs["data-autocomplete"] = "leaders"
        if requests:
            request = self.fields["request"]
            assert isinstance(request, forms.ChoiceField)
            request.choices = [("", "No, none of our requests"), *requests]
        else:
            del self.fields["request"]

    def clean_school(self) -> str:
        text = " ".join(self.cleaned_data["school"].split())
        if text:
            self.found_school = one_school(text)
        return text


# --- Batch allocation ----------------------------------------------------------------------------


class AllocationStartForm(forms.Form):
    #: Cleans to an ``AcademicYear`` (the service takes the year, not its label).
    academic_year = forms.TypedChoiceField(
        label="Academic year", widget=Radios, coerce=AcademicYear.parse
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["academic_year"]
        assert isinstance(year, forms.ChoiceField)
        year.choices = academic_year_choices()
        year.initial = AcademicYear.current().label


NO_LEADER = "none"


class DraftMatchEditForm(forms.Form):
    leader = forms.ChoiceField(
        label="Match the request with",
        widget=Radios,
        error_messages={"required": "Choose a leader, or no leader."},
    )
    reason = forms.CharField(
        label="Why are you changing the match?",
        widget=TEXT,
        max_length=2000,
        error_messages={"required": "Say why you are changing the match."},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leader = self.fields["leader"]
        assert isinstance(leader, forms.ChoiceField)
        leader.choices = [*choices, (NO_LEADER, "No leader: put the request on the waiting list")]


# --- Lists and reports ---------------------------------------------------------------------------


class CaseloadFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *RequestStatus.choices]
    )
    route = forms.ChoiceField(
        label="Route", required=False, choices=[("", "Either route"), *Route.choices]
    )
    school = forms.CharField(
        label="School",
        required=False,
        max_length=100,
        help_text="URN or words of the name or town.",
    )
    organisation = forms.TypedChoiceField(
        label="Organisation", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(organisations) > 1:
            field = self.fields["organisation"]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [("", "Any organisation")] + [(o.pk, o.name) for o in organisations]
        else:
            del self.fields["organisation"]


class OrganisationYearForm(forms.Form):
    """Which organisation and year a report shows (the organisation only when there are several)."""

    organisation = forms.TypedChoiceField(label="Organisation", required=False, coerce=int)
    academic_year = forms.ChoiceField(label="Academic year", required=False)

    def __init__(
        self, *args: Any, organisations: list[Organisation], with_year: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if len(organisations) > 1:
            field = self.fields["organisation"]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [(o.pk, o.name) for o in organisations]
        else:
            del self.fields["organisation"]
        if with_year:
            current = AcademicYear.current()
            year = self.fields["academic_year"]
            assert isinstance(year, forms.ChoiceField)
            year.choices = [
                (y.label, y.label) for y in (current.previous(), current, current.next())
            ]
            year.initial = current.label
        else:
            del self.fields["academic_year"]


# --- A school's named SIP ------------------------------------------------------------------------


class PersonChoiceField(forms.ModelChoiceField[User]):
    """A choice of person, shown as their name and e-mail address."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name()} ({obj.email})"


class NamedSipForm(forms.Form):
    """Name a school's SIP (docs/rules.md, "The school's named SIP"): a school of the authority's
    area (autocomplete), one of its SIPs, and the date they start (today if empty)."""

    school = forms.CharField(
        label="School",
        max_length=100,
        help_text="The school's URN, or words of its name and town.",
        error_messages={"required": "Give the school's URN or name."},
    )
    sip = PersonChoiceField(
        label="School improvement partner",
        queryset=User.objects.none(),
        widget=Radios,
        empty_label=None,
        error_messages={
            "required": "Choose the school improvement partner.",
            "invalid_choice": "Choose one of the authority's school improvement partners.",
        },
    )
    starts_on = GovukDateField(
        label="From (optional)",
        required=False,
        help_text="The first day they are the school's SIP. Leave it empty for today.",
        error_messages={"invalid": "Give the date the SIP starts as a real date."},
    )

    def __init__(
        self, *args: Any, organisation: Organisation, sips: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        field = self.fields["sip"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = sips
        self.fields["school"].widget.attrs.update(
            school_suggestions("named_sip", with_field="organisation")
        )
        self.found_school: School | None = None

    def clean_school(self) -> str:
        """The one school the text finds in the authority's area (the service checks again)."""
        from syslead.schools.selectors import organisation_schools

        text = " ".join(self.cleaned_data["school"].split())
        self.found_school = one_school(
            text,
            within=organisation_schools(self.organisation),
            outside=lambda school: (
                f"{school.name} is not in {self.organisation.name}'s area: choose a school of "
                "the authority's area."
            ),
        )
        return text


# --- The first meeting (docs/rules.md, "The first meeting") --------------------------------------


class FirstContactForm(forms.Form):
    contacted_on = GovukDateField(
        label="When did the leader first contact the headteacher?",
        error_messages={"required": "Enter the date of the first contact."},
    )


class FirstMeetingScheduleForm(forms.Form):
    meeting_on = GovukDateField(
        label="Date of the meeting",
        error_messages={"required": "Enter the date of the meeting."},
    )
    meeting_time = forms.TimeField(
        label="Time",
        help_text="For example, 09:30 or 14:00.",
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "input--short"}),
        error_messages={
            "required": "Enter the time of the meeting, like 09:30.",
            "invalid": "Enter the time as hours and minutes, like 09:30.",
        },
    )
    attendees = forms.CharField(
        label="Who attends?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="For example, the leader, the headteacher and the deputy headteacher.",
        error_messages={"required": "Say who attends the meeting."},
    )
    online = forms.BooleanField(label="The meeting is online", required=False)
    place = forms.CharField(
        label="Where? (unless online)",
        required=False,
        max_length=200,
        help_text="For example, the headteacher's office at Ermine Primary.",
    )


class FirstMeetingHeldForm(forms.Form):
    held_on = GovukDateField(
        label="When was the meeting held?",
        error_messages={"required": "Enter the date the meeting was held."},
    )
    notes = forms.CharField(
        label="Notes of the meeting",
        widget=TEXT,
        max_length=10000,
        error_messages={"required": "Write notes of the meeting: what was discussed and agreed."},
    )
    agreed_objectives = forms.CharField(
        label="Objectives agreed",
        widget=TEXT,
        max_length=10000,
        help_text="One a line. They become the aims of the agreement's draft.",
        error_messages={"required": "Enter the objectives agreed, one a line."},
    )
    agreed_days = forms.DecimalField(
        label="Days agreed (optional)",
        required=False,
        max_digits=5,
        decimal_places=1,
        help_text="In whole or half days, for example 6 or 7.5.",
        widget=forms.TextInput(attrs={"class": "input--short", "inputmode": "decimal"}),
        error_messages={"invalid": "Enter the days as a number, like 6 or 7.5."},
    )
    agreed_starts_on = GovukDateField(label="Start date agreed (optional)", required=False)
    agreed_ends_on = GovukDateField(label="End date agreed (optional)", required=False)
