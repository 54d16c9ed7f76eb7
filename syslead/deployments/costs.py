"""The cost of a deployment agreement: pure arithmetic, no database (docs/rules.md: Charging).

The contract's sums (docs/api.md, "Deployment agreements"):

    sessions        a full day; a half day or a twilight session (both charged at the half-day rate)
    total           full days × full-day rate + (half days + twilights) × half-day rate
    to_broker       full days × full-day fee  + (half days + twilights) × half-day fee
    to_home_school  total − to_broker (the leader's school, for backfill: leaders are never paid)

Who pays depends on the funding route:

    school            the supported school pays the total (payable_by_school = total): the
                      leader's school invoices it directly, at the agreed rate plus expenses
                      (docs/rules.md, Charging), and passes the broker its fee
    local_authority   the LA funds the days: it tops up the supported school's budget by the total
                      (payable_by_commissioner = total) and the leader's school invoices the
                      supported school for the total (payable_by_school = total), so the school's
                      own budget bears nothing (docs/rules.md, Charging)
    broker            the broker funds the days from its own budget (payable_by_school = 0,
                      payable_by_commissioner = total; the broker keeps its fee, so its outlay is
                      what it pays the leader's school)
    other             another commissioner pays the total (payable_by_commissioner = total,
                      payable_by_school = 0)

Money is ``Decimal`` end to end, quantised to pence with ROUND_HALF_UP.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from syslead.capacity.days import days_of
from syslead.core.money import ZERO, money, pounds

ROUTE_SCHOOL = "school"
ROUTE_LOCAL_AUTHORITY = "local_authority"
ROUTE_BROKER = "broker"
ROUTE_OTHER = "other"
ROUTES = (ROUTE_SCHOOL, ROUTE_LOCAL_AUTHORITY, ROUTE_BROKER, ROUTE_OTHER)

#: Who collects the supported school's money (docs/rules.md, "Charging models"): the leader's
#: school invoices it (as the school and local authority routes always did), or the broker (the
#: alliance) invoices it the full price and pays the leader's school its share.
COLLECTED_BY_HOME_SCHOOL = "home_school"
COLLECTED_BY_BROKER = "broker"
COLLECTORS = (COLLECTED_BY_HOME_SCHOOL, COLLECTED_BY_BROKER)
#: The routes on which the supported school pays, so the broker may collect instead.
COLLECTABLE_ROUTES = (ROUTE_SCHOOL, ROUTE_LOCAL_AUTHORITY)


def collection_problem(funding_route: str, collected_by: str) -> str:
    """Why ``collected_by`` cannot go with ``funding_route`` ("" when it can)."""
    if collected_by not in COLLECTORS:
        return "Choose who invoices the supported school."
    if collected_by == COLLECTED_BY_BROKER and funding_route not in COLLECTABLE_ROUTES:
        return (
            "The broker collects only where the supported school pays (the school or local "
            "authority route)."
        )
    return ""


@dataclass(frozen=True)
class Rates:
    """A charging policy's rates and broker fees per session."""

    full_day_rate: Decimal
    half_day_rate: Decimal
    full_day_broker_fee: Decimal
    half_day_broker_fee: Decimal


@dataclass(frozen=True)
class Sessions:
    """The time commitment: full days, half days and twilight sessions."""

    full_days: int = 0
    half_days: int = 0
    twilight_sessions: int = 0

    @property
    def half_sessions(self) -> int:
        """Half days and twilights: both are charged at the half-day rate."""
        return self.half_days + self.twilight_sessions

    @property
    def days(self) -> Decimal:
        """Days for capacity: a full day counts 1, a half day or twilight 0.5."""
        return days_of(self.full_days, self.half_days, self.twilight_sessions)


@dataclass(frozen=True)
class Costs:
    """An agreement's costs, and who pays them on its funding route."""

    funding_route: str
    total: Decimal
    to_broker: Decimal
    to_home_school: Decimal
    payable_by_school: Decimal
    payable_by_commissioner: Decimal


@dataclass(frozen=True)
class CostLine:
    """One line of the cost breakdown: an amount and, in words, who pays whom."""

    key: str
    label: str
    amount: Decimal
    explanation: str


