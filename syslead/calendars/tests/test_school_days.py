"""School days skip weekends, England's bank holidays and the local authority's holidays and
half-terms, in the helpers every reminder uses and in the reminders themselves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from syslead.accounts.models import User
from syslead.brokering.models import Approach, ApproachStatus
from syslead.brokering.web_selectors import is_waiting_too_long, school_days_waiting
from syslead.calendars.school_calendar import (
    bank_holidays,
    calendar_for,
    default_year_dates,
)
from syslead.calendars.tests.conftest import term_dates
from syslead.core.academic_years import (
    AcademicYear,
    Term,
    add_school_days,
    is_school_day,
    school_days_between,
)
from syslead.deployments.models import Deployment
from syslead.visits.models import VisitStatus
from syslead.visits.selectors import visits_waiting_too_long
from syslead.visits.tests.factories import make_visit

pytestmark = pytest.mark.django_db


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_england_bank_holidays_come_from_the_holidays_library() -> None:
    days = bank_holidays(2026)
    assert days[dt.date(2026, 5, 4)] == "May Day"
    assert dt.date(2026, 5, 25) in days  # the late May (spring) bank holiday
    assert dt.date(2026, 8, 31) in days  # England's summer bank holiday (not Scotland's)
    assert dt.date(2026, 8, 3) not in days


def test_the_default_term_dates_follow_the_documented_rule() -> None:
    year = default_year_dates(AcademicYear(2025))
    assert (year.autumn.starts_on, year.autumn.ends_on) == (
        dt.date(2025, 9, 3),
        dt.date(2025, 12, 19),
    )
    assert year.autumn.half_term_starts_on == dt.date(2025, 10, 27)
    assert year.spring.starts_on == dt.date(2026, 1, 5)
    assert year.spring.half_term_starts_on == dt.date(2026, 2, 16)
    assert year.spring.ends_on == dt.date(2026, 3, 27)  # Easter Sunday is 5 April 2026
    assert year.summer.starts_on == dt.date(2026, 4, 13)
    assert year.summer.half_term_starts_on == dt.date(2026, 5, 25)  # the late May bank holiday
    assert year.summer.ends_on == dt.date(2026, 7, 22)


@pytest.mark.parametrize("start_year", range(2024, 2036))
def test_every_default_year_is_in_order_and_inside_the_academic_year(start_year: int) -> None:
    from syslead.calendars.models import validate_term_dates

    year = default_year_dates(AcademicYear(start_year))
    validate_term_dates(year.year.label, dict(year.as_fields()))  # raises if not


def test_three_school_days_after_the_friday_before_the_early_may_bank_holiday() -> None:
    friday = dt.date(2026, 5, 1)
    assert not is_school_day(dt.date(2026, 5, 4))
    assert add_school_days(friday, 3) == dt.date(2026, 5, 7)  # Tue, Wed, Thu
    assert school_days_between(friday, dt.date(2026, 5, 6)) == 2


def test_half_terms_and_holidays_are_not_school_days() -> None:
    assert not is_school_day(dt.date(2025, 10, 29))  # autumn half-term
    assert not is_school_day(dt.date(2025, 12, 23))  # Christmas holidays
    assert not is_school_day(dt.date(2026, 8, 12))  # summer holidays
    assert is_school_day(dt.date(2025, 10, 6))
    assert add_school_days(dt.date(2025, 12, 18), 2) == dt.date(2026, 1, 5)


def test_school_days_counted_either_way_agree() -> None:
    calendar = calendar_for("")
    start = dt.date(2025, 9, 1)
    for days in range(0, 200, 7):
        end = calendar.add_school_days(start, days)
        assert calendar.school_days_between(start, end) == days
        assert days == 0 or calendar.is_school_day(end)


def test_an_approach_sent_the_friday_before_the_late_may_bank_holiday_waits_a_day_longer(
    coordinator: User, deployment: Deployment, leader: object
) -> None:
    # Lincolnshire's summer half-term is the week after the bank holiday here, so only the bank
    # holiday (Monday 25 May 2026) stands between the Friday and the reminder.
    term_dates(
        "Lincolnshire",
        "2025-26",
        summer_half_term_starts_on=dt.date(2026, 6, 1),
        summer_half_term_ends_on=dt.date(2026, 6, 5),
    )
    approach = Approach.objects.create(
        support_request=deployment.support_request,
        leader=deployment.leader,
        status=ApproachStatus.PENDING,
    )
    Approach.objects.filter(pk=approach.pk).update(sent_at=_at(dt.date(2026, 5, 22)))
    approach.refresh_from_db()
    assert school_days_waiting(approach, dt.date(2026, 5, 27)) == 2  # Tue and Wed only
    assert not is_waiting_too_long(approach, dt.date(2026, 5, 27))
    assert is_waiting_too_long(approach, dt.date(2026, 5, 28))


def test_a_note_of_visit_waits_through_the_local_authoritys_own_half_term(
    deployment: Deployment,
) -> None:
    # A two-week autumn half-term in Lincolnshire: the default would chase on 24 October.
    term_dates(
        "Lincolnshire",
        "2025-26",
        autumn_half_term_starts_on=dt.date(2025, 10, 20),
        autumn_half_term_ends_on=dt.date(2025, 10, 31),
    )
    visit = make_visit(
        deployment, status=VisitStatus.AWAITING_AGREEMENT, submitted_at=_at(dt.date(2025, 10, 17))
    )
    assert calendar_for("").add_school_days(dt.date(2025, 10, 17), 5) == dt.date(2025, 10, 24)
    assert visits_waiting_too_long(dt.date(2025, 11, 6)) == []  # Mon 3 to Thu 6: four days
    assert visits_waiting_too_long(dt.date(2025, 11, 7)) == [visit]


def test_another_local_authoritys_dates_do_not_apply(deployment: Deployment) -> None:
    term_dates(
        "Kent",
        "2025-26",
        autumn_half_term_starts_on=dt.date(2025, 10, 20),
        autumn_half_term_ends_on=dt.date(2025, 10, 31),
    )
    assert is_school_day(dt.date(2025, 10, 21), local_authority="Lincolnshire")
    assert not is_school_day(dt.date(2025, 10, 21), local_authority="Kent")
    assert not is_school_day(dt.date(2025, 10, 21), local_authority="kent")


def test_saving_term_dates_is_seen_at_once_despite_the_cache(deployment: Deployment) -> None:
    assert is_school_day(dt.date(2025, 10, 21), local_authority="Lincolnshire")
    row = term_dates("Lincolnshire", "2025-26")
    row.autumn_half_term_starts_on = dt.date(2025, 10, 20)
    row.save()
    assert not is_school_day(dt.date(2025, 10, 21), local_authority="Lincolnshire")
    row.delete()
    assert is_school_day(dt.date(2025, 10, 21), local_authority="Lincolnshire")


def test_a_terms_real_dates_come_from_its_local_authority(deployment: Deployment) -> None:
    term_dates("Lincolnshire", "2025-26", autumn_ends_on=dt.date(2025, 12, 17))
    autumn = Term(AcademicYear(2025), "autumn")
    assert autumn.dates("Lincolnshire").ends_on == dt.date(2025, 12, 17)
    assert autumn.dates().ends_on == dt.date(2025, 12, 19)
    assert autumn.ends_on == dt.date(2025, 12, 31)  # the month grouping is unchanged
