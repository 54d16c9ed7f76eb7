"""``import_ofsted`` reads Ofsted inspections in Ofsted's published CSV layout (docs/impact.md,
"Newer Ofsted data"): inspections added, updated and unchanged; rows without a single overall
grade kept apart; bad rows rejected with their line and reason; a bad file, or a failure while
writing, imports nothing."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError

from conftest import make_school
from syslead.core.models import Event
from syslead.schools.models import OfstedInspection, OfstedRating, RegisterImport, School
from syslead.schools.ofsted_file import OfstedFileError
from syslead.schools.services import schools_import_ofsted

pytestmark = pytest.mark.django_db

#: The first columns of Ofsted's monthly management information, as published (a file has more).
MI_HEADER = [
    "Web link (opens in new window)",
    "URN",
    "LAESTAB",
    "School name",
    "Ofsted phase",
    "Type of education",
    "Inspection number",
    "Inspection type",
    "Inspection start date",
    "Publication date",
    "Overall effectiveness",
    "Category of concern",
    "Previous inspection start date",
    "Previous graded inspection overall effectiveness",
]


def mi_row(
    urn: str, start: str, grade: str, previous: str = "", previous_grade: str = ""
) -> list[str]:
    return [
        f"http://www.ofsted.gov.uk/inspection-reports/find-inspection-report/provider/ELS/{urn}",
        urn,
        "9252000",
        f"School {urn}",
        "Primary",
        "Community school",
        "10000001",
        "S5 Inspection",
        start,
        start,
        grade,
        "",
        previous,
        previous_grade,
    ]


def write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    return path


def run(path: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ofsted", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def schools() -> list[School]:
    return [make_school(urn, f"School {urn}", ofsted_rating="") for urn in (100001, 100002, 100003)]


def test_ofsteds_management_information_adds_inspections_and_the_latest_grade(
    tmp_path: Path, schools: list[School]
) -> None:
    """Rule: a graded row of a school in the register is added; the school's latest grade
    follows its newest inspection. Ofsted's grade numbers (1-4) are read as grades."""
    path = write(
        tmp_path / "Management_information_-_state-funded_schools.csv",
        MI_HEADER,
        [
            mi_row("100001", "14/03/2022", "2", "01/02/2017", "3"),
            mi_row("100002", "05/07/2023", "4"),
        ],
    )
    out, err = run(path)

    assert err == ""
    assert "Inspections added 3, updated 0, unchanged 0, kept apart 0" in out
    assert "rejected 0" in out
    assert set(OfstedInspection.objects.values_list("school_id", "inspected_on", "rating")) == {
        (100001, dt.date(2022, 3, 14), OfstedRating.GOOD),
        (100001, dt.date(2017, 2, 1), OfstedRating.REQUIRES_IMPROVEMENT),
        (100002, dt.date(2023, 7, 5), OfstedRating.INADEQUATE),
    }
    school = School.objects.get(urn=100001)
    assert (school.ofsted_rating, school.ofsted_inspected_on) == (
        OfstedRating.GOOD,
        dt.date(2022, 3, 14),
    )
    record = RegisterImport.objects.get()
    assert (record.source, record.added) == (RegisterImport.Source.OFSTED, 3)
    assert Event.objects.filter(verb="ofsted.imported").count() == 1


def test_a_second_import_updates_a_changed_grade_and_leaves_the_rest(
    tmp_path: Path, schools: list[School]
) -> None:
    """Rule: one inspection per school per day: a new grade for the same day updates it; the same
    grade is unchanged; an older inspection never replaces the school's newer latest grade."""
    write(tmp_path / "a.csv", MI_HEADER, [mi_row("100001", "14/03/2022", "3")])
    run(tmp_path / "a.csv")
    path = write(
        tmp_path / "b.csv",
        MI_HEADER,
        [mi_row("100001", "14/03/2022", "2"), mi_row("100001", "01/02/2017", "4")],
    )
    write(tmp_path / "c.csv", MI_HEADER, [mi_row("100001", "14/03/2022", "2")])

    out, _ = run(path)
    again, _ = run(tmp_path / "c.csv")

    assert "Inspections added 1, updated 1, unchanged 0" in out
    assert "Inspections added 0, updated 0, unchanged 1" in again
    school = School.objects.get(urn=100001)
    assert (school.ofsted_rating, school.ofsted_inspected_on) == (
        OfstedRating.GOOD,
        dt.date(2022, 3, 14),
    )