def deployment_costs(sessions: Sessions, rates: Rates, funding_route: str) -> Costs:
    """The contract's arithmetic for ``sessions`` at ``rates`` on ``funding_route``."""
    if funding_route not in ROUTES:
        raise ValueError(f"Unknown funding route {funding_route!r}.")
    if min(sessions.full_days, sessions.half_days, sessions.twilight_sessions) < 0:
        raise ValueError("Sessions cannot be negative.")
    total = money(
        sessions.full_days * rates.full_day_rate + sessions.half_sessions * rates.half_day_rate
    )
    to_broker = money(
        sessions.full_days * rates.full_day_broker_fee
        + sessions.half_sessions * rates.half_day_broker_fee
    )
    if funding_route == ROUTE_SCHOOL:
        by_school, by_commissioner = total, ZERO
    elif funding_route == ROUTE_LOCAL_AUTHORITY:
        by_school, by_commissioner = total, total
    else:
        by_school, by_commissioner = ZERO, total
    return Costs(
        funding_route=funding_route,
        total=total,
        to_broker=to_broker,
        to_home_school=money(total - to_broker),
        payable_by_school=by_school,
        payable_by_commissioner=by_commissioner,
    )


def cost_breakdown(
    costs: Costs,
    *,
    broker: str,
    home_school: str,
    client_school: str,
    commissioner: str = "",
    collected_by: str = COLLECTED_BY_HOME_SCHOOL,
) -> list[CostLine]:
    """The contract's cost lines with, in words, who pays whom on the agreement's route
    ("Total cost of deployment", "Amount payable by supported school", "Cost to TSA", "Cost to
    SLE's school"), plus the commissioner's share where there is one."""
    total = pounds(costs.total)
    lines = [
        CostLine(
            "total",
            "Total cost of deployment",
            costs.total,
            "The agreed days at the agreed rates (rates include travel).",
        )
    ]
    route = costs.funding_route
    share = pounds(costs.to_home_school)
    if route in COLLECTABLE_ROUTES and collected_by == COLLECTED_BY_BROKER:
        school_words = (
            f"{broker} invoices {client_school} for {total} when the work is done"
            + (
                f" ({commissioner or 'the local authority'} has topped up its budget by the "
                "same amount)"
                if route == ROUTE_LOCAL_AUTHORITY
                else ""
            )
            + f"; once paid, {broker} pays {home_school} {share} with a remittance advice and "
            "keeps its administration fee."
        )
    elif route == ROUTE_SCHOOL:
        school_words = (
            f"{client_school} pays {total} from its own budget: {home_school} invoices it "
            f"directly when the work is done (plus any expenses) and passes {broker} its "
            "administration fee."
        )
    elif route == ROUTE_LOCAL_AUTHORITY:
        school_words = (
            f"{home_school} invoices {client_school} for {total} when the work is done; "
            f"{commissioner or 'the local authority'} has topped up {client_school}'s budget by "
            "the same amount, so the school's own budget bears nothing."
        )
    elif route == ROUTE_BROKER:
        school_words = f"Nothing: {broker} funds the days."
    else:
        school_words = f"Nothing: {commissioner or 'the commissioner'} funds the days."
    lines.append(
        CostLine(
            "payable_by_school",
            "Amount payable by the supported school",
            costs.payable_by_school,
            school_words,
        )
    )
    if route == ROUTE_LOCAL_AUTHORITY:
        lines.append(
            CostLine(
                "payable_by_commissioner",
                "Funded by the local authority",
                costs.payable_by_commissioner,
                f"{commissioner or 'The local authority'} tops up {client_school}'s budget by "
                f"{total} for the agreed days.",
            )
        )
    elif route in (ROUTE_BROKER, ROUTE_OTHER):
        payer = broker if route == ROUTE_BROKER else (commissioner or "The commissioner")
        lines.append(
            CostLine(
                "payable_by_commissioner",
                f"Funded by {payer}",
                costs.payable_by_commissioner,
                f"{payer} pays {total}.",
            )
        )
    lines.append(
        CostLine(
            "to_broker",
            f"To {broker} (administration)",
            costs.to_broker,
            f"{broker}'s fee for brokering and administration.",
        )
    )
    lines.append(
        CostLine(
            "to_home_school",
            f"To {home_school} (backfill)",
            costs.to_home_school,
            f"Paid to {home_school} to cover the leader's time; leaders themselves are never paid.",
        )
    )
    return lines
