"""One rule for who sees an agreement: the list filter (``deployments_visible_to``), the roles on
one agreement (``deployment_roles``) and the visits area's list filter agree for every persona, on
both routes."""

from __future__ import annotations

import pytest

from syslead.accounts.models import User
from syslead.brokering.models import Route
from syslead.deployments.access import deployment_roles, deployments_visible_to
from syslead.deployments.models import Deployment
from syslead.visits.access import deployments_with_records_for

PERSONAS = [
    "administrator",
    "coordinator",
    "broker_lead",
    "sip",
    "leader_user",
    "home_head",
    "client_head",
    "other_coordinator",
    "stranger",
]
#: Who sees an agreement on each route (a SIP only on the local authority route).
SEES = {
    Route.SCHOOL: {
        "administrator",
        "coordinator",
        "broker_lead",
        "leader_user",
        "home_head",
        "client_head",
    },
}
SEES[Route.LOCAL_AUTHORITY] = SEES[Route.SCHOOL] | {"sip"}


@pytest.mark.parametrize("route", [Route.SCHOOL, Route.LOCAL_AUTHORITY])
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_filter_and_the_roles_on_one_agreement_agree(
    request: pytest.FixtureRequest, agreement: Deployment, persona: str, route: str
) -> None:
    agreement.support_request.route = route
    agreement.support_request.save(update_fields=["route"])
    user: User = request.getfixturevalue(persona)
    listed = deployments_visible_to(user).filter(pk=agreement.pk).exists()
    assert listed == (persona in SEES[route])
    assert deployment_roles(user, agreement).can_see_records == listed
    assert deployments_with_records_for(user).filter(pk=agreement.pk).exists() == listed
