"""A map of England drawn from the register's own school coordinates (no map tiles, no outside
requests): the land is every grid cell that holds a school, with requests and leaders on top
(docs/ux.md: "a map of England (an SVG drawn from school coordinates; no external map tiles) showing
where leaders and requests are")."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import F
from django.db.models.functions import Floor

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
LAND_CACHE_KEY = "brokering:map:land"
LAND_CACHE_SECONDS = 3600


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


def land_path() -> str:
    """The land as one SVG path, a rectangle per run of cells along a row (cached: the register
    changes rarely)."""
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


@dataclass(frozen=True)
class Marker:
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
