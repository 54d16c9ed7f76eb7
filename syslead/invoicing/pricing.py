"""Pricing an invoice: pure arithmetic and the route's parties, no database (docs/rules.md:
Charging).

Each agreed note of visit is one line at the agreement's rate: a full day at the full-day rate, a
half day or twilight session at the half-day rate, with the broker's fee per session beside it
(``deployments.costs`` does the same sums for the whole agreement). Who issues and who pays
follows the funding route:

    school            the leader's school invoices the supported school directly, at the agreed
                      rate plus expenses; it passes the broker its fee
    local_authority   the leader's school invoices the supported school (whose budget the LA has
                      topped up) at the agreed rate; it passes the broker its fee
    broker            the broker funds the days: the leader's school invoices the broker for its
                      share (the rate less the broker's fee, which the broker keeps)
    other             the broker invoices the commissioner at the agreed rate and pays the
                      leader's school its share

Leaders themselves are never paid. Money is ``Decimal`` end to end, to the penny.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from syslead.core.money import ZERO, money
from syslead.deployments.costs import (
    ROUTE_BROKER,
    ROUTE_LOCAL_AUTHORITY,
    ROUTE_OTHER,
    ROUTE_SCHOOL,
    ROUTES,
    Rates,
)
from syslead.visits.models import SESSION_DAYS, Session

HOME_SCHOOL = "home_school"
BROKER = "broker"
SUPPORTED_SCHOOL = "supported_school"
COMMISSIONER = "commissioner"


@dataclass(frozen=True)
class Parties:
    """Who issues an invoice on a route, and who pays it."""

    issuer: str
    payer: str
    expenses_allowed: bool
    broker_keeps_fee: bool


#: The route's parties (see the module's docstring).
ROUTE_PARTIES: dict[str, Parties] = {
    ROUTE_SCHOOL: Parties(HOME_SCHOOL, SUPPORTED_SCHOOL, True, False),
    ROUTE_LOCAL_AUTHORITY: Parties(HOME_SCHOOL, SUPPORTED_SCHOOL, False, False),
    ROUTE_BROKER: Parties(HOME_SCHOOL, BROKER, False, True),
    ROUTE_OTHER: Parties(BROKER, COMMISSIONER, False, False),
}


def invoice_parties(funding_route: str) -> Parties:
    if funding_route not in ROUTES:
        raise ValueError(f"Unknown funding route {funding_route!r}.")
    return ROUTE_PARTIES[funding_route]


@dataclass(frozen=True)
class PricedSession:
    """One session's line: its days, the rate, the broker's fee and the amount invoiced."""

    session: str
    days: Decimal
    rate: Decimal
    broker_fee: Decimal
    amount: Decimal


def price_session(session: str, rates: Rates, funding_route: str) -> PricedSession:
    """A full day at the full-day rate; a half day or a twilight at the half-day rate. On the
    broker route the broker keeps its fee, so the line is the leader's school's share."""
    if session not in SESSION_DAYS:
        raise ValueError(f"Unknown session {session!r}.")
    full = session == Session.FULL_DAY
    rate = money(rates.full_day_rate if full else rates.half_day_rate)
    fee = money(rates.full_day_broker_fee if full else rates.half_day_broker_fee)
    fee = min(fee, rate)
    amount = money(rate - fee) if invoice_parties(funding_route).broker_keeps_fee else rate
    return PricedSession(session, SESSION_DAYS[session], rate, fee, amount)


@dataclass(frozen=True)
class Totals:
    days: Decimal
    sessions_total: Decimal
    expenses_total: Decimal
    total: Decimal
    broker_share: Decimal
    home_school_share: Decimal


def invoice_totals(
    sessions: Iterable[PricedSession], expenses: Iterable[Decimal], funding_route: str
) -> Totals:
    """The invoice's totals. The sessions' value at the agreed rates splits into the broker's
    share (its fees) and the leader's school's (the rest, plus any expenses): the two shares sum
    to the value of the work. On the broker route the broker keeps its share, so the invoice's
    total is the leader's school's share."""
    rows = list(sessions)
    days = sum((row.days for row in rows), ZERO)
    gross = money(sum((row.rate for row in rows), ZERO))
    broker_share = money(sum((row.broker_fee for row in rows), ZERO))
    sessions_total = money(sum((row.amount for row in rows), ZERO))
    expenses_total = money(sum(expenses, ZERO))
    if expenses_total < 0:
        raise ValueError("Expenses cannot be negative.")
    invoice_parties(funding_route)
    return Totals(
        days=days,
        sessions_total=sessions_total,
        expenses_total=expenses_total,
        total=money(sessions_total + expenses_total),
        broker_share=broker_share,
        home_school_share=money(gross - broker_share + expenses_total),
    )
