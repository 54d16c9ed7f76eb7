"""The invoice pages' forms: fields only; the services hold the rules."""

from __future__ import annotations

from django import forms

from syslead.core.dates import GovukDateField
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.core.money import MoneyField


class ExpensesForm(forms.Form):
    description = forms.CharField(
        label="What the expenses were for", max_length=300, help_text="For example, train fares."
    )
    amount = MoneyField(label="Amount in pounds", positive=True)


class PaidForm(forms.Form):
    paid_on = GovukDateField(label="Date paid")


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the invoice cancelled?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for an issued invoice: the payer is told.",
        max_length=TEXT_MAX_LENGTH,
    )


class RemittanceForm(forms.Form):
    paid_on = GovukDateField(label="Date the leader's school was paid")
    reference = forms.CharField(
        label="Payment reference (optional)",
        required=False,
        max_length=100,
        help_text="For example, the bank transfer's reference.",
    )
