"""Reading an import's file into a table of text cells (CSV in UTF-8, with or without a byte
order mark, or Windows-1252; Excel .xlsx), and writing the blank templates."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

#: The leaders import's columns, exactly, in the template's order.
LEADER_COLUMNS: tuple[str, ...] = (
    "email",
    "first_name",
    "last_name",
    "home_school",
    "job_title",
    "designation",
    "designated_on",
    "specialisms",
    "phases",
    "release_days",
    "academic_year",
)
#: The people import's columns: headteachers (with their school's URN), and the organisation's
#: school improvement partners, coordinators and broker leads.
PEOPLE_COLUMNS: tuple[str, ...] = ("email", "name", "role", "school")
#: The largest file the leaders import takes (the API's other endpoints take 2.5 MB).
MAX_IMPORT_BYTES = 10 * 1024 * 1024
#: More rows than this is not one broker's records.
MAX_ROWS = 20_000

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_XLSX_MAGIC = b"PK\x03\x04"


class FileProblem(Exception):
    """The file as a whole cannot be read (wrong encoding, not a spreadsheet, no header)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def decode_text(data: bytes) -> str:
    """UTF-8 (a byte order mark is dropped), else Windows-1252, as spreadsheet programs save."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileProblem(
            "The file is not text in UTF-8 or Windows-1252: save it from your spreadsheet as "
            "'CSV UTF-8'."
        ) from None


def read_csv(data: bytes) -> list[list[str]]:
    """The CSV's rows as lists of cells (the header first)."""
    if not data.strip():
        raise FileProblem("The file is empty: it needs a header row and a row per leader.")
    text = decode_text(data)
    if "\x00" in text:
        raise FileProblem("The file is not a CSV file: save it from your spreadsheet as CSV.")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise FileProblem(f"The CSV file cannot be read: {error}.") from None
    return _bounded(rows)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes) -> list[list[str]]:
    """The first worksheet's rows as text cells (dates as YYYY-MM-DD), read-only and streamed."""
    from openpyxl import load_workbook

    if not data.startswith(_XLSX_MAGIC):
        raise FileProblem("The file is not an Excel .xlsx workbook.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise FileProblem("The Excel file cannot be read: save it again as .xlsx.") from None
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
    finally:
        workbook.close()
    # Excel pads rows to the widest one: drop the empty cells at the end of each row.
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    return _bounded(rows)


def read_table(data: bytes, filename: str = "") -> list[list[str]]:
    """A CSV or .xlsx upload, told apart by its content (a workbook is a zip file)."""
    if data.startswith(_XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        return read_xlsx(data)
    return read_csv(data)


def _bounded(rows: list[list[str]]) -> list[list[str]]:
    if len(rows) > MAX_ROWS + 1:
        raise FileProblem(f"The file has more than {MAX_ROWS:,} rows: split it into smaller files.")
    return rows


def template_csv(columns: Sequence[str] = LEADER_COLUMNS) -> bytes:
    """The blank CSV template: the header row only, UTF-8 with a byte order mark (Excel opens it
    with the right characters)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(columns)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(columns: Sequence[str] = LEADER_COLUMNS, title: str = "Leaders") -> bytes:
    """The blank Excel template: the header row, in bold, every column as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(column) + 4)
        for row in range(2, 502):
            sheet.cell(row=row, column=index).number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
