"""The impact evidence pack: one PDF per deployment with the agreement, visits, log, feedback,
reviews, evaluation and final report, for the parties and the broker only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.deployments.models import Deployment
from syslead.evaluation.evidence import (
    SECTIONS,
    evidence_pack_filename,
    evidence_pack_html,
    evidence_pack_pdf,
)
from syslead.evaluation.services import (
    final_report_approve,
    final_report_save,
    final_report_submit,
)


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


def test_the_pack_as_a_pdf_has_every_section(evidenced: Deployment) -> None:
    pdf = evidence_pack_pdf(evidenced)
    assert pdf.startswith(b"%PDF")
    assert evidence_pack_filename(evidenced).startswith(f"evidence-pack-{evidenced.pk}-ermine")


@pytest.mark.parametrize(
    "who", ["client_head", "leader_user", "home_head", "coordinator", "broker_lead"]
)
def test_the_first_address_of_the_pack_leads_the_parties_and_the_broker_to_its_page(
    request: pytest.FixtureRequest,
    login: Callable[[User], Client],
    evidenced: Deployment,
    who: str,
) -> None:
    response = login(request.getfixturevalue(who)).get(
        f"/deployments/{evidenced.pk}/evidence-pack.pdf"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/deployments/{evidenced.pk}/evidence-pack/"


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
