"""Fixtures for invoices: Lee's active agreement supporting Ermine Primary for the alliance at
£350 a full day (£50 to the broker) and £150 a half day (£25), with agreed notes of visit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.brokering.models import Route
from syslead.deployments.models import Deployment
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.visits.models import Session, Visit, VisitStatus
from syslead.visits.tests.factories import make_deployment, make_leader_profile, make_visit

RATES = {
    "full_day_rate": Decimal("350.00"),
    "half_day_rate": Decimal("150.00"),
    "full_day_broker_fee": Decimal("50.00"),
    "half_day_broker_fee": Decimal("25.00"),
}


@pytest.fixture
def leader(leader_user: User, home_school: School) -> LeaderProfile:
    return make_leader_profile(leader_user, home_school)


@pytest.fixture
def deployment(leader: LeaderProfile, alliance: Organisation, client_school: School) -> Deployment:
    return make_deployment(
        leader=leader, organisation=alliance, client_school=client_school, **RATES
    )


@pytest.fixture
def visits(deployment: Deployment) -> list[Visit]:
    """Three agreed visits (a full day, a half day, a twilight) and one not yet agreed."""
    return [
        make_visit(deployment, date=dt.date(2025, 10, 6), status=VisitStatus.AGREED),
        make_visit(
            deployment,
            date=dt.date(2025, 10, 13),
            session=Session.HALF_DAY,
            status=VisitStatus.SIGNED_OFF,
        ),
        make_visit(
            deployment,
            date=dt.date(2025, 10, 20),
            session=Session.TWILIGHT,
            status=VisitStatus.AGREED,
        ),
        make_visit(deployment, date=dt.date(2025, 10, 27)),
    ]


def route_deployment(
    leader: LeaderProfile, organisation: Organisation, school: School, funding_route: str
) -> Deployment:
    deployment = make_deployment(
        leader=leader,
        organisation=organisation,
        client_school=school,
        route=Route.LOCAL_AUTHORITY if funding_route == "local_authority" else Route.SCHOOL,
        **RATES,
    )
    deployment.funding_route = funding_route
    deployment.commissioner_name = "Diocese of Kyra" if funding_route == "other" else ""
    deployment.save(update_fields=["funding_route", "commissioner_name"])
    return deployment


@pytest.fixture
def other_head(db: None) -> User:
    school = make_school(120099, "Other Primary School")
    return make_user("oscar@other.test", "Oscar Other-Head", (Role.HEADTEACHER, school))
