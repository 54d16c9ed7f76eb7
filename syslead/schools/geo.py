"""Places and distances: where a school, a postcode or an outward code is, and how far apart.

Distances are straight lines on the sphere (haversine), as the contract's ``distance_km`` is.
Ordnance Survey grid references (easting/northing, EPSG:27700) convert to latitude/longitude
(WGS84, EPSG:4326) with one pyproj Transformer, a whole column at a time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pyproj import Transformer

from syslead.core.limits import MAX_URN, whole_number
from syslead.schools.models import PostcodeArea, School
from syslead.schools.postcodes import (
    is_full_postcode,
    is_outward_code,
    outward_code,
    postcode_compact,
    postcode_normalised,
)

EARTH_RADIUS_KM = 6371.0088

FloatArray = npt.NDArray[np.float64]

#: Great Britain's National Grid: eastings and northings in metres that fall on the grid.
GRID_EASTING_RANGE = (0, 700_000)
GRID_NORTHING_RANGE = (0, 1_300_000)

LocationSource = Literal["school", "postcode", "outward_code"]


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    label: str
    source: LocationSource


def _haversine(lat1: Any, lon1: Any, lat2: Any, lon2: Any, *, xp: Any) -> Any:
    """The haversine formula, written once for both plain floats (``_Math``: two points) and
    numpy columns (``_NumpyMath``: one point against many); ``minimum`` guards the arcsine
    against rounding past 1."""
    phi1, phi2 = xp.radians(lat1), xp.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = xp.radians(lon2 - lon1)
    a = xp.sin(d_phi / 2) ** 2 + xp.cos(phi1) * xp.cos(phi2) * xp.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * xp.asin(xp.minimum(1.0, xp.sqrt(a)))


class _Math:
    """``math`` for ``_haversine``."""

    radians = staticmethod(math.radians)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    sqrt = staticmethod(math.sqrt)
    asin = staticmethod(math.asin)
    minimum = staticmethod(min)


class _NumpyMath:
    """numpy under the same names, for columns."""

    minimum = staticmethod(np.minimum)

    radians = staticmethod(np.radians)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    sqrt = staticmethod(np.sqrt)
    asin = staticmethod(np.arcsin)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points, in kilometres."""
    return float(_haversine(lat1, lon1, lat2, lon2, xp=_Math))


def haversine_km_many(
    lat: float, lon: float, latitudes: FloatArray, longitudes: FloatArray
) -> FloatArray:
    """The great-circle distance in kilometres from one point to each point of two columns, at
    once (NaN where a column holds NaN: an unplaced point). The same formula as ``haversine_km``."""
    result: FloatArray = _haversine(latitudes, longitudes, lat, lon, xp=_NumpyMath)
    return result


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box holding every point within ``km`` of the
    point: a cheap indexed filter before the exact distance."""
    d_lat = math.degrees(km / EARTH_RADIUS_KM)
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    d_lon = min(180.0, math.degrees(km / (EARTH_RADIUS_KM * cos_lat)))
    return lat - d_lat, lat + d_lat, lon - d_lon, lon + d_lon


def is_on_the_grid(easting: float, northing: float) -> bool:
    """Whether an easting/northing lies on Great Britain's National Grid."""
    return (
        GRID_EASTING_RANGE[0] <= easting <= GRID_EASTING_RANGE[1]
        and GRID_NORTHING_RANGE[0] <= northing <= GRID_NORTHING_RANGE[1]
    )


@lru_cache(maxsize=1)
def _grid_to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def grid_to_lat_lon(
    eastings: Sequence[float], northings: Sequence[float]
) -> list[tuple[float, float]]:
    """(latitude, longitude) for each easting/northing, converted together in one call."""
    if not eastings:
        return []
    longitudes, latitudes = _grid_to_wgs84().transform(list(eastings), list(northings))
    return [(round(lat, 6), round(lon, 6)) for lat, lon in zip(latitudes, longitudes, strict=True)]


def _school_location(school: School) -> Location | None:
    if school.latitude is not None and school.longitude is not None:
        return Location(school.latitude, school.longitude, school.name, "school")
    if school.postcode:
        # A school entered without coordinates is placed by its postcode, if that is known.
        return _postcode_location(school.postcode, exclude_urn=school.urn)
    return None


def _outward_location(outward: str) -> Location | None:
    area = PostcodeArea.objects.filter(outward=outward).first()
    if area is None:
        return None
    return Location(area.latitude, area.longitude, area.outward, "outward_code")


def _postcode_location(postcode: str, exclude_urn: int | None = None) -> Location | None:
    compact = postcode_compact(postcode)
    schools = School.objects.filter(postcode_compact=compact, latitude__isnull=False)
    if exclude_urn is not None:
        schools = schools.exclude(urn=exclude_urn)
    known = schools.values_list("latitude", "longitude").first()
    if known is not None and known[0] is not None and known[1] is not None:
        return Location(known[0], known[1], postcode_normalised(postcode), "postcode")
    return _outward_location(outward_code(compact))


def locate(query: str) -> Location | None:
    """Where a URN, a full postcode of a known school, or an outward code (given alone or as the
    start of a full postcode) is; None when the register cannot place it."""
    text = (query or "").strip()
    if text.isdigit():
        school = School.objects.filter(urn=whole_number(text, MAX_URN) or 0).first()
        return _school_location(school) if school is not None else None
    if is_full_postcode(text):
        return _postcode_location(text)
    if is_outward_code(text):
        return _outward_location(postcode_compact(text))
    return None


def school_location(school: School) -> Location | None:
    """Where a school is: its own coordinates, else where its postcode places it."""
    return _school_location(school)


def distance_between_schools(a: School | int, b: School | int) -> float | None:
    """Straight-line kilometres between two schools (School or URN); None if either is unplaced."""
    places: list[Location | None] = []
    for school in (a, b):
        if isinstance(school, School):
            places.append(_school_location(school))
        else:
            found = School.objects.filter(urn=school).first()
            places.append(_school_location(found) if found is not None else None)
    first, second = places
    if first is None or second is None:
        return None
    return haversine_km(first.latitude, first.longitude, second.latitude, second.longitude)
