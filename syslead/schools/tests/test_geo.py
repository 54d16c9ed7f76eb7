"""Where schools and postcodes are, and how far apart (the names other areas import)."""

from __future__ import annotations

import pytest

from conftest import make_school
from syslead.schools.geo import (
    Location,
    bounding_box,
    distance_between_schools,
    grid_to_lat_lon,
    haversine_km,
    is_on_the_grid,
    locate,
)
from syslead.schools.models import PostcodeArea, School

LINCOLN = (53.2307, -0.5406)
BRISTOL = (51.4545, -2.5879)


@pytest.fixture
def outward_codes(db: None) -> None:
    PostcodeArea.objects.create(outward="LN1", latitude=53.2394, longitude=-0.5531)
    PostcodeArea.objects.create(outward="LN2", latitude=53.2452, longitude=-0.5223)


def test_lincoln_to_bristol_is_about_240_km_as_the_crow_flies() -> None:
    assert haversine_km(*LINCOLN, *BRISTOL) == pytest.approx(241, abs=5)


def test_distance_to_the_same_point_is_zero() -> None:
    assert haversine_km(*LINCOLN, *LINCOLN) == 0


def test_bounding_box_holds_every_point_within_the_distance() -> None:
    min_lat, max_lat, min_lon, max_lon = bounding_box(*LINCOLN, 10)

    assert haversine_km(*LINCOLN, max_lat, LINCOLN[1]) == pytest.approx(10, rel=1e-3)
    assert haversine_km(*LINCOLN, min_lat, LINCOLN[1]) == pytest.approx(10, rel=1e-3)
    assert haversine_km(*LINCOLN, LINCOLN[0], max_lon) == pytest.approx(10, rel=1e-2)
    assert min_lon < LINCOLN[1] < max_lon


def test_grid_references_convert_to_latitude_and_longitude() -> None:
    # Code-Point Open places EC3A 5DE at 533502, 181167 = 51.513662, -0.077486.
    [(lat, lon)] = grid_to_lat_lon([533502], [181167])

    assert haversine_km(lat, lon, 51.513662, -0.077486) < 0.005


def test_the_grid_is_great_britain() -> None:
    assert is_on_the_grid(533502, 181167)
    assert not is_on_the_grid(-5, 181167)
    assert not is_on_the_grid(533502, 9_000_000)


def test_distance_between_schools(client_school: School, far_school: School) -> None:
    distance = distance_between_schools(client_school, far_school)

    assert distance == pytest.approx(238, abs=5)
    assert distance_between_schools(client_school.urn, far_school.urn) == pytest.approx(distance)


def test_distance_to_an_unplaced_school_is_none(client_school: School) -> None:
    nowhere = make_school(100099, "Nowhere School", postcode="", latitude=None, longitude=None)

    assert distance_between_schools(client_school, nowhere) is None
    assert distance_between_schools(client_school, 999999) is None


def test_a_school_without_coordinates_is_placed_by_its_postcode(
    client_school: School, outward_codes: None
) -> None:
    unplaced = make_school(
        100098, "Unplaced Primary", postcode="LN1 9ZZ", latitude=None, longitude=None
    )

    distance = distance_between_schools(client_school, unplaced)

    assert distance == pytest.approx(haversine_km(53.2467, -0.5284, 53.2394, -0.5531))


def test_locate_by_urn(client_school: School) -> None:
    assert locate(str(client_school.urn)) == Location(
        53.2467, -0.5284, "Ermine Primary Academy", "school"
    )


def test_locate_by_full_postcode_of_a_known_school(client_school: School) -> None:
    found = locate("ln22hg")

    assert found == Location(53.2467, -0.5284, "LN2 2HG", "postcode")


def test_locate_by_outward_code(outward_codes: None) -> None:
    assert locate("LN1") == Location(53.2394, -0.5531, "LN1", "outward_code")


def test_locate_unknown_full_postcode_by_its_outward_code(outward_codes: None) -> None:
    assert locate("LN1 7XX") == Location(53.2394, -0.5531, "LN1", "outward_code")


@pytest.mark.parametrize("query", ["", "999999", "ZZ9 9ZZ", "ZZ9", "somewhere nice"])
def test_locate_unknown_is_none(outward_codes: None, query: str) -> None:
    assert locate(query) is None
