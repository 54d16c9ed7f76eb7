"""Who sees notes of visit and concerns: the parties, the broker and (LA route) the SIP see the
notes; concerns only the raiser, the named person and the organisation's coordinators."""

from __future__ import annotations

import pytest
from django.http import Http404

from syslead.accounts.models import User
from syslead.deployments.models import Deployment
from syslead.organisations.models import Organisation
from syslead.visits.access import (
    concern_for_user,
    concerns_visible_to,
    deployments_with_records_for,
    visit_for_user,
)
from syslead.visits.models import ConcernKind
from syslead.visits.services import concern_contact_set, concern_raise
from syslead.visits.tests.factories import make_visit


@pytest.mark.parametrize(
    "who",
    ["leader_user", "client_head", "home_head", "coordinator", "broker_lead", "administrator"],
)
def test_parties_and_the_broker_see_notes_of_visit(
    request: pytest.FixtureRequest, deployment: Deployment, who: str
) -> None:
    user: User = request.getfixturevalue(who)
    visit = make_visit(deployment)
    assert visit_for_user(user, visit.pk) == visit
    assert deployment in deployments_with_records_for(user)


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "other_head", "sip"])
def test_outsiders_never_see_notes_of_visit(
    request: pytest.FixtureRequest, deployment: Deployment, who: str
) -> None:
    user: User = request.getfixturevalue(who)
    visit = make_visit(deployment)
    with pytest.raises(Http404):
        visit_for_user(user, visit.pk)
    assert deployment not in deployments_with_records_for(user)


def test_the_sip_sees_notes_on_the_local_authority_route_only(
    sip: User, deployment: Deployment, la_deployment: Deployment
) -> None:
    assert visit_for_user(sip, make_visit(la_deployment).pk)
    with pytest.raises(Http404):
        visit_for_user(sip, make_visit(deployment).pk)
    assert list(deployments_with_records_for(sip)) == [la_deployment]


def _raise(actor: User, deployment: Deployment) -> int:
    return concern_raise(
        actor=actor,
        deployment=deployment,
        kind=ConcernKind.SAFEGUARDING,
        summary="A pupil disclosed something",
        details="Details for the named person only.",
    ).pk


@pytest.mark.parametrize("who", ["leader_user", "named_person", "coordinator", "administrator"])
def test_a_concern_is_seen_by_the_raiser_the_named_person_and_coordinators(
    request: pytest.FixtureRequest,
    coordinator: User,
    named_person: User,
    alliance: Organisation,
    leader_user: User,
    deployment: Deployment,
    who: str,
) -> None:
    concern_contact_set(actor=coordinator, organisation=alliance, safeguarding_lead=named_person)
    concern_id = _raise(leader_user, deployment)
    user: User = request.getfixturevalue(who)
    assert concern_for_user(user, concern_id).pk == concern_id


@pytest.mark.parametrize(
    "who",
    ["client_head", "home_head", "broker_lead", "stranger", "other_coordinator", "other_head"],
)
def test_a_concern_is_hidden_from_everyone_else_even_the_other_parties(
    request: pytest.FixtureRequest, leader_user: User, deployment: Deployment, who: str
) -> None:
    concern_id = _raise(leader_user, deployment)
    user: User = request.getfixturevalue(who)
    with pytest.raises(Http404):
        concern_for_user(user, concern_id)
    assert not concerns_visible_to(user).exists()


def test_the_client_head_sees_a_concern_they_raised_themselves(
    client_head: User, deployment: Deployment
) -> None:
    concern_id = _raise(client_head, deployment)
    assert concern_for_user(client_head, concern_id).pk == concern_id
