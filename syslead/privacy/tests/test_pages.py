"""The privacy notice (public, generated from the retention table and the roles, linked from every
page's footer), the public directory's statement of consent, and who reaches each new page:
anonymous people, an ordinary signed-in person, an administrator and a concern's named person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from syslead.accounts.models import Role, User
from syslead.organisations.models import Organisation
from syslead.privacy.models import ExportStatus, SubjectAccessExport
from syslead.privacy.notice import ROLE_ACCESS
from syslead.privacy.retention import RULES
from syslead.privacy.retention_run import apply_retention
from syslead.privacy.subject_access import export_build
from syslead.visits.models import Concern

Login = Callable[[User], Client]


def test_the_privacy_notice_is_public_and_prints_the_retention_table_and_the_roles(
    client: Client,
) -> None:
    page = client.get("/privacy/")
    assert page.status_code == 200
    text = page.content.decode()
    for rule in RULES:
        assert rule.record_type.split(" (")[0].replace("'", "&#x27;") in text
        assert rule.period.label in text
    for row in ROLE_ACCESS:
        assert row.label in text
    assert "agreed to publish" in text
    assert "/privacy/people/" not in text  # the administrators' links are for administrators


def test_every_role_says_who_sees_what() -> None:
    assert {row.role for row in ROLE_ACCESS} == set(Role.values)


def test_every_page_links_the_privacy_notice_in_its_footer(
    client: Client, login: Login, coordinator: User
) -> None:
    assert b'href="/privacy/">Privacy notice</a>' in client.get("/accounts/login/").content
    assert b'href="/privacy/">Privacy notice</a>' in login(coordinator).get("/").content


def test_the_public_directory_says_it_shows_only_what_leaders_consented_to(
    client: Client, alliance: Organisation
) -> None:
    page = client.get(f"/organisations/{alliance.slug}/directory/")
    assert page.status_code == 200
    assert b"only what each leader consented to publish" in page.content


def test_the_administrator_finds_a_person_and_sees_their_page(
    login: Login, administrator: User, stranger: User
) -> None:
    web = login(administrator)
    found = web.get("/privacy/people/", {"q": "charlie"})
    assert f"/privacy/people/{stranger.pk}/".encode() in found.content
    page = web.get(f"/privacy/people/{stranger.pk}/")
    assert b"Make a subject access export" in page.content
    assert b"Erase this person" in page.content


def test_the_retention_runs_page_lists_what_each_run_did(login: Login, administrator: User) -> None:
    apply_retention(dt.date(2030, 1, 1))
    page = login(administrator).get("/privacy/retention/")
    assert page.status_code == 200
    assert b"1 January 2030" in page.content


# --- The access matrix of the new pages -----------------------------------------------------------

#: Each new address with the status expected for: anonymous, an ordinary signed-in person (a
#: coordinator), an administrator, the concern's named person. 302 is "sent to sign in".
MATRIX: list[tuple[str, str, tuple[int, int, int, int]]] = [
    ("GET", "/privacy/", (200, 200, 200, 200)),
    ("GET", "/privacy/people/", (302, 404, 200, 404)),
    ("GET", "/privacy/people/{person}/", (302, 404, 200, 404)),
    ("POST", "/privacy/people/{person}/exports/", (302, 404, 302, 404)),
    ("GET", "/privacy/people/{person}/erase/", (302, 404, 200, 404)),
    ("GET", "/privacy/exports/{export}/", (302, 404, 200, 404)),
    ("GET", "/privacy/exports/{export}/download/", (302, 404, 200, 404)),
    ("GET", "/privacy/retention/", (302, 404, 200, 404)),
    ("GET", "/privacy/reads/concern/{concern}/", (302, 404, 200, 200)),
    ("GET", "/privacy/reads/evaluation/1/", (302, 404, 200, 404)),
]


@pytest.mark.parametrize(("method", "path", "expected"), MATRIX)
def test_who_reaches_each_new_page(
    client: Client,
    method: str,
    path: str,
    expected: tuple[int, int, int, int],
    administrator: User,
    coordinator: User,
    named_person: User,
    stranger: User,
    concern: Concern,
) -> None:
    export = SubjectAccessExport.objects.create(person=stranger, requested_by=administrator)
    export_build(export.pk)
    assert SubjectAccessExport.objects.get(pk=export.pk).status == ExportStatus.READY
    url = path.format(person=stranger.pk, export=export.pk, concern=concern.pk)
    for who, status in zip((None, coordinator, administrator, named_person), expected, strict=True):
        client.logout()
        if who is not None:
            client.force_login(who)
        response = getattr(client, method.lower())(url)
        assert response.status_code == status, (url, who, response.status_code)


def test_the_admin_lists_the_audit_of_reads_and_never_edits_it(
    login: Login, administrator: User, concern: Concern, named_person: User
) -> None:
    from syslead.privacy.audit import read_record

    read = read_record(named_person, "concern", concern.pk, "page")
    web = login(administrator)
    assert web.get("/admin/privacy/readaudit/").status_code == 200
    assert web.get(f"/admin/privacy/readaudit/{read.pk}/delete/").status_code == 403
