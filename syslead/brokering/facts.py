"""Loading what matching needs, in bulk: a fixed number of queries however many leaders an
organisation has (values, not model instances, because a shortlist may weigh thousands).

- ``considered_leaders(request)``: the leaders a request's matching looks at — those with a live
  association with the request's organisation, plus those approved for it through a commission.
  Leaders of other organisations are never considered (api-v1.md).
- ``leader_facts(leaders, academic_year)``: one ``LeaderFacts`` per leader (six queries).
- ``considered_leader_ids`` + ``leader_facts_for``: the same, read through the leader indexes.
- ``request_facts(request)``: the request and its school as ``RequestFacts``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet

from syslead.brokering.eligibility import LeaderFacts, RequestFacts
from syslead.brokering.models import Commission, CommissionStatus, SupportRequest
from syslead.brokering.remaining import released_and_remaining
from syslead.leaders.models import (
    Association,
    Designation,
    DesignationStatus,
    LeaderPhase,
    LeaderProfile,
)


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
    commissioned = list(
        Commission.objects.filter(
            support_request_id=support_request.pk, status=CommissionStatus.APPROVED
        ).values_list("leader_id", flat=True)
    )
    if not commissioned:
        return live
    return sorted(set(live.values_list("leader_id", flat=True)) | set(commissioned))


def considered_leaders(support_request: SupportRequest) -> QuerySet[LeaderProfile]:
    """The leaders a request's matching looks at: associated with its organisation, or approved
    for this request through a commission from their own organisation."""
    live = Association.objects.filter(
        organisation_id=support_request.organisation_id, is_live=True
    ).values("leader_id")
    commissioned = Commission.objects.filter(
        support_request_id=support_request.pk, status=CommissionStatus.APPROVED
    ).values("leader_id")
    return LeaderProfile.objects.filter(Q(id__in=live) | Q(id__in=commissioned))


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


def _tuples(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset of plain integers and strings, read straight from
    the cursor: Django's per-row work costs more than the query on thousands of rows."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


class _Interned:
    """One shared frozenset (or sorted tuple) per distinct list of codes."""

    def __init__(self, kind: type[frozenset[str]] | type[tuple[str, ...]]) -> None:
        self.kind = kind
        self.seen: dict[tuple[str, ...], Any] = {}

    def get(self, values: list[str] | None) -> Any:
        key = tuple(sorted(values)) if values else ()
        found = self.seen.get(key)
        if found is None:
            found = self.seen[key] = self.kind(key)
        return found


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def leader_facts(leaders: QuerySet[LeaderProfile], academic_year: str) -> list[LeaderFacts]:
    """Every leader of the queryset as ``LeaderFacts`` for the academic year, by id."""
    return leader_facts_for(leaders.order_by().values("id"), academic_year)


def leader_facts_for(ids: QuerySet[Any] | list[int], academic_year: str) -> list[LeaderFacts]:
    """``LeaderFacts`` for the leaders whose ids a subquery (``values("leader_id")``) or a short
    list gives, by id: six queries whatever their number (the leaders with their home schools,
    specialisms, phases, designations, and the capacity ledger's two)."""
    rows = _tuples(
        LeaderProfile.objects.filter(pk__in=ids).order_by("id").values_list(*_LEADER_COLUMNS)
    )
    if not rows:
        return []
    specialisms: dict[int, list[str]] = defaultdict(list)
    through = LeaderProfile.specialisms.through.objects.filter(leaderprofile_id__in=ids)
    for leader_id, code in _tuples(
        through.order_by().values_list("leaderprofile_id", "specialism__code")
    ):
        specialisms[leader_id].append(code)
    phases: dict[int, list[str]] = defaultdict(list)
    for leader_id, phase in _tuples(
        LeaderPhase.objects.filter(leader_id__in=ids).order_by().values_list("leader_id", "phase")
    ):
        phases[leader_id].append(phase)
    active: dict[int, list[str]] = defaultdict(list)
    inactive: dict[int, list[str]] = defaultdict(list)
    for leader_id, code, status in _tuples(
        Designation.objects.filter(leader_id__in=ids)
        .order_by()
        .values_list("leader_id", "type__code", "status")
    ):
        (active if status == DesignationStatus.ACTIVE else inactive)[leader_id].append(code)
    if isinstance(ids, list):
        capacity = released_and_remaining(ids, academic_year)
    else:
        capacity = released_and_remaining(LeaderProfile.objects.filter(pk__in=ids), academic_year)
    zero = (Decimal(0), Decimal(0))
    # Leaders share a few dozen combinations of specialisms, phases and designations: one object
    # per combination, not per leader (fewer objects, less garbage collection on large lists).
    sets = _Interned(frozenset)
    codes = _Interned(tuple)
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
    ) in rows:
        released, remaining = capacity.get(leader_id, zero)
        facts.append(
            LeaderFacts(
                id=leader_id,
                name=name or email,
                home_school_urn=urn,
                home_school_name=school_name,
                home_latitude=latitude,
                home_longitude=longitude,
                home_local_authority=local_authority or "",
                home_trust=trust or "",
                home_phase=phase or "",
                years_experience=years or 0,
                core_training_completed_on=_as_date(trained_on),
                declared_conflicts=declared or "",
                specialisms=sets.get(specialisms.get(leader_id)),
                phases=sets.get(phases.get(leader_id)),
                active_designations=codes.get(active.get(leader_id)),
                inactive_designations=codes.get(inactive.get(leader_id)),
                released_days=released,
                remaining_days=remaining,
                user_id=user_id,
                email=email or "",
            )
        )
    return facts


def request_facts(support_request: SupportRequest) -> RequestFacts:
    """The request and its school as plain facts (the school is read from the request)."""
    school = support_request.school
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
    )


def requests_facts(requests: Iterable[SupportRequest]) -> list[RequestFacts]:
    """Several requests as facts; select their schools with the queryset to avoid a query each."""
    return [request_facts(r) for r in requests]
