"""A damaged GIAS file cannot damage the register: a row of the wrong width or with a NUL byte is
rejected with its line; a file is read as UTF-8 or Windows-1252 as a whole and a file that mixes
them (or is neither) is refused; a failure part-way (memory, database) leaves the register as it
was and says so in words."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError

from syslead.schools import bulk, services
from syslead.schools.gias import GiasFileError
from syslead.schools.models import OfstedInspection, RegisterImport, School
from syslead.schools.register import RegisterFileError
from syslead.schools.services import schools_import_gias, schools_load_register

SAMPLE = Path(__file__).parent / "fixtures" / "gias_edubasealldata_sample_2018-10-29.csv"
pytestmark = pytest.mark.django_db


def _sample() -> tuple[list[str], list[list[str]]]:
    with SAMPLE.open(encoding="cp1252", newline="") as handle:
        reader = csv.reader(handle)
        return next(reader), list(reader)


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _set(header: list[str], row: list[str], column: str, value: str) -> list[str]:
    changed = list(row)
    changed[header.index(column)] = value
    return changed


def _register_snapshot() -> list[tuple[Any, ...]]:
    return list(School.objects.order_by("urn").values_list("urn", "name", "postcode", "town"))


@pytest.fixture
def imported() -> list[tuple[Any, ...]]:
    """The sample imported once: the register a damaged file must not change."""
    call_command("import_gias", str(SAMPLE), stdout=io.StringIO(), stderr=io.StringIO())
    return _register_snapshot()


def _import(path: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_gias", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_row_cut_short_is_rejected_and_never_blanks_the_school(
    tmp_path: Path, imported: list[tuple[Any, ...]]
) -> None:
    header, rows = _sample()
    # A file truncated in the middle of its last row: URN, name and a few columns, no postcode.
    text = _csv_text(header, rows[:3]) + '100003,"201","City of London","6007","St Paul'
    path = tmp_path / "truncated.csv"
    path.write_bytes(text.encode("cp1252"))

    out, err = _import(path)

    assert out.strip() == "Added 0, updated 0, unchanged 3, rejected 1."
    assert "Rejected line 5 (URN 100003): The row has 5 fields but the header has 133" in err
    assert "cut short" in err
    assert _register_snapshot() == imported
    assert School.objects.get(urn=100003).postcode != ""


def test_a_row_too_long_is_rejected_with_its_line(
    tmp_path: Path, imported: list[tuple[Any, ...]]
) -> None:
    header, rows = _sample()
    long_row = [*_set(header, rows[1], "Town", "Nowhere"), "extra"]
    path = tmp_path / "long.csv"
    path.write_bytes(_csv_text(header, [rows[0], long_row]).encode("cp1252"))

    result = schools_import_gias(actor=None, path=path)

    assert (result.updated, result.rejected_count) == (0, 1)
    assert result.rejected[0].line == 3
    assert "has 134 fields but the header has 133" in result.rejected[0].reason
    assert _register_snapshot() == imported


def test_a_row_with_a_nul_byte_is_rejected_and_nothing_with_nul_is_stored(
    tmp_path: Path, imported: list[tuple[Any, ...]]
) -> None:
    header, rows = _sample()
    damaged = _set(header, rows[0], "EstablishmentName", "Sir John\x00 Cass")
    path = tmp_path / "nul.csv"
    path.write_bytes(_csv_text(header, [damaged, rows[1]]).encode("cp1252"))

    result = schools_import_gias(actor=None, path=path)

    assert result.rejected[0].line == 2
    assert "NUL byte" in result.rejected[0].reason
    assert _register_snapshot() == imported
    assert not any("\x00" in name for name in School.objects.values_list("name", flat=True))


def test_a_mostly_utf8_file_with_one_stray_byte_is_refused_naming_the_line(
    tmp_path: Path, imported: list[tuple[Any, ...]]
) -> None:
    header, rows = _sample()
    rows[0] = _set(header, rows[0], "EstablishmentName", "St Mary’s Café School")
    text = _csv_text(header, rows[:4]).encode("utf-8")
    stray = text.replace(b"School for Girls", b"Sch\xe9ol for Girls")  # a Windows-1252 "é"
    assert stray != text
    path = tmp_path / "mixed.csv"
    path.write_bytes(stray)

    with pytest.raises(CommandError) as refused:
        _import(path)

    message = str(refused.value)
    assert "mixes two encodings" in message
    assert "line 2 has UTF-8 text" in message
    assert "the byte 0xE9, which is not UTF-8" in message
    assert _register_snapshot() == imported
    assert RegisterImport.objects.count() == 1  # only the first import


def test_a_file_that_is_neither_utf8_nor_windows_1252_is_refused(
    tmp_path: Path, imported: list[tuple[Any, ...]]
) -> None:
    header, rows = _sample()
    text = _csv_text(header, rows[:2]).encode("cp1252").replace(b"Sir John", b"Sir \x81John")
    path = tmp_path / "neither.csv"
    path.write_bytes(text)

    with pytest.raises(GiasFileError, match="neither UTF-8 nor Windows-1252: line 2"):
        schools_import_gias(actor=None, path=path)

    assert _register_snapshot() == imported


def test_a_windows_1252_file_is_read_as_windows_1252_throughout(tmp_path: Path) -> None:
    header, rows = _sample()
    rows[0] = _set(header, rows[0], "EstablishmentName", "St Mary’s Café School")
    rows[1] = _set(header, rows[1], "Town", "Ashby-de-la-Zouch – Leicestershire")
    path = tmp_path / "cp1252.csv"
    path.write_bytes(_csv_text(header, rows[:2]).encode("cp1252"))

    schools_import_gias(actor=None, path=path)

    assert School.objects.get(urn=100000).name == "St Mary’s Café School"
    assert School.objects.get(urn=100001).town == "Ashby-de-la-Zouch – Leicestershire"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_a_utf8_file_with_or_without_byte_order_mark_is_read_as_utf8(
    tmp_path: Path, encoding: str
) -> None:
    header, rows = _sample()
    rows[0] = _set(header, rows[0], "EstablishmentName", "Ysgol Gymraeg Ŵyr Café")
    path = tmp_path / "utf8.csv"
    path.write_bytes(_csv_text(header, rows[:1]).encode(encoding))

    result = schools_import_gias(actor=None, path=path)

    assert (result.added, result.rejected_count) == (1, 0)
    assert School.objects.get(urn=100000).name == "Ysgol Gymraeg Ŵyr Café"


def test_a_line_far_too_long_refuses_the_file(
    tmp_path: Path, imported: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("syslead.schools.csvfile.MAX_LINE_CHARS", 5000)
    header, rows = _sample()
    path = tmp_path / "one_line.csv"
    path.write_bytes(_csv_text(header, rows[:2]).encode("cp1252") + b"x" * 6000 + b"\r\n")

    with pytest.raises(GiasFileError, match="line 4 is longer than 5,000 characters"):
        schools_import_gias(actor=None, path=path)

    assert _register_snapshot() == imported


def test_a_file_refused_part_way_leaves_nothing_written(
    tmp_path: Path, imported: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("syslead.schools.gias.BATCH_ROWS", 2)
    header, rows = _sample()
    renamed = [_set(header, row, "Town", "Changed") for row in rows[:6]]
    # The last line is a field larger than the csv module's limit: unreadable, found only after
    # three batches have been written inside the transaction.
    text = _csv_text(header, renamed) + "1" * 200_000 + "\r\n"
    monkeypatch.setattr("syslead.schools.csvfile.MAX_LINE_CHARS", 300_000)
    path = tmp_path / "bad_end.csv"
    path.write_bytes(text.encode("cp1252"))

    with pytest.raises(GiasFileError, match="not a readable CSV file \\(line 8\\)"):
        schools_import_gias(actor=None, path=path)

    assert _register_snapshot() == imported
    assert not School.objects.filter(town="Changed").exists()


def test_running_out_of_memory_is_a_clear_message_and_nothing_is_written(
    tmp_path: Path, imported: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    header, rows = _sample()
    path = tmp_path / "changed.csv"
    path.write_bytes(
        _csv_text(header, [_set(header, row, "Town", "Changed") for row in rows]).encode("cp1252")
    )

    def out_of_memory(items: Any) -> bulk.UpsertCounts:
        raise MemoryError

    monkeypatch.setattr(services, "upsert_inspections", out_of_memory)

    with pytest.raises(CommandError) as refused:
        _import(path)

    assert "Nothing imported from" in str(refused.value)
    assert "the server ran out of memory" in str(refused.value)
    assert "The register is unchanged" in str(refused.value)
    assert _register_snapshot() == imported
    assert OfstedInspection.objects.count() == 14


def test_a_full_disk_is_a_clear_message_and_nothing_is_written(
    tmp_path: Path, imported: list[tuple[Any, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    header, rows = _sample()
    path = tmp_path / "changed.csv"
    path.write_bytes(
        _csv_text(header, [_set(header, row, "Town", "Changed") for row in rows]).encode("cp1252")
    )

    def disk_full(items: Any) -> bulk.UpsertCounts:
        raise OperationalError("database or disk is full")

    monkeypatch.setattr(services, "upsert_inspections", disk_full)

    with pytest.raises(GiasFileError, match="could not store it \\(database or disk is full\\)"):
        schools_import_gias(actor=None, path=path)

    assert _register_snapshot() == imported


def test_only_the_first_thousand_rejections_are_listed_but_all_are_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("syslead.schools.gias.MAX_KEPT_REJECTIONS", 3)
    header, rows = _sample()
    bad = [_set(header, row, "URN", "x") for row in rows[:5]]
    path = tmp_path / "bad.csv"
    path.write_bytes(_csv_text(header, [*bad, rows[5]]).encode("cp1252"))

    out, err = _import(path)

    assert out.strip() == "Added 1, updated 0, unchanged 0, rejected 5."
    assert err.count("Rejected line") == 3
    assert "... and 2 more rejected rows" in err
    assert RegisterImport.objects.get().rejected == 5


def test_a_shipped_register_row_cut_short_is_rejected_not_loaded(tmp_path: Path) -> None:
    schools = (
        "urn,name,town,postcode,easting,northing,latitude,longitude,geo_source,county_name,"
        "district_name,type_group_2018,age_from_2018,age_to_2018,la_code_2018,la_code_gias2018,"
        "la_name_gias2018,region_gias2018,phase_gias2018,ofsted_rating_gias2018,"
        "ofsted_date_gias2018,ofsted_latest_to2020,ofsted_latest_date_to2020\n"
        "100000,The Aldgate School,London,EC3A 5DE,533502,181167,51.513662,-0.077486,postcode,,"
        "City of London,Maintained School,3,11,201,201,City of London,London,Primary,,,,\n"
        "100005,Thomas Coram Centre,Lon\n"
    )
    for name, text in (
        ("schools_england_open_2025.csv", schools),
        ("ofsted_inspections_2005-2020.csv", "URN,Rating,Inspection Date\n"),
        ("postcode_outward_centroids_2025-04.csv", "outward,easting,northing,latitude,longitude\n"),
    ):
        (tmp_path / f"{name}.gz").write_bytes(gzip.compress(text.encode("utf-8")))

    out, err = io.StringIO(), io.StringIO()
    call_command("load_schools", "--data-dir", str(tmp_path), stdout=out, stderr=err)

    assert "Schools: 1 added, 0 updated, 0 unchanged, 1 rejected." in out.getvalue()
    assert err.getvalue().startswith(
        "Rejected line 3 (URN 100005): schools_england_open_2025.csv.gz: The row has 3 fields "
        "but the header has 23: the row is cut short"
    )
    assert RegisterImport.objects.get().rejected_rows[0]["line"] == 3
    assert not School.objects.filter(urn=100005).exists()


def test_a_damaged_shipped_gzip_file_is_refused_in_words(tmp_path: Path) -> None:
    for name in (
        "schools_england_open_2025.csv",
        "ofsted_inspections_2005-2020.csv",
        "postcode_outward_centroids_2025-04.csv",
    ):
        (tmp_path / f"{name}.gz").write_bytes(gzip.compress(b"urn,name\n1,A\n")[:12])

    with pytest.raises(RegisterFileError, match="could not be read"):
        schools_load_register(data_dir=tmp_path)

    assert not School.objects.exists()
