"""Read a "Get Information about Schools" (GIAS) CSV download exactly as DfE publishes it.

GIAS files (``edubasealldata*.csv`` and its smaller extracts) have one header row of some 140
columns named like "URN", "EstablishmentName", "TypeOfEstablishment (name)", and are usually
Windows-1252 encoded. A file-level problem (empty, not CSV, a required column missing) refuses the
whole file; a bad row (URN, name or coordinates) is rejected with its line number and reason, and
the other rows are imported.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
#: Values GIAS writes for "nothing to say" in descriptive columns.
_NOT_APPLICABLE = {"", "not applicable", "does not apply", "none", "unknown", "(blank)"}


class GiasFileError(Exception):
    """The file as a whole cannot be imported; nothing is written."""


@dataclass(frozen=True)
class RejectedRow:
    line: int
    urn: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "urn": self.urn, "reason": self.reason}


@dataclass
class GiasRows:
    """The valid rows of a file, as School fields and inspections, and the rejected rows."""

    schools: list[dict[str, Any]] = field(default_factory=list)
    inspections: list[tuple[int, datetime.date, str]] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark) if it is; else Windows-1252, as GIAS writes;
    else Latin-1, which decodes any byte."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


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


def parse_gias(data: bytes) -> GiasRows:
    """Validate every row of a GIAS download; raise GiasFileError if the file itself is wrong."""
    text = decode(data)
    if not text.strip():
        raise GiasFileError("The file is empty: a GIAS download starts with a header row.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        names = _check_header(next(reader, None))
    except csv.Error as error:
        raise GiasFileError(f"The file is not a readable CSV file: {error}.") from error
    result = GiasRows()
    first_line_of: dict[int, int] = {}
    grid_rows: list[tuple[dict[str, Any], float, float]] = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            line = reader.line_num
            row = dict(zip(names, values, strict=False))
            raw_urn = _text(row, "URN")
            reason, urn = _check_urn(raw_urn, first_line_of)
            name = _text(row, "EstablishmentName")
            grid = _grid(row)
            if reason is None and not name:
                reason = "The school has no name (EstablishmentName is empty)."
            if reason is None and isinstance(grid, str):
                reason = grid
            if reason is not None or urn is None:
                result.rejected.append(RejectedRow(line, raw_urn, reason or "Bad URN."))
                continue
            first_line_of[urn] = line
            fields = _school_fields(row, urn, name)
            result.schools.append(fields)
            if isinstance(grid, tuple):
                grid_rows.append((fields, *grid))
            if fields.get("ofsted_rating") and fields.get("ofsted_inspected_on"):
                result.inspections.append(
                    (urn, fields["ofsted_inspected_on"], fields["ofsted_rating"])
                )
    except csv.Error as error:
        raise GiasFileError(
            f"The file is not a readable CSV file (line {reader.line_num}): {error}."
        ) from error
    if not result.schools and not result.rejected:
        raise GiasFileError("The file has a header but no schools.")
    _place(grid_rows)
    return result


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


def read_gias_file(path: str | Path) -> GiasRows:
    """Parse the GIAS download at ``path``."""
    file_path = Path(path)
    if not file_path.is_file():
        raise GiasFileError(f"There is no file at {file_path}.")
    return parse_gias(file_path.read_bytes())
