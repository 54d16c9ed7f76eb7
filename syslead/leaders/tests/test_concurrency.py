"""The LLE rule under concurrency: two brokers associating the same LLE at the same moment."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connections

from conftest import make_school, make_user, only_on_postgresql
from syslead.accounts.models import Role, User
from syslead.core.exceptions import RuleViolation
from syslead.leaders.models import Association, LeaderProfile
from syslead.leaders.services import association, association_create
from syslead.leaders.tests.factories import designate, make_leader
from syslead.organisations.models import Organisation

ONLY_ON_POSTGRESQL = only_on_postgresql("row locks and a partial unique index")


def _race(brokers: list[tuple[int, int]], leader: LeaderProfile) -> list[str]:
    """Each broker's coordinator associates the leader in its own thread (own connection), all
    released at once; the outcome of each, as "associated" or the refusing rule."""
    start = threading.Barrier(len(brokers))
    outcomes: list[str] = []
    lock = threading.Lock()

    def associate(user_id: int, organisation_id: int) -> None:
        try:
            actor = User.objects.get(pk=user_id)
            organisation = Organisation.objects.get(pk=organisation_id)
            start.wait(timeout=60)
            association_create(
                actor=actor, leader=leader, organisation=organisation, starts_on=dt.date(2025, 9, 1)
            )
            result = "associated"
        except RuleViolation as refused:
            result = refused.rule
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=associate, args=broker) for broker in brokers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(outcomes)


def _lle_and_two_brokers() -> tuple[LeaderProfile, list[tuple[int, int]]]:
    school = make_school(120500, "Lincoln Race Primary")
    lle = make_leader(school=school, name="Rae Racing")
    designate(lle, "LLE")  # a national designation: no automatic association yet
    brokers = []
    for n in range(2):
        organisation = Organisation.objects.create(
            name=f"Broker {n}", kind="teaching_school_alliance", slug=f"broker-{n}"
        )
        coordinator = make_user(f"coordinator{n}@race.test", f"Coordinator {n}")
        coordinator.role_assignments.create(role=Role.COORDINATOR, organisation=organisation)
        brokers.append((coordinator.pk, organisation.pk))
    return lle, brokers


@ONLY_ON_POSTGRESQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_organisations_associating_the_same_lle_at_once_only_one_succeeds() -> None:
    lle, brokers = _lle_and_two_brokers()

    assert _race(brokers, lle) == ["associated", "lle_exclusive_association"]
    live = Association.objects.filter(leader=lle, is_live=True)
    assert live.count() == 1
    assert live.get().exclusive


@ONLY_ON_POSTGRESQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_constraint_decides_when_both_pass_the_checks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the leader's row lock both writers pass the checks; held at the door, they insert
    together and the partial unique index lets one through: the other's IntegrityError becomes the
    same rule refusal."""
    lle, brokers = _lle_and_two_brokers()
    at_the_door = threading.Barrier(len(brokers))
    insert = association.insert_live_association

    def insert_together(**kwargs: Any) -> Association:
        at_the_door.wait(timeout=60)
        return insert(**kwargs)

    monkeypatch.setattr(association, "lock_leader", lambda leader: leader)
    monkeypatch.setattr(association, "insert_live_association", insert_together)

    assert _race(brokers, lle) == ["associated", "lle_exclusive_association"]
    assert Association.objects.filter(leader=lle, is_live=True).count() == 1
