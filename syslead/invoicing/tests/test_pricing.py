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
    CHARGING_MODELS,
    COMMISSIONER,
    FEE,
    HOME_SCHOOL,
    INVOICE,
    REMITTANCE,
    SUPPORTED_SCHOOL,
    Flow,
    invoice_parties,
    invoice_totals,
    money_flows,
    net_positions,
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


@given(
    full=st.integers(0, 40),
    half=st.integers(0, 40),
    twilight=st.integers(0, 40),
    rates=st.tuples(pence, pence, pence, pence),
    expenses=st.lists(pence, max_size=3),
    model=st.sampled_from(CHARGING_MODELS),
)
def test_every_pound_is_accounted_for_on_every_charging_model(
    full: int,
    half: int,
    twilight: int,
    rates: tuple[Decimal, Decimal, Decimal, Decimal],
    expenses: list[Decimal],
    model: tuple[str, str],
) -> None:
    """docs/rules.md, Charging models (who invoices whom): on every route, and whoever collects,
    what the funder pays is what the leader's school and the broker receive, to the penny, and
    nothing is negative."""
    route, collected_by = model
    agreed = Rates(*rates)
    lines = (
        [price_session("full_day", agreed, route, collected_by)] * full
        + [price_session("half_day", agreed, route, collected_by)] * half
        + [price_session("twilight", agreed, route, collected_by)] * twilight
    )
    parties = invoice_parties(route, collected_by)
    allowed = expenses if parties.expenses_allowed else []
    totals = invoice_totals(lines, allowed, route, collected_by)
    flows = money_flows(totals, route, collected_by)
    positions = net_positions(flows)
    assert sum(positions.values(), Decimal(0)) == 0
    assert all(flow.amount > 0 for flow in flows)
    funder = parties.payer
    outlay = totals.home_school_share + totals.broker_share
    if funder == BROKER:  # the broker funds the work and keeps its own fee
        assert positions.get(BROKER, Decimal(0)) == totals.broker_share - outlay
    else:
        assert positions.get(funder, Decimal(0)) == -outlay
        assert positions.get(BROKER, Decimal(0)) == totals.broker_share
    assert positions.get(HOME_SCHOOL, Decimal(0)) == totals.home_school_share


def test_350_a_day_flows_300_to_the_home_school_and_50_to_the_broker_by_route() -> None:
    """docs/rules.md, Charging: the school route passes the fee on; the commissioned route is
    collected by the broker, which remits the leader's school its share."""
    totals = invoice_totals([price_session("full_day", RATES, "school")], [], "school")
    assert money_flows(totals, "school") == (
        Flow(SUPPORTED_SCHOOL, HOME_SCHOOL, Decimal("350.00"), INVOICE),
        Flow(HOME_SCHOOL, BROKER, Decimal("50.00"), FEE),
    )
    totals = invoice_totals([price_session("full_day", RATES, "other")], [], "other")
    assert money_flows(totals, "other") == (
        Flow(COMMISSIONER, BROKER, Decimal("350.00"), INVOICE),
        Flow(BROKER, HOME_SCHOOL, Decimal("300.00"), REMITTANCE),
    )
    totals = invoice_totals([price_session("full_day", RATES, "broker")], [], "broker")
    assert money_flows(totals, "broker") == (Flow(BROKER, HOME_SCHOOL, Decimal("300.00"), INVOICE),)


def test_every_charging_model_is_each_route_plus_the_broker_collecting_where_the_school_pays() -> (
    None
):
    assert set(CHARGING_MODELS) == {(route, HOME_SCHOOL) for route in ROUTES} | {
        ("school", BROKER),
        ("local_authority", BROKER),
    }
    assert _pair("school") == (HOME_SCHOOL, SUPPORTED_SCHOOL)
    assert (
        invoice_parties("school", BROKER).issuer,
        invoice_parties("school", BROKER).payer,
    ) == (BROKER, SUPPORTED_SCHOOL)
    assert invoice_parties("school", BROKER).expenses_allowed
    assert not invoice_parties("local_authority", BROKER).expenses_allowed
    for route in ("broker", "other"):
        with pytest.raises(ValueError, match="cannot collect"):
            invoice_parties(route, BROKER)
    with pytest.raises(ValueError, match="Unknown collector"):
        invoice_parties("school", "bank")


@pytest.mark.parametrize("route", ["school", "local_authority"])
def test_the_alliance_collects_350_pays_the_home_school_300_and_keeps_50(route: str) -> None:
    """docs/rules.md, Charging models: the supported school pays the broker £350, the broker pays
    the leader's school £300 with a remittance advice and keeps £50."""
    line = price_session("full_day", RATES, route, BROKER)
    totals = invoice_totals([line], [], route, BROKER)
    assert (totals.total, totals.home_school_share, totals.broker_share) == (350, 300, 50)
    flows = money_flows(totals, route, BROKER)
    assert flows == (
        Flow(SUPPORTED_SCHOOL, BROKER, Decimal("350.00"), INVOICE),
        Flow(BROKER, HOME_SCHOOL, Decimal("300.00"), REMITTANCE),
    )
    assert net_positions(flows) == {
        SUPPORTED_SCHOOL: Decimal("-350.00"),
        BROKER: Decimal("50.00"),
        HOME_SCHOOL: Decimal("300.00"),
    }


def test_when_the_alliance_collects_expenses_pass_to_the_home_school_in_the_remittance() -> None:
    totals = invoice_totals(
        [price_session("full_day", RATES, "school", BROKER)], [Decimal("20.00")], "school", BROKER
    )
    assert money_flows(totals, "school", BROKER) == (
        Flow(SUPPORTED_SCHOOL, BROKER, Decimal("370.00"), INVOICE),
        Flow(BROKER, HOME_SCHOOL, Decimal("320.00"), REMITTANCE),
    )
