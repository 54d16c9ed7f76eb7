"""Reading a download back in tests: CSV with the csv module, Excel with openpyxl."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpResponseBase
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook


def body(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined,no-any-return]


def read_csv(response: HttpResponseBase) -> list[list[str]]:
    """The CSV's rows (the byte order mark dropped), the header first."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def read_workbook(response: HttpResponseBase) -> Workbook:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(body(response)))


def read_xlsx(response: HttpResponseBase) -> list[list[Any]]:
    """The first worksheet's values, the header first."""
    sheet = read_workbook(response).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def column(rows: list[list[Any]], header: str) -> list[Any]:
    """The values under ``header``, header row excluded."""
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def queries_for(client: Any, url: str) -> int:
    """How many queries a download costs, the whole body read (a CSV streams after the view)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        body(response)
    return len(queries)
