"""Reads of requests and brokering that views, endpoints and services reuse.

Access: who may see a request, a commission and the request's timeline is decided in one place,
``syslead.brokering.access``; its names are re-exported here for the modules that import them
from the selectors.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connections
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404

from syslead.accounts.models import User
from syslead.brokering.access import (
    can_broker,
    can_coordinate_organisation,
    can_read_organisation_brokering,
    can_read_shortlist,
    leader_profile_id_of,
    organisation_schools,
    support_request_for_user,
    support_requests_for_user,
)
from syslead.brokering.eligibility import phase_label
from syslead.brokering.facts import associated_leaders
from syslead.brokering.models import (
    AllocationRun,
    Approach,
    ApproachStatus,
    Commission,
    CommissionStatus,
    DirectCommission,
    DraftMatch,
    RequestStatus,
    ShortlistEntry,
    SupportRequest,
)
from syslead.capacity.ledger import with_remaining_days
from syslead.core.events import events_for
from syslead.core.models import Event
from syslead.core.queries import one_or_none, raw_rows
from syslead.leaders.constants import BUILTIN_SPECIALISMS
from syslead.leaders.models import Designation, DesignationStatus, LeaderPhase, LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import OfstedRating, School

#: Statuses in which a request still waits for a leader.
UNMET_STATUSES = (
    RequestStatus.OPEN,
    RequestStatus.SHORTLISTED,
    RequestStatus.APPROACHING,
    RequestStatus.AWAITING_CHOICE,
    RequestStatus.WAITING_LIST,
)

__all__ = [
    "can_broker",
    "can_coordinate_organisation",
    "can_read_organisation_brokering",
    "can_read_shortlist",
    "leader_profile_id_of",
    "organisation_schools",
    "support_request_for_user",
    "support_requests_for_user",
]


# --- One request ---------------------------------------------------------------------------------


class RequestRecords(NamedTuple):
    """Which of its own records a request has: the request page reads only those it has (a new
    request has none of them)."""

    approaches: bool
    commissions: bool
    direct_commission: bool
    live_shortlist: bool


def request_records(support_request: SupportRequest) -> RequestRecords:
    """One query, written once: asking whether the records exist costs less than building the
    ORM's reads of them (each joins three to five tables), which a new request does not need."""
    pk = support_request.pk
    with connections[SupportRequest.objects.db].cursor() as cursor:
        cursor.execute(_RECORDS_SQL, [pk, pk, pk, pk, True])
        row = cursor.fetchone()
    return RequestRecords(*(bool(value) for value in row))


_RECORDS_SQL = (
    "SELECT "  # noqa: S608 - the models' tables
    f"EXISTS (SELECT 1 FROM {Approach._meta.db_table} WHERE support_request_id = %s), "
    f"EXISTS (SELECT 1 FROM {Commission._meta.db_table} WHERE support_request_id = %s), "
    f"EXISTS (SELECT 1 FROM {DirectCommission._meta.db_table} WHERE support_request_id = %s), "
    f"EXISTS (SELECT 1 FROM {ShortlistEntry._meta.db_table} "
    "WHERE support_request_id = %s AND is_live = %s)"
)


def live_shortlist(support_request: SupportRequest) -> list[ShortlistEntry]:
    """The request's current shortlist, by rank, with each leader's name."""
    return list(
        ShortlistEntry.objects.filter(support_request=support_request, is_live=True)
        .select_related("leader__user", "leader__home_school", "judged_by")
        .order_by("rank", "id")
    )


def shortlist_history(support_request: SupportRequest) -> list[ShortlistEntry]:
    """Every shortlist entry ever made for the request, including those swapped out."""
    return list(
        ShortlistEntry.objects.filter(support_request=support_request)
        .select_related("leader__user", "added_by")
        .order_by("created_at", "rank", "id")
    )


def approaches_for_request(support_request: SupportRequest) -> list[Approach]:
    return list(
        Approach.objects.filter(support_request=support_request)
        .select_related("leader__user", "leader__home_school", "sent_by")
        .order_by("sent_at", "id")
    )


