"""The capacity ledger: per leader per academic year, the days released, committed, signed,
delivered and invoiced, and what remains (docs/rules.md: Capacity, and feature 1, "One capacity
ledger per leader and academic year, which blocks over-commitment at signature").

This module is the one place that says which records count as which days; every area reads its
figures from here (the directory, the shortlist, agreements, notes of visit, reports). Each column
has one function that reads it for many leaders at once, so a page over 12,000 leaders costs a
fixed number of queries:

- released  — the leader's ``ReleaseAgreement`` for the year: the days the home school releases.
- committed — deployment agreements in ``COMMITTED_STATUSES`` (awaiting signatures, active, paused
  or completed: making an agreement reserves its days) whose ``starts_on`` falls in the year.
- signed    — the same, in ``SIGNED_STATUSES`` only (active, paused or completed): "the days
  committed in signed agreements may never exceed the days released".
- delivered — notes of visit the supported school has agreed (agreed or signed off), dated in the
  year (feature 5: "Notes of visit agreed by the school that count as delivered days").
- invoiced  — the days on the session lines of issued or paid invoices (drafts and cancelled
  invoices do not count), for notes of visit dated in the year.

remaining = released − committed. It may be negative only where a coordinator passed the capacity
rule with a recorded reason. Days are counted as ``syslead.capacity.days`` says: a full day 1, a
half day or twilight 0.5.

The ledger reads the tables (``models`` modules) of the leaders, deployments, visits and invoicing
areas and nothing else of theirs, so every area may call it (docs/architecture.md).

Writers that must keep committed ≤ released (setting a release, making or signing an agreement)
take ``lock_leader_capacity`` first, so two of them cannot both pass the check on stale figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce

from syslead.capacity.days import (
    HALF_DAY,
    UNITS_PER_DAY,
    ZERO,
    days_from_units,
    total,
    units_expression,
)
from syslead.core.academic_years import AcademicYear
from syslead.deployments.models import COMMITTED_STATUSES, SIGNED_STATUSES, Deployment
from syslead.invoicing.models import INVOICED_STATUSES, InvoiceLine, LineKind
from syslead.leaders.models import LeaderProfile, ReleaseAgreement
from syslead.visits.models import AGREED_STATUSES, Session, Visit

#: Leaders to read: a queryset (read through a subquery, any size) or profiles / ids.
Leaders = QuerySet[LeaderProfile] | Iterable[LeaderProfile | int]
YearLike = AcademicYear | str


@dataclass(frozen=True)
class Capacity:
    """One leader's days in one academic year. ``remaining`` = released − committed."""

    academic_year: str
    released: Decimal = ZERO
    committed: Decimal = ZERO
    delivered: Decimal = ZERO
    invoiced: Decimal = ZERO
    remaining: Decimal = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "remaining", self.released - self.committed)

    @property
    def over_committed(self) -> bool:
        return self.committed > self.released


def academic_year_of(year: YearLike) -> AcademicYear:
    """The year given as a label ("2025-26") or an AcademicYear; ValueError for a bad label."""
    return year if isinstance(year, AcademicYear) else AcademicYear.parse(year)


def _leader_filter(leaders: Leaders, lookup: str = "leader") -> dict[str, object]:
    if isinstance(leaders, QuerySet):
        return {f"{lookup}__in": leaders.values("pk")}
    ids = [item if isinstance(item, int) else item.pk for item in leaders]
    return {f"{lookup}_id__in": ids}


def _is_empty(leaders: Leaders) -> bool:
    return not isinstance(leaders, QuerySet) and not list(leaders)


def _id(leader: LeaderProfile | int) -> int:
    return leader if isinstance(leader, int) else leader.pk


def remaining_days_sources() -> list[type[ReleaseAgreement] | type[Deployment]]:
    """The models the remaining days are counted from (released and committed): whoever keeps
    figures derived from them watches these (``syslead.brokering.facts_memo``)."""
    return [ReleaseAgreement, Deployment]


# Which rows count: defined once, read as per-leader mappings, single figures and SQL subqueries.


def _released_rows(year: AcademicYear) -> QuerySet[ReleaseAgreement]:
    return ReleaseAgreement.objects.filter(academic_year=year.label)


