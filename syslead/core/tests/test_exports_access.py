"""Who reaches each download: the access matrix of the export addresses, in CSV and Excel alike.
Each download answers as its page does (302 is "sent to sign in")."""

from __future__ import annotations

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.deployments.models import Deployment
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.visits.tests.factories import make_deployment, make_leader_profile

PEOPLE = ("anonymous", "coordinator", "other_coordinator", "leader_user", "client_head", "admin")

#: Address → status for: anonymous, the organisation's coordinator, another organisation's
#: coordinator, the agreement's leader, the supported school's headteacher, an administrator.
MATRIX: list[tuple[str, tuple[int, int, int, int, int, int]]] = [
    ("/leaders/export.{fmt}", (302, 200, 200, 403, 403, 200)),
    ("/requests/export.{fmt}", (302, 200, 200, 200, 200, 200)),
    ("/requests/unmet-demand/export.{fmt}", (302, 200, 200, 403, 403, 200)),
    ("/requests/unmet-demand/export.{fmt}?organisation={org}", (302, 200, 404, 403, 403, 200)),
    ("/deployments/export.{fmt}", (302, 200, 200, 200, 200, 200)),
    ("/deployments/{dep}/delivery/export.{fmt}", (302, 200, 404, 200, 200, 200)),
    ("/deployments/{dep}/log/export.{fmt}", (302, 200, 404, 200, 200, 200)),
    ("/deployments/{dep}/invoices/export.{fmt}", (302, 200, 404, 403, 200, 200)),
    ("/reports/kpis/export.{fmt}", (302, 200, 200, 403, 403, 200)),
    ("/reports/kpis/export.{fmt}?organisation={org}", (302, 200, 404, 403, 403, 200)),
]


@pytest.fixture
def deployment(
    leader_user: User, home_school: School, alliance: Organisation, client_school: School
) -> Deployment:
    leader = make_leader_profile(leader_user, home_school)
    return make_deployment(leader=leader, organisation=alliance, client_school=client_school)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("address", "expected"), MATRIX)
def test_who_reaches_each_download(
    request: pytest.FixtureRequest,
    client: Client,
    deployment: Deployment,
    alliance: Organisation,
    other_org: Organisation,
    address: str,
    expected: tuple[int, ...],
    fmt: str,
) -> None:
    url = address.format(fmt=fmt, dep=deployment.pk, org=alliance.pk)
    answers = []
    for person in PEOPLE:
        client.logout()
        if person != "anonymous":
            fixture = "administrator" if person == "admin" else person
            client.force_login(request.getfixturevalue(fixture))
        response = client.get(url)
        answers.append(response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/")
    assert dict(zip(PEOPLE, answers, strict=True)) == dict(zip(PEOPLE, expected, strict=True))
