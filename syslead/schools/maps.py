"""Maps drawn from the register's own school coordinates (no map tiles, no outside requests): the
land is every grid cell that holds a school, with requests and leaders on top (docs/ux.md: "a map
drawn from school coordinates (no external tiles)", each with an accessible table).

A map covers an ``Extent``: all of England (``ENGLAND``), or the box around a broker's own schools,
requests and leaders (``extent_around``), so a broker sees its own area, not the whole country.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import F
from django.db.models.functions import Floor
from django.utils.safestring import SafeString, mark_safe

from syslead.schools.models import School

#: England's extent, in degrees (the Scilly Isles to Berwick, Land's End to Lowestoft).
SOUTH, NORTH = 49.85, 55.85
WEST, EAST = -5.8, 1.8
#: One grid cell of land, in degrees (about 5.5 km square at England's latitudes).
CELL_LAT = 0.05
CELL_LON = 0.08
#: Pixels per degree of latitude in the SVG's own units.
SCALE = 100.0
#: Longitude shrinks with latitude: one scale for the whole of England, at its middle.
LON_FACTOR = math.cos(math.radians((SOUTH + NORTH) / 2))
#: A leader's square marker's side, in the SVG's units.
MARKER_SIZE = 8
LAND_CACHE_KEY = "schools:map:land"
LAND_CACHE_SECONDS = 3600
#: Changed whenever the register changes (``forget_land``): part of every zoomed map's land key.
LAND_GENERATION_KEY = "schools:map:land:generation"


def project(latitude: float, longitude: float) -> tuple[float, float]:
    """(x, y) in the SVG's units: north at the top."""
    return (
        round((longitude - WEST) * LON_FACTOR * SCALE, 1),
        round((NORTH - latitude) * SCALE, 1),
    )


WIDTH = round((EAST - WEST) * LON_FACTOR * SCALE)
HEIGHT = round((NORTH - SOUTH) * SCALE)


def _land_cells() -> list[tuple[int, int]]:
    cells = (
        School.objects.filter(
            is_open=True,
            latitude__range=(SOUTH, NORTH),
            longitude__range=(WEST, EAST),
        )
        .annotate(row=Floor(F("latitude") / CELL_LAT), col=Floor(F("longitude") / CELL_LON))
        .order_by()  # the model's ordering would make every school a distinct row
        .values_list("row", "col")
        .distinct()
    )
    return sorted((int(row), int(col)) for row, col in cells)


