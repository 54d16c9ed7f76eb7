"""Fixtures of the deployments tests: Lee Leader, associated with the alliance, released 10 days
in 2026-27, and Ermine Primary's request for maths support, Lee chosen."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from syslead.accounts.models import User
from syslead.brokering.models import SupportRequest
from syslead.deployments.models import Deployment
from syslead.deployments.services import deployment_create, deployment_sign
from syslead.deployments.tests.factories import agreement_kwargs, make_leader, make_request
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School


@pytest.fixture
def leader(leader_user: User, home_school: School, alliance: Organisation) -> LeaderProfile:
    return make_leader(leader_user, home_school, alliance)


@pytest.fixture
def support_request(
    alliance: Organisation, client_school: School, leader: LeaderProfile
) -> SupportRequest:
    return make_request(alliance, client_school, chosen_leader=leader)


@pytest.fixture
def parties(leader_user: User, home_head: User, client_head: User, broker_lead: User) -> list[User]:
    """The four people who sign, in signing order."""
    return [leader_user, home_head, client_head, broker_lead]


@pytest.fixture
def agreement(
    coordinator: User, support_request: SupportRequest, leader: LeaderProfile, parties: list[User]
) -> Deployment:
    """A five-day agreement waiting for the four signatures."""
    return deployment_create(
        actor=coordinator,
        support_request=support_request,
        leader=leader,
        **agreement_kwargs(home_headteacher_name=""),  # filled in from the roles (the parties)
    )


@pytest.fixture
def sign_all(parties: list[User]) -> Callable[[Deployment], Deployment]:
    def _sign_all(deployment: Deployment) -> Deployment:
        for person in parties:
            deployment = deployment_sign(actor=person, deployment=deployment)
        return deployment

    return _sign_all


@pytest.fixture
def active(agreement: Deployment, sign_all: Callable[[Deployment], Deployment]) -> Deployment:
    return sign_all(agreement)
