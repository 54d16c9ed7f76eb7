"""Read a file of Ofsted inspections as Ofsted publishes it (docs/impact.md, "Newer Ofsted data").

Two layouts are read, told apart by their header:

- **Ofsted's management information** ("State-funded schools inspections and outcomes", the
  monthly CSV from GOV.UK, and its "all inspections" files): one row per inspection with, among
  some 50 columns, ``URN``, ``Inspection start date`` (dd/mm/yyyy) and ``Overall effectiveness``
  (1 outstanding, 2 good, 3 requires improvement, 4 inadequate; ``Not judged``, ``NULL`` or empty
  for an inspection without an overall grade). When the file also has ``Previous inspection
  start date`` and ``Previous graded inspection overall effectiveness`` (the "latest
  inspections" file), that earlier graded inspection is read too.
- **The layout of the shipped history** (``data/ofsted_inspections_2005-2020.csv.gz``):
  ``URN``, ``Rating`` (the grade in words), ``Inspection Date`` (yyyymmdd).

Every row ends in one of three ways: **used** (a graded inspection of a school in the register),
**kept apart** (no single overall grade: an ungraded inspection, one after Ofsted stopped giving
overall grades, or any inspection from 1 September 2025, the report-card era, whose grades do
not map onto the four-point scale) or **rejected** with its line and reason (an unreadable URN,
date or grade, a school not in the register, a date in the future). A problem with the file as a
whole (not CSV, not one of these layouts, a mixed encoding) refuses it before anything is written.
"""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

from syslead.schools.csvfile import CsvFileError, CsvStream, RejectedRow
from syslead.schools.ofsted import ofsted_rating_from

#: The first day of the report-card era (Ofsted's renewed framework, the 2025-26 school year).
REPORT_CARD_ERA_STARTS = dt.date(2025, 9, 1)
MI_COLUMNS = ("URN", "Inspection start date", "Overall effectiveness")
MI_PREVIOUS = ("Previous inspection start date", "Previous graded inspection overall effectiveness")
HISTORY_COLUMNS = ("URN", "Rating", "Inspection Date")
#: What Ofsted writes where an inspection has no overall grade.
NO_GRADE = {"", "null", "not judged", "not applicable", "n/a", "na", "9", "-"}
MAX_KEPT_ROWS = 1000


class OfstedFileError(CsvFileError):
    """The file as a whole cannot be imported; nothing is written."""


@dataclass(frozen=True)
class Layout:
    name: str
    urn: str
    date: str
    grade: str
    previous: tuple[str, str] | None = None


