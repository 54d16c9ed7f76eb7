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


#: How many academic years back an annual report may be asked for.
ANNUAL_REPORT_YEARS = 5


class AnnualReportForm(forms.Form):
    """Which broker, year and audience an annual report is for (docs/annual-report.md)."""

    organisation = forms.TypedChoiceField(label="Broker", coerce=int, required=False)
    academic_year = forms.ChoiceField(label="Academic year")
    audience = forms.ChoiceField(label="Who the report is for", widget=forms.RadioSelect)

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        organisation: Organisation,
        **kwargs: Any,
    ) -> None:
        from syslead.reports.annual import audiences_for

        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(o.pk, o.name) for o in organisations]
        field.initial = organisation.pk
        if len(organisations) == 1:
            field.widget = forms.HiddenInput()
        current = AcademicYear.current()
        year = self.fields["academic_year"]
        assert isinstance(year, forms.ChoiceField)
        year.choices = [
            (AcademicYear(y).label, AcademicYear(y).label)
            for y in range(current.start_year, current.start_year - ANNUAL_REPORT_YEARS, -1)
        ]
        year.initial = current.label
        audience = self.fields["audience"]
        assert isinstance(audience, forms.ChoiceField)
        # The report to the national body is offered to a local authority only (the service's
        # rule, docs/annual-report.md "Two audiences").
        audience.choices = [(a.value, a.label) for a in audiences_for(organisation)]
        audience.initial = audience.choices[0][0]
        self.organisations = {o.pk: o for o in organisations}
        self.default = organisation

    def chosen_organisation(self) -> Organisation:
        """The broker named, else the page's."""
        chosen = self.cleaned_data.get("organisation")
        return self.organisations.get(chosen, self.default) if chosen else self.default
