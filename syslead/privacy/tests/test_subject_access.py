"""Subject access: an administrator asks for a person's export; a background task makes a ZIP of
their profile, roles, the records they wrote and about them and their timeline as JSON, with the
PDFs of their records; the page shows its progress (htmx polls while it is being made); only
administrators download it, every download is recorded, and it expires after 7 days."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from syslead.accounts.models import ApiToken, User
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed
from syslead.deployments.models import Deployment
from syslead.privacy import subject_access
from syslead.privacy.models import ExportStatus, ReadAudit, ReadKind, SubjectAccessExport
from syslead.privacy.subject_access import export_build, export_request

Login = Callable[[User], Client]


def _zip(response: Any) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_an_administrator_asks_and_the_worker_makes_the_zip_with_json_and_pdfs(
    login: Login,
    administrator: User,
    leader_user: User,
    finished: Deployment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ApiToken.issue(leader_user)
    web = login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        asked = web.post(f"/privacy/people/{leader_user.pk}/exports/")
    export = SubjectAccessExport.objects.get()
    assert asked.status_code == 302
    assert asked["Location"] == f"/privacy/exports/{export.pk}/"
    assert export.status == ExportStatus.READY  # the immediate backend ran the task
    assert export.steps_done == export.steps_total > 0
    assert export.expires_at == export.finished_at + dt.timedelta(days=7)
    page = web.get(f"/privacy/exports/{export.pk}/")
    assert b"Download the export" in page.content
    download = web.get(f"/privacy/exports/{export.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Cache-Control"] == "private, no-store"
    archive = _zip(download)
    names = archive.namelist()
    assert "README.txt" in names
    profile = json.loads(archive.read("data/profile.json"))
    assert profile[0]["fields"]["email"] == "lee@mountstreet.test"
    assert "password" not in profile[0]["fields"]
    tokens = json.loads(archive.read("data/api_tokens.json"))
    assert len(tokens) == 1
    assert "key_hash" not in tokens[0]["fields"]
    visits = json.loads(archive.read("data/notes_of_visit_recorded.json"))
    assert len(visits) == 2
    assert len(json.loads(archive.read("data/agreements_as_leader.json"))) == 1
    assert json.loads(archive.read("data/roles.json"))[0]["fields"]["role"] == "system_leader"
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert len([n for n in pdfs if n.startswith("pdf/notes-of-visit/")]) == 2
    assert len([n for n in pdfs if n.startswith("pdf/agreements/")]) == 1
    assert all(archive.read(n).startswith(b"%PDF") for n in pdfs)
    assert ReadAudit.objects.filter(
        kind=ReadKind.SUBJECT_ACCESS_EXPORT, record_id=export.pk, reader=administrator
    ).exists()
    assert events_for(leader_user).filter(verb="subject_access.ready").exists()


def test_the_page_polls_while_the_export_is_being_made(
    login: Login, administrator: User, stranger: User
) -> None:
    export = SubjectAccessExport.objects.create(
        person=stranger,
        requested_by=administrator,
        status=ExportStatus.RUNNING,
        steps_done=3,
        steps_total=12,
        step="Gathered roles",
    )
    web = login(administrator)
    page = web.get(f"/privacy/exports/{export.pk}/")
    assert b'hx-trigger="every 2s"' in page.content
    assert b"3 of 12 parts done" in page.content
    assert b'value="25"' in page.content
    part = web.get(f"/privacy/exports/{export.pk}/", headers={"HX-Request": "true"})
    assert b"<html" not in part.content
    assert b'id="export-progress"' in part.content
    assert web.get(f"/privacy/exports/{export.pk}/download/").status_code == 404


def test_asking_again_while_one_is_being_made_returns_it(
    administrator: User, stranger: User
) -> None:
    first = export_request(actor=administrator, person=stranger)
    again = export_request(actor=administrator, person=stranger)
    assert again.pk == first.pk
    assert SubjectAccessExport.objects.count() == 1


def test_a_stalled_export_is_failed_and_a_new_one_started(
    administrator: User, stranger: User
) -> None:
    first = export_request(actor=administrator, person=stranger)
    SubjectAccessExport.objects.filter(pk=first.pk).update(
        requested_at=timezone.now() - subject_access.STALLS_AFTER - dt.timedelta(minutes=1)
    )
    again = export_request(actor=administrator, person=stranger)
    assert again.pk != first.pk
    first.refresh_from_db()
    assert first.status == ExportStatus.FAILED


def test_a_failure_shows_as_failed_with_the_reason(
    administrator: User, stranger: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = SubjectAccessExport.objects.create(person=stranger, requested_by=administrator)

    def broken(person: User) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(subject_access, "person_sections", broken)
    with pytest.raises(RuntimeError):
        export_build(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert "disk full" in export.error


def test_an_expired_export_is_not_downloaded(
    login: Login, administrator: User, stranger: User
) -> None:
    export = SubjectAccessExport.objects.create(person=stranger, requested_by=administrator)
    export_build(export.pk)
    SubjectAccessExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    web = login(administrator)
    assert web.get(f"/privacy/exports/{export.pk}/download/").status_code == 404
    assert b"Expired" in web.get(f"/privacy/exports/{export.pk}/").content
    assert not ReadAudit.objects.exists()


def test_only_administrators_ask_for_an_export(coordinator: User, stranger: User) -> None:
    with pytest.raises(NotAllowed):
        export_request(actor=coordinator, person=stranger)


@pytest.mark.parametrize("who", ["coordinator", "broker_lead", "stranger"])
def test_no_one_but_an_administrator_reaches_an_export(
    login: Login, request: pytest.FixtureRequest, who: str, administrator: User, stranger: User
) -> None:
    export = SubjectAccessExport.objects.create(person=stranger, requested_by=administrator)
    export_build(export.pk)
    person = request.getfixturevalue(who)
    web = login(person)
    assert web.get(f"/privacy/exports/{export.pk}/").status_code == 404
    assert web.get(f"/privacy/exports/{export.pk}/download/").status_code == 404
    assert web.post(f"/privacy/people/{stranger.pk}/exports/").status_code == 404
    assert SubjectAccessExport.objects.count() == 1


def test_signed_out_people_are_sent_to_sign_in(client: Client, stranger: User) -> None:
    export = SubjectAccessExport.objects.create(person=stranger)
    response = client.get(f"/privacy/exports/{export.pk}/download/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
