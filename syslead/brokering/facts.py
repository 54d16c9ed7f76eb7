"""Loading what matching needs, in bulk: a fixed number of queries however many leaders an
organisation has (values, not model instances, because a shortlist may weigh thousands).

- ``considered_leaders(request)``: the leaders a request's matching looks at — those with a live
  association with the request's organisation, plus those approved for it through a commission.
  Leaders of other organisations are never considered (docs/api.md).
- ``leader_facts(leaders, academic_year)``: one ``LeaderFacts`` per leader (four queries).
- ``considered_leader_ids`` + ``leader_facts_for``: the same, read through the leader indexes.
- ``commissioned_leader_ids(request)``: the few leaders lent or named for the request (the
  organisation's own are precomputed: ``syslead.brokering.facts_memo``).
- ``request_facts(request)``: the request and its school as ``RequestFacts``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet

from syslead.brokering.eligibility import LeaderFacts, RequestFacts
from syslead.brokering.models import (
    Commission,
    CommissionStatus,
    DirectCommission,
    SupportRequest,
)
from syslead.brokering.outcomes import outcome_columns
from syslead.capacity.ledger import with_released_and_remaining
from syslead.core.queries import raw_rows
from syslead.leaders.models import (
    Association,
    Designation,
    DesignationStatus,
    LeaderPhase,
    LeaderProfile,
)
from syslead.leaders.selectors.agreements import current_agreement, unsigned_leader_ids


def associated_leaders(organisation_id: int) -> QuerySet[LeaderProfile]:
    """Leaders with a live association with the organisation."""
    live = Association.objects.filter(organisation_id=organisation_id, is_live=True)
    return LeaderProfile.objects.filter(id__in=live.values("leader_id"))


def considered_leader_ids(support_request: SupportRequest) -> QuerySet[Any] | list[int]:
    """The ids of the leaders a request's matching looks at, as a subquery when only the
    organisation's associations count (the usual case: the database then reads each table
    through its leader index), or as a list when commissions add a few."""
    live = Association.objects.filter(
        organisation_id=support_request.organisation_id, is_live=True
    ).values("leader_id")
    commissioned = commissioned_leader_ids(support_request)
    if not commissioned:
        return live
    return sorted(set(live.values_list("leader_id", flat=True)) | set(commissioned))


def commissioned_leader_ids(support_request: SupportRequest) -> list[int]:
    """The leaders lent for the request by an approved commission, or named for it by the school
    (one query, written once: building it with the ORM cost more than running it)."""
    with connections[Commission.objects.db].cursor() as cursor:
        cursor.execute(
            _COMMISSIONED_SQL,
            [support_request.pk, CommissionStatus.APPROVED.value, support_request.pk],
        )
        return [leader_id for (leader_id,) in cursor.fetchall()]


_COMMISSIONED_SQL = (
    f"SELECT leader_id FROM {Commission._meta.db_table} "  # noqa: S608 - the models' tables
    "WHERE support_request_id = %s AND status = %s UNION "
    f"SELECT leader_id FROM {DirectCommission._meta.db_table} "
    "WHERE support_request_id = %s AND leader_id IS NOT NULL"
)


def considered_leaders(support_request: SupportRequest) -> QuerySet[LeaderProfile]:
    """The leaders a request's matching looks at: associated with its organisation, approved
    for this request through a commission from their own organisation, or named for it by the
    school (a direct commission, docs/rules.md "Direct commissioning")."""
    live = Association.objects.filter(
        organisation_id=support_request.organisation_id, is_live=True
    ).values("leader_id")
    commissioned = Commission.objects.filter(
        support_request_id=support_request.pk, status=CommissionStatus.APPROVED
    ).values("leader_id")
    named = DirectCommission.objects.filter(
        support_request_id=support_request.pk, leader__isnull=False
    ).values("leader_id")
    return LeaderProfile.objects.filter(Q(id__in=live) | Q(id__in=commissioned) | Q(id__in=named))


_LEADER_COLUMNS = (
    "id",
    "user_id",
    "user__name",
    "user__email",
    "home_school_id",
    "home_school__name",
    "home_school__latitude",
    "home_school__longitude",
    "home_school__local_authority",
    "home_school__trust_name",
    "home_school__phase",
    "years_experience",
    "core_training_completed_on",
    "declared_conflicts",
)


class _Memo(dict[Any, Any]):
    """A mapping that works each missing value out once, with ``make(key)``."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.make(key)
        return value


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


_TENTH = Decimal("0.1")


def _as_days(value: Any) -> Decimal:
    """Days read raw from the cursor (a float or an int on SQLite, a Decimal elsewhere; None: no
    figure, 0) as the Decimal Django gives for a field of one decimal place."""
    if value is None:
        return Decimal(0)
    return (value if isinstance(value, Decimal) else Decimal(repr(value))).quantize(_TENTH)


def leader_facts(leaders: QuerySet[LeaderProfile], academic_year: str) -> list[LeaderFacts]:
    """Every leader of the queryset as ``LeaderFacts`` for the academic year, by id."""
    return leader_facts_for(leaders.order_by().values("id"), academic_year)