def _runs(cells: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """Cells as (row, first column, length) runs of neighbours along each row."""
    runs: list[tuple[int, int, int]] = []
    for row, col in cells:  # sorted by row, then column
        if runs and runs[-1][0] == row and runs[-1][1] + runs[-1][2] == col:
            runs[-1] = (row, runs[-1][1], runs[-1][2] + 1)
        else:
            runs.append((row, col, 1))
    return runs


def forget_land() -> None:
    """The register changed (a school added, changed or imported): draw the land again, for
    England and for every zoomed map."""
    cache.delete(LAND_CACHE_KEY)
    cache.set(LAND_GENERATION_KEY, time.time_ns(), None)


def land_path() -> str:
    """The land as one SVG path, a rectangle per run of cells along a row (cached: the register
    changes rarely, and ``forget_land`` is called when it does)."""
    path: str | None = cache.get(LAND_CACHE_KEY)
    if path is None:
        cell_width = CELL_LON * LON_FACTOR * SCALE
        height = round(CELL_LAT * SCALE, 1)
        parts = []
        for row, col, length in _runs(_land_cells()):
            x, y = project((row + 1) * CELL_LAT, col * CELL_LON)
            width = round(cell_width * length, 1)
            parts.append(f"M{x} {y}h{width}v{height}h-{width}z")
        path = "".join(parts)
        cache.set(LAND_CACHE_KEY, path, LAND_CACHE_SECONDS)
    return path


class Marker(NamedTuple):
    """A point on a map (a named tuple: a broker's map may carry thousands)."""

    x: float
    y: float
    label: str

    @property
    def left(self) -> float:
        """The left edge of a square marker of ``MARKER_SIZE`` centred on the point."""
        return round(self.x - MARKER_SIZE / 2, 1)

    @property
    def top(self) -> float:
        return round(self.y - MARKER_SIZE / 2, 1)


def markers(points: Iterable[tuple[float | None, float | None, str]]) -> list[Marker]:
    """Points inside England's extent as markers (those without a location are left out)."""
    found = []
    for latitude, longitude, label in points:
        if latitude is None or longitude is None:
            continue
        if not (SOUTH <= latitude <= NORTH and WEST <= longitude <= EAST):
            continue
        x, y = project(latitude, longitude)
        found.append(Marker(x, y, label))
    return found


# --- A map of one area ---------------------------------------------------------------------------

#: A zoomed map's width in its own SVG units (the height follows the area's shape).
AREA_WIDTH = 600
#: The land's cells across a zoomed map's width (finer than England's, coarse enough to be light).
AREA_CELLS_ACROSS = 80
#: Room around the points, as a share of the box's size, and the smallest box in degrees
#: (one school alone still shows its town and its neighbours).
AREA_MARGIN = 0.12
AREA_MIN_SPAN_LAT = 0.12
AREA_MIN_SPAN_LON = 0.2


@dataclass(frozen=True)
class Extent:
    """A box of latitude and longitude drawn as an SVG ``AREA_WIDTH`` wide, north at the top."""

    south: float
    north: float
    west: float
    east: float

    @property
    def lon_factor(self) -> float:
        return math.cos(math.radians((self.south + self.north) / 2))

    @property
    def scale(self) -> float:
        """SVG units per degree of latitude."""
        return AREA_WIDTH / ((self.east - self.west) * self.lon_factor)

    @property
    def width(self) -> int:
        return AREA_WIDTH

    @property
    def height(self) -> int:
        return max(1, round((self.north - self.south) * self.scale))

    def contains(self, latitude: float, longitude: float) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east

    def project(self, latitude: float, longitude: float) -> tuple[float, float]:
        return (
            round((longitude - self.west) * self.lon_factor * self.scale, 1),
            round((self.north - latitude) * self.scale, 1),
        )

    def markers(self, points: Iterable[tuple[float | None, float | None, str]]) -> list[Marker]:
        """Points inside the box as markers (those without a location are left out): ``contains``
        and ``project`` with the box's factors worked out once, not per point (a broker's map
        may carry thousands)."""
        south, north, west, east = self.south, self.north, self.west, self.east
        lon_factor, scale = self.lon_factor, self.scale
        found = []
        for latitude, longitude, label in points:
            if latitude is None or longitude is None:
                continue
            if not (south <= latitude <= north and west <= longitude <= east):
                continue
            x = round((longitude - west) * lon_factor * scale, 1)
            found.append(Marker(x, round((north - latitude) * scale, 1), label))
        return found

    def land_path(self) -> str:
        """The schools' land inside the box, a rectangle per run of cells along a row (cached
        per box, as England's land is, until the register changes: ``forget_land``)."""
        generation = cache.get(LAND_GENERATION_KEY, 0)
        box = f"{self.south!r}:{self.north!r}:{self.west!r}:{self.east!r}"
        key = f"schools:map:land:{generation}:{box}"
        path: str | None = cache.get(key)
        if path is None:
            path = self._land_path()
            cache.set(key, path, LAND_CACHE_SECONDS)
        return path

    def _land_path(self) -> str:
        cell_lon = (self.east - self.west) / AREA_CELLS_ACROSS
        cell_lat = cell_lon * self.lon_factor  # square cells on the page
        cells = (
            School.objects.filter(
                is_open=True,
                latitude__range=(self.south, self.north),
                longitude__range=(self.west, self.east),
            )
            .annotate(
                row=Floor((F("latitude") - self.south) / cell_lat),
                col=Floor((F("longitude") - self.west) / cell_lon),
            )
            .order_by()
            .values_list("row", "col")
            .distinct()
        )
        south, north, west = self.south, self.north, self.west
        lon_factor, scale = self.lon_factor, self.scale
        size = round(cell_lon * lon_factor * scale, 1)
        parts = []
        # ``project`` with the box's factors worked out once, not per run.
        for row, col, length in _runs(sorted((int(r), int(c)) for r, c in cells)):
            x = round((west + col * cell_lon - west) * lon_factor * scale, 1)
            y = round((north - (south + (row + 1) * cell_lat)) * scale, 1)
            width = round(size * length, 1)
            parts.append(f"M{x} {y}h{width}v{size}h-{width}z")
        return "".join(parts)


ENGLAND = Extent(SOUTH, NORTH, WEST, EAST)


def extent_around(points: Sequence[tuple[float | None, float | None]]) -> Extent:
    """The smallest box holding every located point inside England, with a margin and at least
    a town's size; all of England when no point has a location."""
    located = [
        (lat, lon)
        for lat, lon in points
        if lat is not None and lon is not None and ENGLAND.contains(lat, lon)
    ]
    if not located:
        return ENGLAND
    south = min(lat for lat, _ in located)
    north = max(lat for lat, _ in located)
    west = min(lon for _, lon in located)
    east = max(lon for _, lon in located)
    span_lat = max(north - south, AREA_MIN_SPAN_LAT)
    span_lon = max(east - west, AREA_MIN_SPAN_LON)
    middle_lat, middle_lon = (south + north) / 2, (west + east) / 2
    half_lat = span_lat * (1 + 2 * AREA_MARGIN) / 2
    half_lon = span_lon * (1 + 2 * AREA_MARGIN) / 2
    return Extent(
        round(middle_lat - half_lat, 4),
        round(middle_lat + half_lat, 4),
        round(middle_lon - half_lon, 4),
        round(middle_lon + half_lon, 4),
    )


@dataclass(frozen=True)
class AreaMap:
    """What a template needs to draw a map: its size, land, markers and the box it shows."""

    extent: Extent
    width: int
    height: int
    land: str
    requests: list[Marker]
    leaders: list[Marker]

    @property
    def zoomed(self) -> bool:
        return self.extent != ENGLAND

    @property
    def leader_marks(self) -> SafeString:
        """The leaders' square markers as SVG, written here rather than by a template loop: a
        broker's map may carry thousands (numbers only, nothing to escape)."""
        return mark_safe(
            "".join(
                f'<rect x="{m.left}" y="{m.top}" width="8" height="8" class="map__leader"/>'
                for m in self.leaders
            )
        )

    @property
    def request_marks(self) -> SafeString:
        """The requests' round markers as SVG (see ``leader_marks``)."""
        return mark_safe(
            "".join(
                f'<circle cx="{m.x}" cy="{m.y}" r="6" class="map__request"/>' for m in self.requests
            )
        )


def area_map(
    requests: Sequence[tuple[float | None, float | None, str]],
    leaders: Sequence[tuple[float | None, float | None, str]],
) -> AreaMap:
    """A map zoomed to the box around these requests and leaders (England when none is located)."""
    extent = extent_around([(lat, lon) for lat, lon, _ in (*requests, *leaders)])
    if extent == ENGLAND:
        return AreaMap(extent, WIDTH, HEIGHT, land_path(), markers(requests), markers(leaders))
    return AreaMap(
        extent,
        extent.width,
        extent.height,
        extent.land_path(),
        extent.markers(requests),
        extent.markers(leaders),
    )


@dataclass(frozen=True)
class PlaceMap:
    """A small map of one place among its neighbouring schools (a school's page)."""

    width: int
    height: int
    land: str
    place: Marker


def place_map(latitude: float, longitude: float, label: str) -> PlaceMap | None:
    """A town-sized map centred on the place; None for a place outside England."""
    if not ENGLAND.contains(latitude, longitude):
        return None
    extent = extent_around([(latitude, longitude)])
    (place,) = extent.markers([(latitude, longitude, label)])
    return PlaceMap(extent.width, extent.height, extent.land_path(), place)
