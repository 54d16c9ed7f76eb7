"""The home page asks each person for their delivery work: the leader to revise or sign off
notes, the headteacher to agree them, the coordinator to chase and act, the broker lead to
quality-assure, and shows the SIP the notes from their schools."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.home import home_context
from syslead.deployments.models import Deployment
from syslead.evaluation.services import final_report_save, final_report_submit
from syslead.visits.models import VisitStatus
from syslead.visits.services import concern_raise
from syslead.visits.tests.factories import make_visit

Login = Callable[[User], Client]


def _attention(user: User) -> list[str]:
    return [item.text for item in home_context(user)["attention"]]


def _long_ago() -> Any:
    """Seventeen weeks ago: more than five school days whatever holidays lie between (the
    longest school holiday is about six weeks)."""
    return timezone.now() - dt.timedelta(weeks=17)


def test_the_leader_is_asked_to_revise_and_to_sign_off(
    leader_user: User, deployment: Deployment
) -> None:
    make_visit(deployment, status=VisitStatus.CHANGES_REQUESTED, date=dt.date(2025, 10, 6))
    make_visit(deployment, status=VisitStatus.AGREED, date=dt.date(2025, 10, 13))
    texts = _attention(leader_user)
    assert "Revise your note of visit of 6 Oct 2025 at Ermine Primary Academy" in texts
    assert "Sign off your note of visit of 13 Oct 2025 at Ermine Primary Academy" in texts
    titles = [section.title for section in home_context(leader_user)["sections"]]
    assert "My deployments: visits and records" in titles


def test_the_supported_head_is_asked_to_agree_notes(
    client_head: User, home_head: User, deployment: Deployment
) -> None:
    make_visit(deployment, date=dt.date(2025, 10, 6))
    assert any(
        t.startswith("Agree the note of visit of 6 Oct 2025") for t in _attention(client_head)
    )
    assert not any(t.startswith("Agree the note") for t in _attention(home_head))


def test_the_coordinator_chases_late_notes_and_sees_open_concerns(
    coordinator: User, leader_user: User, deployment: Deployment
) -> None:
    make_visit(deployment, submitted_at=_long_ago())
    concern_raise(
        actor=leader_user, deployment=deployment, kind="serious", summary="S", details="D"
    )
    texts = _attention(coordinator)
    assert "1 open safeguarding or serious concern" in texts
    assert any("not agreed after 5 school days" in t for t in texts)


def test_the_broker_lead_is_asked_to_quality_assure(
    broker_lead: User, leader_user: User, deployment: Deployment
) -> None:
    report = final_report_save(
        actor=leader_user, deployment=deployment, work_summary="W", impact="I"
    )
    final_report_submit(actor=leader_user, report=report)
    assert any(
        t.startswith("Quality-assure Lee Leader's final report") for t in _attention(broker_lead)
    )


def test_the_sip_sees_notes_from_la_route_schools(sip: User, la_deployment: Deployment) -> None:
    make_visit(la_deployment, status=VisitStatus.SIGNED_OFF)
    titles = [section.title for section in home_context(sip)["sections"]]
    assert "Notes of visit from my schools" in titles


def test_home_pages_render_with_the_delivery_blocks(
    login: Login,
    leader_user: User,
    client_head: User,
    coordinator: User,
    sip: User,
    la_deployment: Deployment,
) -> None:
    make_visit(la_deployment, status=VisitStatus.SIGNED_OFF)
    for person in (leader_user, client_head, coordinator, sip):
        response = login(person).get("/")
        assert response.status_code == 200
        assert f"/deployments/{la_deployment.pk}/delivery/" in response.content.decode() or (
            person == sip
        )
