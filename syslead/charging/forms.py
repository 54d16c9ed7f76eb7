"""Forms of the charging pages: they parse; ``services.charging_policy_set`` checks the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.core.money import MoneyField


def _money(label: str, help_text: str = "") -> MoneyField:
    return MoneyField(label=label, help_text=help_text)


class ChargingPolicyForm(forms.Form):
    full_day_rate = _money("Full day rate (£)", "What the supported school is charged for a day.")
    full_day_broker_fee = _money(
        "Broker fee for a full day (£)",
        "The broker's share for administration; the rest goes to the leader's school.",
    )
    half_day_rate = _money(
        "Half day or twilight session rate (£)", "A twilight session is charged as a half day."
    )
    half_day_broker_fee = _money("Broker fee for a half day or twilight session (£)")
    member_full_day_rate = MoneyField(
        label="Full day rate for members of the alliance (£, optional)",
        help_text="Leave blank to charge members the full day rate.",
        required=False,
    )
    member_half_day_rate = MoneyField(
        label="Half day or twilight rate for members of the alliance (£, optional)",
        help_text="Leave blank to charge members the half day rate.",
        required=False,
    )
    home_school_floor = MoneyField(
        label="Least the leader's school gets for a full day (£, optional)",
        help_text="Leave blank for no limit. For example 300.00.",
        required=False,
    )
    broker_fee_ceiling = MoneyField(
        label="Most the broker keeps for a full day (£, optional)",
        help_text="Leave blank for no limit. For example 50.00.",
        required=False,
    )


class YearForm(forms.Form):
    year = forms.ChoiceField(label="Academic year", required=False)

    def __init__(self, *args: Any, years: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(year, year) for year in years]


class AgreementChargingForm(forms.Form):
    """A draft agreement's charging model and bespoke price (``agreements.agreement_charging_set``
    checks the rules)."""

    collected_by = forms.ChoiceField(
        label="Who invoices the supported school?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who invoices the supported school.",
            "invalid_choice": "Choose who invoices the supported school.",
        },
        choices=[
            ("home_school", "The leader's school invoices the supported school"),
            (
                "broker",
                "The broker collects: it invoices the supported school the full price and pays "
                "the leader's school its share with a remittance advice",
            ),
        ],
    )
    bespoke_full_day_rate = MoneyField(
        label="Bespoke full day rate (£, optional)",
        help_text="Leave both rates blank to charge the policy's rates.",
        required=False,
    )
    bespoke_half_day_rate = MoneyField(
        label="Bespoke half day or twilight session rate (£, optional)", required=False
    )
    bespoke_reason = forms.CharField(
        label="Why this agreement has a bespoke price",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed with a bespoke price: it is shown on the agreement and its invoices.",
        max_length=TEXT_MAX_LENGTH,
    )
