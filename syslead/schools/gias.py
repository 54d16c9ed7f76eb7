"""Read a "Get Information about Schools" (GIAS) CSV download exactly as DfE publishes it.

GIAS files (``edubasealldata*.csv`` and its smaller extracts) have one header row of some 140
columns named like "URN", "EstablishmentName", "TypeOfEstablishment (name)", and are usually
Windows-1252 encoded. A file-level problem (empty, not CSV, a required column missing, an
encoding that is neither UTF-8 nor Windows-1252 throughout: see ``csvfile``) refuses the whole
file; a bad row (cut short or too long, a NUL byte, a bad URN, name or coordinates) is rejected
with its line number and reason, and the other rows are imported. The file is streamed in
batches, so a file of any size is read in bounded memory.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syslead.schools.csvfile import CsvFileError, CsvStream, RejectedRow
from syslead.schools.geo import grid_to_lat_lon, is_on_the_grid
from syslead.schools.ofsted import ofsted_rating_from
from syslead.schools.phases import phase_from_gias
from syslead.schools.postcodes import postcode_compact, postcode_normalised
from syslead.schools.search_text import name_search_for

#: Columns without which a file is not a GIAS schools download.
REQUIRED_COLUMNS = (
    "URN",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "EstablishmentStatus (name)",
    "PhaseOfEducation (name)",
    "LA (name)",
    "Postcode",
    "Easting",
    "Northing",
)
#: Columns read when present.
OPTIONAL_COLUMNS = (
    "LA (code)",
    "Town",
    "OfstedRating (name)",
    "OfstedLastInsp",
    "Trusts (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "ReligiousCharacter (name)",
    "GOR (name)",
    "DistrictAdministrative (name)",
    "EstablishmentTypeGroup (name)",
)
MAX_URN = 9_999_999
#: Rows written per batch (inside the import's one transaction), so memory stays bounded.
BATCH_ROWS = 2000
#: Rejected rows kept with their line and reason; beyond this only the count grows.
MAX_KEPT_REJECTIONS = 1000
#: Values GIAS writes for "nothing to say" in descriptive columns.
_NOT_APPLICABLE = {"", "not applicable", "does not apply", "none", "unknown", "(blank)"}


class GiasFileError(CsvFileError):
    """The file as a whole cannot be imported; nothing is written."""


@dataclass
class GiasRows:
    """A batch of valid rows, as School fields and graded inspections."""

    schools: list[dict[str, Any]] = field(default_factory=list)
    inspections: list[tuple[int, datetime.date, str]] = field(default_factory=list)


def _text(row: dict[str, str], column: str) -> str:
    return " ".join((row.get(column) or "").split())


def _described(row: dict[str, str], column: str) -> str:
    value = _text(row, column)
    return "" if value.lower() in _NOT_APPLICABLE else value


def _small_int(value: str) -> int | None:
    return int(value) if value.isdigit() and int(value) < 100 else None


def _gias_date(value: str) -> datetime.date | None:
    for pattern in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()  # noqa: DTZ007 a plain date
        except ValueError:
            continue
    return None


def _grid(row: dict[str, str]) -> tuple[float, float] | str | None:
    """(easting, northing); None when the row gives no location; a reason when it is bad."""
    easting, northing = _text(row, "Easting"), _text(row, "Northing")
    if not easting and not northing:
        return None
    if not easting or not northing:
        return "Easting and Northing must both be given, or both left empty."
    try:
        east, north = float(easting.replace(",", "")), float(northing.replace(",", ""))
    except ValueError:
        return f"Easting '{easting}' and Northing '{northing}' must be numbers in metres."
    if east == 0 and north == 0:
        return None  # GIAS writes 0, 0 for "not geolocated"
    if not is_on_the_grid(east, north):
        return (
            f"Easting {easting}, Northing {northing} is outside Great Britain's National Grid "
            "(0-700000, 0-1300000)."
        )
    return east, north


def _check_header(header: list[str] | None) -> list[str]:
    if not header or not any(name.strip() for name in header):
        raise GiasFileError("The file is empty: a GIAS download starts with a header row.")
    names = [name.strip().lstrip("\ufeff") for name in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        raise GiasFileError(
            "This is not a GIAS schools download: the header lacks the column"
            f"{'s' if len(missing) > 1 else ''} {', '.join(repr(c) for c in missing)}."
        )
    return names


def _school_fields(row: dict[str, str], urn: int, name: str) -> dict[str, Any]:
    low = _small_int(_text(row, "StatutoryLowAge"))
    high = _small_int(_text(row, "StatutoryHighAge"))
    establishment_type = _text(row, "TypeOfEstablishment (name)")
    type_group = _text(row, "EstablishmentTypeGroup (name)")
    town = _text(row, "Town")
    postcode = _text(row, "Postcode")
    fields: dict[str, Any] = {
        "urn": urn,
        "name": name[:200],
        "phase": phase_from_gias(
            _text(row, "PhaseOfEducation (name)"),
            establishment_type,
            type_group,
            low_age=low,
            high_age=high,
            name=name,
        ),
        "establishment_type": establishment_type[:120],
        "type_group": type_group[:80],
        "is_open": _text(row, "EstablishmentStatus (name)").lower() != "closed",
        "local_authority": _text(row, "LA (name)")[:100],
        "la_code": _text(row, "LA (code)")[:10],
        "district": _described(row, "DistrictAdministrative (name)")[:100],
        "region": _described(row, "GOR (name)")[:60],
        "town": town[:100],
        "postcode": postcode_normalised(postcode)[:10],
        "postcode_compact": postcode_compact(postcode)[:10],
        "age_low": low,
        "age_high": high,
        "religious_character": _described(row, "ReligiousCharacter (name)")[:100],
        "trust_name": _described(row, "Trusts (name)")[:200],
        "name_search": name_search_for(name, town),
    }
    rating = ofsted_rating_from(_text(row, "OfstedRating (name)"))
    inspected_on = _gias_date(_text(row, "OfstedLastInsp"))
    if rating:
        fields["ofsted_rating"] = rating
        fields["ofsted_inspected_on"] = inspected_on
    return fields


def _row_fields(
    names: list[str], values: list[str], line: int, first_line_of: dict[int, int]
) -> tuple[dict[str, Any], tuple[float, float] | None] | RejectedRow:
    """The School fields and grid reference of one row, or why the row is rejected."""
    row = dict(zip(names, values, strict=True))
    raw_urn = _text(row, "URN")
    reason, urn = _check_urn(raw_urn, first_line_of)
    name = _text(row, "EstablishmentName")
    grid = _grid(row)
    if reason is None and not name:
        reason = "The school has no name (EstablishmentName is empty)."
    if reason is None and isinstance(grid, str):
        reason = grid
    if reason is not None or urn is None:
        return RejectedRow(line, raw_urn[:20], reason or "Bad URN.")
    first_line_of[urn] = line
    return _school_fields(row, urn, name), grid if isinstance(grid, tuple) else None


class GiasReader:
    """Streams a GIAS download in batches of valid rows, keeping the rejected rows (the first
    ``MAX_KEPT_REJECTIONS`` in full, and a count of all). Creating it checks that the file exists
    and decides its encoding; ``batches()`` reads it once. Raises ``GiasFileError`` for a problem
    with the file as a whole, at any point of the reading."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise GiasFileError(f"There is no file at {self.path}.")
        self._stream = CsvStream(lambda: self.path.open("rb"), self.path.name, GiasFileError)
        self.rejected: list[RejectedRow] = []
        self.rejected_count = 0
        self.rows_read = 0

    @property
    def encoding(self) -> str:
        return self._stream.encoding

    def _reject(self, row: RejectedRow) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_KEPT_REJECTIONS:
            self.rejected.append(row)

    def batches(self, size: int = BATCH_ROWS) -> Iterator[GiasRows]:
        with self._stream as stream:
            names = _check_header(stream.header)
            urn_at = names.index("URN")
            first_line_of: dict[int, int] = {}
            batch, grid_rows = GiasRows(), []
            for line, values, problem in stream.rows():
                self.rows_read += 1
                if problem is not None:
                    urn = values[urn_at].strip()[:20] if len(values) > urn_at else ""
                    self._reject(RejectedRow(line, urn.replace("\x00", ""), problem))
                    continue
                parsed = _row_fields(names, values, line, first_line_of)
                if isinstance(parsed, RejectedRow):
                    self._reject(parsed)
                    continue
                fields, grid = parsed
                batch.schools.append(fields)
                if grid is not None:
                    grid_rows.append((fields, *grid))
                if fields.get("ofsted_rating") and fields.get("ofsted_inspected_on"):
                    batch.inspections.append(
                        (fields["urn"], fields["ofsted_inspected_on"], fields["ofsted_rating"])
                    )
                if len(batch.schools) >= size:
                    _place(grid_rows)
                    yield batch
                    batch, grid_rows = GiasRows(), []
            if not self.rows_read:
                raise GiasFileError("The file has a header but no schools.")
            _place(grid_rows)
            yield batch


def _check_urn(raw: str, first_line_of: dict[int, int]) -> tuple[str | None, int | None]:
    if not raw:
        return "The URN is empty.", None
    if not raw.isdigit() or not 0 < int(raw) <= MAX_URN:
        return f"The URN '{raw}' is not a URN (a whole number such as 100000).", None
    urn = int(raw)
    if urn in first_line_of:
        return f"URN {urn} is repeated (first on line {first_line_of[urn]}).", None
    return None, urn


def _place(grid_rows: Iterable[tuple[dict[str, Any], float, float]]) -> None:
    """Latitude and longitude for every row with a grid reference, in one conversion."""
    rows = list(grid_rows)
    places = grid_to_lat_lon([east for _, east, _ in rows], [north for _, _, north in rows])
    for (fields, east, north), (lat, lon) in zip(rows, places, strict=True):
        fields.update(
            easting=round(east),
            northing=round(north),
            latitude=lat,
            longitude=lon,
            location_source="gias",
        )
