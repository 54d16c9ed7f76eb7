import datetime as dt

import pytest

from syslead.core.academic_years import AcademicYear, Term, add_school_days, terms_between


def test_academic_year_runs_from_1_september_to_31_august():
    year = AcademicYear.parse("2025-26")
    assert year.starts_on == dt.date(2025, 9, 1)
    assert year.ends_on == dt.date(2026, 8, 31)
    assert AcademicYear.containing(dt.date(2026, 8, 31)) == year
    assert AcademicYear.containing(dt.date(2026, 9, 1)).label == "2026-27"


@pytest.mark.parametrize("label", ["2025-27", "2025", "25-26", "", "2025/26"])
def test_academic_year_labels_must_be_consecutive_years(label):
    with pytest.raises(ValueError, match="academic year"):
        AcademicYear.parse(label)


def test_an_academic_year_has_three_terms():
    assert [t.name for t in AcademicYear.parse("2025-26").terms()] == ["autumn", "spring", "summer"]
    assert Term.containing(dt.date(2026, 2, 10)).label == "Spring term 2025-26"


def test_terms_between_covers_every_term_touched():
    terms = terms_between(dt.date(2025, 11, 1), dt.date(2026, 5, 1))
    assert [t.name for t in terms] == ["autumn", "spring", "summer"]


def test_school_days_skip_weekends():
    friday = dt.date(2026, 11, 20)
    assert add_school_days(friday, 1) == dt.date(2026, 11, 23)
    assert add_school_days(friday, 5) == dt.date(2026, 11, 27)


@pytest.mark.parametrize("label", ["0000-01", "9999-00", "1999-00", "2099-00", "２０２５-２６"])
def test_academic_years_outside_2000_01_to_2098_99_are_refused(label):
    with pytest.raises(ValueError, match=r"academic year|2000-01 to 2098-99"):
        AcademicYear.parse(label)


def test_the_first_and_last_academic_years_are_read():
    assert AcademicYear.parse("2000-01").starts_on == dt.date(2000, 9, 1)
    assert AcademicYear.parse("2098-99").ends_on == dt.date(2099, 8, 31)


def test_a_bad_year_from_a_query_string_is_none_not_an_exception():
    assert AcademicYear.parse_or_none("9999-00") is None
    assert AcademicYear.parse_or_none(None) is None
    assert AcademicYear.parse_or_none("2025-26") == AcademicYear(2025)


def test_a_message_never_repeats_a_long_input():
    with pytest.raises(ValueError, match="academic year") as raised:
        AcademicYear.parse("x" * 100_000)
    assert len(str(raised.value)) < 100
