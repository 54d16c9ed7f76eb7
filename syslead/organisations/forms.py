"""Forms of the administrator's pages that set up a broker from the shipped lists
(docs/going-live.md)."""

from __future__ import annotations

from django import forms

from syslead.organisations.broker_lists import MAX_URN
from syslead.organisations.models import KnownBroker, KnownBrokerSource

SEARCH_MAX_LENGTH = 100


class BrokerListSearchForm(forms.Form):
    q = forms.CharField(
        label="Name or area",
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        help_text="For example Lincolnshire, or part of a hub's or alliance's name.",
        error_messages={"max_length": "Search with at most 100 characters."},
    )
    source = forms.ChoiceField(
        label="List",
        required=False,
        choices=[("", "All lists"), *KnownBrokerSource.choices],
        error_messages={"invalid_choice": "Choose one of the lists."},
    )


AREA_HINTS = {
    KnownBrokerSource.TEACHING_SCHOOL_HUB: (
        "The local authority districts the hub covers, separated by semicolons (;), as the list "
        "gives them."
    ),
    KnownBrokerSource.TEACHING_SCHOOL_ALLIANCE: (
        "The local authority districts the alliance works in, separated by semicolons (;)."
    ),
    KnownBrokerSource.LOCAL_AUTHORITY: (
        "The local authority's name, as the school register gives it."
    ),
}


class SetUpBrokerForm(forms.Form):
    name = forms.CharField(
        label="Name of the organisation",
        max_length=200,
        error_messages={
            "required": "Enter the organisation's name.",
            "max_length": "Enter a name of at most 200 characters.",
        },
    )
    lead_school_urn = forms.IntegerField(
        label="Lead school's URN (optional)",
        required=False,
        min_value=1,
        max_value=MAX_URN,
        help_text="The unique reference number of the teaching school or hub school, e.g. 137551.",
        error_messages={
            "invalid": "Enter the lead school's URN as a number, like 137551.",
            "min_value": "Enter the lead school's URN as a number, like 137551.",
            "max_value": "A URN has at most 8 digits.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    area = forms.CharField(
        label="Area",
        max_length=1000,
        required=False,
        error_messages={"max_length": "Enter an area of at most 1,000 characters."},
    )

    def __init__(self, *args: object, entry: KnownBroker, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["area"].help_text = AREA_HINTS[KnownBrokerSource(entry.source)]
        self.fields["area"].required = entry.source == KnownBrokerSource.LOCAL_AUTHORITY
        self.fields["area"].error_messages["required"] = (
            "Enter the local authority's area, as the school register names it."
        )
