"""Notes of visit and the deployment record go to the school's named SIP and to whoever is
copied in (docs/rules.md, "The school's named SIP"): in their inbox and by e-mail, on either
route; the authority's other SIPs still get a shared LA-route note in their inbox only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from conftest import make_user
from syslead.accounts.models import Role, User
from syslead.core.academic_years import AcademicYear, Term
from syslead.deployments.models import CopiedIn, Deployment
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation
from syslead.schools.models import NamedSip, School
from syslead.visits.models import VisitStatus
from syslead.visits.services import log_share_term, visit_sign_off
from syslead.visits.tests.factories import make_visit

AUTUMN = Term(AcademicYear(2025), "autumn")


@pytest.fixture
def named(sip: User, alliance: Organisation, client_school: School) -> User:
    """Sid (the alliance's SIP) is Ermine Primary's named SIP."""
    NamedSip.objects.create(
        school=client_school, organisation=alliance, sip=sip, starts_on=timezone.localdate()
    )
    return sip


@pytest.fixture
def copied(alliance: Organisation, la_deployment: Deployment) -> User:
    """Cora, another SIP of the alliance, is copied in on the LA-route agreement."""
    cora = make_user("cora@kyra.test", "Cora Partner", (Role.SIP, alliance))
    CopiedIn.objects.create(deployment=la_deployment, user=cora)
    return cora


def test_a_signed_off_note_goes_to_the_named_sip_by_e_mail_on_the_school_route(
    leader_user: User,
    named: User,
    deployment: Deployment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Rule: notes of visit go to the school's named SIP (inbox and e-mail)."""
    visit = make_visit(deployment, status=VisitStatus.AGREED)
    with django_capture_on_commit_callbacks(execute=True):
        visit_sign_off(actor=leader_user, visit=visit)
    assert Notification.objects.filter(user=named, verb="visit.shared").count() == 1
    assert [m.to for m in mail.outbox] == [[named.email]]


def test_on_the_la_route_the_named_and_copied_in_sips_get_e_mail_the_others_the_inbox(
    leader_user: User,
    named: User,
    copied: User,
    alliance: Organisation,
    la_deployment: Deployment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Rule: those copied in receive what the named SIP receives; the authority's other SIPs keep
    the inbox message they had."""
    other = make_user("otis@kyra.test", "Otis Partner", (Role.SIP, alliance))
    visit = make_visit(la_deployment, status=VisitStatus.AGREED)
    with django_capture_on_commit_callbacks(execute=True):
        visit_sign_off(actor=leader_user, visit=visit)
    told = set(Notification.objects.filter(verb="visit.shared").values_list("user", flat=True))
    assert told == {named.pk, copied.pk, other.pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([named.email, copied.email])


def test_the_termly_deployment_record_goes_to_the_named_sip(
    leader_user: User, named: User, deployment: Deployment
) -> None:
    """Rule: the deployment record goes to the school's named SIP."""
    make_visit(deployment, date=dt.date(2025, 10, 6))
    log_share_term(actor=leader_user, deployment=deployment, term=AUTUMN)
    assert Notification.objects.filter(user=named, verb="log.shared").exists()


def test_no_named_sip_means_nobody_extra_is_told(
    leader_user: User, sip: User, deployment: Deployment
) -> None:
    """Rule: no fallback to every SIP of the organisation on the school route."""
    visit = make_visit(deployment, status=VisitStatus.AGREED)
    visit_sign_off(actor=leader_user, visit=visit)
    make_visit(deployment, date=dt.date(2025, 10, 13))
    log_share_term(actor=leader_user, deployment=deployment, term=AUTUMN)
    assert not Notification.objects.filter(user=sip).exists()


def test_the_named_sip_reads_the_note_and_the_log_but_cannot_agree_or_record(
    client: Client, named: User, deployment: Deployment
) -> None:
    """Rule: read-only: the named SIP reads notes of visit and the deployment record."""
    visit = make_visit(deployment, status=VisitStatus.AWAITING_AGREEMENT)
    client.force_login(named)
    assert client.get(f"/visits/{visit.pk}/").status_code == 200
    assert client.get(f"/deployments/{deployment.pk}/log/").status_code == 200
    assert client.get(f"/visits/{visit.pk}/agree/").status_code == 403
    assert client.get(f"/deployments/{deployment.pk}/visits/new/").status_code == 403


def test_the_named_sips_home_page_lists_their_schools_notes(
    client: Client, named: User, deployment: Deployment, django_assert_max_num_queries: Any
) -> None:
    make_visit(deployment, status=VisitStatus.SIGNED_OFF)
    client.force_login(named)
    with django_assert_max_num_queries(40):
        page = client.get("/")
    assert "Notes of visit from my schools" in page.content.decode()
