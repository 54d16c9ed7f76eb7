"""The two-tier directory (docs/rules.md feature 10): the coordinators' search over their
organisations' leaders and those other brokers share with them, and the public directory of
consented profiles."""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple, overload

from django.db.models import Prefetch, Q, QuerySet

from syslead.accounts.access import (
    is_administrator,
    organisation_ids_for,
)
from syslead.accounts.models import User
from syslead.capacity.ledger import (
    Capacity,
    YearLike,
    academic_year_of,
    capacities_for,
    with_remaining_days,
)
from syslead.core.academic_years import AcademicYear
from syslead.leaders.constants import LIVE_DESIGNATION_STATUSES, PHASES
from syslead.leaders.models import (
    Association,
    Designation,
    DesignationStatus,
    DirectoryListing,
    LeaderPhase,
    LeaderProfile,
)
from syslead.leaders.selectors.access import (
    LEADER_READER_ROLES,
    approved_commissions_to,
    leader_phases,
)
from syslead.leaders.selectors.agreements import unsigned_by_leader
from syslead.organisations.models import Organisation
from syslead.schools.geo import EARTH_RADIUS_KM, bounding_box, haversine_km

#: Beyond this many rows, the directory reads related rows through a subquery, not an id list.
_ID_LIST_LIMIT = 1000


class CodeLabel(NamedTuple):
    code: str
    label: str


@dataclass(frozen=True)
class DirectoryDesignation:
    id: int
    code: str
    status: str
    organisation_name: str
    designated_on: dt.date


@dataclass(frozen=True)
class DirectoryRow:
    """One leader in the coordinators' directory. ``shared_by`` names the organisations that
    shared the leader with the searcher's organisations (approved commissions), when the leader is
    not associated with one of them: empty for the searcher's own leaders."""

    leader_id: int
    name: str
    email: str
    job_title: str
    home_school_urn: int
    home_school_name: str
    local_authority: str
    postcode: str
    designations: tuple[DirectoryDesignation, ...]
    specialisms: tuple[CodeLabel, ...]
    phases: tuple[str, ...]
    core_training_completed_on: dt.date | None
    distance_km: float | None
    #: The leader's days this year (without those delivered and invoiced when the search was
    #: made with ``delivery=False``).
    capacity: Capacity
    shared_by: tuple[str, ...] = ()
    #: The brokers whose current agreement and code of conduct the leader has not signed: not
    #: deployable for them (docs/rules.md, "The broker's agreement and code of conduct").
    unsigned_agreements: tuple[str, ...] = ()

    @property
    def is_shared(self) -> bool:
        return bool(self.shared_by)

    @property
    def remaining_days(self) -> Decimal:
        return self.capacity.remaining

    @property
    def deployable(self) -> bool:
        return self.core_training_completed_on is not None and any(
            d.status == DesignationStatus.ACTIVE for d in self.designations
        )


class _Base(NamedTuple):
    """What sorting and filtering need, read for every matching leader."""

    leader_id: int
    name: str
    latitude: float | None
    longitude: float | None


#: A slice of the leaders in name order ending at most this far in is found by a partial sort.
_PARTIAL_SORT_LIMIT = 500


class _ByName(Sequence[_Base]):
    """Leaders in order of name, case aside, then id, from ``(lowered name, id, name)`` keys in
    any order: sorted when first read, and a slice of the first few hundred (the first pages) by a
    partial sort (``heapq.nsmallest``, equal to ``sorted(keys)[:n]``) without sorting thousands.
    Items are ``_Base`` rows (no place: only a search near a place reads it)."""

    def __init__(self, keys: list[tuple[str, int, str]]) -> None:
        self._keys = keys
        self._sorted = False
        self._first: list[tuple[str, int, str]] = []

    def __len__(self) -> int:
        return len(self._keys)

    def _ordered(self, stop: int) -> list[tuple[str, int, str]]:
        """At least the first ``stop`` keys in order (all of them once wholly sorted)."""
        if self._sorted or stop <= len(self._first):
            return self._keys if self._sorted else self._first
        if stop <= _PARTIAL_SORT_LIMIT:
            self._first = heapq.nsmallest(stop, self._keys)
            return self._first
        self._keys.sort()
        self._sorted = True
        return self._keys

    @overload
    def __getitem__(self, index: int) -> _Base: ...

    @overload
    def __getitem__(self, index: slice) -> list[_Base]: ...

    def __getitem__(self, index: int | slice) -> _Base | list[_Base]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self._keys))
            keys = (
                self._ordered(stop)[start:stop:step]  # the bounds within the first ``stop``
                if step > 0
                else self._ordered(len(self._keys))[index]
            )
            return [_Base(pk, shown, None, None) for _, pk, shown in keys]
        position = range(len(self._keys))[index]  # IndexError beyond the end
        _, pk, shown = self._ordered(position + 1)[position]
        return _Base(pk, shown, None, None)


