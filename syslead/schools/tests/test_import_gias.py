"""``import_gias`` reads a real GIAS download unchanged, creates or updates by URN, and rejects bad
rows with their line number and reason (a bad file imports nothing)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from syslead.accounts.models import User
from syslead.core.exceptions import NotAllowed
from syslead.core.models import Event
from syslead.schools.geo import haversine_km
from syslead.schools.gias import GiasFileError
from syslead.schools.models import OfstedInspection, OfstedRating, Phase, RegisterImport, School
from syslead.schools.services import schools_import_gias

SAMPLE = Path(__file__).parent / "fixtures" / "gias_edubasealldata_sample_2018-10-29.csv"
pytestmark = pytest.mark.django_db


def _sample_rows() -> tuple[list[str], list[list[str]]]:
    with SAMPLE.open(encoding="cp1252", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, list(reader)


def _write(path: Path, header: list[str], rows: list[list[str]], encoding: str = "cp1252") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _set(header: list[str], row: list[str], column: str, value: str) -> list[str]:
    changed = list(row)
    changed[header.index(column)] = value
    return changed


def _import(path: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_gias", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_real_gias_sample_imports_all_twenty_schools() -> None:
    out, err = _import(SAMPLE)

    assert out.strip() == "Added 20, updated 0, unchanged 0, rejected 0."
    assert err == ""
    assert School.objects.count() == 20
    assert RegisterImport.objects.get().added == 20


def test_sample_rows_get_the_contract_phases() -> None:
    _import(SAMPLE)

    phases = dict(School.objects.values_list("urn", "phase"))
    assert phases[100000] == Phase.PRIMARY  # Voluntary aided school, Primary
    assert phases[100001] == Phase.ALL_THROUGH  # independent, Not applicable, ages 7-18
    assert phases[100003] == Phase.SECONDARY  # independent, Not applicable, ages 10-18
    assert phases[100004] == Phase.NURSERY  # Local authority nursery school
    assert phases[100006] == Phase.ALTERNATIVE_PROVISION  # Pupil referral unit
    assert phases[100007] == Phase.ALTERNATIVE_PROVISION
    assert phases[100017] == Phase.PRIMARY  # infant school
    assert set(phases.values()) <= set(Phase.values)


def test_sample_school_fields_come_from_the_gias_columns() -> None:
    _import(SAMPLE)

    school = School.objects.get(urn=100000)
    assert school.name == "Sir John Cass's Foundation Primary School"
    assert school.establishment_type == "Voluntary aided school"
    assert school.type_group == "LA maintained schools"
    assert school.local_authority == "City of London"
    assert school.la_code == "201"
    assert school.region == "London"
    assert school.town == "London"
    assert school.postcode == "EC3A 5DE"
    assert school.postcode_compact == "EC3A5DE"
    assert (school.age_low, school.age_high) == (3, 11)
    assert school.religious_character == "Church of England"
    assert school.ofsted_rating == OfstedRating.OUTSTANDING
    assert str(school.ofsted_inspected_on) == "2013-04-19"
    assert school.name_search == "sir john casss foundation primary school london"
    assert (school.easting, school.northing) == (533498, 181201)


def test_easting_and_northing_become_latitude_and_longitude_within_metres() -> None:
    _import(SAMPLE)

    school = School.objects.get(urn=100000)
    assert school.latitude is not None
    assert school.longitude is not None
    # EC3A 5DE is at about 51.5137, -0.0775 (GIAS's grid reference is 34 m north of Code-Point's).
    assert haversine_km(school.latitude, school.longitude, 51.5137, -0.0775) < 0.05
    assert school.location_source == "gias"


def test_closed_schools_are_imported_as_closed() -> None:
    _import(SAMPLE)

    closed = set(School.objects.filter(is_open=False).values_list("urn", flat=True))
    assert closed == {100004, 100016, 100017}


def test_the_latest_ofsted_grade_is_kept_as_history() -> None:
    _import(SAMPLE)

    inspection = OfstedInspection.objects.get(school_id=100006)
    assert (inspection.rating, str(inspection.inspected_on)) == ("good", "2017-11-29")
    # Kingsgate Junior has an inspection date but no grade: no graded inspection to record.
    assert not OfstedInspection.objects.filter(school_id=100016).exists()


def test_importing_the_same_file_again_changes_nothing() -> None:
    _import(SAMPLE)

    out, _ = _import(SAMPLE)

    assert out.strip() == "Added 0, updated 0, unchanged 20, rejected 0."
    assert School.objects.count() == 20
    assert OfstedInspection.objects.count() == 14


def test_reimport_updates_changed_schools_by_urn(tmp_path: Path) -> None:
    _import(SAMPLE)
    header, rows = _sample_rows()
    rows[0] = _set(header, rows[0], "EstablishmentName", "The Aldgate School")
    rows[0] = _set(header, rows[0], "OfstedRating (name)", "Good")
    rows[0] = _set(header, rows[0], "OfstedLastInsp", "02-10-2018")
    rows[5] = _set(header, rows[5], "EstablishmentStatus (name)", "Closed")

    out, _ = _import(_write(tmp_path / "edubasealldata20181101.csv", header, rows))

    assert out.strip() == "Added 0, updated 2, unchanged 18, rejected 0."
    aldgate = School.objects.get(urn=100000)
    assert aldgate.name == "The Aldgate School"
    assert aldgate.name_search == "the aldgate school london"
    assert aldgate.ofsted_rating == OfstedRating.GOOD
    assert list(aldgate.inspections.values_list("rating", flat=True)) == ["good", "outstanding"]
    assert School.objects.get(urn=100005).is_open is False


def test_an_older_ofsted_grade_does_not_replace_a_newer_one(tmp_path: Path) -> None:
    _import(SAMPLE)
    header, rows = _sample_rows()
    rows[0] = _set(header, rows[0], "OfstedRating (name)", "Inadequate")
    rows[0] = _set(header, rows[0], "OfstedLastInsp", "01-01-2009")

    _import(_write(tmp_path / "old.csv", header, rows))

    assert School.objects.get(urn=100000).ofsted_rating == OfstedRating.OUTSTANDING


def test_cp1252_and_utf8_files_both_read(tmp_path: Path) -> None:
    header, rows = _sample_rows()
    rows[0] = _set(header, rows[0], "EstablishmentName", "St Mary’s Café School")

    _import(_write(tmp_path / "cp1252.csv", header, rows[:1], encoding="cp1252"))
    assert School.objects.get(urn=100000).name == "St Mary’s Café School"

    rows[0] = _set(header, rows[0], "EstablishmentName", "St Mary’s Crèche School")
    _import(_write(tmp_path / "utf8.csv", header, rows[:1], encoding="utf-8-sig"))
    assert School.objects.get(urn=100000).name == "St Mary’s Crèche School"


def test_a_bad_row_among_good_ones_is_rejected_with_its_line_and_reason(tmp_path: Path) -> None:
    header, rows = _sample_rows()
    rows[2] = _set(header, rows[2], "URN", "10000X")

    out, err = _import(_write(tmp_path / "one_bad.csv", header, rows))

    assert out.strip() == "Added 19, updated 0, unchanged 0, rejected 1."
    assert "Rejected line 4 (URN 10000X): The URN '10000X' is not a URN" in err
    assert not School.objects.filter(urn=100002).exists()
    record = RegisterImport.objects.get()
    assert record.rejected_rows == [
        {
            "line": 4,
            "urn": "10000X",
            "reason": "The URN '10000X' is not a URN (a whole number such as 100000).",
        }
    ]


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("URN", "", "The URN is empty."),
        ("URN", "-5", "is not a URN"),
        ("EstablishmentName", "  ", "The school has no name"),
        ("Easting", "five hundred", "must be numbers in metres"),
        ("Northing", "", "must both be given"),
        ("Easting", "9533498", "outside Great Britain's National Grid"),
        ("Northing", "-181201", "outside Great Britain's National Grid"),
    ],
)
def test_bad_rows_are_rejected(tmp_path: Path, column: str, value: str, reason: str) -> None:
    header, rows = _sample_rows()
    rows[1] = _set(header, rows[1], column, value)

    result = schools_import_gias(actor=None, path=_write(tmp_path / "bad.csv", header, rows))

    assert (result.added, len(result.rejected)) == (19, 1)
    assert result.rejected[0].line == 3
    assert reason in result.rejected[0].reason


def test_a_urn_repeated_in_the_file_is_rejected_the_second_time(tmp_path: Path) -> None:
    header, rows = _sample_rows()

    result = schools_import_gias(
        actor=None, path=_write(tmp_path / "twice.csv", header, [*rows, rows[0]])
    )

    assert result.added == 20
    assert result.rejected[0].reason == "URN 100000 is repeated (first on line 2)."


def test_a_row_without_grid_reference_is_imported_without_location(tmp_path: Path) -> None:
    header, rows = _sample_rows()
    row = _set(header, rows[0], "Easting", "")
    row = _set(header, row, "Northing", "")

    schools_import_gias(actor=None, path=_write(tmp_path / "unplaced.csv", header, [row]))

    assert School.objects.get(urn=100000).latitude is None


def test_wrong_header_imports_nothing(tmp_path: Path) -> None:
    header, rows = _sample_rows()
    header = ["School URN" if name == "URN" else name for name in header]
    header = [name for name in header if name != "Easting"]

    with pytest.raises(CommandError) as refused:
        _import(_write(tmp_path / "wrong.csv", header, [row[:-1] for row in rows]))

    assert "the header lacks the columns 'URN', 'Easting'" in str(refused.value)
    assert not School.objects.exists()


def test_a_file_that_is_not_gias_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "teaching_schools.csv"
    other.write_text("Alliance Name,Teaching School,URN\nDerby,Harrington Nursery School,112474\n")

    with pytest.raises(GiasFileError, match="not a GIAS schools download"):
        schools_import_gias(actor=None, path=other)


@pytest.mark.parametrize("content", [b"", b"\r\n  \r\n"])
def test_an_empty_file_is_refused(tmp_path: Path, content: bytes) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(content)

    with pytest.raises(CommandError, match="The file is empty"):
        _import(empty)


def test_a_header_without_rows_is_refused(tmp_path: Path) -> None:
    header, _ = _sample_rows()

    with pytest.raises(CommandError, match="a header but no schools"):
        _import(_write(tmp_path / "header_only.csv", header, []))


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="There is no file"):
        _import(tmp_path / "nowhere.csv")


def test_the_import_is_logged_as_an_event() -> None:
    _import(SAMPLE)

    event = Event.objects.get(verb="schools.imported")
    assert event.data["added"] == 20


def test_a_stranger_may_not_import(stranger: User) -> None:
    with pytest.raises(NotAllowed):
        schools_import_gias(actor=stranger, path=SAMPLE)
