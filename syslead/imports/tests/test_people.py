"""Importing people (headteachers, SIPs, coordinators, broker leads): each row an invitation,
sent only once the coordinator confirms, nobody at all while any row is bad."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from syslead.accounts.models import Role, RoleAssignment, User
from syslead.imports.files import PEOPLE_COLUMNS
from syslead.imports.models import Upload
from syslead.imports.people import INVITE, ROLE_ADDED, UNCHANGED, people_import
from syslead.invitations.models import Invitation
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]


def _table(*rows: list[str]) -> list[list[str]]:
    return [list(PEOPLE_COLUMNS), *rows]


def test_every_row_is_invited_to_its_place(
    coordinator: User, alliance: Organisation, client_school: School
) -> None:
    report = people_import(
        actor=coordinator,
        organisation=alliance,
        table=_table(
            ["head@ermine.test", "Hana Head", "headteacher", str(client_school.urn)],
            ["sip@kyra.test", "Sam Partner", "SIP", ""],
            ["co@kyra.test", "Cleo Coordinator", "Coordinator", ""],
        ),
    )
    assert report.rejected == []
    assert [p.outcome for p in report.people] == [INVITE, INVITE, INVITE]
    invitations = {i.email: i for i in Invitation.objects.all()}
    assert invitations["head@ermine.test"].school == client_school
    assert invitations["sip@kyra.test"].organisation == alliance
    assert invitations["co@kyra.test"].role == Role.COORDINATOR


def test_any_bad_row_invites_nobody_and_every_bad_row_is_listed(
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        report = people_import(
            actor=coordinator,
            organisation=alliance,
            table=_table(
                ["ok@kyra.test", "Ok", "sip", ""],
                ["head@ermine.test", "No School", "headteacher", ""],
                ["x", "Bad Mail", "sip", ""],
                ["wiz@kyra.test", "Wizard", "administrator", ""],
                ["far@ermine.test", "Far Head", "headteacher", "999999"],
            ),
        )
    assert [r.line for r in report.rejected] == [3, 4, 5, 6]
    assert "999999" in report.rejected[3].reason
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_dry_run_invites_nobody(coordinator: User, alliance: Organisation) -> None:
    report = people_import(
        actor=coordinator,
        organisation=alliance,
        table=_table(["sip@kyra.test", "Sam", "sip", ""]),
        dry_run=True,
    )
    assert [p.outcome for p in report.people] == [INVITE]
    assert not Invitation.objects.exists()


def test_existing_accounts_get_the_role_and_repeats_are_unchanged(
    coordinator: User, alliance: Organisation, client_head: User, client_school: School
) -> None:
    table = _table(
        [client_head.email, "Cara", "sip", ""],
        ["new@kyra.test", "New", "broker_lead", ""],
    )
    first = people_import(actor=coordinator, organisation=alliance, table=table)
    assert [p.outcome for p in first.people] == [ROLE_ADDED, INVITE]
    assert RoleAssignment.objects.filter(user=client_head, role=Role.SIP, organisation=alliance)
    again = people_import(actor=coordinator, organisation=alliance, table=table)
    assert [p.outcome for p in again.people] == [UNCHANGED, UNCHANGED]
    assert Invitation.objects.filter(email="new@kyra.test").count() == 1


def test_only_the_organisations_coordinator_imports_people(
    other_coordinator: User, alliance: Organisation
) -> None:
    from syslead.core.exceptions import NotAllowed

    with pytest.raises(NotAllowed):
        people_import(
            actor=other_coordinator,
            organisation=alliance,
            table=_table(["sip@kyra.test", "Sam", "sip", ""]),
        )


def test_the_people_page_previews_then_invites_on_confirmation(
    login: Login,
    coordinator: User,
    client_school: School,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = login(coordinator)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PEOPLE_COLUMNS)
    writer.writerow(["head@ermine.test", "Hana Head", "headteacher", client_school.urn])
    response = client.post(
        "/imports/people/", {"file": SimpleUploadedFile("people.csv", out.getvalue().encode())}
    )
    upload = Upload.objects.get()
    assert response["Location"] == f"/imports/people/{upload.pk}/"
    preview = client.get(response["Location"])
    assert b"To invite</dt><dd>1<" in preview.content
    assert b"Import 1 person" in preview.content
    assert not Invitation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/people/{upload.pk}/confirm/")
    assert Invitation.objects.get().email == "head@ermine.test"
    assert mail.outbox[-1].to == ["head@ermine.test"]


def test_the_people_template_has_the_exact_columns(login: Login, coordinator: User) -> None:
    text = login(coordinator).get("/imports/people/template.csv").content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == list(PEOPLE_COLUMNS)


def test_an_unknown_import_is_404(login: Login, coordinator: User) -> None:
    assert login(coordinator).get("/imports/schools/").status_code == 404