@dataclass
class OfstedRows:
    """What a file holds: graded inspections (URN, date, rating), and the rows not used."""

    layout: str = ""
    inspections: list[tuple[int, dt.date, str]] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    rejected_count: int = 0
    kept_apart: list[RejectedRow] = field(default_factory=list)
    kept_apart_count: int = 0
    rows_read: int = 0

    def reject(self, line: int, urn: str, reason: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_KEPT_ROWS:
            self.rejected.append(RejectedRow(line, urn[:20], reason))

    def keep_apart(self, line: int, urn: str, reason: str) -> None:
        self.kept_apart_count += 1
        if len(self.kept_apart) < MAX_KEPT_ROWS:
            self.kept_apart.append(RejectedRow(line, urn[:20], reason))


def _layout(header: list[str], name: str) -> Layout:
    if not header or not any(column.strip() for column in header):
        raise OfstedFileError(f"{name} is empty: an Ofsted file starts with a header row.")
    if all(column in header for column in MI_COLUMNS):
        previous = MI_PREVIOUS if all(c in header for c in MI_PREVIOUS) else None
        return Layout("Ofsted management information", *MI_COLUMNS, previous=previous)
    if all(column in header for column in HISTORY_COLUMNS):
        return Layout("Ofsted inspection history", "URN", "Inspection Date", "Rating")
    if "URN" in header and "Inspection start date" in header:
        raise OfstedFileError(
            f"{name} has no 'Overall effectiveness' column: report-card inspections (from "
            "September 2025) give no single overall grade, so they are kept apart from the "
            "graded history and nothing was imported."
        )
    raise OfstedFileError(
        f"{name} is not an Ofsted inspections file: the header needs the columns "
        f"{', '.join(repr(c) for c in MI_COLUMNS)} (Ofsted's management information) or "
        f"{', '.join(repr(c) for c in HISTORY_COLUMNS)}."
    )


def parse_date(value: str) -> dt.date | None:
    """dd/mm/yyyy (Ofsted's files), yyyymmdd (the shipped history) or yyyy-mm-dd."""
    text = value.strip()
    for pattern in ("%d/%m/%Y", "%Y%m%d", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 a plain date
        except ValueError:
            continue
    return None


def _read_one(
    rows: OfstedRows,
    *,
    line: int,
    raw_urn: str,
    raw_date: str,
    raw_grade: str,
    register: set[int],
    today: dt.date,
    what: str = "",
) -> None:
    urn_text = raw_urn.strip()
    if not urn_text.isdigit() or not 0 < int(urn_text) <= 9_999_999:
        rows.reject(line, urn_text, f"The URN '{urn_text}' is not a URN (a number like 100000).")
        return
    urn = int(urn_text)
    inspected_on = parse_date(raw_date)
    if inspected_on is None:
        rows.reject(
            line, urn_text, f"The {what}inspection date '{raw_date.strip()}' is not a date."
        )
        return
    if inspected_on > today:
        rows.reject(line, urn_text, f"The {what}inspection date {inspected_on} is in the future.")
        return
    grade_text = " ".join(raw_grade.split())
    if inspected_on >= REPORT_CARD_ERA_STARTS:
        rows.keep_apart(
            line,
            urn_text,
            f"The {what}inspection of {inspected_on} is in the report-card era (from 1 September "
            "2025): it has no single overall grade.",
        )
        return
    if grade_text.lower() in NO_GRADE:
        rows.keep_apart(
            line, urn_text, f"The {what}inspection of {inspected_on} has no overall grade."
        )
        return
    rating = ofsted_rating_from(grade_text)
    if not rating:
        rows.reject(
            line,
            urn_text,
            f"The overall effectiveness '{grade_text}' is not an Ofsted grade (1-4 or its words).",
        )
        return
    if urn not in register:
        rows.reject(line, urn_text, f"URN {urn} is not in the register of schools.")
        return
    rows.inspections.append((urn, inspected_on, rating))


def read_ofsted_file(path: str | Path, register: set[int], today: dt.date) -> OfstedRows:
    """Every row of the file read and sorted (used, kept apart, rejected); nothing is written.
    ``register``: the URNs of the schools in the register. Raises ``OfstedFileError`` for a file
    that cannot be imported at all."""
    file = Path(path)
    if not file.is_file():
        raise OfstedFileError(f"There is no file at {file}.")

    def opener() -> IO[bytes]:
        return cast(IO[bytes], gzip.open(file, "rb")) if file.suffix == ".gz" else file.open("rb")

    rows = OfstedRows()
    try:
        stream = CsvStream(opener, file.name, OfstedFileError)
        with stream:
            layout = _layout(stream.header, file.name)
            rows.layout = layout.name
            for line, record in _records(stream, rows):
                rows.rows_read += 1
                _read_one(
                    rows,
                    line=line,
                    raw_urn=record.get(layout.urn, ""),
                    raw_date=record.get(layout.date, ""),
                    raw_grade=record.get(layout.grade, ""),
                    register=register,
                    today=today,
                )
                if layout.previous is not None:
                    previous_date = record.get(layout.previous[0], "").strip()
                    if previous_date and previous_date.lower() not in NO_GRADE:
                        _read_one(
                            rows,
                            line=line,
                            raw_urn=record.get(layout.urn, ""),
                            raw_date=previous_date,
                            raw_grade=record.get(layout.previous[1], ""),
                            register=register,
                            today=today,
                            what="previous ",
                        )
    except (OSError, EOFError) as error:
        raise OfstedFileError(f"{file.name} could not be read: {error}.") from error
    if not rows.rows_read:
        raise OfstedFileError(f"{file.name} has a header but no inspections.")
    return rows


def _records(stream: CsvStream, rows: OfstedRows) -> Iterator[tuple[int, dict[str, str]]]:
    header = stream.header
    for line, values, problem in stream.rows():
        if problem is not None:
            rows.rows_read += 1
            urn = values[header.index("URN")] if len(values) > header.index("URN") else ""
            rows.reject(line, urn.replace("\x00", ""), problem)
            continue
        yield line, dict(zip(header, values, strict=True))
