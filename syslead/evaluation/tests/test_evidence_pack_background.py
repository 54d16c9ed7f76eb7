"""The impact evidence pack made in the background: asking queues a task after the commit, the page
shows its progress (htmx polls while it is queued or being made), then a download link; the
download is access-checked on every request; a failure says so and lets them try again; asking
again makes a new pack only when the records changed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from syslead.accounts.models import User
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed
from syslead.deployments.models import Deployment
from syslead.evaluation.evidence import evidence_pack_snapshot
from syslead.evaluation.evidence_packs import (
    STALLS_AFTER,
    Asked,
    evidence_pack_build,
    evidence_pack_request,
)
from syslead.evaluation.models import EvidencePack, EvidencePackStatus
from syslead.evaluation.tasks import build_evidence_pack
from syslead.visits.tests.factories import make_visit

Login = Callable[[User], Client]

PARTIES_AND_BROKER = ["client_head", "leader_user", "home_head", "coordinator", "broker_lead"]
#: The SIP reads the records on the LA route, but the pack is for the parties and the broker.
OUTSIDERS = ["stranger", "other_coordinator", "other_head", "sip"]


def page_url(deployment: Deployment) -> str:
    return f"/deployments/{deployment.pk}/evidence-pack/"


def download_url(pack: EvidencePack) -> str:
    return f"/deployments/{pack.deployment_id}/evidence-pack/{pack.pk}.pdf"


def ready_pack(deployment: Deployment, actor: User) -> EvidencePack:
    """Ask for a pack and make it as the worker would."""
    asked = evidence_pack_request(actor=actor, deployment=deployment)
    assert asked.outcome == Asked.STARTED
    return evidence_pack_build(asked.pack.pk)


# --- Asking, progress, download ---------------------------------------------------------------


def test_asking_queues_the_task_and_the_page_polls_until_the_pack_is_ready(
    login: Login, client_head: User, evidenced: Deployment, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(client_head)
    first = client.get(page_url(evidenced))
    assert "No evidence pack has been made yet." in first.content.decode()
    assert "hx-trigger" not in first.content.decode()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        asked = client.post(page_url(evidenced))
    assert asked["Location"] == page_url(evidenced)
    pack = EvidencePack.objects.get()
    assert (pack.status, pack.requested_by) == (EvidencePackStatus.QUEUED, client_head)
    assert len(callbacks) == 1  # the task is enqueued only once the request has committed

    # Queued: the whole page, then the part htmx fetches every 2 seconds.
    queued_page = client.get(page_url(evidenced)).content.decode()
    assert 'role="status" aria-live="polite"' in queued_page
    assert 'hx-trigger="every 2s"' in queued_page
    assert "Waiting to start" in queued_page
    assert "The evidence pack is being made" in queued_page  # the message after asking
    queued = client.get(page_url(evidenced), headers={"HX-Request": "true"})
    assert queued.templates[0].name == "evaluation/includes/evidence_pack_progress.html"
    assert 'hx-trigger="every 2s"' in queued.content.decode()

    # Being made: still polling.
    EvidencePack.objects.filter(pk=pack.pk).update(
        status=EvidencePackStatus.RUNNING, started_at=timezone.now()
    )
    running = client.get(page_url(evidenced), headers={"HX-Request": "true"}).content.decode()
    assert "Being made" in running
    assert "Gathering the records" in running
    assert 'hx-trigger="every 2s"' in running
    EvidencePack.objects.filter(pk=pack.pk).update(status=EvidencePackStatus.QUEUED)

    for callback in callbacks:  # the worker's turn (the immediate backend in tests)
        callback()
    pack.refresh_from_db()
    assert pack.status == EvidencePackStatus.READY
    assert pack.built_at is not None
    ready = client.get(page_url(evidenced), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in ready  # polling stops
    assert "Ready" in ready
    assert download_url(pack) in ready
    assert "this pack is up to date" in ready

    pdf = client.get(download_url(pack))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"] == "private, no-store"
    assert f"evidence-pack-{evidenced.pk}-" in pdf["Content-Disposition"]
    assert pdf.content.startswith(b"%PDF")


def test_the_task_makes_a_valid_pdf_and_records_what_it_covered(
    evidenced: Deployment, client_head: User
) -> None:
    asked = evidence_pack_request(actor=client_head, deployment=evidenced)
    assert build_evidence_pack.call(asked.pack.pk) == EvidencePackStatus.READY
    pack = EvidencePack.objects.get(pk=asked.pack.pk)
    assert pack.pdf is not None
    pdf = bytes(pack.pdf)
    assert pdf.startswith(b"%PDF")
    assert pack.size == len(pdf)
    assert pack.started_at is not None
    assert pack.built_at is not None
    assert len(pack.fingerprint) == 64
    visit = evidenced.visits.get()
    assert pack.covered["visits"] == [visit.pk]
    assert len(pack.covered["log_entries"]) == 1
    assert len(pack.covered["feedback"]) == 1
    assert pack.covered["progress_ratings"] == 2
    assert pack.covered["evaluation"] is not None
    assert pack.covered["final_report"] is None
    assert "1 note of visit" in pack.covered_phrases
    assert "the end-of-support evaluation" in pack.covered_phrases
    assert [e.verb for e in events_for(pack)] == [
        "evidence_pack.requested",
        "evidence_pack.ready",
    ]


def test_a_pack_already_made_is_left_alone(evidenced: Deployment, client_head: User) -> None:
    pack = ready_pack(evidenced, client_head)
    again = evidence_pack_build(pack.pk)
    assert again.status == EvidencePackStatus.READY
    assert events_for(pack).filter(verb="evidence_pack.ready").count() == 1


@pytest.mark.django_db
def test_with_the_database_backend_the_pack_waits_for_the_worker(
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    evidenced: Deployment,
    coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker closes stale connections between tasks; inside the test's transaction that
    # would close the connection the test is using.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    with django_capture_on_commit_callbacks(execute=True):
        asked = evidence_pack_request(actor=coordinator, deployment=evidenced)
    row = DBTaskResult.objects.get()
    assert row.task_path == "syslead.evaluation.tasks.build_evidence_pack"
    assert json.loads(json.dumps(row.args_kwargs)) == row.args_kwargs  # plain JSON only
    assert EvidencePack.objects.get().status == EvidencePackStatus.QUEUED

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert EvidencePack.objects.get(pk=asked.pack.pk).status == EvidencePackStatus.READY


# --- Asking again ------------------------------------------------------------------------------


def test_asking_while_a_pack_is_in_the_making_does_not_start_another(
    login: Login, coordinator: User, leader_user: User, evidenced: Deployment
) -> None:
    first = evidence_pack_request(actor=coordinator, deployment=evidenced)
    second = evidence_pack_request(actor=leader_user, deployment=evidenced)
    assert second.outcome == Asked.IN_THE_MAKING
    assert second.pack.pk == first.pack.pk
    response = login(leader_user).post(page_url(evidenced), follow=True)
    assert "already being made" in response.content.decode()
    assert EvidencePack.objects.count() == 1


def test_asking_again_with_no_change_gives_the_same_pack(
    login: Login, client_head: User, coordinator: User, evidenced: Deployment
) -> None:
    pack = ready_pack(evidenced, client_head)
    again = evidence_pack_request(actor=coordinator, deployment=evidenced)
    assert (again.outcome, again.pack.pk) == (Asked.UP_TO_DATE, pack.pk)
    response = login(coordinator).post(page_url(evidenced), follow=True)
    assert "Nothing has changed since the newest pack was made" in response.content.decode()
    assert EvidencePack.objects.count() == 1


def test_asking_again_after_the_records_changed_makes_a_new_pack(
    login: Login,
    client_head: User,
    coordinator: User,
    evidenced: Deployment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    old = ready_pack(evidenced, client_head)
    visit = make_visit(evidenced, date=dt.date(2025, 11, 3))
    client = login(coordinator)
    page = client.get(page_url(evidenced)).content.decode()
    assert "The records have changed since this pack was made." in page
    assert "Make a new pack" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url(evidenced))
    new = EvidencePack.objects.exclude(pk=old.pk).get()
    assert new.status == EvidencePackStatus.READY
    assert new.requested_by == coordinator
    assert visit.pk in new.covered["visits"]
    assert new.fingerprint != old.fingerprint
    page = client.get(page_url(evidenced)).content.decode()
    assert download_url(new) in page
    assert "Earlier packs" in page
    assert download_url(old) in page  # the earlier pack is still there to download


def test_a_pack_covers_the_records_as_they_were_and_its_fingerprint_ignores_the_time(
    evidenced: Deployment, client_head: User
) -> None:
    pack = ready_pack(evidenced, client_head)
    # Asking and making a pack is not a change to the records (its events are the pack's).
    assert evidence_pack_snapshot(evidenced).fingerprint == pack.fingerprint


def test_a_stalled_pack_is_given_up_when_asked_again(
    login: Login, coordinator: User, evidenced: Deployment
) -> None:
    stuck = evidence_pack_request(actor=coordinator, deployment=evidenced).pack
    EvidencePack.objects.filter(pk=stuck.pk).update(
        requested_at=timezone.now() - STALLS_AFTER - dt.timedelta(minutes=1)
    )
    client = login(coordinator)
    page = client.get(page_url(evidenced)).content.decode()
    assert "taking much longer than it should" in page
    again = evidence_pack_request(actor=coordinator, deployment=evidenced)
    assert again.outcome == Asked.STARTED
    stuck.refresh_from_db()
    assert stuck.status == EvidencePackStatus.FAILED
    assert "stopped before it was finished" in stuck.error


def test_one_pack_in_the_making_per_deployment_is_a_database_rule(
    evidenced: Deployment, coordinator: User
) -> None:
    from django.db import IntegrityError, transaction

    EvidencePack.objects.create(deployment=evidenced, requested_by=coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidencePack.objects.create(
            deployment=evidenced, requested_by=coordinator, status=EvidencePackStatus.RUNNING
        )


# --- Failure -----------------------------------------------------------------------------------


def test_a_failure_says_so_and_trying_again_makes_the_pack(
    login: Login,
    client_head: User,
    evidenced: Deployment,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def broken(html: str) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr("syslead.evaluation.evidence_packs.render_pdf", broken)
    client = login(client_head)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url(evidenced))  # the immediate backend records the task's failure
    failed = EvidencePack.objects.get()
    assert failed.status == EvidencePackStatus.FAILED
    assert failed.pdf is None
    assert "RuntimeError: no fonts" in failed.error
    assert events_for(failed).filter(verb="evidence_pack.failed").exists()
    page = client.get(page_url(evidenced), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in page  # polling stops on failure too
    assert "The evidence pack could not be made." in page
    assert "Try again" in page
    assert client.get(download_url(failed)).status_code == 404

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page_url(evidenced))
    made = EvidencePack.objects.exclude(pk=failed.pk).get()
    assert made.status == EvidencePackStatus.READY
    page = client.get(page_url(evidenced)).content.decode()
    assert "could not be made" not in page
    assert download_url(made) in page


def test_the_build_raises_for_the_worker_log_after_recording_the_failure(
    evidenced: Deployment, client_head: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(deployment: Deployment) -> Any:
        raise ValueError("bad record")

    monkeypatch.setattr("syslead.evaluation.evidence_packs.evidence_pack_snapshot", broken)
    asked = evidence_pack_request(actor=client_head, deployment=evidenced)
    with pytest.raises(ValueError, match="bad record"):
        evidence_pack_build(asked.pack.pk)
    assert EvidencePack.objects.get().status == EvidencePackStatus.FAILED


# --- Who may ask and download ------------------------------------------------------------------


@pytest.mark.parametrize("who", PARTIES_AND_BROKER)
def test_the_parties_and_the_broker_ask_for_and_download_the_pack(
    request: pytest.FixtureRequest,
    login: Login,
    evidenced: Deployment,
    client_head: User,
    who: str,
) -> None:
    pack = ready_pack(evidenced, client_head)
    client = login(request.getfixturevalue(who))
    assert client.get(page_url(evidenced)).status_code == 200
    assert client.post(page_url(evidenced)).status_code == 302
    response = client.get(download_url(pack))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("who", OUTSIDERS)
def test_nobody_else_sees_asks_for_or_downloads_the_pack(
    request: pytest.FixtureRequest,
    login: Login,
    la_deployment: Deployment,
    client_head: User,
    who: str,
) -> None:
    pack = ready_pack(la_deployment, client_head)
    client = login(request.getfixturevalue(who))
    assert client.get(page_url(la_deployment)).status_code == 404
    assert client.post(page_url(la_deployment)).status_code == 404
    assert client.get(download_url(pack)).status_code == 404
    assert client.get(f"/deployments/{la_deployment.pk}/evidence-pack.pdf").status_code == 404
    assert EvidencePack.objects.count() == 1


@pytest.mark.parametrize("who", OUTSIDERS)
def test_the_service_refuses_anyone_who_may_not_see_the_pack(
    request: pytest.FixtureRequest, la_deployment: Deployment, who: str
) -> None:
    with pytest.raises(NotAllowed):
        evidence_pack_request(actor=request.getfixturevalue(who), deployment=la_deployment)


def test_a_pack_is_downloaded_only_through_its_own_deployment(
    login: Login,
    client_head: User,
    coordinator: User,
    evidenced: Deployment,
    la_deployment: Deployment,
) -> None:
    """The download checks the pack belongs to the deployment in the address, so access to one
    agreement never opens another's pack."""
    pack = ready_pack(evidenced, client_head)
    response = login(coordinator).get(
        f"/deployments/{la_deployment.pk}/evidence-pack/{pack.pk}.pdf"
    )
    assert response.status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client: Client, evidenced: Deployment) -> None:
    for url in (page_url(evidenced), f"/deployments/{evidenced.pk}/evidence-pack/1.pdf"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_the_page_and_its_poll_stay_within_their_query_budgets(
    login: Login,
    client_head: User,
    evidenced: Deployment,
    django_assert_max_num_queries: Any,
) -> None:
    for day in range(3):
        ready_pack(evidenced, client_head)
        make_visit(evidenced, date=dt.date(2025, 11, 3) + dt.timedelta(days=day))
    client = login(client_head)
    # The whole page reads the records once to tell whether the newest pack is up to date.
    with django_assert_max_num_queries(34):
        response = client.get(page_url(evidenced))
    assert len(response.context["earlier"]) == 2
    # The poll while a pack is in the making reads only the packs.
    evidence_pack_request(actor=client_head, deployment=evidenced)
    with django_assert_max_num_queries(6):
        client.get(page_url(evidenced), headers={"HX-Request": "true"})