def _committed_rows(year: AcademicYear) -> QuerySet[Deployment]:
    # ``academic_year`` is the year of ``starts_on``, kept by the deployments services; it is what
    # the (leader, academic_year, status) index serves.
    return Deployment.objects.filter(status__in=COMMITTED_STATUSES, academic_year=year.label)


def _signed_rows(year: AcademicYear) -> QuerySet[Deployment]:
    return Deployment.objects.filter(status__in=SIGNED_STATUSES, academic_year=year.label)


def _agreed_visits() -> QuerySet[Visit]:
    return Visit.objects.filter(status__in=AGREED_STATUSES)


def _sum_units(rows: QuerySet[Deployment]) -> Decimal:
    units = rows.aggregate(
        units=Coalesce(Sum(units_expression()), Value(0), output_field=IntegerField())
    )["units"]
    return days_from_units(units)


def released_days_by_leader(leaders: Leaders, academic_year: YearLike) -> dict[int, Decimal]:
    """Days released that year, per leader with a release agreement (one query)."""
    year = academic_year_of(academic_year)
    rows = _released_rows(year).filter(**_leader_filter(leaders)).values_list("leader_id", "days")
    return {leader_id: Decimal(days) for leader_id, days in rows}


def committed_days_by_leader(leaders: Leaders, academic_year: YearLike) -> dict[int, Decimal]:
    """Days in deployment agreements committed in the year (see the module's docstring), per
    leader (one query)."""
    year = academic_year_of(academic_year)
    rows = (
        _committed_rows(year)
        .filter(**_leader_filter(leaders))
        .values("leader_id")
        .annotate(units=Coalesce(Sum(units_expression()), Value(0), output_field=IntegerField()))
        .values_list("leader_id", "units")
    )
    return {leader_id: days_from_units(units) for leader_id, units in rows}


def committed_days_of(deployment: Deployment, academic_year: YearLike) -> Decimal:
    """The days ``deployment`` counts for in the committed column that year, as stored (0 when it
    does not count: a draft, a cancelled agreement, another year, or not saved yet)."""
    if deployment.pk is None:
        return ZERO
    year = academic_year_of(academic_year)
    return _sum_units(_committed_rows(year).filter(pk=deployment.pk))


def signed_days(
    leader: LeaderProfile | int, academic_year: YearLike, exclude: Deployment | None = None
) -> Decimal:
    """Days of the leader's signed agreements (active, paused or completed) starting in the year,
    leaving out ``exclude`` (the agreement being signed)."""
    rows = _signed_rows(academic_year_of(academic_year)).filter(leader_id=_id(leader))
    if exclude is not None and exclude.pk is not None:
        rows = rows.exclude(pk=exclude.pk)
    return _sum_units(rows)


def remaining_days(
    leader: LeaderProfile | int, academic_year: YearLike, deployment: Deployment | None = None
) -> Decimal:
    """The leader's remaining days in the year, not counting ``deployment`` itself (when it is
    already among the committed, e.g. an agreement being edited)."""
    remaining = leader_capacity(leader, academic_year).remaining
    if deployment is not None:
        remaining += committed_days_of(deployment, academic_year)
    return remaining


def _remaining_expression(year: AcademicYear) -> ExpressionWrapper[CombinedExpression]:
    released = _released_rows(year).filter(leader_id=OuterRef("pk")).values("days")[:1]
    committed = (
        _committed_rows(year)
        .filter(leader_id=OuterRef("pk"))
        .values("leader_id")
        .annotate(units=Sum(units_expression()))
        .values("units")
    )
    return ExpressionWrapper(
        Coalesce(Subquery(released, output_field=_DAYS), Value(ZERO), output_field=_DAYS)
        - Coalesce(Subquery(committed, output_field=IntegerField()), Value(0)) * Value(HALF_DAY),
        output_field=_DAYS,
    )


_DAYS: DecimalField[Decimal, Decimal] = DecimalField(max_digits=7, decimal_places=1)


