"""The leaders area's fixtures: Lee as a system leader at Mount Street Academy, added by Alice for
the alliance; and an LLE designated by the alliance."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import ensure_builtin_vocabularies
from syslead.accounts.models import User
from syslead.leaders.models import Designation, LeaderProfile
from syslead.leaders.services import designation_create, leader_create
from syslead.organisations.models import Organisation
from syslead.schools.models import School


@pytest.fixture(autouse=True)
def _builtin_vocabularies(db: None) -> None:
    ensure_builtin_vocabularies()


@pytest.fixture
def leader(coordinator: User, leader_user: User, home_school: School) -> LeaderProfile:
    """Lee, a deputy headteacher added by the alliance's coordinator (not yet designated)."""
    return leader_create(
        actor=coordinator,
        user=leader_user,
        home_school_urn=home_school.urn,
        job_title="Deputy headteacher",
        specialisms=["maths", "send"],
        phases=["primary"],
        pen_portrait="Twelve years in primary maths leadership.",
        core_training_completed_on=dt.date(2025, 9, 20),
        years_experience=4,
    )


@pytest.fixture
def lle(coordinator: User, leader: LeaderProfile, alliance: Organisation) -> Designation:
    """Lee made a headteacher and designated LLE by the alliance (so associated with it)."""
    LeaderProfile.objects.filter(pk=leader.pk).update(is_headteacher=True, job_title="Headteacher")
    leader.refresh_from_db()
    return designation_create(
        actor=coordinator,
        leader=leader,
        type_code="LLE",
        designated_on=dt.date(2025, 9, 1),
        organisation=alliance,
    )
