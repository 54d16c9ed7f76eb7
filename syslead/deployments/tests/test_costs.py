"""The cost arithmetic of the contract (docs/api.md; docs/rules.md: Charging), property-tested."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syslead.core.money import money, money_text
from syslead.deployments.costs import (
    ROUTES,
    Rates,
    Sessions,
    cost_breakdown,
    deployment_costs,
)
from syslead.deployments.models import FundingRoute

DEFAULT = Rates(Decimal("350.00"), Decimal("150.00"), Decimal("50.00"), Decimal("25.00"))

pence = st.integers(min_value=0, max_value=200_000).map(lambda p: Decimal(p) / 100)
counts = st.integers(min_value=0, max_value=200)
routes = st.sampled_from(ROUTES)


@st.composite
def rates(draw: st.DrawFn) -> Rates:
    """A policy: each fee within its rate (the database holds that too)."""
    full = draw(pence)
    half = draw(pence)
    full_fee = draw(
        st.integers(min_value=0, max_value=int(full * 100)).map(lambda p: Decimal(p) / 100)
    )
    half_fee = draw(
        st.integers(min_value=0, max_value=int(half * 100)).map(lambda p: Decimal(p) / 100)
    )
    return Rates(full, half, full_fee, half_fee)


sessions = st.builds(Sessions, counts, counts, counts)


def test_a_full_day_costs_350_of_which_300_to_the_home_school_and_50_to_the_broker() -> None:
    costs = deployment_costs(Sessions(full_days=1), DEFAULT, FundingRoute.SCHOOL)
    assert (costs.total, costs.to_home_school, costs.to_broker) == (
        Decimal("350.00"),
        Decimal("300.00"),
        Decimal("50.00"),
    )
    assert costs.payable_by_school == Decimal("350.00")


def test_half_days_and_twilights_are_charged_at_the_half_day_rate() -> None:
    costs = deployment_costs(
        Sessions(full_days=5, half_days=2, twilight_sessions=1), DEFAULT, FundingRoute.SCHOOL
    )
    assert costs.total == Decimal("2200.00")  # 5 × 350 + 3 × 150
    assert costs.to_broker == Decimal("325.00")  # 5 × 50 + 3 × 25
    assert costs.to_home_school == Decimal("1875.00")


def test_who_pays_on_each_route() -> None:
    sessions_ = Sessions(full_days=2)
    school = deployment_costs(sessions_, DEFAULT, FundingRoute.SCHOOL)
    la = deployment_costs(sessions_, DEFAULT, FundingRoute.LOCAL_AUTHORITY)
    broker = deployment_costs(sessions_, DEFAULT, FundingRoute.BROKER)
    other = deployment_costs(sessions_, DEFAULT, FundingRoute.OTHER)
    assert (school.payable_by_school, school.payable_by_commissioner) == (Decimal(700), 0)
    # The LA tops up the school's budget and the leader's school invoices the school.
    assert (la.payable_by_school, la.payable_by_commissioner) == (Decimal(700), Decimal(700))
    assert (broker.payable_by_school, broker.payable_by_commissioner) == (0, Decimal(700))
    assert (other.payable_by_school, other.payable_by_commissioner) == (0, Decimal(700))


def test_money_rounds_half_pennies_up() -> None:
    assert money(Decimal("0.005")) == Decimal("0.01")
    assert money(Decimal("2.345")) == Decimal("2.35")
    assert money_text(Decimal("350")) == "350.00"


def test_the_routes_are_the_models_funding_routes() -> None:
    assert set(ROUTES) == set(FundingRoute.values)


def test_unknown_route_and_negative_sessions_are_refused() -> None:
    with pytest.raises(ValueError, match="route"):
        deployment_costs(Sessions(1), DEFAULT, "lottery")
    with pytest.raises(ValueError, match="negative"):
        deployment_costs(Sessions(-1), DEFAULT, FundingRoute.SCHOOL)


@given(sessions, rates(), routes)
def test_total_is_the_home_schools_share_plus_the_brokers(
    s: Sessions, r: Rates, route: str
) -> None:
    costs = deployment_costs(s, r, route)
    assert costs.total == costs.to_home_school + costs.to_broker
    assert costs.total == money(s.full_days * r.full_day_rate + s.half_sessions * r.half_day_rate)
    assert costs.to_broker == money(
        s.full_days * r.full_day_broker_fee + s.half_sessions * r.half_day_broker_fee
    )


@given(sessions, rates(), routes)
def test_no_amount_is_ever_negative_and_all_are_pence(s: Sessions, r: Rates, route: str) -> None:
    costs = deployment_costs(s, r, route)
    for amount in (
        costs.total,
        costs.to_broker,
        costs.to_home_school,
        costs.payable_by_school,
        costs.payable_by_commissioner,
    ):
        assert amount >= 0
        assert amount == amount.quantize(Decimal("0.01"))
        assert amount <= costs.total


@given(sessions, rates(), routes, st.sampled_from(["full_days", "half_days", "twilight_sessions"]))
def test_costs_never_fall_when_a_session_is_added(
    s: Sessions, r: Rates, route: str, which: str
) -> None:
    before = deployment_costs(s, r, route)
    more = Sessions(
        s.full_days + (which == "full_days"),
        s.half_days + (which == "half_days"),
        s.twilight_sessions + (which == "twilight_sessions"),
    )
    after = deployment_costs(more, r, route)
    assert after.total >= before.total
    assert after.to_broker >= before.to_broker
    assert after.to_home_school >= before.to_home_school
    assert after.payable_by_school >= before.payable_by_school


@given(counts, counts, counts)
def test_days_count_half_days_and_twilights_as_half(full: int, half: int, twilight: int) -> None:
    assert Sessions(full, half, twilight).days == full + Decimal(half + twilight) / 2


@pytest.mark.parametrize("route", ROUTES)
def test_the_breakdown_says_who_pays_and_its_lines_add_up(route: str) -> None:
    costs = deployment_costs(Sessions(full_days=3), DEFAULT, route)
    lines = {
        line.key: line
        for line in cost_breakdown(
            costs,
            broker="KYRA TSA",
            home_school="Mount Street Academy",
            client_school="Ermine Primary",
            commissioner="Lincolnshire County Council",
        )
    }
    assert lines["total"].amount == Decimal("1050.00")
    assert lines["to_broker"].amount + lines["to_home_school"].amount == lines["total"].amount
    assert lines["payable_by_school"].amount == costs.payable_by_school
    assert all(line.explanation for line in lines.values())
    if route == FundingRoute.LOCAL_AUTHORITY:
        assert "topped up" in lines["payable_by_school"].explanation
        assert lines["payable_by_commissioner"].amount == Decimal("1050.00")
    if route == FundingRoute.SCHOOL:
        assert "payable_by_commissioner" not in lines
        assert "Ermine Primary pays £1,050.00" in lines["payable_by_school"].explanation
