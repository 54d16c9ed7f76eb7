"""Key performance indicators of a broker for an academic year (docs/rules.md: KPIs, Reporting).

- SLEs designated: leaders given an SLE designation by the organisation with ``designated_on`` in
  the year (a designation later revoked still counts: it was made that year), against the
  target of the organisation's SLE designation rounds opening in the year.
- SLEs deployed within 3 months of designation (target: at least 50%): of those, how many have
  an agreement — with any broker — awaiting signatures, active (or paused) or completed, starting
  no later than 3 calendar months after their designation (31 August + 3 months is 30 November:
  a month without the day ends on its last day).
- Agreements by funding route (the commissioner) and by the supported school's local authority
  (the area): agreements starting in the year, their days and total cost.
- RAG outcomes: the end-of-support evaluations of the year's agreements, each of the nine items
  counted red, amber and green.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Subquery, Sum

from syslead.accounts.access import broker_organisation_ids, is_administrator
from syslead.accounts.models import User
from syslead.capacity.days import days_of
from syslead.core.academic_years import AcademicYear
from syslead.deployments.models import COMMITTED_STATUSES, Deployment, FundingRoute
from syslead.deployments.rules import add_months
from syslead.leaders.models import Designation, DesignationRound
from syslead.organisations.models import Organisation
from syslead.schools.models import School

SLE = "SLE"
#: "At least 50% of SLEs deployed within 3 months of designation" (the alliance's KPI).
SLE_DEPLOYMENT_TARGET_PERCENT = 50.0
#: "Within 3 months of designation".
DEPLOYMENT_WINDOW_MONTHS = 3
#: Agreements that count as a deployment: awaiting signatures, active (or paused) or completed.
DEPLOYED_STATUSES = COMMITTED_STATUSES


def can_read_kpis(user: User, organisation: Organisation) -> bool:
    """Coordinators and broker leads of the organisation, and administrators (docs/api.md)."""
    return is_administrator(user) or organisation.pk in broker_organisation_ids(user)


@dataclass(frozen=True)
class SleDeployment:
    """One SLE designated in the year: when they had to be deployed by, and when they were."""

    leader_id: int
    leader_name: str
    designated_on: dt.date
    deploy_by: dt.date
    first_agreement_starts_on: dt.date | None

    @property
    def deployed_within_window(self) -> bool:
        return (
            self.first_agreement_starts_on is not None
            and self.first_agreement_starts_on <= self.deploy_by
        )


@dataclass(frozen=True)
class RouteFigures:
    funding_route: str
    label: str
    agreements: int
    days: Decimal
    total_cost: Decimal


@dataclass(frozen=True)
class Kpis:
    organisation_id: int
    academic_year: str
    sles_designated: int
    sles_designation_target: int | None
    sles_deployed_within_3_months: int
    sles_deployed_within_3_months_percent: float
    target_percent: float
    sles: tuple[SleDeployment, ...]
    by_funding_route: tuple[RouteFigures, ...]

    @property
    def target_met(self) -> bool:
        """At least 50% deployed within 3 months (False while no SLE was designated)."""
        return (
            self.sles_designated > 0
            and self.sles_deployed_within_3_months_percent >= self.target_percent
        )


def _year(academic_year: AcademicYear | str) -> AcademicYear:
    return (
        academic_year
        if isinstance(academic_year, AcademicYear)
        else AcademicYear.parse(academic_year)
    )


def sle_deployments(
    organisation: Organisation, academic_year: AcademicYear | str
) -> list[SleDeployment]:
    """Every leader the organisation designated SLE in the year, with their first agreement
    starting no later than 3 months after (earliest designation per leader); two queries."""
    year = _year(academic_year)
    designations = (
        Designation.objects.filter(
            organisation=organisation,
            type__code__iexact=SLE,
            designated_on__gte=year.starts_on,
            designated_on__lte=year.ends_on,
        )
        .order_by("designated_on", "pk")
        .values_list("leader_id", "leader__user__name", "leader__user__email", "designated_on")
    )
    first: dict[int, tuple[str, dt.date]] = {}
    for leader_id, name, email, designated_on in designations:
        first.setdefault(leader_id, (name or email, designated_on))
    if not first:
        return []
    starts: dict[int, list[dt.date]] = defaultdict(list)
    for leader_id, starts_on in Deployment.objects.filter(
        leader_id__in=list(first), status__in=DEPLOYED_STATUSES
    ).values_list("leader_id", "starts_on"):
        starts[leader_id].append(starts_on)
    rows = []
    for leader_id, (name, designated_on) in first.items():
        deploy_by = add_months(designated_on, DEPLOYMENT_WINDOW_MONTHS)
        in_window = [day for day in starts.get(leader_id, []) if day <= deploy_by]
        rows.append(
            SleDeployment(
                leader_id=leader_id,
                leader_name=name,
                designated_on=designated_on,
                deploy_by=deploy_by,
                first_agreement_starts_on=min(in_window) if in_window else None,
            )
        )
    rows.sort(key=lambda r: (r.designated_on, r.leader_name.lower(), r.leader_id))
    return rows


@dataclass(frozen=True)
class YearAgreements:
    """The organisation's agreements starting in the year, read once for the KPIs' figures: for
    those not cancelled, ended-early or superseded (``DEPLOYED_STATUSES``), what they add up to
    per funding route and per local authority of the supported school (``agreement_sums``' keys,
    as the database summed them before: the same integers and exact decimals, added here);
    ``evaluated``: the ids of all of them with an end-of-support evaluation."""

    evaluated: tuple[int, ...]
    by_route: dict[str, dict[str, Any]]
    by_area: dict[str | None, dict[str, Any]]


def _add(sums: dict[str, Any], full: int, half: int, twilight: int, total: Decimal | None) -> None:
    sums["full"] += full
    sums["half"] += half
    sums["twilight"] += twilight
    if total is not None:  # SUM skips NULLs
        sums["total"] += total
    sums["agreements"] += 1


def _empty_sums() -> dict[str, Any]:
    return {"full": 0, "half": 0, "twilight": 0, "total": 0, "agreements": 0}


def year_agreements(
    organisation: Organisation, academic_year: AcademicYear | str
) -> YearAgreements:
    """The organisation's agreements starting in the year (one query, by the organisation's and
    year's index; each supported school's local authority, and whether an evaluation was made,
    read by key, where joins read the whole register and every evaluation)."""
    from syslead.evaluation.models import Evaluation

    year = _year(academic_year)
    area = (
        School.objects.filter(urn=OuterRef("client_school_id")).order_by().values("local_authority")
    )
    # The agreement's evaluation (at most one) by its key: an EXISTS became a hash of every
    # evaluation ever made.
    evaluation = Evaluation.objects.filter(deployment=OuterRef("pk")).order_by().values("pk")
    rows = list(
        Deployment.objects.filter(organisation=organisation, academic_year=year.label)
        .annotate(
            area=Subquery(area),
            evaluation_id=Subquery(evaluation),
        )
        .order_by()
        .values_list(
            "pk",
            "status",
            "funding_route",
            "area",
            "full_days",
            "half_days",
            "twilight_sessions",
            "total_cost",
            "evaluation_id",
        )
    )
    committed = [row for row in rows if row[1] in DEPLOYED_STATUSES]
    by_route: dict[str, dict[str, Any]] = defaultdict(_empty_sums)
    by_area: dict[str | None, dict[str, Any]] = defaultdict(_empty_sums)
    for _pk, _status, route, local_authority, full, half, twilight, total, _e in committed:
        _add(by_route[route], full, half, twilight, total)
        _add(by_area[local_authority], full, half, twilight, total)
    return YearAgreements(
        evaluated=tuple(row[0] for row in rows if row[8] is not None),
        by_route=dict(by_route),
        by_area=dict(by_area),
    )


def agreement_sums() -> dict[str, Sum | Count]:
    """What a group of agreements adds up to (``annotate(**agreement_sums())``): their sessions
    (read as days by ``agreement_days``), total cost and number."""
    return {
        "full": Sum("full_days"),
        "half": Sum("half_days"),
        "twilight": Sum("twilight_sessions"),
        "total": Sum("total_cost"),
        "agreements": Count("pk"),
    }


def agreements_by_funding_route(
    organisation: Organisation,
    academic_year: AcademicYear | str,
    agreements: YearAgreements | None = None,
) -> list[RouteFigures]:
    """The organisation's agreements starting in the year (not cancelled, ended-early or
    superseded), their days and total cost, per funding route in the routes' order (from
    ``agreements`` when read already, else ``year_agreements``)."""
    agreements = agreements or year_agreements(organisation, academic_year)
    labels = dict(FundingRoute.choices)
    figures = []
    for route, row in sorted(agreements.by_route.items()):
        days = agreement_days(row)
        figures.append(
            RouteFigures(
                funding_route=route,
                label=str(labels.get(route, route)),
                agreements=int(row["agreements"]),
                days=days,
                total_cost=Decimal(row["total"] or 0),
            )
        )
    return figures


@dataclass(frozen=True)
class AreaFigures:
    local_authority: str
    agreements: int
    days: Decimal
    total_cost: Decimal


def agreements_by_area(
    organisation: Organisation,
    academic_year: AcademicYear | str,
    agreements: YearAgreements | None = None,
) -> list[AreaFigures]:
    """The same agreements as ``agreements_by_funding_route``, per local authority of the
    supported school, most days first (an unknown one, blank before missing, last of equals)."""
    agreements = agreements or year_agreements(organisation, academic_year)
    figures = [
        AreaFigures(
            local_authority=area or "Not known",
            agreements=int(row["agreements"]),
            days=agreement_days(row),
            total_cost=Decimal(row["total"] or 0),
        )
        for area, row in sorted(
            agreements.by_area.items(), key=lambda item: (item[0] is None, item[0] or "")
        )
    ]
    figures.sort(key=lambda f: (-f.days, f.local_authority))
    return figures


def agreement_days(row: dict[str, Any]) -> Decimal:
    """The days of a group of agreements summed by ``agreement_sums`` (0 for no row)."""
    return days_of(row.get("full") or 0, row.get("half") or 0, row.get("twilight") or 0)


@dataclass(frozen=True)
class RagCounts:
    item: str
    label: str
    red: int
    amber: int
    green: int

    @property
    def total(self) -> int:
        return self.red + self.amber + self.green

    def percent(self, count: int) -> int:
        return round(100 * count / self.total) if self.total else 0

    @property
    def red_percent(self) -> int:
        return self.percent(self.red)

    @property
    def amber_percent(self) -> int:
        return self.percent(self.amber)

    @property
    def green_percent(self) -> int:
        return self.percent(self.green)


def evaluation_outcomes(
    organisation: Organisation,
    academic_year: AcademicYear | str,
    agreements: YearAgreements | None = None,
) -> tuple[int, list[RagCounts]]:
    """How many of the organisation's agreements of the year have an end-of-support evaluation
    (read with the agreements), and each of the nine items counted red, amber and green across
    them (one query when there are any, by the agreements' ids: the database then reads those
    agreements' evaluations by their index, not every evaluation to join them to the year's
    agreements)."""
    from syslead.evaluation.models import EvaluationItem, EvaluationRating, Rag

    agreements = agreements or year_agreements(organisation, academic_year)
    evaluated = list(agreements.evaluated)
    counts: dict[tuple[str, str], int] = {}
    if evaluated:
        counts = {
            (row["item"], row["rating"]): row["n"]
            for row in EvaluationRating.objects.filter(evaluation__deployment_id__in=evaluated)
            .values("item", "rating")
            .annotate(n=Count("pk"))
            .order_by()
        }
    items = [
        RagCounts(
            item=item.value,
            label=str(item.label),
            red=counts.get((item.value, Rag.RED), 0),
            amber=counts.get((item.value, Rag.AMBER), 0),
            green=counts.get((item.value, Rag.GREEN), 0),
        )
        for item in EvaluationItem
    ]
    return len(evaluated), items


def kpis(
    organisation: Organisation,
    academic_year: AcademicYear | str,
    agreements: YearAgreements | None = None,
) -> Kpis:
    """The organisation's KPIs for the year (see the module's docstring; ``agreements``: the
    year's, when read already). ValueError for a bad year label."""
    year = _year(academic_year)
    sles = sle_deployments(organisation, year)
    designated = len(sles)
    deployed = sum(1 for row in sles if row.deployed_within_window)
    percent = round(100.0 * deployed / designated, 1) if designated else 0.0
    target = DesignationRound.objects.filter(
        organisation=organisation,
        designation_type__code__iexact=SLE,
        opens_on__gte=year.starts_on,
        opens_on__lte=year.ends_on,
    ).aggregate(total=Sum("target"))["total"]
    return Kpis(
        organisation_id=organisation.pk,
        academic_year=year.label,
        sles_designated=designated,
        sles_designation_target=int(target) if target is not None else None,
        sles_deployed_within_3_months=deployed,
        sles_deployed_within_3_months_percent=percent,
        target_percent=SLE_DEPLOYMENT_TARGET_PERCENT,
        sles=tuple(sles),
        by_funding_route=tuple(agreements_by_funding_route(organisation, year, agreements)),
    )