class DirectoryResults(Sequence[DirectoryRow]):
    """The directory's answer: every matching leader, already filtered and in order, built into
    ``DirectoryRow``s only when read. ``len()`` costs nothing more; reading a slice (a page) reads
    the profile details, the capacity ledger and the related lists of those rows only, in a fixed
    number of queries, so paginating 12,000 leaders costs one page's worth. Reading it all reads
    every row in the same fixed number of queries."""

    def __init__(
        self,
        base: Sequence[_Base],
        near: tuple[float, float] | None,
        leaders: QuerySet[LeaderProfile],
        year: AcademicYear,
        shared_by: Mapping[int, tuple[str, ...]] | None = None,
        *,
        delivery: bool = True,
    ) -> None:
        self._base = base
        self._near = near
        self._leaders = leaders
        self._year = year
        self._shared_by = shared_by or {}
        self._delivery = delivery
        self._rows: dict[int, DirectoryRow] = {}

    def __len__(self) -> int:
        return len(self._base)

    @overload
    def __getitem__(self, index: int) -> DirectoryRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[DirectoryRow]: ...

    def __getitem__(self, index: int | slice) -> DirectoryRow | list[DirectoryRow]:
        if isinstance(index, slice):
            wanted = self._base[index]
            self._build(wanted)
            return [self._rows[b.leader_id] for b in wanted]
        row = self._base[index]
        self._build([row])
        return self._rows[row.leader_id]

    def __iter__(self) -> Iterator[DirectoryRow]:
        return iter(self[:])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    @property
    def leader_ids(self) -> list[int]:
        """The matching leaders' ids, in order (without building any row)."""
        return [b.leader_id for b in self._base]

    def _distance(self, base: _Base) -> float | None:
        if self._near is None or base.latitude is None or base.longitude is None:
            return None
        return haversine_km(self._near[0], self._near[1], base.latitude, base.longitude)

    def _build(self, rows: Sequence[_Base]) -> None:
        """Read what the rows need, for the leaders not built yet: by id for a page, through the
        filtering subquery for many (no list of thousands of parameters)."""
        todo = {b.leader_id: b for b in rows if b.leader_id not in self._rows}
        missing = list(todo)
        if not missing:
            return
        few = len(missing) <= _ID_LIST_LIMIT
        kept: list[int] | QuerySet[LeaderProfile, Any] = (
            missing if few else self._leaders.values("pk")
        )
        details = {
            row[0]: row
            for row in LeaderProfile.objects.filter(pk__in=kept).values_list(
                "pk",
                "user__email",
                "job_title",
                "home_school_id",
                "home_school__name",
                "home_school__local_authority",
                "home_school__postcode",
                "core_training_completed_on",
            )
        }
        capacities = capacities_for(
            missing if few else self._leaders, self._year, delivery=self._delivery
        )
        designations: dict[int, list[DirectoryDesignation]] = defaultdict(list)
        for designation_id, leader_id, code, status, org_name, designated_on in (
            Designation.objects.filter(leader_id__in=kept)
            .exclude(status=DesignationStatus.REVOKED)
            .order_by("type__code")
            .values_list(
                "pk", "leader_id", "type__code", "status", "organisation__name", "designated_on"
            )
        ):
            designations[leader_id].append(
                DirectoryDesignation(designation_id, code, status, org_name or "", designated_on)
            )
        specialisms: dict[int, list[CodeLabel]] = defaultdict(list)
        for leader_id, code, label in (
            LeaderProfile.specialisms.through.objects.filter(leaderprofile_id__in=kept)
            .order_by("specialism__label")
            .values_list("leaderprofile_id", "specialism__code", "specialism__label")
        ):
            specialisms[leader_id].append(CodeLabel(code, label))
        phases: dict[int, list[str]] = defaultdict(list)
        for leader_id, phase_code in LeaderPhase.objects.filter(leader_id__in=kept).values_list(
            "leader_id", "phase"
        ):
            phases[leader_id].append(phase_code)

        unsigned = unsigned_by_leader(kept)
        empty = Capacity(academic_year=self._year.label)
        for leader_id, base in todo.items():
            (_, email, job_title, urn, school, authority, postcode, trained) = details[leader_id]
            self._rows[leader_id] = DirectoryRow(
                leader_id=leader_id,
                name=base.name or email,
                email=email,
                job_title=job_title,
                home_school_urn=urn,
                home_school_name=school,
                local_authority=authority,
                postcode=postcode,
                designations=tuple(designations.get(leader_id, ())),
                specialisms=tuple(specialisms.get(leader_id, ())),
                phases=tuple(sorted(phases.get(leader_id, ()), key=_PHASE_ORDER.__getitem__)),
                core_training_completed_on=trained,
                distance_km=self._distance(base),
                capacity=capacities.get(leader_id, empty),
                shared_by=self._shared_by.get(leader_id, ()),
                unsigned_agreements=unsigned.get(leader_id, ()),
            )


