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

Where the supported school pays (the school and local authority routes) the agreement may choose
that the broker collects instead ("the alliance collects", docs/rules.md, "Charging models"): the
broker invoices the supported school the agreed rate (plus expenses on the school route) and pays
the leader's school its share with a remittance advice, keeping its fee.

Leaders themselves are never paid. Money is ``Decimal`` end to end, to the penny.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from syslead.core.money import ZERO, money
from syslead.deployments.costs import (
    COLLECTABLE_ROUTES,
    COLLECTED_BY_BROKER,
    COLLECTED_BY_HOME_SCHOOL,
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


#: Every charging model: a funding route and who collects on it.
CHARGING_MODELS: tuple[tuple[str, str], ...] = tuple(
    (route, COLLECTED_BY_HOME_SCHOOL) for route in ROUTES
) + tuple((route, COLLECTED_BY_BROKER) for route in COLLECTABLE_ROUTES)


def invoice_parties(funding_route: str, collected_by: str = COLLECTED_BY_HOME_SCHOOL) -> Parties:
    """Who issues and who pays on the charging model: the route, and who collects on it."""
    if funding_route not in ROUTES:
        raise ValueError(f"Unknown funding route {funding_route!r}.")
    if collected_by == COLLECTED_BY_BROKER:
        if funding_route not in COLLECTABLE_ROUTES:
            raise ValueError(f"The broker cannot collect on the {funding_route!r} route.")
        home = ROUTE_PARTIES[funding_route]
        return Parties(BROKER, SUPPORTED_SCHOOL, home.expenses_allowed, False)
    if collected_by != COLLECTED_BY_HOME_SCHOOL:
        raise ValueError(f"Unknown collector {collected_by!r}.")
    return ROUTE_PARTIES[funding_route]


@dataclass(frozen=True)
class PricedSession:
    """One session's line: its days, the rate, the broker's fee and the amount invoiced."""

    session: str
    days: Decimal
    rate: Decimal
    broker_fee: Decimal
    amount: Decimal


def price_session(
    session: str,
    rates: Rates,
    funding_route: str,
    collected_by: str = COLLECTED_BY_HOME_SCHOOL,
) -> PricedSession:
    """A full day at the full-day rate; a half day or a twilight at the half-day rate. On the
    broker route the broker keeps its fee, so the line is the leader's school's share."""
    if session not in SESSION_DAYS:
        raise ValueError(f"Unknown session {session!r}.")
    full = session == Session.FULL_DAY
    rate = money(rates.full_day_rate if full else rates.half_day_rate)
    fee = money(rates.full_day_broker_fee if full else rates.half_day_broker_fee)
    fee = min(fee, rate)
    keeps = invoice_parties(funding_route, collected_by).broker_keeps_fee
    amount = money(rate - fee) if keeps else rate
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
    sessions: Iterable[PricedSession],
    expenses: Iterable[Decimal],
    funding_route: str,
    collected_by: str = COLLECTED_BY_HOME_SCHOOL,
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
    invoice_parties(funding_route, collected_by)
    return Totals(
        days=days,
        sessions_total=sessions_total,
        expenses_total=expenses_total,
        total=money(sessions_total + expenses_total),
        broker_share=broker_share,
        home_school_share=money(gross - broker_share + expenses_total),
    )


#: What a payment in a money flow is backed by.
INVOICE = "invoice"
REMITTANCE = "remittance"
FEE = "fee"


@dataclass(frozen=True)
class Flow:
    """One payment: from whom, to whom, how much, and the document behind it."""

    payer: str
    payee: str
    amount: Decimal
    document: str


def money_flows(
    totals: Totals, funding_route: str, collected_by: str = COLLECTED_BY_HOME_SCHOOL
) -> tuple[Flow, ...]:
    """Who pays whom for an invoice's work (docs/money.md, "Who pays whom"). Every pound is
    accounted for: the funder's outlay is what the leader's school and the broker end up with.

    school, local_authority   the supported school pays the invoice to the leader's school, which
                              passes the broker its fee
    broker                    the broker pays the invoice (the leader's school's share) and keeps
                              its fee: nothing moves for the fee
    other                     the commissioner pays the broker's invoice; the broker pays the
                              leader's school its share with a remittance advice and keeps its fee
    the broker collects       the supported school pays the broker's invoice (the full price); the
                              broker pays the leader's school its share (with any expenses) with
                              a remittance advice and keeps its fee
    """
    parties = invoice_parties(funding_route, collected_by)
    flows = [Flow(parties.payer, parties.issuer, totals.total, INVOICE)]
    if parties.issuer == HOME_SCHOOL and not parties.broker_keeps_fee and totals.broker_share:
        flows.append(Flow(HOME_SCHOOL, BROKER, totals.broker_share, FEE))
    if parties.issuer == BROKER and totals.home_school_share:
        flows.append(Flow(BROKER, HOME_SCHOOL, totals.home_school_share, REMITTANCE))
    return tuple(flow for flow in flows if flow.amount)


def net_positions(flows: Iterable[Flow]) -> dict[str, Decimal]:
    """Each party's money in less money out."""
    positions: dict[str, Decimal] = {}
    for flow in flows:
        positions[flow.payer] = money(positions.get(flow.payer, ZERO) - flow.amount)
        positions[flow.payee] = money(positions.get(flow.payee, ZERO) + flow.amount)
    return positions