def with_remaining_days(
    queryset: QuerySet[LeaderProfile], academic_year: YearLike
) -> QuerySet[LeaderProfile]:
    """The queryset annotated with ``remaining_days`` (released − committed in the year, as the
    ledger counts them), computed in SQL with correlated subqueries, so a query can filter on it:
    ``with_remaining_days(qs, year).filter(remaining_days__gte=5)``."""
    return queryset.annotate(remaining_days=_remaining_expression(academic_year_of(academic_year)))


def with_released_and_remaining(
    queryset: QuerySet[LeaderProfile], academic_year: YearLike
) -> QuerySet[LeaderProfile]:
    """The queryset annotated with ``released_days`` (the year's release agreement, None when
    there is none) and ``remaining_days`` (as ``with_remaining_days``): the shortlist reads its
    leaders and their capacity in one query, whatever their number."""
    year = academic_year_of(academic_year)
    released = _released_rows(year).filter(leader_id=OuterRef("pk")).values("days")[:1]
    return with_remaining_days(queryset, year).annotate(
        released_days=Subquery(released, output_field=_DAYS)
    )


def delivered_days_by_leader(leaders: Leaders, academic_year: YearLike) -> dict[int, Decimal]:
    """Days delivered that year: notes of visit the supported school has agreed (agreed or signed
    off), dated in the year, per leader: a full day 1, a half day or twilight 0.5 (one query)."""
    year = academic_year_of(academic_year)
    rows = (
        _agreed_visits()
        .filter(
            date__range=(year.starts_on, year.ends_on),
            **_leader_filter(leaders, "deployment__leader"),
        )
        .values("deployment__leader_id")
        .annotate(
            full=Count("pk", filter=Q(session=Session.FULL_DAY)),
            halves=Count("pk", filter=~Q(session=Session.FULL_DAY)),
        )
        .values_list("deployment__leader_id", "full", "halves")
    )
    return {
        leader_id: days_from_units(full * UNITS_PER_DAY + halves)
        for leader_id, full, halves in rows
    }


def delivered_days_on(
    deployment_ids: Iterable[int], academic_year: YearLike | None = None
) -> Decimal:
    """Days delivered under some agreements (an agreement and its earlier versions): their agreed
    notes of visit, counted as ``delivered_days_by_leader`` counts them; within one academic year
    when one is given (one query)."""
    rows = _agreed_visits().filter(deployment_id__in=list(deployment_ids))
    if academic_year is not None:
        year = academic_year_of(academic_year)
        rows = rows.filter(date__range=(year.starts_on, year.ends_on))
    counts = rows.aggregate(
        full=Count("pk", filter=Q(session=Session.FULL_DAY)),
        halves=Count("pk", filter=~Q(session=Session.FULL_DAY)),
    )
    return days_from_units(counts["full"] * UNITS_PER_DAY + counts["halves"])


def earlier_versions(deployment: Deployment) -> list[int]:
    """The ids of the agreement and of the versions it amended, newest first (one query per
    earlier version; none for an agreement never amended)."""
    ids = [deployment.pk]
    previous = deployment.previous_version_id
    while previous is not None and previous not in ids:
        ids.append(previous)
        previous = (
            Deployment.objects.filter(pk=previous).values_list("previous_version_id", flat=True)
        ).first()
    return ids


def delivered_days_of(deployment: Deployment) -> Decimal:
    """Days delivered under an agreement: the agreed notes of visit on it and on the versions it
    amended (an amendment carries the partnership on), counted as ``delivered_days_on``."""
    return delivered_days_on(earlier_versions(deployment))


def invoiced_days_by_leader(leaders: Leaders, academic_year: YearLike) -> dict[int, Decimal]:
    """Days invoiced that year: the days on the session lines of issued or paid invoices (the
    invoicing area's ``INVOICED_STATUSES``) whose notes of visit are dated in the year, per leader
    (one query, summed in SQL; a cancelled invoice's lines are no longer live)."""
    year = academic_year_of(academic_year)
    rows = (
        InvoiceLine.objects.filter(
            kind=LineKind.SESSION,
            live=True,
            invoice__status__in=INVOICED_STATUSES,
            visit__date__range=(year.starts_on, year.ends_on),
            **_leader_filter(leaders, "invoice__deployment__leader"),
        )
        .values("invoice__deployment__leader_id")
        .annotate(total=Sum("days"))
        .values_list("invoice__deployment__leader_id", "total")
    )
    return {leader_id: Decimal(total) for leader_id, total in rows if total is not None}


