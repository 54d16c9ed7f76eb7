"""The capacity ledger: per leader per academic year, the days released, committed, delivered and
invoiced, and what remains (docs/rules.md: Capacity; the feature "a capacity ledger per leader per
academic year that blocks over-commitment at signature").

This module is the single source every area reads capacity from: the directory, the shortlist,
deployment agreements and reports. Each column has one function that reads it for many leaders at
once, so a page over 12,000 leaders costs a fixed number of queries:

- released  — ``ReleaseAgreement`` (this app): the days the home school releases the leader.
- committed — ``deployments.Deployment``: agreements in the deployments area's
  ``COMMITTED_STATUSES`` (awaiting signatures or active, per docs/api.md, and what that area adds)
  whose ``starts_on`` falls in the year, a full day 1, a half day or twilight 0.5.
- delivered — ``visits.Visit``: notes of visit agreed by the school, dated in the year.
- invoiced  — ``invoicing.InvoiceLine``: the days on the session lines of issued or paid
  invoices (drafts and cancelled invoices do not count), for visits dated in the year.

remaining = released − committed. It may be negative only where a coordinator passed the capacity
rule with a recorded reason. ``with_remaining_days`` is the same sum in SQL, for filtering a
queryset of leaders by the days they still have ("days still available").

Writers that must keep committed ≤ released (release_set here, signing an agreement later) take
``lock_leader_capacity`` first, so two of them cannot both pass the check on stale figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from syslead.core.academic_years import AcademicYear
from syslead.deployments.models import COMMITTED_STATUSES, Deployment
from syslead.invoicing.models import INVOICED_STATUSES, InvoiceLine, LineKind
from syslead.leaders.constants import (
    DEFAULT_MAX_RELEASE_DAYS,
    DEFAULT_MIN_LLE_DAYS,
    LIVE_DESIGNATION_STATUSES,
)
from syslead.leaders.models import (
    Association,
    CapacityPolicy,
    Designation,
    LeaderProfile,
    ReleaseAgreement,
)
from syslead.organisations.models import Organisation
from syslead.visits.models import AGREED_STATUSES, Session, Visit

ZERO = Decimal("0")

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


# Which rows count: defined once, read both as per-leader mappings and as SQL subqueries.


def _released_rows(year: AcademicYear) -> QuerySet[ReleaseAgreement]:
    return ReleaseAgreement.objects.filter(academic_year=year.label)


def _committed_rows(year: AcademicYear) -> QuerySet[Deployment]:
    # ``academic_year`` is the year of ``starts_on``, kept by the deployments services; it is what
    # the (leader, academic_year, status) index serves.
    return Deployment.objects.filter(status__in=COMMITTED_STATUSES, academic_year=year.label)


#: Half-day units of an agreement: a full day is two, a half day or twilight session one.
_HALF_DAY_UNITS = F("full_days") * 2 + F("half_days") + F("twilight_sessions")


def released_days_by_leader(leaders: Leaders, academic_year: YearLike) -> dict[int, Decimal]:
    """Days released that year, per leader with a release agreement (one query)."""
    year = academic_year_of(academic_year)
    rows = _released_rows(year).filter(**_leader_filter(leaders)).values_list("leader_id", "days")
    return {leader_id: Decimal(days) for leader_id, days in rows}


def committed_days_by_leader(leaders: Leaders, academic_year: YearLike) -> dict[int, Decimal]:
    """Days in deployment agreements committed in the year (see the module's docstring), per
    leader (one query; the deployments area's ``Deployment`` feeds it)."""
    year = academic_year_of(academic_year)
    rows = (
        _committed_rows(year)
        .filter(**_leader_filter(leaders))
        .values("leader_id")
        .annotate(halves=Coalesce(Sum(_HALF_DAY_UNITS), Value(0), output_field=IntegerField()))
        .values_list("leader_id", "halves")
    )
    return {leader_id: Decimal(halves) / 2 for leader_id, halves in rows}


def with_remaining_days(
    queryset: QuerySet[LeaderProfile], academic_year: YearLike
) -> QuerySet[LeaderProfile]:
    """The queryset annotated with ``remaining_days`` (released − committed in the year, as the
    ledger counts them), computed in SQL with correlated subqueries, so a query can filter on it:
    ``with_remaining_days(qs, year).filter(remaining_days__gte=5)``."""
    year = academic_year_of(academic_year)
    released = _released_rows(year).filter(leader_id=OuterRef("pk")).values("days")[:1]
    committed = (
        _committed_rows(year)
        .filter(leader_id=OuterRef("pk"))
        .values("leader_id")
        .annotate(halves=Sum(_HALF_DAY_UNITS))
        .values("halves")
    )
    days: DecimalField[Decimal, Decimal] = DecimalField(max_digits=7, decimal_places=1)
    return queryset.annotate(
        remaining_days=ExpressionWrapper(
            Coalesce(Subquery(released, output_field=days), Value(ZERO), output_field=days)
            - Coalesce(Subquery(committed, output_field=IntegerField()), Value(0))
            * Value(Decimal("0.5")),
            output_field=days,
        )
    )


def delivered_days_by_leader(leaders: Leaders, academic_year: YearLike) -> dict[int, Decimal]:
    """Days delivered that year: notes of visit the supported school has agreed (agreed or signed
    off), dated in the year, per leader: a full day 1, a half day or twilight 0.5 (one query)."""
    year = academic_year_of(academic_year)
    rows = (
        Visit.objects.filter(
            status__in=AGREED_STATUSES,
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
    return {leader_id: Decimal(full) + Decimal(halves) / 2 for leader_id, full, halves in rows}


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


def capacities_for(leaders: Leaders, academic_year: YearLike) -> dict[int, Capacity]:
    """Capacity of many leaders in one year, keyed by leader id, in a fixed number of queries
    whatever the number of leaders. A queryset is read through a subquery (no id list); leaders
    without any figure get zeroes when given as profiles or ids, and are left out when given as a
    queryset (use ``.get(id, Capacity(year))``)."""
    year = academic_year_of(academic_year)
    if _is_empty(leaders):
        return {}
    if not isinstance(leaders, QuerySet):
        leaders = list(leaders)
    released = released_days_by_leader(leaders, year)
    committed = committed_days_by_leader(leaders, year)
    delivered = delivered_days_by_leader(leaders, year)
    invoiced = invoiced_days_by_leader(leaders, year)
    if isinstance(leaders, QuerySet):
        ids: Iterable[int] = set(released) | set(committed) | set(delivered) | set(invoiced)
    else:
        ids = [item if isinstance(item, int) else item.pk for item in leaders]
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
        released=sum((c.released for c in rows), ZERO),
        committed=sum((c.committed for c in rows), ZERO),
        delivered=sum((c.delivered for c in rows), ZERO),
        remaining=sum((c.remaining for c in rows), ZERO),
        over_committed=sum(1 for c in rows if c.over_committed),
    )


def leader_capacity(leader: LeaderProfile | int, academic_year: YearLike) -> Capacity:
    """One leader's capacity in one academic year (ValueError for a bad year label)."""
    leader_id = leader if isinstance(leader, int) else leader.pk
    year = academic_year_of(academic_year)
    return capacities_for([leader_id], year).get(leader_id, Capacity(academic_year=year.label))


def lock_leader_capacity(leader: LeaderProfile | int) -> LeaderProfile:
    """Lock the leader's row until the transaction ends: every write that compares committed and
    released days takes this lock first (call inside ``transaction.atomic``)."""
    leader_id = leader if isinstance(leader, int) else leader.pk
    return LeaderProfile.objects.select_for_update(of=("self",)).get(pk=leader_id)


# Policy: how many days may be released, and the minimum an associated LLE commits to.


@dataclass(frozen=True)
class ReleasePolicy:
    """The strictest cap among the leader's organisations, and which organisation sets it."""

    max_release_days: Decimal
    capped_by: Organisation | None
    min_lle_days: Decimal
    is_associated_lle: bool


def live_association_organisations(leader: LeaderProfile) -> list[Organisation]:
    return [
        association.organisation
        for association in Association.objects.filter(leader=leader, is_live=True)
        .select_related("organisation")
        .order_by("organisation__name")
    ]


def holds_exclusive_designation(leader: LeaderProfile) -> bool:
    """Whether the leader holds a live (active or under review) designation of an exclusive type
    (LLE)."""
    return Designation.objects.filter(
        leader=leader, status__in=LIVE_DESIGNATION_STATUSES, type__is_exclusive=True
    ).exists()


def release_policy(leader: LeaderProfile) -> ReleasePolicy:
    """The release rules for this leader: the lowest ``max_release_days`` among the organisations
    the leader is associated with (15 for an organisation without a policy row, and for a leader
    associated with none), and the highest ``min_lle_days`` among them (6 by default)."""
    organisations = live_association_organisations(leader)
    policies = {
        policy.organisation_id: policy
        for policy in CapacityPolicy.objects.filter(organisation__in=organisations)
    }
    cap, capped_by = DEFAULT_MAX_RELEASE_DAYS, None
    minimum = DEFAULT_MIN_LLE_DAYS if not organisations else ZERO
    for organisation in organisations:
        policy = policies.get(organisation.pk)
        org_cap = policy.max_release_days if policy else DEFAULT_MAX_RELEASE_DAYS
        org_min = policy.min_lle_days if policy else DEFAULT_MIN_LLE_DAYS
        if capped_by is None or org_cap < cap:
            cap, capped_by = org_cap, organisation
        minimum = max(minimum, org_min)
    return ReleasePolicy(
        max_release_days=cap,
        capped_by=capped_by,
        min_lle_days=minimum,
        is_associated_lle=bool(organisations) and holds_exclusive_designation(leader),
    )
