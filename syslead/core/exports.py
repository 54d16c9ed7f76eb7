"""Lists downloaded as CSV and Excel (.xlsx): one definition of a list's columns writes both.

A list to download is an ``Export``: a name for the file and one or more ``Sheet``s, each a title,
its ``Column``s (a header, how to read the cell from a row, and what kind of value it is) and the
rows (any iterable: a queryset read with ``.iterator()``, or a list a selector built). The views
build the rows with the same access rule, selector and filters as the page, unpaginated;
``export_response`` turns the export into the download.

- Text that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return, or their full-width forms) is prefixed with an apostrophe, in CSV and in
  the workbook's text cells alike (``neutralise``). Only text is: numbers, money and dates are
  written as values of their kind, so a negative number stays a number.
- CSV: UTF-8 with a byte order mark (Excel then reads accents right), every value as text:
  money with two decimals ("350.00"), dates as ISO dates ("2026-12-03"). It streams: rows are
  written as they are read. An export of several sheets writes each as a section: its title on a
  line of its own, its header, its rows, then an empty line.
- Excel: openpyxl's write-only workbook (rows go to a temporary file as they are written, not
  kept in memory), one worksheet per sheet, header row bold and frozen; money as numbers shown
  with two decimals, dates as dates. The finished file is sent from the temporary file.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import IO, Any, Generic, TypeVar

from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.urls import register_converter
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

R = TypeVar("R")

#: What a text cell may not start with: a spreadsheet would run it as a formula (OWASP, "CSV
#: injection"), and the full-width forms some spreadsheets read the same way.
FORMULA_STARTS = frozenset("=+-@\t\r" + "\uff1d\uff0b\uff0d\uff20")
#: The longest text an Excel cell holds.
XLSX_CELL_LIMIT = 32_767
#: The longest worksheet title Excel accepts, and the characters it refuses in one.
XLSX_TITLE_LIMIT = 31
_TITLE_REFUSED = re.compile(r"[\[\]:*?/\\]")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class Kind(StrEnum):
    """What a column holds, which decides how each format writes it."""

    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: its header, how to read its value from a row, and the value's kind. ``None``
    is an empty cell whatever the kind."""

    header: str
    value: Callable[[R], Any]
    kind: Kind = Kind.TEXT
    width: int | None = None


def text(header: str, value: Callable[[R], Any], width: int | None = None) -> Column[R]:
    return Column(header, value, Kind.TEXT, width)


def number(header: str, value: Callable[[R], Any]) -> Column[R]:
    return Column(header, value, Kind.NUMBER)


def money(header: str, value: Callable[[R], Any]) -> Column[R]:
    return Column(header, value, Kind.MONEY)


def date(header: str, value: Callable[[R], Any]) -> Column[R]:
    return Column(header, value, Kind.DATE)


@dataclass(frozen=True)
class Cell:
    """A value of another kind than its column's (a table of measures whose values differ)."""

    value: Any
    kind: Kind


def _kind_and_value(column: Column[Any], value: Any) -> tuple[Kind, Any]:
    if isinstance(value, Cell):
        return value.kind, value.value
    return column.kind, value


@dataclass(frozen=True)
class Sheet(Generic[R]):
    title: str
    columns: Sequence[Column[R]]
    rows: Iterable[R]


@dataclass(frozen=True)
class Export:
    """A download: ``name`` says what it is in the file's name (``syslead-NAME-DATE.csv``)."""

    name: str
    sheets: Sequence[Sheet[Any]] = field(default_factory=tuple)

    def filename(self, fmt: Format, today: dt.date | None = None) -> str:
        day = today or timezone.localdate()
        return f"syslead-{slugify(self.name)}-{day.isoformat()}.{fmt.value}"


# --- Cells ---------------------------------------------------------------------------------------


def neutralise(value: str) -> str:
    """Text safe to open in a spreadsheet: an apostrophe before a leading ``=``, ``+``, ``-``,
    ``@``, tab or carriage return (or their full-width forms), so that it shows as written and
    never runs as a formula."""
    if value and value[0] in FORMULA_STARTS:
        return "'" + value
    return value


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, dt.date) else None


