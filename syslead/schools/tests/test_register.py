# ruff: noqa: E501 (rows of the real register, as published)
"""``load_schools`` loads the shipped register, Ofsted history and postcode centroids from the data
folder: phases, authorities and grades inferred where the 2018 attributes are missing; re-running
updates and never duplicates. Tested on a slice of the real files, built in a temporary folder."""

from __future__ import annotations

import datetime
import gzip
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from syslead.schools.models import OfstedInspection, Phase, PostcodeArea, RegisterImport, School
from syslead.schools.register import RegisterFileError, area_name
from syslead.schools.services import schools_load_register

pytestmark = pytest.mark.django_db

SCHOOLS = """\
urn,name,open_date,town,postcode,codepoint_quality,easting,northing,country_code,admin_county_code,county_name,admin_district_code,district_name,geo_source,latitude,longitude,la_code_2018,type_group_2018,is_primary_2018,is_secondary_2018,is_post16_2018,age_from_2018,age_to_2018,gender_2018,religion_2018,la_code_gias2018,la_name_gias2018,region_gias2018,phase_gias2018,ofsted_rating_gias2018,ofsted_date_gias2018,ofsted_latest_to2020,ofsted_latest_date_to2020
100000,The Aldgate School,,London,EC3A 5DE,10.0,533502,181167,E92000001,,,E09000001,City and County of the City of London,postcode,51.513662,-0.077486,201,Maintained School,1,0,0,3,11,Mixed,Church of England,201,City of London,London,Primary,Outstanding,19-04-2013,Outstanding,20130418
100005,Thomas Coram Centre,,London,WC1N 2NY,10.0,530464,182403,E92000001,,,E09000007,Camden London Boro,postcode,51.525479,-0.120784,,,,,,,,,,202,Camden,London,Nursery,Outstanding,06-06-2014,,
100006,Heath School,01-09-1999,London,NW3 2NY,10.0,527609,185524,E92000001,,,E09000007,Camden London Boro,postcode,51.554178,-0.160785,,,,,,,,,,202,Camden,London,Not applicable,Good,29-11-2017,,
100091,Frank Barnes School for Deaf Children,,London,N1C 4BT,10.0,529993,183723,E92000001,,,E09000007,Camden London Boro,postcode,51.53745,-0.127083,202,Special School,1,0,0,2,11,Mixed,Does not apply,202,Camden,London,Not applicable,Outstanding,21-03-2017,Outstanding,20120625
108211,Crigglestone Mackie Hill Junior and Infant School,,Wakefield,WF4 3HW,10.0,430944,415884,E92000001,,,E08000036,Wakefield District (B),postcode,53.638564,-1.533461,384,Maintained School,1,0,0,3,11,Mixed,Does not apply,384,Wakefield,Yorkshire and the Humber,Primary,Special Measures,07-12-2017,Good,20191119
101212,Rush Green Primary School,,Romford,RM7 0RL,,550372,188474,,,,,,outward_centroid,51.575081,0.168572,301,Maintained School,1,0,0,3,11,Mixed,Does not apply,301,Barking and Dagenham,London,Primary,Good,09-07-2014,Good,20140708
146500,Chellaston Junior School,01-04-2019,Derby,DE73 6PZ,10.0,437967,330485,E92000001,,,E06000015,City of Derby (B),postcode,52.870508,-1.437404,831,Academy,1,0,0,7,11,Mixed,,,,,,,,,
147070,Chellaston Fields Spencer Academy,02-09-2019,Chellaston,DE73 6WS,10.0,438177,329446,E92000001,E10000007,Derbyshire County,E07000039,South Derbyshire District,postcode,52.861154,-1.434406,830,Academy,1,0,0,0,0,Not applicable,Unknown,,,,,,,,
148639,Chellaston Academy,01-06-2021,Derby,DE73 5UB,10.0,437846,330007,E92000001,,,E06000015,City of Derby (B),postcode,52.86622,-1.439257,,,,,,,,,,,,,,,,,
149825,Eckington School,01-04-2023,Sheffield,S21 4GN,10.0,441545,379162,E92000001,E10000007,Derbyshire County,E07000038,North East Derbyshire District,postcode,53.307778,-1.377978,,,,,,,,,,,,,,,,,
123962,Hednesford Nursery School,,Cannock,WS12 1AR,10.0,400100,312213,E92000001,E10000028,Staffordshire County,E07000192,Cannock Chase District,postcode,52.707584,-1.999957,,,,,,,,,,860,Staffordshire,West Midlands,Nursery,Good,05-11-2014,,
143663,Henhurst Ridge Primary Academy,01-09-2018,Burton-on-Trent,DE13 9TQ,10.0,421235,323717,E92000001,E10000028,Staffordshire County,E07000193,East Staffordshire District (B),postcode,52.810586,-1.686408,860,Academy,1,0,0,2,11,Mixed,,,,,,,,,
900001,Bury Pupil Referral Service,,Bury,BL9 0ZZ,,,,,,,,Bury District (B),,,,,,,,,,,,,,,,,,,,
900002,Grid Only High School,,London,EC3A 5DE,10.0,533502,181167,E92000001,,,,City and County of the City of London,postcode,,,,,,,,,,,,,,,,,,,
"""
INSPECTIONS = """\
URN,Rating,Inspection Date
100000,Outstanding,20130418
100000,Outstanding,20080926
100000,Good,20050921
100000,Good,20050921
108211,Inadequate,20171207
108211,Good,20191119
100091,Outstanding,20120625
999999,Good,20150101
"""
POSTCODE_AREAS = """\
outward,easting,northing,n_postcodes,country_code,latitude,longitude
EC3A,533324,181205,288,E92000001,51.514067,-0.080033
LN1,497200,371900,2190,E92000001,53.239401,-0.553093
"""


