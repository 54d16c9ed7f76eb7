"""Charging: each organisation's policy per academic year (docs/rules.md: Charging)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from syslead.core.money import money_field

#: A new organisation's policy for every year (docs/api.md; one alliance's 2019-20 policy).
DEFAULT_FULL_DAY_RATE = Decimal("350.00")
DEFAULT_HALF_DAY_RATE = Decimal("150.00")
DEFAULT_FULL_DAY_BROKER_FEE = Decimal("50.00")
DEFAULT_HALF_DAY_BROKER_FEE = Decimal("25.00")


class ChargingPolicy(models.Model):
    """Rates and broker fees per session for one academic year. A twilight session is charged as a
    half day. Rates include travel; leaders themselves are never paid."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="charging_policies"
    )
    academic_year = models.CharField(max_length=7)
    full_day_rate = money_field(DEFAULT_FULL_DAY_RATE)
    half_day_rate = money_field(DEFAULT_HALF_DAY_RATE)
    full_day_broker_fee = money_field(DEFAULT_FULL_DAY_BROKER_FEE)
    half_day_broker_fee = money_field(DEFAULT_HALF_DAY_BROKER_FEE)
    #: Optional limits the board may set (docs/rules.md, Charging: "of a full day at least £300
    #: goes to the leader's school and at most £50 to the broker"). Blank: no limit.
    home_school_floor = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, default=None
    )
    broker_fee_ceiling = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, default=None
    )
    #: Optional rates for schools that are members of the organisation's alliance (docs/rules.md,
    #: Charging: "Members of an alliance may have a different rate"). Blank: the standard rate.
    #: The broker's fees are the same for members.
    member_full_day_rate = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, default=None
    )
    member_half_day_rate = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, default=None
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "finance_chargingpolicy"  # the table kept from the app's former name
        ordering = ["-academic_year"]
        verbose_name_plural = "charging policies"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "academic_year"], name="one_charging_policy_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(full_day_broker_fee__lte=models.F("full_day_rate"))
                & models.Q(half_day_broker_fee__lte=models.F("half_day_rate")),
                name="broker_fee_within_rate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.academic_year}"


class ChargingPolicyRevision(models.Model):
    """History: the values a policy had before each change."""

    policy = models.ForeignKey(ChargingPolicy, on_delete=models.CASCADE, related_name="revisions")
    full_day_rate = money_field(None)
    half_day_rate = money_field(None)
    full_day_broker_fee = money_field(None)
    half_day_broker_fee = money_field(None)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "finance_chargingpolicyrevision"  # the table kept from the app's former name
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.policy} as of {self.changed_at:%Y-%m-%d}"