def leader_facts_for(ids: QuerySet[Any] | list[int], academic_year: str) -> list[LeaderFacts]:
    """``LeaderFacts`` for the leaders whose ids a subquery (``values("leader_id")``) or a short
    list gives, by id: four queries whatever their number (the leaders with their home schools
    and the capacity ledger's released and remaining days, their specialisms, phases and
    designations), read straight from the cursor into plain tuples."""
    leaders = LeaderProfile.objects.filter(pk__in=ids).order_by("id")
    # The outcomes factor's evidence, counted in the same query (``outcomes``).
    outcomes = outcome_columns()
    with_capacity = with_released_and_remaining(leaders, academic_year)
    if outcomes:
        with_capacity = with_capacity.annotate(
            **{alias: expression for alias, (_, expression) in outcomes.items()}
        )
    rows = raw_rows(
        with_capacity.values_list(*_LEADER_COLUMNS, "released_days", "remaining_days", *outcomes)
    )
    rated = [rating for rating, _ in outcomes.values()]
    if not rows:
        return []
    specialisms: dict[int, tuple[str, ...]] = {}
    through = LeaderProfile.specialisms.through.objects.filter(leaderprofile_id__in=ids)
    for leader_id, code in raw_rows(
        through.order_by().values_list("leaderprofile_id", "specialism__code")
    ):
        specialisms[leader_id] = (*specialisms.get(leader_id, ()), code)
    phases: dict[int, tuple[str, ...]] = {}
    for leader_id, phase in raw_rows(
        LeaderPhase.objects.filter(leader_id__in=ids).order_by().values_list("leader_id", "phase")
    ):
        phases[leader_id] = (*phases.get(leader_id, ()), phase)
    active: dict[int, tuple[str, ...]] = {}
    inactive: dict[int, tuple[str, ...]] = {}
    for leader_id, code, status in raw_rows(
        Designation.objects.filter(leader_id__in=ids)
        .order_by()
        .values_list("leader_id", "type__code", "status")
    ):
        held = active if status == DesignationStatus.ACTIVE else inactive
        held[leader_id] = (*held.get(leader_id, ()), code)
    # Leaders share a few dozen combinations of specialisms, phases and designations: one object
    # per combination, not per leader (fewer objects, less garbage collection on large lists).
    sets: dict[tuple[str, ...], frozenset[str]] = _Memo(frozenset)
    codes: dict[tuple[str, ...], tuple[str, ...]] = _Memo(lambda key: tuple(sorted(key)))
    days: dict[Any, Decimal] = _Memo(_as_days)
    dates: dict[Any, dt.date | None] = _Memo(_as_date)
    none: tuple[str, ...] = ()
    facts = []
    for (
        leader_id,
        user_id,
        name,
        email,
        urn,
        school_name,
        latitude,
        longitude,
        local_authority,
        trust,
        phase,
        years,
        trained_on,
        declared,
        released,
        remaining,
        *counts,
    ) in rows:
        facts.append(
            LeaderFacts(
                leader_id,
                name or email,
                urn,
                school_name,
                latitude,
                longitude,
                local_authority or "",
                trust or "",
                phase or "",
                years or 0,
                dates[trained_on],
                declared or "",
                sets[specialisms.get(leader_id, none)],
                sets[phases.get(leader_id, none)],
                codes[active.get(leader_id, none)],
                codes[inactive.get(leader_id, none)],
                days[released],
                days[remaining],
                user_id,
                email or "",
                _ratings(rated, counts) if counts else none,
            )
        )
    return facts


def _ratings(rated: list[str], counts: list[Any]) -> tuple[str, ...]:
    """("green", 2), ("amber", 1), ("red", None) → ("green", "green", "amber")."""
    return tuple(r for r, n in zip(rated, counts, strict=True) for _ in range(int(n or 0)))


#: The broker's current agreement in words ("" when it has published none) and the leaders
#: associated with it who have not signed it.
BrokerAgreementFacts = tuple[str, frozenset[int]]


def broker_agreement_facts(organisation_id: int) -> BrokerAgreementFacts:
    """The broker's current agreement in words and who has not signed it (two queries)."""
    agreement = current_agreement(organisation_id)
    if agreement is None:
        return "", frozenset[int]()
    return (
        f"{agreement.organisation.name}'s current agreement and code of conduct "
        f"(version {agreement.version})",
        unsigned_leader_ids(organisation_id),
    )


def request_facts(
    support_request: SupportRequest, broker: BrokerAgreementFacts | None = None
) -> RequestFacts:
    """The request and its school as plain facts (the school is read from the request), with the
    leaders associated with its broker who have not signed the broker's current agreement
    (``broker``, read when not given)."""
    school = support_request.school
    agreement_words, unsigned = (
        broker if broker is not None else broker_agreement_facts(support_request.organisation_id)
    )
    return RequestFacts(
        id=support_request.pk,
        organisation_id=support_request.organisation_id,
        school_urn=school.urn,
        school_name=school.name,
        latitude=school.latitude,
        longitude=school.longitude,
        local_authority=school.local_authority,
        trust=school.trust_name,
        phase=support_request.phase,
        needs=tuple(support_request.needs),
        days_requested=Decimal(support_request.days_requested),
        academic_year=support_request.academic_year,
        unsigned_agreement=unsigned,
        agreement_words=agreement_words,
    )


def requests_facts(requests: Iterable[SupportRequest]) -> list[RequestFacts]:
    """Several requests as facts; select their schools with the queryset to avoid a query each."""
    return [request_facts(r) for r in requests]