def _nearest_first(
    base: list[_Base], near: tuple[float, float], within_km: float | None
) -> list[_Base]:
    """Leaders in order of straight-line distance from ``near`` (a stable sort, so equally near
    leaders keep their order by name), unplaced ones last, those beyond ``within_km`` left out.

    Orders by the haversine formula's inner term ``a``, which grows with the distance, so the order
    and the cut-off are exactly those of ``haversine_km`` without its square root and arcsine for
    each of thousands of rows; rows read from the results get their distance from
    ``haversine_km`` itself."""
    phi0 = math.radians(near[0])
    lambda0 = math.radians(near[1])
    cos0 = math.cos(phi0)
    limit_a = math.inf
    if within_km is not None:
        reach = min(max(within_km, 0.0), math.pi * EARTH_RADIUS_KM)  # half the globe at most
        limit_a = math.sin(reach / (2 * EARTH_RADIUS_KM)) ** 2
    placed: list[tuple[float, _Base]] = []
    unplaced: list[_Base] = []
    sin, cos, radians = math.sin, math.cos, math.radians
    for row in base:
        if row.latitude is None or row.longitude is None:
            unplaced.append(row)
            continue
        phi = radians(row.latitude)
        a = (
            sin((phi - phi0) / 2) ** 2
            + cos0 * cos(phi) * sin((radians(row.longitude) - lambda0) / 2) ** 2
        )
        if a <= limit_a:
            placed.append((a, row))
    placed.sort(key=itemgetter(0))
    nearest = [row for _, row in placed]
    return nearest if within_km is not None else nearest + unplaced


_PHASE_ORDER: dict[str, int] = defaultdict(lambda: 99, {c: n for n, c in enumerate(PHASES)})


