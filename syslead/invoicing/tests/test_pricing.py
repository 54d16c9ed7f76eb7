"""The pricing arithmetic: each session at the agreement's rate (a twilight at the half-day rate),
the broker's fee beside it, and the shares summing to the value of the work."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syslead.deployments.costs import ROUTES, Rates
from syslead.invoicing.pricing import (
    BROKER,
    COMMISSIONER,
    HOME_SCHOOL,
    SUPPORTED_SCHOOL,
    invoice_parties,
    invoice_totals,
    price_session,
)

RATES = Rates(Decimal("350"), Decimal("150"), Decimal("50"), Decimal("25"))


def test_a_full_day_at_the_full_day_rate_and_a_twilight_at_the_half_day_rate() -> None:
    full = price_session("full_day", RATES, "school")
    twilight = price_session("twilight", RATES, "school")
    assert (full.days, full.rate, full.broker_fee, full.amount) == (1, 350, 50, 350)
    assert (twilight.days, twilight.rate, twilight.broker_fee, twilight.amount) == (
        Decimal("0.5"),
        150,
        25,
        150,
    )


def test_the_350_splits_300_to_the_home_school_and_50_to_the_broker() -> None:
    totals = invoice_totals([price_session("full_day", RATES, "school")], [], "school")
    assert (totals.total, totals.home_school_share, totals.broker_share) == (350, 300, 50)


def test_on_the_broker_route_the_broker_keeps_its_fee_and_is_invoiced_the_rest() -> None:
    line = price_session("full_day", RATES, "broker")
    totals = invoice_totals([line], [], "broker")
    assert line.amount == Decimal("300.00")
    assert (totals.total, totals.home_school_share, totals.broker_share) == (300, 300, 50)


def test_expenses_go_to_the_home_school() -> None:
    totals = invoice_totals(
        [price_session("half_day", RATES, "school")], [Decimal("12.40")], "school"
    )
    assert totals.total == Decimal("162.40")
    assert totals.home_school_share == Decimal("137.40")


def _pair(route: str) -> tuple[str, str]:
    parties = invoice_parties(route)
    return parties.issuer, parties.payer


def test_who_issues_and_who_pays_by_route() -> None:
    assert _pair("school") == (HOME_SCHOOL, SUPPORTED_SCHOOL)
    assert _pair("local_authority") == (HOME_SCHOOL, SUPPORTED_SCHOOL)
    assert _pair("broker") == (HOME_SCHOOL, BROKER)
    assert _pair("other") == (BROKER, COMMISSIONER)
    assert [r for r in ROUTES if invoice_parties(r).expenses_allowed] == ["school"]
    with pytest.raises(ValueError, match="Unknown funding route"):
        invoice_parties("barter")


pence = st.decimals(min_value=0, max_value=2000, places=2, allow_nan=False, allow_infinity=False)


@given(
    full=st.integers(0, 40),
    half=st.integers(0, 40),
    twilight=st.integers(0, 40),
    rates=st.tuples(pence, pence, pence, pence),
    route=st.sampled_from(ROUTES),
)
def test_amounts_are_rate_times_sessions_and_shares_sum_to_the_work(
    full: int,
    half: int,
    twilight: int,
    rates: tuple[Decimal, Decimal, Decimal, Decimal],
    route: str,
) -> None:
    agreed = Rates(*rates)
    lines = (
        [price_session("full_day", agreed, route)] * full
        + [price_session("half_day", agreed, route)] * half
        + [price_session("twilight", agreed, route)] * twilight
    )
    totals = invoice_totals(lines, [], route)
    value = full * agreed.full_day_rate + (half + twilight) * agreed.half_day_rate
    fees = full * min(agreed.full_day_broker_fee, agreed.full_day_rate) + (half + twilight) * min(
        agreed.half_day_broker_fee, agreed.half_day_rate
    )
    assert totals.days == full + Decimal(half + twilight) / 2
    assert totals.broker_share + totals.home_school_share == value
    assert totals.broker_share == fees
    expected = value - fees if route == "broker" else value
    assert totals.total == expected
    assert min(totals.total, totals.broker_share, totals.home_school_share) >= 0
