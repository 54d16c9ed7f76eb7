"""Fixtures for the calendars: Lee leads an active agreement supporting Ermine Primary (in
Lincolnshire) for the alliance, whose lead school makes Lincolnshire its local authority."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.calendars.models import DATE_FIELDS, TermDates
from syslead.deployments.models import Deployment
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.visits.tests.factories import make_deployment, make_leader_profile


@pytest.fixture
def leader(leader_user: User, home_school: School) -> LeaderProfile:
    return make_leader_profile(leader_user, home_school)


@pytest.fixture
def deployment(leader: LeaderProfile, alliance: Organisation, client_school: School) -> Deployment:
    alliance.lead_school = client_school
    alliance.save(update_fields=["lead_school"])
    return make_deployment(leader=leader, organisation=alliance, client_school=client_school)


@pytest.fixture
def other_leader_user(db: None) -> User:
    school = make_school(120077, "Far Away Primary", local_authority="Kent")
    user = make_user("fay@faraway.test", "Fay Far-Leader", (Role.SYSTEM_LEADER, None))
    make_leader_profile(user, school)
    return user


@pytest.fixture
def other_head(db: None) -> User:
    school = make_school(120099, "Other Primary School")
    return make_user("oscar@other.test", "Oscar Other-Head", (Role.HEADTEACHER, school))


def term_dates(local_authority: str, academic_year: str, **dates: dt.date) -> TermDates:
    """Lincolnshire-like dates for 2025-26 unless told otherwise."""
    defaults = {
        "autumn_starts_on": dt.date(2025, 9, 3),
        "autumn_half_term_starts_on": dt.date(2025, 10, 27),
        "autumn_half_term_ends_on": dt.date(2025, 10, 31),
        "autumn_ends_on": dt.date(2025, 12, 19),
        "spring_starts_on": dt.date(2026, 1, 5),
        "spring_half_term_starts_on": dt.date(2026, 2, 16),
        "spring_half_term_ends_on": dt.date(2026, 2, 20),
        "spring_ends_on": dt.date(2026, 3, 27),
        "summer_starts_on": dt.date(2026, 4, 13),
        "summer_half_term_starts_on": dt.date(2026, 5, 25),
        "summer_half_term_ends_on": dt.date(2026, 5, 29),
        "summer_ends_on": dt.date(2026, 7, 22),
    }
    defaults.update(dates)
    assert set(defaults) == set(DATE_FIELDS)
    row = TermDates(local_authority=local_authority, academic_year=academic_year, **defaults)
    row.full_clean()
    row.save()
    return row
