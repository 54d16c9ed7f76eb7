"""The headteacher signs each term's shared deployment record (docs/rules.md, Records: "signed by
the head each term"): only the supported school's head signs, only a shared record, once, after
ticking the declaration; who and when are kept, the timeline and the leader are told, the record
shows the signature and the head's home page asks for it until it is signed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear, Term
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.home import home_context
from syslead.core.models import Event
from syslead.deployments.models import Deployment
from syslead.notifications.models import Notification
from syslead.visits.models import LogShare
from syslead.visits.services import log_share_sign, log_share_term
from syslead.visits.tests.factories import make_visit

Login = Callable[[User], Client]
AUTUMN = Term(AcademicYear(2025), "autumn")


def _shared(leader_user: User, deployment: Deployment) -> LogShare:
    make_visit(deployment, date=dt.date(2025, 10, 6))
    return log_share_term(actor=leader_user, deployment=deployment, term=AUTUMN)


def test_rule_signed_by_the_head_keeps_who_and_when_and_tells_the_leader(
    leader_user: User, client_head: User, deployment: Deployment
) -> None:
    """Records: "signed by the head each term": the signature is recorded with a timeline event
    and the leader is told."""
    share = _shared(leader_user, deployment)
    signed = log_share_sign(actor=client_head, deployment=deployment, term=AUTUMN, confirm=True)
    assert signed.pk == share.pk
    share.refresh_from_db()
    assert share.signed_by == client_head
    assert share.signed_at is not None
    assert share.signed_name == (client_head.get_full_name() or client_head.get_username())
    assert Event.objects.filter(verb="log.signed", subject_id=str(deployment.pk)).exists()
    assert Notification.objects.filter(verb="log.signed", user=leader_user).exists()


@pytest.mark.parametrize("who", ["leader_user", "home_head", "coordinator"])
def test_rule_signed_by_the_head_only_the_supported_schools_head_signs(
    request: pytest.FixtureRequest, leader_user: User, deployment: Deployment, who: str
) -> None:
    """Records: "signed by the head each term": nobody but the supported school's head signs."""
    _shared(leader_user, deployment)
    with pytest.raises(NotAllowed):
        log_share_sign(
            actor=request.getfixturevalue(who), deployment=deployment, term=AUTUMN, confirm=True
        )
    assert not LogShare.objects.filter(signed_at__isnull=False).exists()


def test_rule_signed_by_the_head_needs_the_declaration_a_shared_record_and_signs_once(
    leader_user: User, client_head: User, deployment: Deployment
) -> None:
    """Records: "signed by the head each term": the declaration is ticked; an unshared record
    cannot be signed; a signed record is not signed again."""
    with pytest.raises(RuleViolation):
        log_share_sign(actor=client_head, deployment=deployment, term=AUTUMN, confirm=True)
    _shared(leader_user, deployment)
    with pytest.raises(ValidationError):
        log_share_sign(actor=client_head, deployment=deployment, term=AUTUMN, confirm=False)
    assert not LogShare.objects.filter(signed_at__isnull=False).exists()
    log_share_sign(actor=client_head, deployment=deployment, term=AUTUMN, confirm=True)
    with pytest.raises(RuleViolation):
        log_share_sign(actor=client_head, deployment=deployment, term=AUTUMN, confirm=True)


def test_rule_signed_by_the_head_is_asked_on_the_home_page_until_signed(
    leader_user: User, client_head: User, deployment: Deployment
) -> None:
    """Records: "signed by the head each term": a needs-attention item for the head, gone once
    signed; and a sharing again after signing asks again."""

    def asked() -> list[str]:
        return [
            item.text
            for item in home_context(client_head)["attention"]
            if "deployment record" in item.text
        ]

    assert asked() == []
    _shared(leader_user, deployment)
    assert asked() == [
        f"Sign {deployment.leader.name}'s deployment record for the Autumn term 2025-26"
    ]
    log_share_sign(actor=client_head, deployment=deployment, term=AUTUMN, confirm=True)
    assert asked() == []
    log_share_term(actor=leader_user, deployment=deployment, term=AUTUMN)
    assert len(asked()) == 1


def test_rule_signed_by_the_head_on_the_page_error_then_signed_and_shown(
    login: Login, leader_user: User, client_head: User, deployment: Deployment
) -> None:
    """Records: "signed by the head each term": the sign page shows a GOV.UK error when the box
    is not ticked, then signs; the record page says who signed and when."""
    _shared(leader_user, deployment)
    client = login(client_head)
    url = f"/deployments/{deployment.pk}/log/sign/?term=2025-26-autumn"
    page = client.get(url).content.decode()
    assert "Sign the deployment record for the Autumn term 2025-26" in page
    refused = client.post(url, {"term": "2025-26-autumn"})
    assert refused.status_code == 200
    assert "Tick the box to confirm the record is accurate." in refused.content.decode()
    done = client.post(url, {"term": "2025-26-autumn", "confirm": "on"})
    assert done.status_code == 302
    share = LogShare.objects.get()
    assert share.signed_by == client_head
    record = client.get(done["Location"]).content.decode()
    assert f"Signed by {share.signed_name} on " in record
    assert "Sign the record for the" not in record


def test_rule_signed_by_the_head_page_refused_to_others(
    login: Login, leader_user: User, deployment: Deployment
) -> None:
    """Records: "signed by the head each term": the leader may read the record but not sign it."""
    _shared(leader_user, deployment)
    response = login(leader_user).get(f"/deployments/{deployment.pk}/log/sign/")
    assert response.status_code == 403


def test_rule_signed_by_the_head_shows_in_the_evidence_pack_pdf(
    leader_user: User, client_head: User, deployment: Deployment
) -> None:
    """Records: "signed by the head each term": the record's PDF (the impact evidence pack) says
    whether the term's shared record is signed and by whom."""
    from syslead.evaluation.evidence import evidence_pack_html

    _shared(leader_user, deployment)
    assert "not signed by the headteacher yet" in evidence_pack_html(deployment)
    share = log_share_sign(actor=client_head, deployment=deployment, term=AUTUMN, confirm=True)
    html = evidence_pack_html(deployment)
    assert f"Signed by {share.signed_name} on " in html
    assert "not signed by the headteacher yet" not in html
