"""Read the register Syslead ships in ``data/``: every open state-funded school in England (2025),
graded Ofsted inspections 2005-2020 and the centroids of outward postcodes.

The files are described in ``data/README.md``. This module only parses; ``services.
schools_load_register`` writes. Empty cells mean "unknown": the phase, local authority and
latest Ofsted grade of a school without 2018 GIAS attributes are inferred as documented there.
"""

from __future__ import annotations

import datetime
import gzip
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from syslead.schools.csvfile import CsvFileError, CsvStream, RejectedRow
from syslead.schools.geo import grid_to_lat_lon, is_on_the_grid
from syslead.schools.ofsted import ofsted_rating_from
from syslead.schools.phases import phase_from_register
from syslead.schools.postcodes import outward_code, postcode_compact, postcode_normalised
from syslead.schools.search_text import name_search_for

SCHOOLS_FILE = "schools_england_open_2025.csv"
INSPECTIONS_FILE = "ofsted_inspections_2005-2020.csv"
POSTCODE_AREAS_FILE = "postcode_outward_centroids_2025-04.csv"

SCHOOL_COLUMNS = (
    "urn",
    "name",
    "town",
    "postcode",
    "easting",
    "northing",
    "latitude",
    "longitude",
    "geo_source",
    "county_name",
    "district_name",
    "type_group_2018",
    "age_from_2018",
    "age_to_2018",
    "la_code_2018",
    "la_code_gias2018",
    "la_name_gias2018",
    "region_gias2018",
    "phase_gias2018",
    "ofsted_rating_gias2018",
    "ofsted_date_gias2018",
    "ofsted_latest_to2020",
    "ofsted_latest_date_to2020",
)
INSPECTION_COLUMNS = ("URN", "Rating", "Inspection Date")
POSTCODE_AREA_COLUMNS = ("outward", "easting", "northing", "latitude", "longitude")

_NOT_KNOWN = {"", "not applicable", "does not apply", "none", "unknown"}
_AREA_SUFFIXES = re.compile(r"\s+(?:District \(B\)|London Boro|County|District|\(B\))$")
_AREA_PREFIXES = re.compile(r"^(?:The City of|City and County of the|City of|County of)\s+")


class RegisterFileError(CsvFileError):
    """A shipped data file is missing or is not the expected file; nothing is loaded."""


@dataclass
class RegisterRows:
    schools: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)


@dataclass
class InspectionRows:
    inspections: list[tuple[int, datetime.date, str]] = field(default_factory=list)
    not_in_register: int = 0
    same_day_duplicates: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)


def data_file(data_dir: Path, name: str) -> Path:
    """The file ``name`` in ``data_dir``, gzip-compressed (``.gz``) or plain."""
    for candidate in (data_dir / f"{name}.gz", data_dir / name):
        if candidate.is_file():
            return candidate
    raise RegisterFileError(f"{name}.gz is not in {data_dir}.")


