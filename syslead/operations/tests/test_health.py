"""/health/live and /health/ready: anonymous, never cached, and saying only which check fails."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from syslead.operations import health
from syslead.operations.models import Heartbeat
from syslead.operations.tasks import WORKER, heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_migrations_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "_migrations_seen_applied", False)


def _beat(seconds_ago: float) -> None:
    Heartbeat.objects.update_or_create(
        name=WORKER, defaults={"seen_at": timezone.now() - dt.timedelta(seconds=seconds_ago)}
    )


def test_live_answers_ok_to_anyone_without_touching_the_database(
    client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_ready_is_ok_with_the_database_migrated_and_a_recent_worker_heartbeat(
    client: Client,
) -> None:
    _beat(10)
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_ready_fails_when_no_worker_has_ever_beaten(client: Client) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "migrations": "ok", "worker": "failing"},
    }


def test_ready_fails_when_the_last_heartbeat_is_over_a_minute_old(client: Client) -> None:
    _beat(61)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "failing"


def test_the_heartbeat_task_makes_ready_pass(client: Client) -> None:
    _beat(3600)
    heartbeat.enqueue()  # tests run tasks at once, as a worker would
    assert client.get("/health/ready").status_code == 200


def test_ready_says_the_database_fails_and_nothing_of_the_error(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable() -> bool:
        raise OperationalError('connection to server at "db.internal" (10.0.0.5) refused')

    monkeypatch.setitem(health.CHECKS, "database", unreachable)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "failing", "migrations": "failing", "worker": "failing"},
    }
    body = response.content.decode()
    assert "db.internal" not in body
    assert "10.0.0.5" not in body


def test_ready_fails_while_a_migration_is_not_applied(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    _beat(1)
    monkeypatch.setattr(
        health.MigrationExecutor, "migration_plan", lambda self, targets: [("pending", False)]
    )
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "migrations": "failing",
        "worker": "ok",
    }


def test_health_endpoints_reveal_no_versions_or_hosts(client: Client) -> None:
    _beat(1)
    for path in ("/health/live", "/health/ready"):
        response = client.get(path)
        assert set(json.loads(response.content)) == {"status"}
        assert "Server" not in response
        assert "X-Powered-By" not in response


def test_health_endpoints_refuse_writes(client: Client) -> None:
    assert client.post("/health/live").status_code == 405
    assert client.post("/health/ready").status_code == 405
