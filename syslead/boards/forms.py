"""Forms of the board pages: they parse and validate; the services decide."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django import forms

from syslead.boards.models import ActionStatus, BoardRole
from syslead.boards.services import BUDGET_LINE_MAX, MAX_DAYS, MAX_SCHOOLS, MAX_SLES
from syslead.core.academic_years import AcademicYear
from syslead.core.dates import GovukDateField
from syslead.core.filters import FilterForm
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.core.money import MoneyField

#: How many years before and after this one the year switcher offers (besides years with records).
YEARS_BACK = 4
YEARS_AHEAD = 1


def _date(label: str, *, required: bool = True, help_text: str = "") -> GovukDateField:
    return GovukDateField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"{label} must be a real date",
        },
    )


class YearFilterForm(FilterForm):
    """Which academic year the board page shows (this one when none, or a wrong one, is asked)."""

    year = forms.ChoiceField(label="Academic year", required=False)

    def __init__(
        self, data: Mapping[str, Any] | None, *, with_records: Iterable[str], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        current = AcademicYear.current()
        starts = {current.start_year + offset for offset in range(-YEARS_BACK, YEARS_AHEAD + 1)}
        for label in with_records:
            found = AcademicYear.parse_or_none(label)
            if found is not None:
                starts.add(found.start_year)
        labels = [AcademicYear(start).label for start in sorted(starts, reverse=True)]
        self.set_choices("year", [(label, label) for label in labels], current.label)

    def year_chosen(self) -> AcademicYear:
        return AcademicYear.parse(self.chosen("year"))


class BoardMemberForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the member's name"}
    )
    role = forms.ChoiceField(
        label="Role on the board",
        choices=BoardRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the member's role on the board"},
    )
    represents = forms.CharField(
        label="Sits for (optional)",
        max_length=200,
        required=False,
        help_text="The school or body the member represents.",
    )
    account_email = forms.EmailField(
        label="E-mail address of their Syslead account (optional)",
        max_length=254,
        required=False,
        help_text="A member with an account may read the board's page, but not change it.",
    )
    started_on = _date("Date the term started")
    ended_on = _date(
        "Date the term ended", required=False, help_text="Leave empty while the member sits."
    )


class TargetsForm(forms.Form):
    sles_to_designate = forms.IntegerField(
        label="SLEs to designate",
        min_value=0,
        max_value=MAX_SLES,
        widget=forms.NumberInput(attrs={"class": "input--short"}),
        error_messages={"required": "Enter the number of SLEs to designate"},
    )
    schools_to_support = forms.IntegerField(
        label="Schools to support",
        min_value=0,
        max_value=MAX_SCHOOLS,
        widget=forms.NumberInput(attrs={"class": "input--short"}),
        error_messages={"required": "Enter the number of schools to support"},
    )
    days_of_support = forms.DecimalField(
        label="Days of support",
        min_value=Decimal(0),
        max_value=MAX_DAYS,
        max_digits=6,
        decimal_places=1,
        help_text="In whole and half days, like 120 or 120.5.",
        widget=forms.TextInput(attrs={"class": "input--short", "inputmode": "decimal"}),
        error_messages={
            "required": "Enter the days of support",
            "invalid": "Enter the days of support as a number, like 120 or 120.5",
        },
    )


class ActionForm(forms.Form):
    action = forms.CharField(
        label="Action",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the action"},
    )
    owner = forms.CharField(
        label="Owner",
        max_length=200,
        help_text="Who is to do it.",
        error_messages={"required": "Enter who owns the action"},
    )
    due_on = _date("Date due")
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        initial=ActionStatus.NOT_STARTED,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the action stands"},
    )
    done_on = _date("Date done", required=False, help_text="When the status is done.")


class BudgetLineForm(forms.Form):
    heading = forms.CharField(
        label="Budget heading",
        max_length=200,
        help_text="For example, SLE training, or Administration.",
        error_messages={"required": "Enter the budget heading"},
    )
    planned = MoneyField(label="Planned", maximum=BUDGET_LINE_MAX)
    actual = MoneyField(
        label="Spent so far",
        maximum=BUDGET_LINE_MAX,
        required=False,
        help_text="Leave empty if nothing is spent yet.",
    )
    notes = forms.CharField(
        label="Notes (optional)",
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
