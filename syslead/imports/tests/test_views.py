"""The leaders import pages: upload CSV or Excel, a preview of what would be created, updated and
unchanged with every bad row, nothing written until the coordinator confirms (and nothing at all
while any row is bad); the templates carry the exact columns."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.imports.files import LEADER_COLUMNS
from syslead.imports.models import Upload, UploadStatus
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]
YEAR = AcademicYear.current().label
GOOD = ["lee@school.test", "Lee", "Turner", "120002", "Deputy head", "SLE", "2024-09-01",
        "maths;english", "primary", "10", YEAR]  # fmt: skip


def _csv_file(*rows: list[str], name: str = "leaders.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LEADER_COLUMNS)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def _xlsx_file(*rows: list[Any]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(LEADER_COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("leaders.xlsx", out.getvalue())


@pytest.fixture
def schools(home_school: School, client_school: School) -> None:
    return None


def _upload(client: Client, file: SimpleUploadedFile) -> Any:
    return client.post("/imports/leaders/", {"file": file})


def test_upload_shows_a_preview_and_writes_nothing(
    login: Login, coordinator: User, schools: None
) -> None:
    client = login(coordinator)
    response = _upload(client, _csv_file(GOOD, ["ann@school.test", *GOOD[1:]]))
    upload = Upload.objects.get()
    assert response["Location"] == f"/imports/leaders/{upload.pk}/"
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert b"To add</dt><dd>2<" in preview.content
    assert b"lee@school.test" in preview.content
    assert b"Import 2 leaders" in preview.content
    assert not LeaderProfile.objects.exists()


def test_confirming_imports_the_rows(
    login: Login, coordinator: User, alliance: Organisation, schools: None
) -> None:
    client = login(coordinator)
    _upload(client, _csv_file(GOOD))
    upload = Upload.objects.get()
    response = client.post(f"/imports/leaders/{upload.pk}/confirm/", follow=True)
    assert b"Imported 1 system leaders (to add: 1" in response.content
    assert LeaderProfile.objects.get().created_by_organisation == alliance
    upload.refresh_from_db()
    assert upload.status == UploadStatus.IMPORTED
    client.post(f"/imports/leaders/{upload.pk}/confirm/")  # a second press does nothing more
    assert LeaderProfile.objects.count() == 1


def test_every_bad_row_is_shown_and_nothing_can_be_imported(
    login: Login, coordinator: User, schools: None
) -> None:
    client = login(coordinator)
    bad_school = ["b@school.test", *GOOD[1:3], "999999", *GOOD[4:]]
    bad_phase = ["c@school.test", *GOOD[1:8], "college", *GOOD[9:]]
    _upload(client, _csv_file(GOOD, bad_school, bad_phase))
    upload = Upload.objects.get()
    preview = client.get(f"/imports/leaders/{upload.pk}/")
    assert b"Nothing will be imported" in preview.content
    assert b"999999" in preview.content
    assert b"college" in preview.content
    assert re.search(rb'<td data-label="[^"]+" class="num">3</td>', preview.content)
    assert re.search(rb'<td data-label="[^"]+" class="num">4</td>', preview.content)
    assert b"Import 1 leader" not in preview.content
    response = client.post(f"/imports/leaders/{upload.pk}/confirm/")
    assert response.status_code == 200
    assert not LeaderProfile.objects.exists()


def test_an_excel_workbook_is_read_with_real_dates(
    login: Login, coordinator: User, schools: None
) -> None:
    import datetime as dt

    client = login(coordinator)
    row: list[Any] = list(GOOD)
    row[3] = 120002  # a number cell
    row[6] = dt.datetime(2024, 9, 1)  # a date cell
    row[9] = 10
    _upload(client, _xlsx_file(row))
    upload = Upload.objects.get()
    client.post(f"/imports/leaders/{upload.pk}/confirm/")
    leader = LeaderProfile.objects.get()
    assert leader.designations.get().designated_on == dt.date(2024, 9, 1)


def test_a_file_that_is_not_a_spreadsheet_is_refused_in_the_page(
    login: Login, coordinator: User
) -> None:
    client = login(coordinator)
    junk = SimpleUploadedFile("leaders.xlsx", b"PK\x03\x04 not really a workbook")
    response = _upload(client, junk)
    assert response.status_code == 200
    assert b"The Excel file cannot be read" in response.content
    response = _upload(client, SimpleUploadedFile("photo.png", b"\x89PNG"))
    assert b"must be a CSV or an Excel .xlsx file" in response.content
    assert not Upload.objects.exists()


def test_the_templates_have_the_exact_columns(login: Login, coordinator: User) -> None:
    client = login(coordinator)
    response = client.get("/imports/leaders/template.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == list(LEADER_COLUMNS)
    response = client.get("/imports/leaders/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    assert [c for c in next(sheet.iter_rows(values_only=True)) if c] == list(LEADER_COLUMNS)
    assert client.get("/imports/leaders/template.pdf").status_code == 404


def test_a_downloaded_template_filled_in_imports(
    login: Login, coordinator: User, schools: None
) -> None:
    client = login(coordinator)
    header = client.get("/imports/leaders/template.csv").content
    body = header + ",".join(GOOD).encode() + b"\r\n"
    _upload(client, SimpleUploadedFile("filled.csv", body))
    preview = client.get(f"/imports/leaders/{Upload.objects.get().pk}/")
    assert b"To add</dt><dd>1<" in preview.content


@pytest.mark.parametrize(
    "persona", ["broker_lead", "sip", "leader_user", "client_head", "stranger"]
)
def test_only_coordinators_import(
    login: Login, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    client = login(user)
    assert client.get("/imports/leaders/").status_code == 403
    assert client.get("/imports/leaders/template.csv").status_code == 403


def test_another_organisations_coordinator_cannot_see_or_confirm_an_upload(
    login: Login, coordinator: User, other_coordinator: User, schools: None
) -> None:
    _upload(login(coordinator), _csv_file(GOOD))
    upload = Upload.objects.get()
    other = login(other_coordinator)
    assert other.get(f"/imports/leaders/{upload.pk}/").status_code == 404
    assert other.post(f"/imports/leaders/{upload.pk}/confirm/").status_code == 404
    assert not LeaderProfile.objects.exists()


def test_a_coordinator_cannot_upload_for_another_organisation(
    login: Login, coordinator: User, other_org: Organisation, schools: None
) -> None:
    response = login(coordinator).post(
        "/imports/leaders/", {"file": _csv_file(GOOD), "organisation": other_org.pk}
    )
    assert response.status_code in (200, 302)
    upload = Upload.objects.first()
    assert upload is None or upload.organisation != other_org


def test_anonymous_is_sent_to_sign_in(client: Client, db: None) -> None:
    assert client.get("/imports/leaders/").status_code == 302
