"""Which figures a report shows."""

from __future__ import annotations

from typing import Any

from django import forms

from syslead.core.academic_years import AcademicYear
from syslead.organisations.models import Organisation

#: The ``organisation`` value for every broker (administrators only).
EVERY_BROKER = "all"
#: The first academic year of the shipped Ofsted history (September 2005).
FIRST_IMPACT_YEAR = 2005


class ImpactForm(forms.Form):
    """The broker (every broker, for an administrator) and the year the agreements began."""

    organisation = forms.ChoiceField(label="Broker", required=False)
    academic_year = forms.ChoiceField(label="Agreements starting in", required=False)

    def __init__(
        self, *args: Any, organisations: list[Organisation], every_broker: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(o.pk), o.name) for o in organisations]
        if every_broker:
            choices.insert(0, (EVERY_BROKER, "All brokers"))
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        if len(choices) > 1:
            field.choices = choices
        else:
            del self.fields["organisation"]
        current = AcademicYear.current().start_year
        year = self.fields["academic_year"]
        assert isinstance(year, forms.ChoiceField)
        year.choices = [("", "All years")] + [
            (AcademicYear(y).label, AcademicYear(y).label)
            for y in range(current, FIRST_IMPACT_YEAR - 1, -1)
        ]
