"""A leader moves school: the new school and the date (docs/rules.md, "A leader moves school"). The
rules (another school, after the current employment's start) live in the service."""

from __future__ import annotations

from django import forms

from syslead.core.dates import GovukDateField
from syslead.core.limits import MAX_URN


class MoveSchoolForm(forms.Form):
    new_school = forms.IntegerField(
        label="URN of the new school",
        min_value=1,
        max_value=MAX_URN,
        help_text="The unique reference number of the school the leader moves to, as in Get "
        "Information about Schools.",
        widget=forms.NumberInput(attrs={"class": "input--short"}),
        error_messages={
            "required": "Give the URN of the school the leader moves to.",
            "invalid": "The URN is a number, like 100000.",
            "min_value": "The URN is a number, like 100000.",
            "max_value": "No school has a URN that large.",
        },
    )
    from_date = GovukDateField(
        label="Works there from",
        help_text="The first day at the new school. The previous school's release stops the day "
        "before.",
        error_messages={"required": "Give the date the leader starts at the new school."},
    )