def directory_search(
    *,
    user: User,
    organisation_ids: Iterable[int] | None,
    academic_year: YearLike,
    designation_type: str | None = None,
    specialism: str | None = None,
    phase: str | None = None,
    local_authority: str | None = None,
    near: tuple[float, float] | None = None,
    within_km: float | None = None,
    min_available_days: Decimal | None = None,
    limit: int | None = None,
    delivery: bool = True,
) -> DirectoryResults:
    """Leaders associated with the given organisations (those of them whose leaders the user may
    read: coordinators, broker leads and SIPs; all for an administrator; ``None``: every one the
    user reads, every organisation for an administrator), and the leaders other
    brokers share with them through an approved commission to one of their requests (each row's
    ``shared_by`` names the sharing organisations; a leader shared several times is one row),
    filtered alike; nearest first when ``near`` (latitude, longitude) is given, else by name.
    ``within_km`` needs ``near``. ``min_available_days`` keeps leaders whose remaining days in
    ``academic_year`` reach it. ``delivery=False``: the rows' days delivered and invoiced are
    not read (zero; the page shows neither, its downloads do), two queries fewer.

    Cost: one query for the leaders shared with the organisations and who shared them (a few
    rows: commissions are made one request at a time), one for the matching leaders (SQL does
    every filter, including the days still available and a bounding-box prefilter on the home
    school's coordinates; Python computes the exact distance and sorts), then a fixed number of
    queries for the rows read from the ``DirectoryResults`` (a page, or all of them): profile
    details, the capacity ledger, designations, specialisms and phases."""
    year = academic_year_of(academic_year)
    leaders = LeaderProfile.objects.none()
    # None: every organisation (an administrator's whole directory, read without a list of
    # every organisation's id).
    wanted: set[int] | None
    if organisation_ids is None:
        wanted = None if is_administrator(user) else organisation_ids_for(user, LEADER_READER_ROLES)
    else:
        wanted = set(organisation_ids)
        if not is_administrator(user):
            wanted &= organisation_ids_for(user, LEADER_READER_ROLES)
    if wanted is not None and not wanted:
        return DirectoryResults([], near, leaders, year)
    live = Association.objects.filter(is_live=True)
    own = (live if wanted is None else live.filter(organisation_id__in=wanted)).values("leader_id")
    shared = _shared_leaders(wanted, own)
    if not shared:
        leaders = LeaderProfile.objects.filter(pk__in=own)
    else:
        shared_ids: list[int] | QuerySet[Any] = (
            sorted(shared)
            if len(shared) <= _ID_LIST_LIMIT
            else approved_commissions_to(wanted).values("leader_id")
        )
        leaders = LeaderProfile.objects.filter(Q(pk__in=own) | Q(pk__in=shared_ids))
    if designation_type:
        leaders = leaders.filter(
            pk__in=Designation.objects.filter(
                status__in=LIVE_DESIGNATION_STATUSES, type__code__iexact=designation_type
            ).values("leader_id")
        )
    if specialism:
        leaders = leaders.filter(
            pk__in=LeaderProfile.specialisms.through.objects.filter(
                specialism__code=specialism
            ).values("leaderprofile_id")
        )
    if phase:
        leaders = leaders.filter(pk__in=LeaderPhase.objects.filter(phase=phase).values("leader_id"))
    if local_authority:
        leaders = leaders.filter(home_school__local_authority__iexact=local_authority)
    if min_available_days is not None:
        leaders = with_remaining_days(leaders, year).filter(
            Q(remaining_days__gte=min_available_days)
        )
    if near is not None and within_km is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(near[0], near[1], within_km)
        leaders = leaders.filter(
            home_school__latitude__range=(min_lat, max_lat),
            home_school__longitude__range=(min_lon, max_lon),
        )

    base: Sequence[_Base]
    if near is None:
        # No home school's place to read, no order for the database to make (Python's is the
        # one kept): the name of each leader only.
        base = _ByName(
            [
                ((shown := name or email).lower(), pk, shown)
                for pk, name, email in leaders.order_by().values_list(
                    "pk", "user__name", "user__email"
                )
            ]
        )
    else:
        placed = [
            _Base(pk, name or email, lat, lon)
            for pk, name, email, lat, lon in leaders.order_by().values_list(
                "pk", "user__name", "user__email", "home_school__latitude", "home_school__longitude"
            )
        ]
        placed.sort(key=lambda r: (r.name.lower(), r.leader_id))
        base = _nearest_first(placed, near, within_km)
    if limit is not None:
        base = base[:limit]
    return DirectoryResults(base, near, leaders, year, shared, delivery=delivery)


def _shared_leaders(wanted: set[int] | None, own: QuerySet[Any]) -> dict[int, tuple[str, ...]]:
    """The leaders other brokers share with the organisations and are not theirs (not associated
    with one of them), each with the names of the organisations that shared them, in order."""
    owners: dict[int, set[str]] = defaultdict(set)
    for leader_id, owner in (
        approved_commissions_to(wanted)
        .exclude(leader_id__in=own)
        .order_by()
        .values_list("leader_id", "owning_organisation__name")
        .distinct()
    ):
        owners[leader_id].add(owner)
    return {leader_id: tuple(sorted(names)) for leader_id, names in owners.items()}


