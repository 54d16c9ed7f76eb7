"""Fixtures for delivery records: Lee leads an active agreement supporting Ermine Primary for
the alliance (school route), and the people around it."""

from __future__ import annotations

import pytest

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.brokering.models import Route
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
    return make_deployment(leader=leader, organisation=alliance, client_school=client_school)


@pytest.fixture
def la_deployment(
    leader: LeaderProfile, alliance: Organisation, client_school: School
) -> Deployment:
    return make_deployment(
        leader=leader,
        organisation=alliance,
        client_school=client_school,
        route=Route.LOCAL_AUTHORITY,
    )


@pytest.fixture
def other_head(db: None) -> User:
    """The headteacher of another school: a stranger to this agreement."""
    school = make_school(120099, "Other Primary School")
    return make_user("oscar@other.test", "Oscar Other-Head", (Role.HEADTEACHER, school))


@pytest.fixture
def named_person(alliance: Organisation) -> User:
    """Nina, the alliance's named person for safeguarding (she holds a role in it)."""
    return make_user("nina@kyra.test", "Nina Named-Person", (Role.COORDINATOR, alliance))
