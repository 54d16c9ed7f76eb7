"""Fixtures of the documents tests: the alliance's request from Ermine Primary with Lee chosen,
and a five-day agreement for it; files go to a temporary MEDIA_ROOT."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from syslead.accounts.models import User
from syslead.brokering.models import SupportRequest
from syslead.deployments.models import Deployment
from syslead.deployments.services import deployment_create
from syslead.deployments.tests.factories import agreement_kwargs, make_leader, make_request
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def leader(leader_user: User, home_school: School, alliance: Organisation) -> LeaderProfile:
    return make_leader(leader_user, home_school, alliance)


@pytest.fixture
def support_request(
    alliance: Organisation, client_school: School, leader: LeaderProfile
) -> SupportRequest:
    return make_request(alliance, client_school, chosen_leader=leader)


@pytest.fixture
def agreement(
    coordinator: User,
    support_request: SupportRequest,
    leader: LeaderProfile,
    home_head: User,
    client_head: User,
    broker_lead: User,
) -> Deployment:
    return deployment_create(
        actor=coordinator, support_request=support_request, leader=leader, **agreement_kwargs()
    )