def test_rows_without_a_single_overall_grade_are_kept_apart(
    tmp_path: Path, schools: list[School]
) -> None:
    """Rule: an inspection without an overall grade ("Not judged", NULL: ungraded, or after
    September 2024) and any inspection from 1 September 2025 (the report-card era, even with a
    number in the column) is kept apart: counted, not stored."""
    path = write(
        tmp_path / "mi.csv",
        MI_HEADER,
        [
            mi_row("100001", "10/10/2024", "Not judged"),
            mi_row("100002", "11/11/2024", "NULL"),
            mi_row("100003", "01/09/2025", "2"),
            mi_row("100003", "14/03/2022", "Good"),
        ],
    )
    out, err = run(path)

    assert err == ""
    assert "Kept apart 3 rows without a single overall grade" in out
    assert "kept apart 3" in out
    assert list(OfstedInspection.objects.values_list("school_id", flat=True)) == [100003]
    assert RegisterImport.objects.get().kept_apart == 3


def test_bad_rows_are_rejected_with_their_line_and_reason(
    tmp_path: Path, schools: list[School]
) -> None:
    """Rule: a bad URN, date or grade, a school not in the register, a date in the future and a
    cut-short row are rejected with their line and reason; the good rows are imported."""
    future = (dt.date.today() + dt.timedelta(days=40)).strftime("%d/%m/%Y")
    rows = [
        mi_row("ABC", "14/03/2022", "2"),
        mi_row("100001", "31/02/2022", "2"),
        mi_row("100001", "14/03/2022", "Excellent"),
        mi_row("999999", "14/03/2022", "2"),
        mi_row("100002", future, "2"),
        mi_row("100003", "14/03/2022", "1"),
        mi_row("100003", "15/03/2022", "1")[:5],
    ]
    path = write(tmp_path / "mi.csv", MI_HEADER, rows)
    out, err = run(path)

    assert "Inspections added 1" in out
    assert "rejected 6" in out
    assert "Rejected line 2 (URN ABC): The URN 'ABC' is not a URN" in err
    assert "Rejected line 3 (URN 100001): The inspection date '31/02/2022' is not a date." in err
    assert "Rejected line 4 (URN 100001): The overall effectiveness 'Excellent'" in err
    assert "Rejected line 5 (URN 999999): URN 999999 is not in the register of schools." in err
    assert "Rejected line 6 (URN 100002): The inspection date" in err
    assert "future" in err
    assert "Rejected line 8 (URN 100003): The row has 5 fields but the header has 14" in err
    assert len(RegisterImport.objects.get().rejected_rows) == 6


def test_the_shipped_historys_layout_is_read_too(tmp_path: Path, schools: list[School]) -> None:
    """The layout of data/ofsted_inspections_2005-2020.csv.gz (URN, Rating, Inspection Date),
    gzip-compressed, as shipped."""
    path = tmp_path / "ofsted_inspections.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        handle.write("URN,Rating,Inspection Date\r\n100001,Outstanding,20130418\r\n")
        handle.write("100001,Requires Improvement,20080926\r\n")
    out, _ = run(path)
    assert out.startswith("Ofsted inspection history: Inspections added 2")


def test_a_file_that_is_not_an_ofsted_file_imports_nothing(
    tmp_path: Path, schools: list[School]
) -> None:
    """All or nothing: a file without Ofsted's columns is refused before any write."""
    path = write(tmp_path / "other.csv", ["URN", "Name"], [["100001", "A school"]])
    with pytest.raises(CommandError, match="not an Ofsted inspections file"):
        run(path)
    assert not OfstedInspection.objects.exists()
    assert not RegisterImport.objects.exists()


def test_a_report_card_file_is_refused_saying_why(tmp_path: Path, schools: list[School]) -> None:
    """Report-card management information (no "Overall effectiveness") has nothing to import."""
    header = ["URN", "Inspection start date", "Inclusion", "Curriculum and teaching"]
    path = write(
        tmp_path / "rc.csv",
        header,
        [["100001", "20/11/2025", "Strong standard", "Expected standard"]],
    )
    with pytest.raises(CommandError, match="report-card inspections"):
        run(path)
    assert not OfstedInspection.objects.exists()


def test_a_failure_while_writing_leaves_nothing_half_written(
    tmp_path: Path, schools: list[School]
) -> None:
    """All or nothing: the inspections written before a failure are rolled back with it."""
    path = write(
        tmp_path / "mi.csv",
        MI_HEADER,
        [mi_row("100001", "14/03/2022", "2"), mi_row("100002", "05/07/2023", "4")],
    )
    with (
        mock.patch(
            "syslead.schools.services.upsert_schools",
            side_effect=OperationalError("database or disk is full"),
        ),
        pytest.raises(OfstedFileError, match="Nothing was imported"),
    ):
        schools_import_ofsted(actor=None, path=path)
    assert not OfstedInspection.objects.exists()
    assert not RegisterImport.objects.exists()
    assert School.objects.get(urn=100001).ofsted_inspected_on is None


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="There is no file at"):
        run(tmp_path / "nothing.csv")
