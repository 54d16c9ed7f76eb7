"""A small copy of the shipped data: the real rows for Lincolnshire and South Gloucestershire
schools (and their inspections), so the demo builds in a second in tests."""

from __future__ import annotations

import csv
import gzip
import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from conftest import ensure_builtin_vocabularies

AREAS = ("Lincolnshire", "South Gloucestershire")


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(gzip.decompress(path.read_bytes()).decode("utf-8-sig")))
    return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(gzip.compress(out.getvalue().encode()))


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = Path(settings.SYSLEAD_DATA_DIR)
    target = tmp_path_factory.mktemp("demo-data")
    header, schools = _read(source / "schools_england_open_2025.csv.gz")
    kept = [row for row in schools if row["la_name_gias2018"] in AREAS]
    _write(target / "schools_england_open_2025.csv.gz", header, kept)
    urns = {row["urn"] for row in kept}
    header, inspections = _read(source / "ofsted_inspections_2005-2020.csv.gz")
    _write(
        target / "ofsted_inspections_2005-2020.csv.gz",
        header,
        [row for row in inspections if row["URN"] in urns],
    )
    for name in (
        "postcode_outward_centroids_2025-04.csv.gz",
        "teaching_schools_2018-03-12.csv.gz",
        "teaching_school_hubs_2025-09-30.csv.gz",
    ):
        shutil.copy(source / name, target / name)
    return target


@pytest.fixture(autouse=True)
def _builtin_vocabularies(request: pytest.FixtureRequest) -> None:
    """The demo creates leaders with the built-in specialisms the leaders' migration writes."""
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        ensure_builtin_vocabularies()
