"""Casework fixtures: the five things a coordinator chases, on the alliance's books.

Lee Leader (Mount Street Academy) has been asked about Ermine Primary's request and not answered;
Lee's active agreement with Ermine Primary has a note of visit waiting for the headteacher and
termly feedback overdue, and no visit for six weeks; a second agreement waits for signatures.
"""

from __future__ import annotations

import datetime as dt

import pytest

from syslead.accounts.models import User
from syslead.brokering.models import Approach, RequestStatus, SupportRequest
from syslead.brokering.tests import factories as brokering_factories
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.evaluation.models import FeedbackRequest
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.visits.models import Visit
from syslead.visits.tests.factories import make_deployment, make_visit


@pytest.fixture
def lee(leader_user: User, home_school: School, alliance: Organisation) -> LeaderProfile:
    return brokering_factories.leader(
        home_school, user=leader_user, organisation=alliance, specialisms=("maths",)
    )


@pytest.fixture
def asked(
    lee: LeaderProfile,
    client_school: School,
    alliance: Organisation,
    coordinator: User,
    client_head: User,
) -> Approach:
    """Ermine Primary's request, Lee asked and not answering."""
    request: SupportRequest = brokering_factories.support_request(
        client_school, alliance, raised_by=client_head, status=RequestStatus.APPROACHING
    )
    return Approach.objects.create(support_request=request, leader=lee, sent_by=coordinator)


@pytest.fixture
def deployment(lee: LeaderProfile, alliance: Organisation, client_school: School) -> Deployment:
    """Lee's active agreement with Ermine Primary, started in September 2025, no visit since."""
    return make_deployment(leader=lee, organisation=alliance, client_school=client_school)


@pytest.fixture
def note(deployment: Deployment) -> Visit:
    return make_visit(deployment)


@pytest.fixture
def feedback(deployment: Deployment) -> FeedbackRequest:
    return FeedbackRequest.objects.create(
        deployment=deployment, academic_year="2025-26", term="autumn", due_on=dt.date(2025, 12, 19)
    )


@pytest.fixture
def unsigned(
    lee: LeaderProfile,
    alliance: Organisation,
    client_school: School,
    home_head: User,
    client_head: User,
    broker_lead: User,
) -> Deployment:
    """An agreement waiting for every signature (the four parties hold accounts)."""
    deployment = make_deployment(
        leader=lee,
        organisation=alliance,
        client_school=client_school,
        status=DeploymentStatus.AWAITING_SIGNATURES,
        full_days=2,
        half_days=0,
    )
    return deployment
