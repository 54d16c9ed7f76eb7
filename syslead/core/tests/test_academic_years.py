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