def _data_dir(tmp_path: Path, schools: str = SCHOOLS, inspections: str = INSPECTIONS) -> Path:
    for name, text in (
        ("schools_england_open_2025.csv", schools),
        ("ofsted_inspections_2005-2020.csv", inspections),
        ("postcode_outward_centroids_2025-04.csv", POSTCODE_AREAS),
    ):
        (tmp_path / f"{name}.gz").write_bytes(gzip.compress(text.encode("utf-8")))
    return tmp_path


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    data_dir = _data_dir(tmp_path)
    schools_load_register(data_dir=data_dir)
    return data_dir


def test_every_school_of_the_slice_is_loaded_with_counts(tmp_path: Path) -> None:
    counts = schools_load_register(data_dir=_data_dir(tmp_path))

    assert counts.schools_added == 14
    assert counts.schools_rejected == 0
    assert School.objects.count() == 14
    assert counts.postcode_areas_added == 2
    assert counts.inspections_added == 6
    assert counts.inspections_not_in_register == 1
    assert counts.inspections_same_day_duplicates == 1
    assert RegisterImport.objects.get().added == 14


def test_loading_again_updates_and_never_duplicates(loaded: Path) -> None:
    counts = schools_load_register(data_dir=loaded)

    assert (counts.schools_added, counts.schools_updated, counts.schools_unchanged) == (0, 0, 14)
    assert counts.inspections_added == 0
    assert School.objects.count() == 14
    assert OfstedInspection.objects.count() == 6
    assert PostcodeArea.objects.count() == 2


def test_a_changed_row_updates_the_school(loaded: Path, tmp_path: Path) -> None:
    renamed = SCHOOLS.replace("Thomas Coram Centre", "Thomas Coram Nursery School")
    changed = tmp_path / "changed"
    changed.mkdir()

    counts = schools_load_register(data_dir=_data_dir(changed, renamed))

    assert (counts.schools_added, counts.schools_updated) == (0, 1)
    school = School.objects.get(urn=100005)
    assert school.name == "Thomas Coram Nursery School"
    assert school.name_search == "thomas coram nursery school london"


@pytest.mark.parametrize(
    ("urn", "phase"),
    [
        (100000, Phase.PRIMARY),
        (100005, Phase.NURSERY),
        (100006, Phase.ALTERNATIVE_PROVISION),  # "Not applicable", not special: a PRU
        (100091, Phase.SPECIAL),  # type group Special School
        (146500, Phase.PRIMARY),  # no GIAS phase: ages 7-11
        (147070, Phase.PRIMARY),  # ages 0-0: DfE's primary flag
        (148639, ""),  # no attributes and an "Academy" of unknown ages: unknown
        (149825, ""),  # the name says nothing
        (900001, Phase.ALTERNATIVE_PROVISION),  # "Pupil Referral" in the name
        (900002, Phase.SECONDARY),  # "High" in the name
    ],
)
def test_phases(loaded: Path, urn: int, phase: str) -> None:
    assert School.objects.get(urn=urn).phase == phase


def test_local_authority_when_2018_attributes_are_missing(loaded: Path) -> None:
    authorities = dict(School.objects.values_list("urn", "local_authority"))
    assert authorities[100000] == "City of London"
    # Henhurst Ridge has no 2018 LA; GIAS put other Staffordshire County schools in Staffordshire.
    assert authorities[143663] == "Staffordshire"
    # Chellaston Junior: the district name without its suffix and prefix.
    assert authorities[146500] == "Derby"
    assert authorities[147070] == "Derbyshire"
    assert authorities[900001] == "Bury"
    henhurst = School.objects.get(urn=143663)
    assert (henhurst.la_code, henhurst.region) == ("860", "West Midlands")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Staffordshire County", "Staffordshire"),
        ("Bury District (B)", "Bury"),
        ("Camden London Boro", "Camden"),
        ("City of Derby (B)", "Derby"),
        ("The City of Brighton and Hove (B)", "Brighton and Hove"),
        ("County of Herefordshire", "Herefordshire"),
        ("North Northamptonshire", "North Northamptonshire"),
        ("Cannock Chase District", "Cannock Chase"),
    ],
)
def test_area_names_lose_their_suffixes(text: str, name: str) -> None:
    assert area_name(text) == name


