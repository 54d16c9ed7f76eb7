"""Phases in the contract's vocabulary from GIAS's words, age ranges and school names."""

from __future__ import annotations

import pytest

from syslead.schools.models import Phase
from syslead.schools.phases import (
    phase_from_ages,
    phase_from_flags,
    phase_from_gias,
    phase_from_label,
    phase_from_name,
    phase_from_register,
)


@pytest.mark.parametrize(
    ("gias_phase", "expected"),
    [
        ("Nursery", Phase.NURSERY),
        ("Primary", Phase.PRIMARY),
        ("Middle deemed primary", Phase.MIDDLE),
        ("Middle deemed secondary", Phase.MIDDLE),
        ("Secondary", Phase.SECONDARY),
        ("16 plus", Phase.POST_16),
        ("All-through", Phase.ALL_THROUGH),
        ("All through", Phase.ALL_THROUGH),
    ],
)
def test_gias_phase_of_education_maps_to_the_contract_phase(gias_phase: str, expected: str) -> None:
    assert phase_from_gias(
        gias_phase, "Community school", "Local authority maintained schools"
    ) == (expected)


@pytest.mark.parametrize(
    "establishment_type",
    [
        "Community special school",
        "Foundation special school",
        "Academy special converter",
        "Academy special sponsor led",
        "Non-maintained special school",
        "Free schools special",
    ],
)
def test_special_schools_are_special_whatever_the_gias_phase(establishment_type: str) -> None:
    assert phase_from_gias("Not applicable", establishment_type, "Special schools") == Phase.SPECIAL
    assert phase_from_gias("Secondary", establishment_type) == Phase.SPECIAL


@pytest.mark.parametrize(
    "establishment_type",
    [
        "Pupil referral unit",
        "Academy alternative provision converter",
        "Academy alternative provision sponsor led",
        "Free schools alternative provision",
    ],
)
def test_pupil_referral_units_and_ap_academies_are_alternative_provision(
    establishment_type: str,
) -> None:
    assert phase_from_gias("Not applicable", establishment_type) == Phase.ALTERNATIVE_PROVISION


def test_special_type_group_alone_makes_a_school_special() -> None:
    assert phase_from_gias("Not applicable", "", "Special schools") == Phase.SPECIAL


@pytest.mark.parametrize(
    ("establishment_type", "expected"),
    [
        ("Academy 16-19 converter", Phase.POST_16),
        ("Free schools 16 to 19", Phase.POST_16),
        ("Further education", Phase.POST_16),
        ("Sixth form centres", Phase.POST_16),
        ("Local authority nursery school", Phase.NURSERY),
    ],
)
def test_types_that_imply_a_phase(establishment_type: str, expected: str) -> None:
    assert phase_from_gias("Not applicable", establishment_type) == expected


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (7, 18, Phase.ALL_THROUGH),
        (4, 13, Phase.PRIMARY),
        (10, 18, Phase.SECONDARY),
    ],
)
def test_not_applicable_phase_falls_back_to_the_age_range(
    low: int, high: int, expected: str
) -> None:
    assert (
        phase_from_gias("Not applicable", "Other independent school", low_age=low, high_age=high)
        == expected
    )


def test_nothing_known_gives_no_phase() -> None:
    assert phase_from_gias("Not applicable", "Other independent school", name="Heath House") == ""


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (2, 5, Phase.NURSERY),
        (3, 11, Phase.PRIMARY),
        (4, 7, Phase.PRIMARY),
        (7, 11, Phase.PRIMARY),
        (9, 13, Phase.MIDDLE),
        (8, 12, Phase.MIDDLE),
        (11, 16, Phase.SECONDARY),
        (11, 18, Phase.SECONDARY),
        (13, 18, Phase.SECONDARY),
        (4, 18, Phase.ALL_THROUGH),
        (3, 16, Phase.ALL_THROUGH),
        (16, 19, Phase.POST_16),
        (16, 99, Phase.POST_16),
    ],
)
def test_age_ranges(low: int, high: int, expected: str) -> None:
    assert phase_from_ages(low, high) == expected


