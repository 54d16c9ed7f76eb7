"""The export writer: one column definition writes CSV and Excel, text that would run as a
formula is neutralised, numbers, money and dates keep their kind, CSV streams."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import load_workbook

from syslead.core import exports as x
from syslead.core.tests.export_helpers import body, read_csv, read_workbook, read_xlsx

COLUMNS: list[x.Column[dict[str, Any]]] = [
    x.text("Name", lambda r: r["name"]),
    x.number("Days", lambda r: r["days"]),
    x.money("Total (£)", lambda r: r["total"]),
    x.date("On", lambda r: r["on"]),
]

HOSTILE = ['=HYPERLINK("http://evil.test","x")', "+1", "-2", "@SUM(A1:A2)", "\tx", "\rx"]


def _rows() -> list[dict[str, Any]]:
    return [
        {"name": name, "days": Decimal("-2"), "total": Decimal("350"), "on": dt.date(2026, 12, 3)}
        for name in HOSTILE
    ] + [{"name": "Ann Smith", "days": 6, "total": None, "on": None}]


def _export(rows: Any = None) -> x.Export:
    return x.Export("people", [x.Sheet("People", COLUMNS, _rows() if rows is None else rows)])


@pytest.mark.parametrize("text", [*HOSTILE, "\uff1dSUM(A1)"])
def test_text_starting_like_a_formula_gets_an_apostrophe(text: str) -> None:
    assert x.neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Ann", "3 days", "a=b", "O'Neill", "'quoted"])
def test_ordinary_text_is_left_as_written(text: str) -> None:
    assert x.neutralise(text) == text


def test_csv_neutralises_text_but_numbers_stay_numbers() -> None:
    rows = read_csv(x.export_response(_export(), "csv"))
    assert rows[0] == ["Name", "Days", "Total (£)", "On"]
    assert [r[0] for r in rows[1:-1]] == ["'" + h for h in HOSTILE]
    # A negative number is a number: written as is, no apostrophe; money with two decimals.
    assert rows[1][1:] == ["-2", "350.00", "2026-12-03"]
    assert rows[-1] == ["Ann Smith", "6", "", ""]


def test_csv_writes_whole_and_fractional_days_plainly() -> None:
    column = x.number("Days", lambda r: r)
    assert [x.csv_value(column, v) for v in (Decimal("10"), Decimal("6.50"), 3)] == [
        "10",
        "6.5",
        "3",
    ]


def test_csv_writes_a_date_time_as_its_local_date() -> None:
    column = x.date("On", lambda r: r)
    moment = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)  # 00:30 on 1 July in London
    assert x.csv_value(column, moment) == "2026-07-01"


def test_xlsx_neutralises_text_cells_and_keeps_numbers_money_and_dates() -> None:
    sheet = read_workbook(x.export_response(_export(), "xlsx"))["People"]
    names = [sheet.cell(row=i, column=1) for i in range(2, 2 + len(HOSTILE))]
    # (XML reads a carriage return back as a line feed: the apostrophe is what matters.)
    assert [c.value for c in names] == ["'" + h.replace("\r", "\n") for h in HOSTILE]
    assert all(c.data_type == "s" for c in names)
    days, total, on = sheet.cell(row=2, column=2), sheet.cell(row=2, column=3), sheet["D2"]
    assert days.value == -2
    assert days.data_type == "n"
    assert total.value == 350
    assert total.data_type == "n"
    assert total.number_format == "#,##0.00"
    assert on.value.date() == dt.date(2026, 12, 3)
    assert on.is_date
    assert sheet["A1"].font.bold


def test_xlsx_drops_control_characters_a_workbook_cannot_hold() -> None:
    export = _export([{"name": "Ann\x00\x07 Smith", "days": 1, "total": 1, "on": None}])
    rows = read_xlsx(x.export_response(export, "xlsx"))
    assert rows[1][0] == "Ann Smith"


def test_several_sheets_are_worksheets_in_excel_and_sections_in_csv() -> None:
    export = x.Export(
        "report",
        [
            x.Sheet("First", COLUMNS, _rows()[-1:]),
            x.Sheet("=Second", [x.text("Item", lambda r: r)], ["a", "b"]),
        ],
    )
    rows = read_csv(x.export_response(export, "csv"))
    assert rows == [
        ["First"],
        ["Name", "Days", "Total (£)", "On"],
        ["Ann Smith", "6", "", ""],
        [],
        ["'=Second"],
        ["Item"],
        ["a"],
        ["b"],
    ]
    workbook = read_workbook(x.export_response(export, "xlsx"))
    assert workbook.sheetnames == ["First", "=Second"]


def test_worksheet_titles_are_short_unique_and_without_refused_characters() -> None:
    taken: set[str] = set()
    long = "Deployment record: Autumn term 2025/26 and more"
    first, second = x.sheet_title(long, taken), x.sheet_title(long, taken)
    assert len(first) <= 31
    assert len(second) <= 31
    assert first != second
    assert not set(first) & set("[]:*?/\\")


def test_csv_download_streams_and_reads_no_row_before_it_is_sent() -> None:
    read: list[int] = []

    def rows() -> Any:
        for n in range(3):
            read.append(n)
            yield {"name": f"Row {n}", "days": n, "total": n, "on": None}

    response = x.export_response(_export(rows()), "csv")
    assert isinstance(response, StreamingHttpResponse)
    assert read == []
    assert len(read_csv(response)) == 4
    assert read == [0, 1, 2]


def test_downloads_are_attachments_named_for_what_and_when() -> None:
    today = timezone.localdate().isoformat()
    csv_response = x.export_response(_export(), "csv")
    xlsx_response = x.export_response(_export(), "xlsx")
    assert isinstance(xlsx_response, FileResponse)
    assert csv_response["Content-Disposition"] == (
        f'attachment; filename="syslead-people-{today}.csv"'
    )
    assert xlsx_response["Content-Disposition"] == (
        f'attachment; filename="syslead-people-{today}.xlsx"'
    )
    load_workbook(io.BytesIO(body(xlsx_response)))


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="pdf"):
        x.export_response(_export(), "pdf")


def test_a_cell_may_be_of_another_kind_than_its_column() -> None:
    value = x.number("Value", lambda r: r)
    assert x.csv_value(value, x.Cell(Decimal("850"), x.Kind.MONEY)) == "850.00"
    assert x.xlsx_value(value, x.Cell(Decimal("850"), x.Kind.MONEY)) == (
        Decimal("850.00"),
        "#,##0.00",
    )
    assert x.csv_value(value, "=1+1") == "'=1+1"