def _money(value: Any) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def csv_value(column: Column[Any], value: Any) -> str:
    """The cell as CSV text: numbers as numbers, money with two decimals, dates as ISO dates,
    text neutralised."""
    kind, value = _kind_and_value(column, value)
    if value is None or value == "":
        return ""
    if kind is Kind.MONEY:
        return f"{_money(value):f}"
    if kind is Kind.NUMBER and isinstance(value, (int, float, Decimal)):
        return _number_text(value)
    if kind is Kind.DATE and (day := _as_date(value)) is not None:
        return day.isoformat()
    return neutralise(_as_text(value))


def _number_text(value: int | float | Decimal) -> str:
    if isinstance(value, Decimal):
        normal = value.normalize()
        # Decimal("10").normalize() is 1E+1: keep whole numbers whole.
        return f"{normal:f}" if normal == normal.to_integral_value() else str(normal)
    return str(value)


def xlsx_value(column: Column[Any], value: Any) -> tuple[Any, str | None]:
    """The cell's value for the workbook and its number format: numbers and money as numbers,
    dates as dates, text neutralised (without the control characters a workbook may not hold)."""
    kind, value = _kind_and_value(column, value)
    if value is None or value == "":
        return None, None
    if kind is Kind.MONEY:
        return _money(value), "#,##0.00"
    if kind is Kind.NUMBER and isinstance(value, (int, float, Decimal)):
        return value, None
    if kind is Kind.DATE and (day := _as_date(value)) is not None:
        return day, "yyyy-mm-dd"
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", _as_text(value))
    return neutralise(cleaned)[:XLSX_CELL_LIMIT], None


# --- Writers -------------------------------------------------------------------------------------


class _Line:
    """A file-like object that hands back what ``csv.writer`` writes (for streaming)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(export: Export) -> Iterator[str]:
    """The export as CSV, a line at a time (a byte order mark first)."""
    writer = csv.writer(_Line())
    yield BOM
    several = len(export.sheets) > 1
    for index, sheet in enumerate(export.sheets):
        if several:
            if index:
                yield writer.writerow([])
            yield writer.writerow([neutralise(sheet.title)])
        yield writer.writerow([neutralise(c.header) for c in sheet.columns])
        for row in sheet.rows:
            yield writer.writerow([csv_value(c, c.value(row)) for c in sheet.columns])


def sheet_title(title: str, taken: set[str]) -> str:
    """A worksheet title Excel accepts, unique in the workbook."""
    base = _TITLE_REFUSED.sub(" ", title).strip()[:XLSX_TITLE_LIMIT] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate = base[: XLSX_TITLE_LIMIT - len(suffix)] + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate


def write_xlsx(export: Export, out: IO[bytes]) -> None:
    """The export as an Excel workbook written to ``out``, one worksheet per sheet."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    bold = Font(bold=True)
    for sheet in export.sheets:
        worksheet: WriteOnlyWorksheet = workbook.create_sheet(sheet_title(sheet.title, taken))
        for position, column in enumerate(sheet.columns, start=1):
            worksheet.column_dimensions[get_column_letter(position)].width = column.width or max(
                12, min(40, len(column.header) + 4)
            )
        worksheet.freeze_panes = "A2"
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(worksheet, value=neutralise(column.header))
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        for row in sheet.rows:
            cells = []
            for column in sheet.columns:
                value, number_format = xlsx_value(column, column.value(row))
                cell = WriteOnlyCell(worksheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text, whatever it looks like: never a formula
                if number_format:
                    cell.number_format = number_format
                cells.append(cell)
            worksheet.append(cells)
    if not export.sheets:
        workbook.create_sheet("Sheet")
    workbook.save(out)


# --- The view helper -----------------------------------------------------------------------------


def export_response(export: Export, fmt: Format | str) -> HttpResponseBase:
    """The download: CSV streamed as its rows are read, or the Excel workbook built in a temporary
    file and sent from it; an attachment named for what it is and the day."""
    fmt = Format(fmt)
    filename = export.filename(fmt)
    if fmt is Format.CSV:
        response: HttpResponseBase = StreamingHttpResponse(
            csv_lines(export), content_type=CSV_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
        write_xlsx(export, spool)
        spool.seek(0)
        response = FileResponse(
            spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
        )
    response["Cache-Control"] = "private, no-store"
    return response


class FormatConverter:
    """``<export_format:fmt>`` in a URL: ``csv`` or ``xlsx``."""

    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


register_converter(FormatConverter, "export_format")