@pytest.mark.parametrize(("low", "high"), [(None, None), (0, 0), (11, None), (11, 4)])
def test_unknown_age_ranges_say_nothing(low: int | None, high: int | None) -> None:
    assert phase_from_ages(low, high) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ermine Primary Academy", Phase.PRIMARY),
        ("Kingsgate Infant School", Phase.PRIMARY),
        ("St Mary's Infants' School", Phase.PRIMARY),
        ("Chellaston Junior School", Phase.PRIMARY),
        ("Hilltop First School", Phase.PRIMARY),
        ("Newton Village Academy", Phase.PRIMARY),
        ("Rosebank Nursery School", Phase.NURSERY),
        ("Priory Middle School", Phase.MIDDLE),
        ("Carshalton High School for Girls", Phase.SECONDARY),
        ("Ripon Grammar School", Phase.SECONDARY),
        ("Harris Secondary Academy", Phase.SECONDARY),
        ("Kingsbridge Community College", Phase.SECONDARY),
        ("Notre Dame Catholic Girls' School", Phase.SECONDARY),
        ("Harris Westminster Sixth Form", Phase.POST_16),
        ("London Academy of Excellence 16-19", Phase.POST_16),
        ("Oak Tree Special School", Phase.SPECIAL),
        ("Riverside SEN Academy", Phase.SPECIAL),
        ("Camden Primary Pupil Referral Unit", Phase.ALTERNATIVE_PROVISION),
        ("Northumberland PRU", Phase.ALTERNATIVE_PROVISION),
        ("Olive Alternative Provision Academy", Phase.ALTERNATIVE_PROVISION),
        ("Devon Hospitals' Short Stay School", Phase.ALTERNATIVE_PROVISION),
        ("Dixons All-through Academy", Phase.ALL_THROUGH),
        ("Bishop Challoner Catholic School", None),
        ("The Keystone Academy", None),
    ],
)
def test_names_that_say_the_phase(name: str, expected: str | None) -> None:
    assert phase_from_name(name) == expected


def test_an_academy_taking_pupils_from_eleven_is_secondary() -> None:
    assert phase_from_name("The Keystone Academy", 11, None) == Phase.SECONDARY
    assert phase_from_name("The Keystone Academy", 4, None) is None


def test_specialist_is_not_special() -> None:
    assert phase_from_name("Specialist Sports Academy") is None


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ((True, False, False), Phase.PRIMARY),
        ((False, True, True), Phase.SECONDARY),
        ((False, False, True), Phase.POST_16),
        ((True, True, False), Phase.MIDDLE),
        ((True, True, True), Phase.ALL_THROUGH),
        ((False, False, False), None),
    ],
)
def test_performance_table_flags(flags: tuple[bool, bool, bool], expected: str | None) -> None:
    assert phase_from_flags(*flags) == expected


def test_register_rows_with_a_gias_phase_use_it() -> None:
    assert phase_from_register(name="Heath School", gias_phase="Primary") == Phase.PRIMARY


def test_register_special_type_group_is_special() -> None:
    assert (
        phase_from_register(
            name="Oakfield", gias_phase="Not applicable", type_group="Special School"
        )
        == Phase.SPECIAL
    )


def test_register_not_applicable_state_school_is_alternative_provision() -> None:
    assert (
        phase_from_register(name="Heath School", gias_phase="Not applicable")
        == Phase.ALTERNATIVE_PROVISION
    )


def test_register_rows_without_2018_attributes_are_inferred_from_ages_flags_then_name() -> None:
    assert phase_from_register(name="Chellaston Academy", low_age=11, high_age=18) == (
        Phase.SECONDARY
    )
    assert (
        phase_from_register(
            name="Chellaston Fields Spencer Academy", low_age=0, high_age=0, is_primary=True
        )
        == Phase.PRIMARY
    )
    assert phase_from_register(name="Studham Village CofE Academy") == Phase.PRIMARY
    assert phase_from_register(name="Eckington School") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("primary", Phase.PRIMARY),
        ("Primary", Phase.PRIMARY),
        ("all_through", Phase.ALL_THROUGH),
        ("All-through", Phase.ALL_THROUGH),
        ("Alternative provision", Phase.ALTERNATIVE_PROVISION),
        ("post_16", Phase.POST_16),
        ("16 plus", Phase.POST_16),
        ("Middle deemed secondary", Phase.MIDDLE),
        ("infants", None),
        ("", None),
    ],
)
def test_phase_from_label(text: str, expected: str | None) -> None:
    assert phase_from_label(text) == expected