def test_latest_ofsted_grade(loaded: Path) -> None:
    grades = {
        urn: (rating, inspected_on)
        for urn, rating, inspected_on in School.objects.values_list(
            "urn", "ofsted_rating", "ofsted_inspected_on"
        )
    }
    assert grades[100000] == ("outstanding", datetime.date(2013, 4, 18))
    # GIAS 2018's "Special Measures" is inadequate, but a later inspection found it good.
    assert grades[108211] == ("good", datetime.date(2019, 11, 19))
    # Frank Barnes: GIAS 2018 knows of an inspection later than the history's.
    assert grades[100091] == ("outstanding", datetime.date(2017, 3, 21))
    assert grades[100006] == ("good", datetime.date(2017, 11, 29))
    assert grades[149825] == ("", None)


def test_special_measures_alone_is_inadequate(tmp_path: Path) -> None:
    only_2018 = SCHOOLS.replace("Good,20191119", ",")
    no_history = "URN,Rating,Inspection Date\n"

    schools_load_register(data_dir=_data_dir(tmp_path, only_2018, no_history))

    school = School.objects.get(urn=108211)
    assert (school.ofsted_rating, school.ofsted_inspected_on) == (
        "inadequate",
        datetime.date(2017, 12, 7),
    )


def test_inspection_history_keeps_one_per_school_per_day(loaded: Path) -> None:
    history = list(
        OfstedInspection.objects.filter(school_id=100000).values_list("inspected_on", "rating")
    )
    assert history == [
        (datetime.date(2013, 4, 18), "outstanding"),
        (datetime.date(2008, 9, 26), "outstanding"),
        (datetime.date(2005, 9, 21), "good"),
    ]


def test_locations_search_text_and_postcodes(loaded: Path) -> None:
    aldgate = School.objects.get(urn=100000)
    assert (aldgate.latitude, aldgate.longitude) == (51.513662, -0.077486)
    assert aldgate.location_source == "postcode"
    assert aldgate.postcode_compact == "EC3A5DE"
    assert aldgate.name_search == "the aldgate school london"
    assert School.objects.get(urn=101212).location_source == "outward_centroid"
    assert School.objects.get(urn=900001).latitude is None
    # A row with a grid reference and no latitude/longitude is converted.
    grid_only = School.objects.get(urn=900002)
    # The register itself places grid reference 533502, 181167 at 51.513662, -0.077486.
    assert grid_only.latitude == pytest.approx(51.513662, abs=1e-6)
    assert grid_only.longitude == pytest.approx(-0.077486, abs=1e-6)


def test_postcode_areas(loaded: Path) -> None:
    area = PostcodeArea.objects.get(outward="LN1")
    assert (area.latitude, area.longitude, area.easting) == (53.239401, -0.553093, 497200)


def test_the_command_reports_counts(tmp_path: Path) -> None:
    out = io.StringIO()

    call_command("load_schools", "--data-dir", str(_data_dir(tmp_path)), stdout=out)

    assert "Schools: 14 added, 0 updated, 0 unchanged, 0 rejected." in out.getvalue()


def test_a_missing_file_loads_nothing(tmp_path: Path) -> None:
    data_dir = _data_dir(tmp_path)
    (data_dir / "ofsted_inspections_2005-2020.csv.gz").unlink()

    with pytest.raises(CommandError, match=r"ofsted_inspections_2005-2020.csv.gz is not in"):
        call_command("load_schools", "--data-dir", str(data_dir))
    assert not School.objects.exists()


def test_a_file_with_the_wrong_columns_loads_nothing(tmp_path: Path) -> None:
    with pytest.raises(RegisterFileError, match="lacks the columns"):
        schools_load_register(data_dir=_data_dir(tmp_path, "urn,name\n100000,The Aldgate School\n"))
    assert not School.objects.exists()


def test_plain_csv_files_are_read_too(tmp_path: Path) -> None:
    data_dir = _data_dir(tmp_path)
    schools = data_dir / "schools_england_open_2025.csv.gz"
    (data_dir / "schools_england_open_2025.csv").write_bytes(gzip.decompress(schools.read_bytes()))
    schools.unlink()

    assert schools_load_register(data_dir=data_dir).schools_added == 14


def test_the_shipped_data_folder_holds_every_file(settings: object) -> None:
    data_dir = Path(settings.SYSLEAD_DATA_DIR)  # type: ignore[attr-defined]
    for name in (
        "schools_england_open_2025.csv.gz",
        "ofsted_inspections_2005-2020.csv.gz",
        "postcode_outward_centroids_2025-04.csv.gz",
        "teaching_schools_2018-03-12.csv.gz",
        "teaching_school_hubs_2025-09-30.csv.gz",
        "README.md",
    ):
        assert (data_dir / name).is_file(), name
    with gzip.open(data_dir / "schools_england_open_2025.csv.gz", "rt", encoding="utf-8") as f:
        assert sum(1 for _ in f) == 22_011
