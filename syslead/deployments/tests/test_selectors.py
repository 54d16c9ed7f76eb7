"""Who sees an agreement, what each person is asked to do next, and the reads pages use."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from syslead.accounts.models import User
from syslead.brokering.models import Route
from syslead.deployments.models import Deployment, Party
from syslead.deployments.selectors import (
    awaiting_signature_of,
    can_manage_deployment,
    cost_breakdown_of,
    deployment_for_user,
    deployment_timeline,
    deployments_for_user,
    next_steps_for,
    party_to_sign,
    signature_rows,
    signatures_of,
    unsigned_parties,
    waiting_for_signatures,
)
from syslead.deployments.services import deployment_create, deployment_sign
from syslead.deployments.tests.factories import agreement_kwargs, make_request, refresh, set_release
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School


@pytest.mark.parametrize(
    "who",
    ["administrator", "coordinator", "broker_lead", "leader_user", "home_head", "client_head"],
)
def test_the_parties_and_the_broker_see_the_agreement(
    who: str, request: pytest.FixtureRequest, agreement: Deployment
) -> None:
    user = request.getfixturevalue(who)
    assert deployment_for_user(user, agreement.pk) == agreement
    assert list(deployments_for_user(user)) == [agreement]


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "sip"])
def test_everyone_else_gets_404(
    who: str, request: pytest.FixtureRequest, agreement: Deployment
) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(Http404):
        deployment_for_user(user, agreement.pk)
    assert not deployments_for_user(user).exists()


def test_the_sip_sees_agreements_on_the_la_route_only(
    sip: User,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    leader: LeaderProfile,
    parties: list[User],
) -> None:
    la = deployment_create(
        actor=coordinator,
        support_request=make_request(alliance, client_school, route=Route.LOCAL_AUTHORITY),
        leader=leader,
        **agreement_kwargs(),
    )
    assert deployment_for_user(sip, la.pk) == la


def test_unknown_ids_are_404(coordinator: User) -> None:
    for bad in (999999, "abc", None):
        with pytest.raises(Http404):
            deployment_for_user(coordinator, bad)  # type: ignore[arg-type]


def test_only_coordinators_of_the_organisation_manage_it(
    agreement: Deployment,
    coordinator: User,
    broker_lead: User,
    other_coordinator: User,
    administrator: User,
) -> None:
    assert can_manage_deployment(coordinator, agreement)
    assert can_manage_deployment(administrator, agreement)
    assert not can_manage_deployment(broker_lead, agreement)
    assert not can_manage_deployment(other_coordinator, agreement)


def test_signatures_and_what_each_person_does_next(
    agreement: Deployment,
    parties: list[User],
    coordinator: User,
    stranger: User,
    client_head: User,
) -> None:
    assert signatures_of(agreement) == {
        "leader": None,
        "home_headteacher": None,
        "client_headteacher": None,
        "broker_lead": None,
    }
    assert party_to_sign(client_head, agreement) == Party.CLIENT_HEADTEACHER
    assert next_steps_for(client_head, agreement)[0] == (
        "Sign the agreement as the headteacher of Ermine Primary Academy."
    )
    assert next_steps_for(stranger, agreement) == []
    deployment_sign(actor=client_head, deployment=agreement)
    assert unsigned_parties(agreement) == [Party.LEADER, Party.HOME_HEADTEACHER, Party.BROKER_LEAD]
    assert party_to_sign(client_head, agreement) is None
    assert next_steps_for(client_head, agreement) == [
        "Waiting for signatures from: The system leader (Lee Leader); The headteacher of Mount "
        "Street Academy; The broker lead of KYRA Teaching School Alliance."
    ]
    rows = signature_rows(agreement)
    assert [r.signed for r in rows] == [False, False, True, False]
    assert rows[2].signed_by == "Cara Client-Head"
    for person in parties:
        if person != client_head:
            deployment_sign(actor=person, deployment=agreement)
    active = refresh(agreement)
    assert "note of visit" in next_steps_for(parties[0], active)[0]
    assert "Agree each note of visit" in next_steps_for(client_head, active)[0]
    assert "record any change" in next_steps_for(coordinator, active)[0]


def test_agreements_waiting_for_my_signature(
    agreement: Deployment, client_head: User, coordinator: User
) -> None:
    assert awaiting_signature_of(client_head) == [agreement]
    assert awaiting_signature_of(coordinator) == []
    deployment_sign(actor=client_head, deployment=agreement)
    assert awaiting_signature_of(client_head) == []


def test_the_cost_breakdown_names_the_schools_and_broker(agreement: Deployment) -> None:
    lines = {line.key: line for line in cost_breakdown_of(agreement)}
    assert lines["to_home_school"].label == "To Mount Street Academy (backfill)"
    assert "Ermine Primary Academy pays £1,750.00" in lines["payable_by_school"].explanation


def test_the_timeline_reads_every_event_oldest_first(
    active: Deployment,
) -> None:
    verbs = [e.verb for e in deployment_timeline(active)]
    assert verbs[0] == "deployment.created"
    assert verbs[-1] == "deployment.activated"


def test_the_list_costs_a_fixed_number_of_queries(
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    leader: LeaderProfile,
    django_assert_max_num_queries: Any,
) -> None:
    set_release(leader, 50)
    for _ in range(6):
        deployment_create(
            actor=coordinator,
            support_request=make_request(alliance, client_school, chosen_leader=leader),
            **agreement_kwargs(),
        )
    with django_assert_max_num_queries(3):
        rows = [
            (d.leader.user.name, d.client_school.name, d.organisation.name)
            for d in deployments_for_user(coordinator)
        ]
    assert len(rows) == 6


def test_the_coordinators_see_whose_signatures_are_awaited(
    agreement: Deployment,
    coordinator: User,
    broker_lead: User,
    other_coordinator: User,
    client_head: User,
) -> None:
    deployment_sign(actor=client_head, deployment=agreement)
    [waiting] = waiting_for_signatures(coordinator)
    assert waiting.deployment == agreement
    assert waiting.waiting_for == (
        "The system leader (Lee Leader)",
        "The headteacher of Mount Street Academy",
        "The broker lead of KYRA Teaching School Alliance",
    )
    assert len(waiting_for_signatures(broker_lead)) == 1
    assert waiting_for_signatures(other_coordinator) == []


def test_the_parties_find_the_agreement_to_sign_in_their_inbox(
    agreement: Deployment, parties: list[User], coordinator: User
) -> None:
    from syslead.notifications.models import Notification

    asked = Notification.objects.filter(verb="deployment.to_sign")
    assert sorted(n.user_id for n in asked) == sorted(p.pk for p in parties)
    assert all(n.url == f"/deployments/{agreement.pk}/" for n in asked)
    assert not Notification.objects.filter(user=coordinator).exists()


def test_the_api_list_costs_a_fixed_number_of_queries(
    api: Any,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    leader: LeaderProfile,
    django_assert_max_num_queries: Any,
) -> None:
    set_release(leader, 50)
    client = api(coordinator)
    deployment_create(
        actor=coordinator,
        support_request=make_request(alliance, client_school, chosen_leader=leader),
        **agreement_kwargs(),
    )
    with django_assert_max_num_queries(20) as one:
        client.get("/deployments")
    for _ in range(5):
        deployment_create(
            actor=coordinator,
            support_request=make_request(alliance, client_school, chosen_leader=leader),
            **agreement_kwargs(),
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get("/deployments").json()) == 6
