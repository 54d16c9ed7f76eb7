"""Read the shipped lists of brokers (data/README.md): DfE's teaching school hubs of September
2025 with the LA districts each covers, and NCTL's teaching schools of March 2018 with their
alliances. The third list, local authorities, is read from the school register already loaded.
This module only parses; ``services.known_brokers_load`` writes (docs/going-live.md)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

from syslead.organisations.models import KnownBroker, KnownBrokerSource
from syslead.schools.csvfile import CsvFileError, CsvStream
from syslead.schools.register import data_file

HUBS_FILE = "teaching_school_hubs_2025-09-30.csv"
TEACHING_SCHOOLS_FILE = "teaching_schools_2018-03-12.csv"
HUB_COLUMNS = ("TSH Area", "name", "areas")
TEACHING_SCHOOL_COLUMNS = ("Alliance Name", "Teaching School", "URN", "Local Authority")

_KEY = KnownBroker._meta.get_field("key").max_length or 200
_NAME = KnownBroker._meta.get_field("name").max_length or 200
_AREA = KnownBroker._meta.get_field("area").max_length or 1000
MAX_URN = 99_999_999


class BrokerListError(CsvFileError):
    """A list cannot be read at all (missing, not a CSV, wrong columns): nothing is loaded."""


@dataclass(frozen=True)
class ListEntry:
    source: str
    key: str
    name: str
    lead_urn: int | None
    area: str


@dataclass(frozen=True)
class ListProblem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.reason}"


@dataclass
class BrokerLists:
    entries: list[ListEntry] = field(default_factory=list)
    problems: list[ListProblem] = field(default_factory=list)


def _text(value: str) -> str:
    return " ".join(value.split())


def _rows(
    path: Path, required: tuple[str, ...], lists: BrokerLists
) -> Iterator[tuple[int, dict[str, str]]]:
    def opener() -> IO[bytes]:
        return cast(IO[bytes], gzip.open(path, "rb")) if path.suffix == ".gz" else path.open("rb")

    try:
        with CsvStream(opener, path.name, BrokerListError) as stream:
            missing = [column for column in required if column not in stream.header]
            if missing:
                raise BrokerListError(f"{path.name} lacks the columns {', '.join(missing)}.")
            for line, values, problem in stream.rows():
                if problem is not None:
                    lists.problems.append(ListProblem(path.name, line, problem))
                    continue
                yield line, {k: _text(v) for k, v in zip(stream.header, values, strict=True)}
    except (OSError, EOFError) as error:
        raise BrokerListError(f"{path.name} could not be read: {error}.") from error


def _too_long(lists: BrokerLists, file: str, line: int, **values: tuple[str, int]) -> bool:
    for label, (value, limit) in values.items():
        if len(value) > limit:
            lists.problems.append(
                ListProblem(file, line, f"The {label} is longer than {limit} characters.")
            )
            return True
    return False


def _read_hubs(path: Path, lists: BrokerLists) -> None:
    seen: set[str] = set()
    for line, row in _rows(path, HUB_COLUMNS, lists):
        code, name = row["TSH Area"], row["name"]
        areas = ";".join(a.strip() for a in row["areas"].split(";") if a.strip())
        if not code or not name:
            lists.problems.append(ListProblem(path.name, line, "The hub has no area code or name."))
            continue
        if code in seen:
            lists.problems.append(
                ListProblem(path.name, line, f"The area code {code} is repeated.")
            )
            continue
        if _too_long(
            lists, path.name, line, code=(code, _KEY), name=(name, _NAME), areas=(areas, _AREA)
        ):
            continue
        seen.add(code)
        lists.entries.append(
            ListEntry(KnownBrokerSource.TEACHING_SCHOOL_HUB, code, name, None, areas)
        )


def _read_teaching_schools(path: Path, lists: BrokerLists) -> None:
    """One entry per alliance: its first teaching school listed is its lead school."""
    seen: set[str] = set()
    for line, row in _rows(path, TEACHING_SCHOOL_COLUMNS, lists):
        name, raw_urn, area = row["Alliance Name"], row["URN"], row["Local Authority"]
        if not name:
            lists.problems.append(ListProblem(path.name, line, "The row has no alliance name."))
            continue
        if not raw_urn.isdigit() or not 0 < int(raw_urn) <= MAX_URN:
            lists.problems.append(
                ListProblem(path.name, line, f"The URN {raw_urn[:20]!r} is not a URN.")
            )
            continue
        if name in seen:
            continue
        if _too_long(lists, path.name, line, name=(name, _NAME), area=(area, _AREA)):
            continue
        seen.add(name)
        lists.entries.append(
            ListEntry(KnownBrokerSource.TEACHING_SCHOOL_ALLIANCE, name, name, int(raw_urn), area)
        )


def _local_authorities(lists: BrokerLists) -> None:
    from syslead.schools.models import School

    names = (
        School.objects.exclude(local_authority="")
        .values_list("local_authority", flat=True)
        .distinct()
        .order_by("local_authority")
    )
    for name in names:
        lists.entries.append(ListEntry(KnownBrokerSource.LOCAL_AUTHORITY, name, name, None, name))


def read_broker_lists(data_dir: Path) -> BrokerLists:
    """Every entry of the three lists, and every row that could not be used (with its line)."""
    lists = BrokerLists()
    try:
        hubs = data_file(data_dir, HUBS_FILE)
        teaching_schools = data_file(data_dir, TEACHING_SCHOOLS_FILE)
    except CsvFileError as error:
        raise BrokerListError(str(error)) from error
    _read_hubs(hubs, lists)
    _read_teaching_schools(teaching_schools, lists)
    _local_authorities(lists)
    return lists