@dataclass(frozen=True)
class PublicProfile:
    """A leader in the public directory: only the parts the leader consented to publish (None
    where not)."""

    leader_id: int
    designations: tuple[str, ...]
    name: str | None
    school_name: str | None
    local_authority: str | None
    specialisms: tuple[str, ...] | None
    phases: tuple[str, ...] | None
    pen_portrait: str | None
    #: How far the leader's school is from the place searched near (only when the school is
    #: published: an unpublished school's distance would tell where it is).
    distance_km: float | None = None


@dataclass(frozen=True)
class PublicFilters:
    """What a visitor narrows the public directory by. A filter reads only what each leader
    published: a specialism or phase only among published specialisms, a distance only from a
    published school (docs/rules.md, the two-tier directory)."""

    specialism: str = ""
    phase: str = ""
    designation: str = ""
    near: tuple[float, float] | None = None
    within_km: float | None = None


def _public_match(
    leader: LeaderProfile, filters: PublicFilters, codes: set[str], phases: list[str]
) -> tuple[bool, float | None]:
    """Whether the leader passes the filters, and their school's distance from the place."""
    if filters.designation and filters.designation not in {
        d.type.code for d in leader.designations.all()
    }:
        return False, None
    if filters.specialism and not (leader.publish_specialisms and filters.specialism in codes):
        return False, None
    if filters.phase and not (leader.publish_specialisms and filters.phase in phases):
        return False, None
    distance: float | None = None
    school = leader.home_school
    if (
        filters.near is not None
        and leader.publish_school
        and school.latitude is not None
        and school.longitude is not None
    ):
        distance = round(haversine_km(*filters.near, school.latitude, school.longitude), 1)
    too_far = distance is None or distance > (filters.within_km or 0)
    if filters.near is not None and filters.within_km is not None and too_far:
        return False, None
    return True, distance


def public_directory(
    organisation: Organisation, filters: PublicFilters | None = None
) -> list[PublicProfile]:
    """The organisation's public directory: leaders associated with it, and leaders with no
    broker whom it lists (docs/rules.md, "Association": association is optional), holding an
    active designation and who consented to publish their profile, each showing only the parts
    consented to (pen portraits by the leader's consent; the two-tier directory), narrowed by
    ``filters`` (nearest first when a place is given). A fixed number of queries, whatever the
    filters."""
    filters = filters or PublicFilters()
    live = Association.objects.filter(is_live=True)
    listed_without_broker = Q(
        pk__in=DirectoryListing.objects.filter(organisation=organisation).values("leader_id")
    ) & ~Q(pk__in=live.values("leader_id"))
    leaders = (
        LeaderProfile.objects.filter(
            Q(pk__in=live.filter(organisation=organisation).values("leader_id"))
            | listed_without_broker,
            publish_profile=True,
        )
        .filter(
            pk__in=Designation.objects.filter(status=DesignationStatus.ACTIVE).values("leader_id")
        )
        .select_related("user", "home_school")
        .prefetch_related(
            Prefetch(
                "designations",
                queryset=Designation.objects.filter(status=DesignationStatus.ACTIVE)
                .select_related("type")
                .order_by("type__code"),
            ),
            "specialisms",
            "phase_rows",
        )
    )
    profiles = []
    for leader in leaders:
        codes = {s.code for s in leader.specialisms.all()}
        phase_codes = leader_phases(leader)
        keep, distance = _public_match(leader, filters, codes, phase_codes)
        if not keep:
            continue
        profiles.append(
            PublicProfile(
                leader_id=leader.pk,
                designations=tuple(d.type.code for d in leader.designations.all()),
                name=leader.user.get_full_name() if leader.publish_name else None,
                school_name=leader.home_school.name if leader.publish_school else None,
                local_authority=leader.home_school.local_authority
                if leader.publish_school
                else None,
                specialisms=tuple(sorted(s.label for s in leader.specialisms.all()))
                if leader.publish_specialisms
                else None,
                phases=tuple(PHASES[p] for p in phase_codes if p in PHASES)
                if leader.publish_specialisms
                else None,
                pen_portrait=leader.pen_portrait if leader.publish_pen_portrait else None,
                distance_km=distance,
            )
        )
    if filters.near is not None:
        profiles.sort(
            key=lambda p: (p.distance_km is None, p.distance_km or 0, p.name or "~", p.leader_id)
        )
    else:
        profiles.sort(key=lambda p: (p.name or "~", p.leader_id))
    return profiles
