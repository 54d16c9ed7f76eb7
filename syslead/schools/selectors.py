"""Reads of the register that other areas reuse."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, overload

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from syslead.accounts.access import has_role, is_administrator
from syslead.accounts.models import Role, User
from syslead.core.limits import MAX_URN, whole_number
from syslead.schools.geo import Location, bounding_box, haversine_km, locate
from syslead.schools.models import OfstedInspection, School
from syslead.schools.postcodes import is_full_postcode, is_outward_code, postcode_compact
from syslead.schools.search_text import search_text

if TYPE_CHECKING:
    from syslead.organisations.models import Organisation


def school_for_urn(urn: int) -> School:
    """One school by URN, or 404. The register is public data: anyone signed in may read it."""
    return get_object_or_404(School, urn=urn)


def school_inspections(school: School) -> list[OfstedInspection]:
    """The school's graded Ofsted inspections, latest first."""
    return list(school.inspections.order_by("-inspected_on"))


def schools_editable_by(user: User) -> bool:
    """Administrators and coordinators keep the register (add a school GIAS does not list yet)."""
    return is_administrator(user) or has_role(user, Role.COORDINATOR)


#: How far around a postcode the search looks for schools, nearest first: the first radius that
#: finds ``NEAR_ENOUGH`` schools (two pages).
NEAR_RADII_KM = (5.0, 25.0)
NEAR_ENOUGH = 50


class SchoolsByUrn(Sequence[School]):
    """Schools in a given order of URNs, loading only the slice a page shows."""

    def __init__(self, urns: list[int]) -> None:
        self.urns = urns

    def __len__(self) -> int:
        return len(self.urns)

    def count(self) -> int:  # type: ignore[override]  # Paginator prefers count() when present
        return len(self.urns)

    @overload
    def __getitem__(self, index: int) -> School: ...

    @overload
    def __getitem__(self, index: slice) -> list[School]: ...

    def __getitem__(self, index: int | slice) -> School | list[School]:
        if isinstance(index, int):
            return School.objects.get(urn=self.urns[index])
        urns = self.urns[index]
        found = School.objects.in_bulk(urns)
        return [found[urn] for urn in urns if urn in found]


@dataclass
class SchoolSearch:
    """The schools a search found, in order; ``distances`` (km by URN) and ``near`` are set when
    the query is a place (a postcode or outward code), and the results are nearest first."""

    schools: QuerySet[School] | SchoolsByUrn
    near: Location | None = None
    radius_km: float | None = None
    distances: dict[int, float] = field(default_factory=dict)


def _filtered(local_authority: str, phase: str) -> QuerySet[School]:
    schools = School.objects.all()
    if local_authority:
        schools = schools.filter(local_authority=local_authority)
    if phase:
        schools = schools.filter(phase=phase)
    return schools


def _prefix_range(field_name: str, prefix: str) -> Q:
    # A range rather than LIKE 'x%': SQLite's LIKE is case-insensitive and cannot use the index.
    return Q(**{f"{field_name}__gte": prefix, f"{field_name}__lt": prefix + "\U0010ffff"})


def _near(schools: QuerySet[School], place: Location) -> SchoolSearch:
    """Schools around a place, nearest first: within 5 km in towns and cities, widening to
    25 km where schools are sparse."""
    distances: list[tuple[float, int]] = []
    radius = NEAR_RADII_KM[-1]
    for radius in NEAR_RADII_KM:
        min_lat, max_lat, min_lon, max_lon = bounding_box(place.latitude, place.longitude, radius)
        candidates = schools.filter(
            latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon)
        ).values_list("urn", "latitude", "longitude")
        distances = []
        for urn, lat, lon in candidates:
            if lat is None or lon is None:
                continue
            km = haversine_km(place.latitude, place.longitude, lat, lon)
            if km <= radius:
                distances.append((km, urn))
        if len(distances) >= NEAR_ENOUGH:
            break
    distances.sort()
    return SchoolSearch(
        schools=SchoolsByUrn([urn for _, urn in distances]),
        near=place,
        radius_km=radius,
        distances={urn: round(km, 1) for km, urn in distances},
    )


def school_search(
    query: str = "",
    local_authority: str = "",
    phase: str = "",
    within: QuerySet[School] | None = None,
) -> SchoolSearch:
    """Forgiving search of the register: a URN, a postcode or outward code (nearest first), or
    words of a school's name and town; narrowed by local authority and phase, and to ``within``
    (the schools a person may choose, docs/ux.md "Autocomplete") when given."""
    schools = _filtered(local_authority, phase)
    if within is not None:
        schools = schools.filter(pk__in=within.values("pk"))
    text = " ".join((query or "").split())
    if not text:
        return SchoolSearch(schools=schools)
    if text.isdigit():
        urn = whole_number(text, MAX_URN)
        found = schools.filter(urn=urn) if urn is not None else schools.none()
        return SchoolSearch(schools=found)
    if is_full_postcode(text) or is_outward_code(text):
        place = locate(text)
        if place is not None:
            return _near(schools, place)
        found = schools.filter(_prefix_range("postcode_compact", postcode_compact(text)))
        return SchoolSearch(schools=found)
    words = search_text(text).split()
    if not words:
        return SchoolSearch(schools=schools.none())
    for word in words:
        schools = schools.filter(name_search__contains=word)
    # In the order of the search text's index: alphabetical, and SQLite stops at the page's end.
    return SchoolSearch(schools=schools.order_by("name_search", "urn"))


LOCAL_AUTHORITIES_CACHE_KEY = "schools:local_authority_names"


def local_authority_names(*, fresh: bool = False) -> list[str]:
    """Every local authority in the register, alphabetically (the search's filter). Cached for
    a few minutes; the register's writes forget it (``forget_local_authority_names``)."""
    names: list[str] | None = None if fresh else cache.get(LOCAL_AUTHORITIES_CACHE_KEY)
    if names is None:
        names = list(
            School.objects.exclude(local_authority="")
            .order_by("local_authority")
            .values_list("local_authority", flat=True)
            .distinct()
        )
        cache.set(LOCAL_AUTHORITIES_CACHE_KEY, names, timeout=300)
    return names


def forget_local_authority_names() -> None:
    cache.delete(LOCAL_AUTHORITIES_CACHE_KEY)


def organisation_schools(organisation: Organisation) -> QuerySet[School]:
    """The open schools in the organisation's area: its local authority (an LA), or the LA
    districts or authorities it lists as areas (a hub). Empty if it has no area. The area
    rule for a SIP's choice of school (``brokering.access.schools_to_ask_for``) and for naming a
    school's SIP (``schools.sips``)."""
    condition = Q()
    has_area = False
    if organisation.local_authority_name:
        condition |= Q(local_authority__iexact=organisation.local_authority_name)
        has_area = True
    areas = organisation.areas
    if areas:
        condition |= Q(district__in=areas) | Q(local_authority__in=areas)
        has_area = True
    if not has_area:
        return School.objects.none()
    return School.objects.filter(condition, is_open=True)