def capacities_for(
    leaders: Leaders, academic_year: YearLike, *, delivery: bool = True
) -> dict[int, Capacity]:
    """Capacity of many leaders in one year, keyed by leader id, in a fixed number of queries
    whatever the number of leaders. A queryset is read through a subquery (no id list); leaders
    without any figure get zeroes when given as profiles or ids, and are left out when given as a
    queryset (use ``.get(id, Capacity(year))``). ``delivery=False`` leaves the days delivered and
    invoiced unread (zero): two queries fewer, for a list that shows only the days released,
    committed and remaining, and who is over-committed."""
    year = academic_year_of(academic_year)
    if _is_empty(leaders):
        return {}
    if not isinstance(leaders, QuerySet):
        leaders = list(leaders)
    released = released_days_by_leader(leaders, year)
    committed = committed_days_by_leader(leaders, year)
    delivered = delivered_days_by_leader(leaders, year) if delivery else {}
    invoiced = invoiced_days_by_leader(leaders, year) if delivery else {}
    if isinstance(leaders, QuerySet):
        ids: Iterable[int] = set(released) | set(committed) | set(delivered) | set(invoiced)
    else:
        ids = [_id(item) for item in leaders]
    return {
        leader_id: Capacity(
            academic_year=year.label,
            released=released.get(leader_id, ZERO),
            committed=committed.get(leader_id, ZERO),
            delivered=delivered.get(leader_id, ZERO),
            invoiced=invoiced.get(leader_id, ZERO),
        )
        for leader_id in ids
    }


@dataclass(frozen=True)
class CapacityTotals:
    """Many leaders' days in one year, added up (a broker's capacity at a glance)."""

    leaders: int
    released: Decimal
    committed: Decimal
    delivered: Decimal
    remaining: Decimal
    over_committed: int


def capacity_totals(leader_count: int, capacities: Iterable[Capacity]) -> CapacityTotals:
    """The sum of the leaders' capacities; ``leader_count`` counts leaders with no figure too."""
    rows = list(capacities)
    return CapacityTotals(
        leaders=leader_count,
        released=total(c.released for c in rows),
        committed=total(c.committed for c in rows),
        delivered=total(c.delivered for c in rows),
        remaining=total(c.remaining for c in rows),
        over_committed=sum(1 for c in rows if c.over_committed),
    )


def leader_capacity(leader: LeaderProfile | int, academic_year: YearLike) -> Capacity:
    """One leader's capacity in one academic year (ValueError for a bad year label)."""
    leader_id = _id(leader)
    year = academic_year_of(academic_year)
    return capacities_for([leader_id], year).get(leader_id, Capacity(academic_year=year.label))


def years_with_figures(leader: LeaderProfile | int) -> set[str]:
    """The labels of the academic years in which the leader has a release agreement or a
    deployment agreement (the years the ledger may have figures for)."""
    leader_id = _id(leader)
    labels = set(
        ReleaseAgreement.objects.filter(leader_id=leader_id).values_list("academic_year", flat=True)
    )
    labels |= set(
        Deployment.objects.filter(leader_id=leader_id).values_list("academic_year", flat=True)
    )
    return labels


def committed_agreements(leader: LeaderProfile | int, organisation_id: int) -> QuerySet[Deployment]:
    """The leader's agreements with one organisation whose days are committed (any year), with
    their supported schools: what continues when an association ends."""
    return Deployment.objects.filter(
        leader_id=_id(leader), organisation_id=organisation_id, status__in=COMMITTED_STATUSES
    ).select_related("client_school")


def lock_leader_capacity(leader: LeaderProfile | int) -> LeaderProfile:
    """Lock the leader's row until the transaction ends: every write that compares committed and
    released days takes this lock first (call inside ``transaction.atomic``)."""
    return LeaderProfile.objects.select_for_update(of=("self",)).get(pk=_id(leader))
