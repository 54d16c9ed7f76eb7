"""Two agreements made, or signed, at the same moment can never over-commit a leader: both
writers take the leader's capacity lock (``capacity.ledger.lock_leader_capacity``) before they
compare days, so the second sees the first's days."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from conftest import make_school, make_user, only_on_postgresql, race
from syslead.accounts.models import Role, User
from syslead.capacity.ledger import leader_capacity
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.deployments.services import agreements, common, deployment_create, deployment_sign
from syslead.deployments.tests.factories import YEAR, agreement_kwargs, make_leader, make_request
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation

ONLY_ON_POSTGRESQL = only_on_postgresql("the leader's row lock")


def _world() -> dict[str, Any]:
    alliance = Organisation.objects.create(
        name="Race Alliance", kind="teaching_school_alliance", slug="race-alliance"
    )
    home = make_school(121001, "Race Home School")
    client = make_school(121002, "Race Client School")
    leader_user = make_user("lee@race.test", "Lee Leader", (Role.SYSTEM_LEADER, None))
    leader = make_leader(leader_user, home, alliance, release_days=8)
    people = {
        "coordinator": make_user("alice@race.test", "Alice", (Role.COORDINATOR, alliance)),
        "leader": leader_user,
        "home_head": make_user("hal@race.test", "Hal", (Role.HEADTEACHER, home)),
        "client_head": make_user("cara@race.test", "Cara", (Role.HEADTEACHER, client)),
        "broker_lead": make_user("bea@race.test", "Bea", (Role.BROKER_LEAD, alliance)),
    }
    requests = [make_request(alliance, client, chosen_leader=leader) for _ in range(2)]
    return {"profile": leader, "requests": requests, **people}


def _create(user_id: int, request_id: int) -> Callable[[], Any]:
    def call() -> Deployment:
        from syslead.brokering.models import SupportRequest

        return deployment_create(
            actor=User.objects.get(pk=user_id),
            support_request=SupportRequest.objects.select_related("school", "organisation").get(
                pk=request_id
            ),
            **agreement_kwargs(full_days=5),
        )

    return call


def _sign(user_id: int, deployment_id: int) -> Callable[[], Any]:
    def call() -> Deployment:
        return deployment_sign(
            actor=User.objects.get(pk=user_id), deployment=Deployment.objects.get(pk=deployment_id)
        )

    return call


def _two_agreements_awaiting_the_broker_lead(world: dict[str, Any]) -> list[Deployment]:
    """Two 5-day agreements made while 10 days were released, then the release cut to 8 outside
    the services (e.g. in the admin): only one of them may become active."""
    leader: LeaderProfile = world["profile"]
    leader.releases.update(days=10)
    made = [
        deployment_create(actor=world["coordinator"], support_request=r, **agreement_kwargs())
        for r in world["requests"]
    ]
    leader.releases.update(days=8)
    for deployment in made:
        for who in ("leader", "home_head", "client_head"):
            deployment_sign(actor=world[who], deployment=deployment)
    return made


@ONLY_ON_POSTGRESQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_agreements_made_at_once_cannot_both_take_the_last_days() -> None:
    world = _world()
    calls = [_create(world["coordinator"].pk, r.pk) for r in world["requests"]]

    assert race(calls) == ["capacity", "ok"]
    assert Deployment.objects.count() == 1
    assert leader_capacity(world["profile"], YEAR).committed == 5


@ONLY_ON_POSTGRESQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_agreements_signed_at_once_cannot_both_become_active() -> None:
    world = _world()
    made = _two_agreements_awaiting_the_broker_lead(world)
    calls = [_sign(world["broker_lead"].pk, d.pk) for d in made]

    assert race(calls) == ["capacity", "ok"]
    statuses = sorted(Deployment.objects.values_list("status", flat=True))
    assert statuses == [DeploymentStatus.ACTIVE, DeploymentStatus.AWAITING_SIGNATURES]


@ONLY_ON_POSTGRESQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_the_lock_both_would_activate(monkeypatch: pytest.MonkeyPatch) -> None:
    """The race is real: with the lock taken away and both signers held together just after the
    capacity check, both agreements become active and the leader is over-committed. The lock is
    what stops it."""
    world = _world()
    made = _two_agreements_awaiting_the_broker_lead(world)
    after_the_check = threading.Barrier(2)
    check = agreements.capacity_shortfall_at_signature

    def check_then_wait(deployment: Deployment) -> str | None:
        shortfall = check(deployment)
        after_the_check.wait(timeout=60)
        return shortfall

    monkeypatch.setattr(common, "lock_leader_capacity", lambda leader: leader)
    monkeypatch.setattr(agreements, "capacity_shortfall_at_signature", check_then_wait)
    calls = [_sign(world["broker_lead"].pk, d.pk) for d in made]

    assert race(calls) == ["ok", "ok"]
    assert Deployment.objects.filter(status=DeploymentStatus.ACTIVE).count() == 2