def accepted_leaders(support_request: SupportRequest) -> list[LeaderProfile]:
    """The leaders who provisionally agreed: those the headteacher may choose from."""
    return [
        approach.leader
        for approach in Approach.objects.filter(
            support_request=support_request, status=ApproachStatus.ACCEPTED
        )
        .select_related("leader__user", "leader__home_school")
        .order_by("sent_at", "id")
    ]


def commissions_for_request(support_request: SupportRequest) -> list[Commission]:
    return list(
        Commission.objects.filter(support_request=support_request)
        .select_related("leader__user", "owning_organisation", "proposed_by", "decided_by")
        .order_by("created_at", "id")
    )


def request_timeline(support_request: SupportRequest) -> list[Event]:
    """Every step of the request, oldest first: each service writes one event with a summary."""
    return list(events_for(support_request))


# --- Lists for people ----------------------------------------------------------------------------


def approaches_for_leader(leader: LeaderProfile, *, pending_only: bool = False) -> list[Approach]:
    """The approaches made to a leader, newest first (their "asked to help" list)."""
    queryset = Approach.objects.filter(leader=leader)
    if pending_only:
        queryset = queryset.filter(status=ApproachStatus.PENDING)
    return list(
        queryset.select_related(
            "support_request__school", "support_request__organisation"
        ).order_by("-sent_at", "-id")
    )


def commissions_awaiting_decision(organisation: Organisation) -> list[Commission]:
    """Requests of other organisations asking for one of this organisation's leaders."""
    return list(
        Commission.objects.filter(
            owning_organisation=organisation, status=CommissionStatus.PROPOSED
        )
        .select_related("leader__user", "support_request__school", "support_request__organisation")
        .order_by("created_at", "id")
    )


