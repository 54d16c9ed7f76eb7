"""The impact evidence pack: one PDF per deployment with the agreement, visits, log, feedback,
reviews, evaluation and final report, for the parties and the broker only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear, Term
from syslead.deployments.models import Deployment
from syslead.evaluation.evidence import SECTIONS, evidence_pack_html
from syslead.evaluation.models import EvaluationItem
from syslead.evaluation.services import (
    evaluation_submit,
    feedback_submit,
    final_report_approve,
    final_report_save,
    final_report_submit,
    progress_review_rate,
    schedule_feedback,
)
from syslead.visits.models import ActionOwner, LogActivity, VisitStatus
from syslead.visits.services import concern_raise, log_entry_add
from syslead.visits.tests.factories import make_visit

AUTUMN = Term(AcademicYear(2025), "autumn")


@pytest.fixture
def evidenced(
    deployment: Deployment, leader_user: User, client_head: User, coordinator: User
) -> Deployment:
    make_visit(
        deployment,
        status=VisitStatus.SIGNED_OFF,
        actions=((ActionOwner.SCHOOL, "Run a book look in Year 5", dt.date(2025, 10, 20)),),
    )
    log_entry_add(
        actor=leader_user,
        deployment=deployment,
        date=dt.date(2025, 10, 2),
        hours=2,
        activity=LogActivity.PREPARATION,
        actions="Read the school's data dashboard",
    )
    feedback_submit(
        actor=client_head,
        feedback=schedule_feedback(deployment)[0],
        work_managed_by="Deputy head",
        days_in_school="1.5",
        objectives="Maths",
        school_actions="Book looks",
        leader_actions="Lesson study",
        impact="Marking is now consistent across KS2.",
    )
    first = deployment.objectives.first()
    assert first is not None
    progress_review_rate(
        actor=client_head, deployment=deployment, term=AUTUMN, ratings={first.pk: "green"}
    )
    progress_review_rate(
        actor=leader_user, deployment=deployment, term=AUTUMN, ratings={first.pk: "amber"}
    )
    evaluation_submit(
        actor=client_head,
        deployment=deployment,
        ratings=dict.fromkeys(EvaluationItem.values, "green"),
        comments={"overall_success": "Transformed our maths leadership."},
    )
    concern_raise(
        actor=leader_user,
        deployment=deployment,
        kind="safeguarding",
        summary="Confidential concern summary",
        details="Confidential concern details",
    )
    return deployment


def test_the_pack_has_every_section_and_the_records(
    evidenced: Deployment, leader_user: User, coordinator: User
) -> None:
    report = final_report_save(
        actor=leader_user,
        deployment=evidenced,
        work_summary="Eight days of coaching.",
        impact="Approved impact statement.",
    )
    final_report_approve(
        actor=coordinator, report=final_report_submit(actor=leader_user, report=report)
    )
    html = evidence_pack_html(evidenced)
    for section in SECTIONS:
        assert section in html
    for text in (
        "Raise attainment in KS2 maths",  # an objective of the agreement
        "Maths book scrutiny with the maths leader",  # a visit's focus
        "Run a book look in Year 5",  # its action point
        "Read the school&#x27;s data dashboard",  # logged preparation
        "Marking is now consistent across KS2.",  # termly feedback
        "Ratings differ",  # the progress review's disagreement
        "Transformed our maths leadership.",  # the evaluation
        "Approved impact statement.",  # the approved final report
    ):
        assert text in html, text
    assert "Confidential concern" not in html


def test_a_final_report_not_yet_approved_stays_out_of_the_pack(
    evidenced: Deployment, leader_user: User
) -> None:
    final_report_save(
        actor=leader_user, deployment=evidenced, work_summary="Draft work.", impact="Draft impact."
    )
    html = evidence_pack_html(evidenced)
    assert "Draft impact." not in html
    assert "No approved final report yet." in html


@pytest.mark.parametrize(
    "who", ["client_head", "leader_user", "home_head", "coordinator", "broker_lead"]
)
def test_the_parties_and_the_broker_download_the_pdf(
    request: pytest.FixtureRequest,
    login: Callable[[User], Client],
    evidenced: Deployment,
    who: str,
) -> None:
    response = login(request.getfixturevalue(who)).get(
        f"/deployments/{evidenced.pk}/evidence-pack.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "evidence-pack-" in response["Content-Disposition"]


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "other_head", "sip"])
def test_nobody_else_gets_the_pack(
    request: pytest.FixtureRequest,
    login: Callable[[User], Client],
    la_deployment: Deployment,
    who: str,
) -> None:
    response = login(request.getfixturevalue(who)).get(
        f"/deployments/{la_deployment.pk}/evidence-pack.pdf"
    )
    assert response.status_code == 404
