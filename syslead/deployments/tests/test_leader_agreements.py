"""The leader page's "Deployments" list comes from this area (the ``leader_agreements`` tag), so
the leaders area needs no import of agreements: it shows the leader's agreements the viewer may see
(docs/access.md), in one query."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client

from syslead.accounts.models import User
from syslead.deployments.models import DeploymentStatus
from syslead.leaders.models import LeaderProfile
from syslead.leaders.tests.factories import make_deployment
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]


def test_the_leader_page_lists_only_the_agreements_the_viewer_may_see(
    login: Login,
    coordinator: User,
    home_head: User,
    leader: LeaderProfile,
    alliance: Organisation,
    other_org: Organisation,
    client_school: School,
    far_school: School,
) -> None:
    make_deployment(leader, organisation=alliance, client_school=client_school)
    make_deployment(
        leader, organisation=other_org, client_school=far_school, status=DeploymentStatus.PAUSED
    )
    body = login(coordinator).get(f"/leaders/{leader.pk}/").content.decode()
    assert re.search(rf'<td data-label="[^"]+">{client_school.name}</td>', body)
    # the other broker's agreement
    assert not re.search(rf'<td data-label="[^"]+">{far_school.name}</td>', body)
    body = login(home_head).get(f"/leaders/{leader.pk}/").content.decode()
    assert re.search(rf'<td data-label="[^"]+">{client_school.name}</td>', body)
    # the home school sees both
    assert re.search(rf'<td data-label="[^"]+">{far_school.name}</td>', body)


def test_a_leader_without_agreements_has_none_listed(
    login: Login, coordinator: User, leader: LeaderProfile
) -> None:
    body = login(coordinator).get(f"/leaders/{leader.pk}/").content.decode()
    assert "No deployments yet." in body