def direct_approaches(organisation: Organisation) -> list[Event]:
    """Direct approaches recorded for the organisation's associated leaders, newest first."""
    leader_ids = [
        str(pk) for pk in associated_leaders(organisation.pk).values_list("id", flat=True)
    ]
    return list(
        Event.objects.filter(
            verb="leader.direct_approach",
            subject_type__app_label="leaders",
            subject_type__model="leaderprofile",
            subject_id__in=leader_ids,
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def allocation_runs(organisation: Organisation) -> QuerySet[AllocationRun]:
    return AllocationRun.objects.filter(organisation=organisation).order_by("-created_at")


def allocation_run_for_user(user: User, run_id: int | str) -> AllocationRun:
    """The run if the user coordinates or leads its organisation; Http404 otherwise."""
    try:
        pk = int(run_id)
    except (TypeError, ValueError):
        raise Http404("No such allocation run.") from None
    run = one_or_none(AllocationRun.objects.select_related("organisation").filter(pk=pk))
    if run is None or not can_read_organisation_brokering(user, run.organisation_id):
        raise Http404("No such allocation run.")
    return run


def draft_matches(run: AllocationRun) -> list[DraftMatch]:
    return list(
        DraftMatch.objects.filter(run=run)
        .select_related("support_request__school", "leader__user")
        .order_by("support_request_id")
    )


# --- Schools that could benefit ------------------------------------------------------------------

#: An inspection older than this many years counts as out of date (docs/rules.md, Requests,
#: "Schools that could benefit": an inspection this old says little).
STALE_INSPECTION_YEARS = 4

_SEVERITY = {
    OfstedRating.INADEQUATE: 4,
    OfstedRating.REQUIRES_IMPROVEMENT: 3,
    OfstedRating.SATISFACTORY: 3,
}
SEVERITY_NEVER_INSPECTED = 2
SEVERITY_STALE = 1


@dataclass(frozen=True)
class SchoolNeed:
    """A school in the area that could benefit from support, and why, in words."""

    school: School
    severity: int
    reasons: tuple[str, ...]
    suggested_criteria: tuple[str, ...]
    open_requests: int = 0


def _newest_inspection_date() -> dt.date | None:
    return School.objects.aggregate(newest=Max("ofsted_inspected_on"))["newest"]


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def schools_that_could_benefit(
    organisation: Organisation,
    *,
    stale_after_years: int = STALE_INSPECTION_YEARS,
    as_of: dt.date | None = None,
) -> list[SchoolNeed]:
    """Schools in the organisation's area meeting the LA route's criteria that the register can show
    (docs/rules.md: Requests, "Schools that could benefit"): latest Ofsted grade requires
    improvement, satisfactory or inadequate; never inspected; or inspected more than
    ``stale_after_years`` years before ``as_of``. Most severe first (inadequate, then requires
    improvement or satisfactory, then never inspected, then out of date; oldest inspection first
    within each).

    ``as_of`` defaults to the newest inspection date the register holds, not today: the shipped
    Ofsted history stops in February 2020, and measured from today every school would look out of
    date. The register has only the overall grade, so "leadership and management judged requires
    improvement or satisfactory" is read from the overall grade. New or acting headteachers and
    pupils' progress are not in the register: the LA team ticks those on the request itself.
    """
    schools = organisation_schools(organisation)
    reference = as_of or _newest_inspection_date()
    concerning = [r.value for r in _SEVERITY]
    condition = Q(ofsted_rating__in=concerning) | Q(ofsted_rating="")
    cutoff = _years_before(reference, stale_after_years) if reference else None
    if cutoff is not None:
        condition |= Q(ofsted_inspected_on__lt=cutoff)
    open_counts: dict[int, int] = dict(
        SupportRequest.objects.filter(
            school__in=schools.filter(condition), status__in=UNMET_STATUSES
        )
        .values("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
    )
    needs: list[SchoolNeed] = []
    for school in schools.filter(condition).only(
        "urn",
        "name",
        "phase",
        "town",
        "postcode",
        "local_authority",
        "district",
        "ofsted_rating",
        "ofsted_inspected_on",
    ):
        reasons: list[str] = []
        criteria: list[str] = []
        severity = 0
        rating = school.ofsted_rating
        inspected = school.ofsted_inspected_on
        when = f" ({inspected:%B %Y})" if inspected else ""
        if rating in _SEVERITY:
            severity = _SEVERITY[OfstedRating(rating)]
            label = str(OfstedRating(rating).label).lower()
            reasons.append(f"Latest Ofsted grade: {label}{when}")
            criteria.append("leadership_ri")
        elif not rating:
            severity = SEVERITY_NEVER_INSPECTED
            reasons.append("No graded Ofsted inspection on the register")
        if cutoff is not None and inspected is not None and inspected < cutoff:
            severity = max(severity, SEVERITY_STALE)
            reasons.append(
                f"Last inspected {inspected:%B %Y}, more than {stale_after_years} years before "
                f"{reference:%B %Y}"
            )
        if not reasons:
            continue
        needs.append(
            SchoolNeed(
                school=school,
                severity=severity,
                reasons=tuple(reasons),
                suggested_criteria=tuple(criteria),
                open_requests=open_counts.get(school.urn, 0),
            )
        )
    needs.sort(
        key=lambda n: (
            -n.severity,
            n.school.ofsted_inspected_on or dt.date.max,
            n.school.name,
            n.school.urn,
        )
    )
    return needs


# --- Unmet demand against supply -------------------------------------------------------------


@dataclass
class DemandRow:
    """Unmet or declined demand for one specialism in one phase in one area, against supply."""

    specialism: str
    phase: str
    area: str
    requests: int = 0
    declined: int = 0
    days: Decimal = Decimal(0)
    #: Deployable associated leaders with this specialism and phase, anywhere / in this area.
    leaders: int = 0
    leaders_in_area: int = 0
    remaining_days: Decimal = Decimal(0)
    remaining_days_in_area: Decimal = Decimal(0)
    request_ids: list[int] = field(default_factory=list)

    @property
    def gap_days(self) -> Decimal:
        """Days asked for beyond what the area's leaders have left (positive: a shortage)."""
        return self.days - self.remaining_days_in_area

    @property
    def phase_label(self) -> str:
        return phase_label(self.phase)

    @property
    def priority(self) -> str:
        """The row as a designation round's priority, in words ("SEND in primary schools in
        Lincolnshire")."""
        label = BUILTIN_SPECIALISMS.get(self.specialism) or self.specialism.replace("_", " ")
        return f"{label[:1].upper()}{label[1:]} in {self.phase_label} schools in {self.area}"


#: How many priorities the unmet-demand page names for the next designation round.
PRIORITIES_SHOWN = 5


def designation_priorities(rows: Iterable[DemandRow]) -> list[DemandRow]:
    """The priorities for the next designation round: only real gaps (more days asked for than
    the area's leaders have left), the largest first, then the most requests
    (docs/rules.md, item 8). A row whose leaders have days to spare is no priority."""
    gaps = [row for row in rows if row.gap_days > 0]
    gaps.sort(key=lambda r: (-r.gap_days, -r.requests, r.specialism, r.phase, r.area))
    return gaps[:PRIORITIES_SHOWN]


def _declined_request_ids(requests: QuerySet[SupportRequest]) -> set[int]:
    return set(
        Approach.objects.filter(
            support_request__in=requests, status=ApproachStatus.DECLINED
        ).values_list("support_request_id", flat=True)
    )


def unmet_demand(organisation: Organisation, academic_year: str) -> list[DemandRow]:
    """Unmet or declined requests by specialism × phase × area (the school's local authority)
    against the supply of deployable associated leaders with that specialism and phase, largest
    gap first: the priorities for the next designation round (docs/rules.md, item 8).

    Demand counts requests of the organisation for the year still waiting for a leader (open,
    shortlisted, approaching, awaiting a choice, on the waiting list) and requests a leader
    declined that never found one (withdrawn or closed without a chosen leader included). A request
    with several needs counts once under each. Supply counts leaders who could be deployed now
    (an active designation and core training), with their remaining days in the year, across the
    organisation and within the area; the gap is the days asked minus the area's remaining days.
    """
    return unmet_demand_report(organisation, academic_year).rows


#: A school with a request in the unmet demand: latitude, longitude, name, town, local authority.
WaitingPlace = tuple[float | None, float | None, str, str, str]
#: An associated leader's home school on the map: latitude, longitude, the leader's name.
LeaderPlace = tuple[float | None, float | None, str]


@dataclass
class UnmetDemand:
    """``unmet_demand``'s rows, with what its page draws on the map from the same reads."""

    rows: list[DemandRow]
    #: The schools of the requests counted in the rows, one per request, by school name.
    waiting: list[WaitingPlace]
    #: Every associated leader's home school (supply counts only the deployable ones).
    leaders: list[LeaderPlace]


def unmet_demand_report(organisation: Organisation, academic_year: str) -> UnmetDemand:
    """``unmet_demand`` (its rules), with the requests' schools and the associated leaders' home
    schools for the map, read in the same queries."""
    year_requests = SupportRequest.objects.filter(
        organisation=organisation, academic_year=academic_year
    )
    declined_ids = _declined_request_ids(year_requests)
    unmet = year_requests.filter(
        Q(status__in=UNMET_STATUSES)
        | Q(
            id__in=declined_ids,
            chosen_leader__isnull=True,
            status__in=[RequestStatus.WITHDRAWN, RequestStatus.CLOSED],
        )
    )
    rows: dict[tuple[str, str, str], DemandRow] = {}
    waiting: list[WaitingPlace] = []
    # Values, not model instances: a broker may have hundreds of requests waiting. By school
    # name (the database's collation), the order of the page's list of schools.
    for (
        pk,
        needs,
        phase,
        days_requested,
        local_authority,
        district,
        latitude,
        longitude,
        name,
        town,
    ) in unmet.order_by("school__name", "pk").values_list(
        "pk",
        "needs",
        "phase",
        "days_requested",
        "school__local_authority",
        "school__district",
        "school__latitude",
        "school__longitude",
        "school__name",
        "school__town",
    ):
        area = local_authority or district or "Area not known"
        counted = False
        for need in dict.fromkeys(needs):
            key = (need, phase, area)
            row = rows.setdefault(key, DemandRow(need, phase, area))
            row.requests += 1
            row.days += Decimal(days_requested)
            row.declined += 1 if pk in declined_ids else 0
            row.request_ids.append(pk)
            counted = True
        if counted:
            waiting.append((latitude, longitude, name, town, local_authority))
    if not rows:
        return UnmetDemand([], [], [])
    leaders = _add_supply(rows.values(), organisation, academic_year)
    return UnmetDemand(
        rows=sorted(
            rows.values(),
            key=lambda r: (-r.gap_days, -r.requests, r.specialism, r.phase, r.area),
        ),
        waiting=waiting,
        leaders=leaders,
    )


def _tenths(value: Any) -> int:
    """Remaining days read from the database (a Decimal; a float on SQLite; None: 0) in tenths of
    a day, rounded to a tenth as the leader facts read them, never below 0."""
    if value is None:
        return 0
    days = value if isinstance(value, Decimal) else Decimal(repr(value))
    return max(int(days.quantize(_TENTH) * 10), 0)


_TENTH = Decimal("0.1")


def _add_supply(
    rows: Iterable[DemandRow], organisation: Organisation, academic_year: str
) -> list[LeaderPlace]:
    """Fill in each row's supply; returns every associated leader's home school, for the map.

    Supply reads only what it counts (the leaders' area, whether they could be deployed, their
    remaining days, specialisms and phases), not every leader's facts for matching, and adds up
    the days in whole tenths."""
    associated = associated_leaders(organisation.pk)
    leader_ids = associated.order_by().values("id")
    specialisms: dict[int, list[str]] = defaultdict(list)
    for leader_id, code in raw_rows(
        LeaderProfile.specialisms.through.objects.filter(
            leaderprofile_id__in=leader_ids
        ).values_list("leaderprofile_id", "specialism__code")
    ):
        specialisms[leader_id].append(code)
    phases: dict[int, list[str]] = defaultdict(list)
    for leader_id, phase in raw_rows(
        LeaderPhase.objects.filter(leader_id__in=leader_ids)
        .order_by()
        .values_list("leader_id", "phase")
    ):
        phases[leader_id].append(phase)
    # Per (specialism, phase), and per area: [leaders, remaining tenths of a day].
    supply: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    supply_in_area: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    places: list[LeaderPlace] = []
    active = Designation.objects.filter(leader_id=OuterRef("pk"), status=DesignationStatus.ACTIVE)
    for (
        leader_id,
        latitude,
        longitude,
        name,
        local_authority,
        trained_on,
        designated,
        remaining_days,
    ) in raw_rows(
        with_remaining_days(associated, academic_year)
        .annotate(designated=Exists(active))
        .order_by("pk")
        .values_list(
            "pk",
            "home_school__latitude",
            "home_school__longitude",
            "user__name",
            "home_school__local_authority",
            "core_training_completed_on",
            "designated",
            "remaining_days",
        )
    ):
        places.append((latitude, longitude, name))
        # Deployable now: an active designation and core training (as matching reads them).
        if not designated or trained_on is None:
            continue
        area = local_authority or ""
        tenths = _tenths(remaining_days)
        # Each code once a leader (the tables' unique constraints).
        leader_phases = phases.get(leader_id, ())
        for specialism in specialisms.get(leader_id, ()):
            for phase in leader_phases:
                total = supply[specialism, phase]
                total[0] += 1
                total[1] += tenths
                local = supply_in_area[specialism, phase, area]
                local[0] += 1
                local[1] += tenths
    for row in rows:
        row.leaders, row.remaining_days = _counted(supply.get((row.specialism, row.phase)))
        row.leaders_in_area, row.remaining_days_in_area = _counted(
            supply_in_area.get((row.specialism, row.phase, row.area))
        )
    return places


def _counted(total: list[int] | None) -> tuple[int, Decimal]:
    """[leaders, tenths of a day] as (leaders, days): Decimal 0 for no leader, else the days to a
    tenth (as the sum of the leaders' days to a tenth would be)."""
    if total is None:
        return 0, Decimal(0)
    return total[0], Decimal(total[1]).scaleb(-1)


def broker_fee_waived(support_request: SupportRequest) -> bool:
    """Whether the request is a school's direct commission of a leader who had no broker: their
    agreement takes the school route's charging with no broker fee (docs/rules.md, "Direct
    commissioning")."""
    return DirectCommission.objects.filter(
        support_request_id=support_request.pk, leader_broker__isnull=True
    ).exists()


def direct_commission_of(support_request: SupportRequest) -> DirectCommission | None:
    """The school's direct commission behind the request, if it named a leader."""
    return (
        DirectCommission.objects.select_related(
            "leader__user", "leader_broker", "named_by", "recorded_by", "invitation"
        )
        .filter(support_request_id=support_request.pk)
        .first()
    )
