"""Release days and the release policy."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from syslead.core.academic_years import AcademicYear
from syslead.core.dates import GovukDateField
from syslead.leaders.forms.common import (
    DAYS,
)


class ReleaseForm(forms.Form):
    #: Cleans to an ``AcademicYear`` (the service takes the year, not its label).
    academic_year = forms.TypedChoiceField(label="Academic year", coerce=AcademicYear.parse)
    days = forms.DecimalField(
        label="Days released",
        min_value=Decimal("0"),
        max_value=Decimal("366"),
        decimal_places=1,
        widget=DAYS,
        help_text="Whole or half days.",
        error_messages={"required": "Give the number of days released (0 or more)."},
    )
    agreed_on = GovukDateField(
        label="Agreed on",
        error_messages={"required": "Give the date the release was agreed."},
    )
    chair_consent_name = forms.CharField(
        label="Chair of governors who consented", required=False, max_length=150
    )
    chair_consent_on = GovukDateField(label="Chair of governors consented on", required=False)

    def __init__(self, *args: Any, years: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["academic_year"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(y, y) for y in years]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("chair_consent_on") and not (data.get("chair_consent_name") or "").strip():
            self.add_error("chair_consent_name", "Name the chair of governors who consented.")
        return data


class HeadteacherReleaseForm(ReleaseForm):
    """The home school's headteacher agrees the release: their own consent is the submission."""

    headteacher_consent = forms.BooleanField(
        label="I consent, as headteacher, to releasing this leader for these days",
        error_messages={"required": "Tick to give your consent as headteacher."},
    )


class CapacityPolicyForm(forms.Form):
    max_release_days = forms.DecimalField(
        label="Most days a leader may be released a year",
        min_value=Decimal("0.5"),
        max_value=Decimal("366"),
        decimal_places=1,
        widget=DAYS,
        help_text="15 in one alliance's policy; normally not more than 20 in a local authority's.",
        error_messages={"required": "Give the cap in days."},
    )
    min_lle_days = forms.DecimalField(
        label="Fewest days an associated LLE is available a year",
        min_value=Decimal("0"),
        max_value=Decimal("366"),
        decimal_places=1,
        widget=DAYS,
        help_text="An associated LLE is available for at least 6 days a year.",
        error_messages={"required": "Give the LLE minimum in days."},
    )