def _read_csv(
    path: Path, required: tuple[str, ...], rejected: list[RejectedRow] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a shipped file, streamed (gzip or plain) and decoded as ``csvfile`` decides. A
    row of the wrong width or with a NUL byte is added to ``rejected`` (or skipped) and never
    used, so a truncated row cannot blank a school's columns."""

    def opener() -> IO[bytes]:
        return cast(IO[bytes], gzip.open(path, "rb")) if path.suffix == ".gz" else path.open("rb")

    try:
        with CsvStream(opener, path.name, RegisterFileError) as stream:
            header = stream.header
            if not header:
                raise RegisterFileError(f"{path.name} is empty.")
            missing = [column for column in required if column not in header]
            if missing:
                raise RegisterFileError(f"{path.name} lacks the columns {', '.join(missing)}.")
            for line, values, problem in stream.rows():
                if problem is None:
                    yield line, dict(zip(header, values, strict=True))
                elif rejected is not None:
                    urn = values[0][:20] if values else ""
                    rejected.append(RejectedRow(line, urn, f"{path.name}: {problem}"))
    except (OSError, EOFError) as error:  # a damaged gzip file, or the disk
        raise RegisterFileError(f"{path.name} could not be read: {error}.") from error


def _text(row: dict[str, str], column: str) -> str:
    return " ".join((row.get(column) or "").split())


def _known(row: dict[str, str], column: str) -> str:
    value = _text(row, column)
    return "" if value.lower() in _NOT_KNOWN else value


def _int(value: str) -> int | None:
    try:
        return int(float(value))
    except ValueError:
        return None


def _float(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _date(value: str) -> datetime.date | None:
    if len(value) == 8 and value.isdigit():  # yyyymmdd, the Ofsted file's form: fast path
        try:
            return datetime.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            return None
    for pattern in ("%Y%m%d", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()  # noqa: DTZ007 plain date
        except ValueError:
            continue
    return None


def area_name(text: str) -> str:
    """A county or district name as a local authority is called ("Staffordshire County" →
    "Staffordshire", "Bury District (B)" → "Bury", "City of Derby (B)" → "Derby")."""
    name = _AREA_SUFFIXES.sub("", text.strip())
    name = _AREA_SUFFIXES.sub("", name)
    return _AREA_PREFIXES.sub("", name)


def _area_key(row: dict[str, str]) -> str:
    # A county council is the local authority of its districts; a unitary district is its own.
    return _text(row, "county_name") or _text(row, "district_name")


def _outward_key(row: dict[str, str]) -> str:
    outward = outward_code(_text(row, "postcode"))
    return f"postcode:{outward}" if outward else ""


@dataclass(frozen=True)
class _Authority:
    name: str
    code: str
    region: str


def _learn_authorities(rows: list[dict[str, str]]) -> dict[str, _Authority]:
    """For each county or unitary district (and outward postcode), the LA name, code and region
    GIAS gave most of its schools in 2018: how a school without 2018 attributes is placed."""
    votes: dict[str, Counter[_Authority]] = defaultdict(Counter)
    for row in rows:
        name = _text(row, "la_name_gias2018")
        if not name:
            continue
        code = _text(row, "la_code_gias2018") or _text(row, "la_code_2018")
        authority = _Authority(name, code, _text(row, "region_gias2018"))
        # By county or district; and by outward postcode, for a school without either.
        for key in (_area_key(row), _outward_key(row)):
            if key:
                votes[key][authority] += 1
    return {key: counter.most_common(1)[0][0] for key, counter in votes.items()}


def _authority(row: dict[str, str], learned: dict[str, _Authority]) -> _Authority:
    name = _text(row, "la_name_gias2018")
    code = _text(row, "la_code_gias2018") or _text(row, "la_code_2018")
    region = _text(row, "region_gias2018")
    if name:
        return _Authority(name, code, region)
    known = learned.get(_area_key(row)) or learned.get(_outward_key(row))
    if known is not None:
        return _Authority(known.name, code or known.code, region or known.region)
    return _Authority(area_name(_area_key(row)), code, region)


#: Sources disagree by a day or so on when an inspection happened (visit or publication date).
_SAME_INSPECTION = datetime.timedelta(days=31)


def _latest_ofsted(
    row: dict[str, str], history: dict[int, tuple[datetime.date, str]], urn: int
) -> tuple[str, datetime.date | None]:
    """The most recent grade: the inspection history's latest, unless the latest graded
    inspection to 2020 or GIAS 2018's grade ("Special Measures"/"Serious Weaknesses" are
    inadequate) is a later inspection."""
    others: list[tuple[datetime.date, int, str]] = []
    for rating_column, date_column, preference in (
        ("ofsted_latest_to2020", "ofsted_latest_date_to2020", 1),
        ("ofsted_rating_gias2018", "ofsted_date_gias2018", 0),
    ):
        grade = ofsted_rating_from(_text(row, rating_column))
        if grade:
            graded_on = _date(_text(row, date_column)) or datetime.date.min
            others.append((graded_on, preference, grade))
    latest_other = max(others) if others else None
    if urn in history:
        inspected_on, rating = history[urn]
        if latest_other is None or latest_other[0] <= inspected_on + _SAME_INSPECTION:
            return rating, inspected_on
    if latest_other is None:
        return "", None
    graded_on, _, grade = latest_other
    return grade, None if graded_on == datetime.date.min else graded_on


def read_inspections(path: Path, register_urns: set[int]) -> InspectionRows:
    """Graded inspections of schools in the register, one per school per day (the first listed)."""
    result = InspectionRows()
    seen: set[tuple[int, datetime.date]] = set()
    for line, row in _read_csv(path, INSPECTION_COLUMNS, result.rejected):
        raw_urn, raw_date = _text(row, "URN"), _text(row, "Inspection Date")
        rating = ofsted_rating_from(_text(row, "Rating"))
        inspected_on = _date(raw_date)
        if not raw_urn.isdigit() or not rating or inspected_on is None:
            reason = f"Cannot read URN '{raw_urn}', grade or date '{raw_date}'."
            result.rejected.append(RejectedRow(line, raw_urn, reason))
            continue
        urn = int(raw_urn)
        if urn not in register_urns:
            result.not_in_register += 1
            continue
        if (urn, inspected_on) in seen:
            result.same_day_duplicates += 1
            continue
        seen.add((urn, inspected_on))
        result.inspections.append((urn, inspected_on, rating))
    return result


def latest_by_school(
    inspections: list[tuple[int, datetime.date, str]],
) -> dict[int, tuple[datetime.date, str]]:
    latest: dict[int, tuple[datetime.date, str]] = {}
    for urn, inspected_on, rating in inspections:
        if urn not in latest or inspected_on > latest[urn][0]:
            latest[urn] = (inspected_on, rating)
    return latest


def read_school_rows(
    path: Path, rejected: list[RejectedRow] | None = None
) -> list[tuple[int, dict[str, str]]]:
    return list(_read_csv(path, SCHOOL_COLUMNS, rejected))


def register_urns(rows: list[tuple[int, dict[str, str]]]) -> set[int]:
    return {int(u) for _, row in rows if (u := _text(row, "urn")).isdigit()}


def build_schools(
    rows: list[tuple[int, dict[str, str]]],
    history: dict[int, tuple[datetime.date, str]],
) -> RegisterRows:
    """School fields for each row of the register; rows without a URN or a name are rejected."""
    result = RegisterRows()
    learned = _learn_authorities([row for _, row in rows])
    seen: set[int] = set()
    to_convert: list[tuple[dict[str, Any], float, float]] = []
    for line, row in rows:
        raw_urn, name = _text(row, "urn"), _text(row, "name")
        if not raw_urn.isdigit() or int(raw_urn) == 0 or int(raw_urn) in seen:
            result.rejected.append(RejectedRow(line, raw_urn, "Missing, bad or repeated URN."))
            continue
        if not name:
            result.rejected.append(RejectedRow(line, raw_urn, "The school has no name."))
            continue
        urn = int(raw_urn)
        seen.add(urn)
        fields = _school_fields(row, urn, name, learned, history)
        result.schools.append(fields)
        if "easting" in fields and fields["latitude"] is None:
            to_convert.append((fields, fields["easting"], fields["northing"]))
    places = grid_to_lat_lon([e for _, e, _ in to_convert], [n for _, _, n in to_convert])
    for (fields, _, _), (lat, lon) in zip(to_convert, places, strict=True):
        fields.update(latitude=lat, longitude=lon)
    return result


def _school_fields(
    row: dict[str, str],
    urn: int,
    name: str,
    learned: dict[str, _Authority],
    history: dict[int, tuple[datetime.date, str]],
) -> dict[str, Any]:
    town, postcode = _text(row, "town"), _text(row, "postcode")
    low, high = _int(_text(row, "age_from_2018")), _int(_text(row, "age_to_2018"))
    authority = _authority(row, learned)
    fields: dict[str, Any] = {
        "urn": urn,
        "name": name[:200],
        "is_open": True,
        "town": town[:100],
        "postcode": postcode_normalised(postcode)[:10],
        "postcode_compact": postcode_compact(postcode)[:10],
        "local_authority": authority.name[:100],
        "la_code": authority.code[:10],
        "region": authority.region[:60],
        "district": area_name(_text(row, "district_name"))[:100],
        "name_search": name_search_for(name, town),
    }
    phase = phase_from_register(
        name=name,
        gias_phase=_text(row, "phase_gias2018"),
        type_group=_text(row, "type_group_2018"),
        low_age=low,
        high_age=high,
        is_primary=_text(row, "is_primary_2018") == "1",
        is_secondary=_text(row, "is_secondary_2018") == "1",
        is_post16=_text(row, "is_post16_2018") == "1",
    )
    if phase:
        fields["phase"] = phase
    if _known(row, "type_group_2018"):
        fields["type_group"] = _text(row, "type_group_2018")[:80]
    if low is not None and high is not None and high > 0:
        fields["age_low"], fields["age_high"] = low, high
    if _known(row, "religion_2018"):
        fields["religious_character"] = _text(row, "religion_2018")[:100]
    rating, inspected_on = _latest_ofsted(row, history, urn)
    if rating:
        fields["ofsted_rating"], fields["ofsted_inspected_on"] = rating, inspected_on
    _place(row, fields)
    return fields


def _place(row: dict[str, str], fields: dict[str, Any]) -> None:
    east, north = _float(_text(row, "easting")), _float(_text(row, "northing"))
    if east is None or north is None or not is_on_the_grid(east, north):
        return
    fields["easting"], fields["northing"] = round(east), round(north)
    fields["latitude"] = _float(_text(row, "latitude"))
    fields["longitude"] = _float(_text(row, "longitude"))
    if fields["latitude"] is None or fields["longitude"] is None:
        fields["latitude"] = fields["longitude"] = None  # converted from the grid by the caller
    fields["location_source"] = _text(row, "geo_source")[:20] or "postcode"


def read_postcode_areas(path: Path) -> list[dict[str, Any]]:
    """Outward codes and their centroids."""
    areas: list[dict[str, Any]] = []
    for _, row in _read_csv(path, POSTCODE_AREA_COLUMNS):
        outward = postcode_compact(_text(row, "outward"))
        lat, lon = _float(_text(row, "latitude")), _float(_text(row, "longitude"))
        if not outward or len(outward) > 5 or lat is None or lon is None:
            continue
        areas.append(
            {
                "outward": outward,
                "latitude": lat,
                "longitude": lon,
                "easting": _int(_text(row, "easting")),
                "northing": _int(_text(row, "northing")),
            }
        )
    return areas
