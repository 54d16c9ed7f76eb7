"""The governing body (docs/rules.md, "The governing body"): who names it, and the four documents
its members read, each by its own rule; nothing else of the agreement reaches them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from conftest import make_school, make_user
from syslead.accounts.access import forget_roles
from syslead.accounts.models import Role, RoleAssignment, User
from syslead.core.academic_years import AcademicYear, Term
from syslead.core.exceptions import NotAllowed
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.evaluation.models import EvaluationItem, FinalReport
from syslead.evaluation.services import (
    evaluation_submit,
    final_report_approve,
    final_report_save,
    final_report_submit,
)
from syslead.governors.services import governor_invite, governor_remove
from syslead.invitations.models import Invitation, InvitationStatus
from syslead.privacy.models import ReadAudit
from syslead.schools.models import School
from syslead.visits.services import log_share_sign, log_share_term

Login = Callable[[User], Client]
AUTUMN = Term(AcademicYear(2025), "autumn")


def _link(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/invitations/[^/\s]+/)", message.body)
    assert found is not None, message.body
    return found.group(1)


# --- Naming the governing body ----------------------------------------------------------------


def test_the_headteacher_names_the_chair_by_invitation_and_the_account_is_made_on_acceptance(
    login: Login, client_head: User, client_school: School, django_capture_on_commit_callbacks: Any
) -> None:
    """Rule: the supported school's headteacher names the chair; the account and its role tied
    to the school are made when the invitation is accepted."""
    client = login(client_head)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/governors/schools/{client_school.urn}/",
            {"name": "Gill Chair", "email": "Gill@Ermine.test", "role": "chair"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="gill@ermine.test")
    assert invitation.role == Role.CHAIR_OF_GOVERNORS
    assert invitation.school_id == client_school.urn
    link = _link(mail.outbox[-1])
    accepted = Client().post(
        link, {"new_password1": "lantern-orchard-42", "new_password2": "lantern-orchard-42"}
    )
    assert accepted.status_code == 302
    user = User.objects.get(email="gill@ermine.test")
    assert RoleAssignment.objects.filter(
        user=user, role=Role.CHAIR_OF_GOVERNORS, school=client_school
    ).exists()


def test_the_chair_names_governors_but_not_another_chair(
    chair: User, client_school: School, django_capture_on_commit_callbacks: Any
) -> None:
    """Rule: the chair names governors; only the headteacher names the chair."""
    with django_capture_on_commit_callbacks(execute=True):
        outcome = governor_invite(
            actor=chair, school=client_school, name="Gary Gov", email="gary@x.test", chair=False
        )
    assert outcome.invitation.role == Role.GOVERNOR
    with pytest.raises(NotAllowed):
        governor_invite(
            actor=chair, school=client_school, name="Ann Other", email="ann@x.test", chair=True
        )


def test_nobody_else_names_a_schools_governors(
    login: Login, coordinator: User, home_head: User, governor: User, client_school: School
) -> None:
    """Rule: not a coordinator, not another school's headteacher, not a governor: 403 on the
    page, NotAllowed from the service; an unknown school is 404."""
    for person in (coordinator, home_head, governor):
        with pytest.raises(NotAllowed):
            governor_invite(
                actor=person, school=client_school, name="X Y", email="xy@x.test", chair=False
            )
        client = login(person)
        assert client.get(f"/governors/schools/{client_school.urn}/").status_code == 403
        forget_roles(person)
    assert login(coordinator).get("/governors/schools/999998/").status_code == 404
    assert not Invitation.objects.exists()


def test_the_invitation_form_shows_errors_on_bad_input(
    login: Login, client_head: User, client_school: School
) -> None:
    response = login(client_head).post(
        f"/governors/schools/{client_school.urn}/", {"name": "", "email": "nope", "role": ""}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Enter the person&#x27;s name." in text or "Enter the person's name." in text
    assert "Enter an e-mail address in the correct format" in text


def test_the_headteacher_removes_a_governor_who_then_reads_nothing(
    login: Login,
    client_head: User,
    governor: User,
    client_school: School,
    deployment: Deployment,
) -> None:
    """Rule: the headteacher takes a governor off the governing body; their access ends."""
    assert login(governor).get(f"/governors/agreements/{deployment.pk}/").status_code == 200
    assignment = RoleAssignment.objects.get(user=governor, role=Role.GOVERNOR)
    response = login(client_head).post(
        f"/governors/schools/{client_school.urn}/members/{assignment.pk}/remove/"
    )
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert login(governor).get(f"/governors/agreements/{deployment.pk}/").status_code == 404
    assert login(governor).get("/governors/").status_code == 403


def test_the_chair_cannot_remove_the_chair(chair: User) -> None:
    with pytest.raises(NotAllowed):
        governor_remove(actor=chair, assignment=RoleAssignment.objects.get(user=chair))


def test_the_headteacher_cancels_an_invitation_not_yet_accepted(
    login: Login, client_head: User, client_school: School
) -> None:
    outcome = governor_invite(
        actor=client_head, school=client_school, name="Gary Gov", email="gary@x.test", chair=False
    )
    response = login(client_head).post(
        f"/governors/schools/{client_school.urn}/invitations/{outcome.invitation.pk}/cancel/"
    )
    assert response.status_code == 302
    outcome.invitation.refresh_from_db()
    assert outcome.invitation.status == InvitationStatus.CANCELLED


# --- The four documents -----------------------------------------------------------------------


def test_a_governor_reads_their_schools_signed_agreement_read_only(
    login: Login, governor: User, deployment: Deployment
) -> None:
    """Rule (agreement): a governor of the supported school reads its signed agreements."""
    client = login(governor)
    home = client.get("/governors/")
    assert home.status_code == 200
    assert f"/governors/agreements/{deployment.pk}/" in home.content.decode()
    page = client.get(f"/governors/agreements/{deployment.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Raise attainment in KS2 maths" in text
    assert "<form" not in text.split("<main", 1)[1]  # read-only: nothing to submit


@pytest.mark.parametrize(
    "status",
    [DeploymentStatus.DRAFT, DeploymentStatus.AWAITING_SIGNATURES, DeploymentStatus.CANCELLED],
)
def test_an_agreement_not_signed_is_not_the_governors(
    login: Login, governor: User, deployment: Deployment, status: str
) -> None:
    """Rule (agreement): drafts, agreements awaiting signatures and cancelled ones are 404."""
    Deployment.objects.filter(pk=deployment.pk).update(status=status)
    client = login(governor)
    assert client.get(f"/governors/agreements/{deployment.pk}/").status_code == 404
    assert (
        f"/governors/agreements/{deployment.pk}/" not in client.get("/governors/").content.decode()
    )


def test_another_schools_governor_reads_nothing_of_the_agreement(
    login: Login, deployment: Deployment
) -> None:
    other = make_school(120098, "Other Primary")
    outsider = make_user("olly@other.test", "Olly Governor", (Role.GOVERNOR, other))
    client = login(outsider)
    for path in ("", "evaluation/", "final-report/"):
        assert client.get(f"/governors/agreements/{deployment.pk}/{path}").status_code == 404


def test_a_governor_reads_a_terms_deployment_record_once_the_headteacher_signed_it(
    login: Login, governor: User, leader_user: User, client_head: User, deployment: Deployment
) -> None:
    """Rule (termly deployment record): shared and signed by the headteacher, not before."""
    share = log_share_term(actor=leader_user, deployment=deployment, term=AUTUMN)
    client = login(governor)
    path = f"/governors/agreements/{deployment.pk}/records/{share.pk}/"
    assert client.get(path).status_code == 404
    assert path not in client.get(f"/governors/agreements/{deployment.pk}/").content.decode()
    log_share_sign(actor=client_head, deployment=deployment, term=AUTUMN, confirm=True)
    assert client.get(path).status_code == 200
    assert path in client.get(f"/governors/agreements/{deployment.pk}/").content.decode()


def test_a_governor_reads_the_submitted_evaluation_and_the_read_is_recorded(
    login: Login, governor: User, client_head: User, deployment: Deployment
) -> None:
    """Rule (evaluation): once the school submitted it; every read is in the read log."""
    client = login(governor)
    path = f"/governors/agreements/{deployment.pk}/evaluation/"
    assert client.get(path).status_code == 404
    evaluation = evaluation_submit(
        actor=client_head,
        deployment=deployment,
        ratings=dict.fromkeys(EvaluationItem.values, "green"),
        comments={"overall_success": "Transformed our maths leadership."},
    )
    response = client.get(path)
    assert response.status_code == 200
    assert "Transformed our maths leadership." in response.content.decode()
    assert ReadAudit.objects.filter(
        reader=governor, kind="evaluation", record_id=evaluation.pk
    ).exists()


def test_a_governor_reads_the_final_report_only_once_approved(
    login: Login, governor: User, leader_user: User, coordinator: User, deployment: Deployment
) -> None:
    """Rule (final report): once the broker approved it, as the school."""
    report = final_report_save(
        actor=leader_user,
        deployment=deployment,
        work_summary="Eight days of coaching the maths leader.",
        impact="KS2 maths up 12 points",
    )
    client = login(governor)
    path = f"/governors/agreements/{deployment.pk}/final-report/"
    assert client.get(path).status_code == 404
    final_report_submit(actor=leader_user, report=report)
    assert client.get(path).status_code == 404
    final_report_approve(actor=coordinator, report=FinalReport.objects.get(pk=report.pk))
    response = client.get(path)
    assert response.status_code == 200
    assert "KS2 maths up 12 points" in response.content.decode()


def test_a_governor_gets_none_of_the_agreements_own_pages(
    login: Login, governor: User, chair: User, deployment: Deployment
) -> None:
    """The governing body's rule is not the agreement's: the agreement's own pages, its notes of
    visit, its log, its invoices and its documents stay 404 to a governor and the chair."""
    for person in (governor, chair):
        client = login(person)
        for path in (
            f"/deployments/{deployment.pk}/",
            f"/deployments/{deployment.pk}/log/",
            f"/deployments/{deployment.pk}/evaluation/",
            f"/deployments/{deployment.pk}/final-report/",
            f"/deployments/{deployment.pk}/feedback/",
            f"/deployments/{deployment.pk}/progress/",
        ):
            assert client.get(path).status_code == 404, (person, path)
        assert client.get("/deployments/").status_code in (403, 200)
        if client.get("/deployments/").status_code == 200:
            assert deployment.client_school.name not in client.get("/deployments/").content.decode()


def test_the_governors_home_costs_the_same_queries_whatever_the_number_of_agreements(
    login: Login,
    governor: User,
    deployment: Deployment,
    leader: Any,
    alliance: Any,
    client_school: School,
    django_assert_max_num_queries: Any,
) -> None:
    from syslead.visits.tests.factories import make_deployment

    for _ in range(4):
        make_deployment(leader=leader, organisation=alliance, client_school=client_school)
    client = login(governor)
    with django_assert_max_num_queries(12):
        response = client.get("/governors/")
    assert response.status_code == 200
    assert response.content.decode().count("/governors/agreements/") == 5


def test_the_home_pages_lead_governors_to_their_documents_and_the_head_to_the_governing_body(
    login: Login, governor: User, chair: User, client_head: User, client_school: School
) -> None:
    """A governor's home links to their school's agreements (and the navigation names the
    governors' page); the headteacher's and the chair's link to naming governors."""
    governor_home = login(governor).get("/").content.decode()
    assert 'href="/governors/"' in governor_home
    manage = f"/governors/schools/{client_school.urn}/"
    assert manage not in governor_home
    assert manage in login(chair).get("/").content.decode()
    head_home = login(client_head).get("/").content.decode()
    assert manage in head_home
    assert 'href="/governors/"' not in head_home


def test_the_chairs_page_offers_only_the_governor_role(
    login: Login, chair: User, client_school: School
) -> None:
    """Rule: the chair names governors, not another chair: the page offers one role, and a
    forged choice of chair is refused on the field."""
    page = login(chair).get(f"/governors/schools/{client_school.urn}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'value="governor"' in text
    assert 'value="chair"' not in text
    forged = login(chair).post(
        f"/governors/schools/{client_school.urn}/",
        {"name": "Ann Other", "email": "ann@x.test", "role": "chair"},
    )
    assert forged.status_code == 200  # not a choice offered: the field's error
    assert not Invitation.objects.filter(email="ann@x.test").exists()
