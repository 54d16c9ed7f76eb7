"""Each delivery record downloads as a PDF laid out like the paper form it replaces: the note of
visit (Record of Support), termly feedback (Professional Support Feedback Form), the end-of-support
evaluation (End of Support Evaluation Form) and the final report. Each has the same access rule as
its page: the parties, the broker and, on the LA route, the SIP; the final report reaches the
schools only once approved."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from syslead.accounts.models import User
from syslead.deployments.models import Deployment
from syslead.evaluation.documents import (
    EVALUATION_FORM,
    evaluation_html,
    feedback_html,
    final_report_html,
    note_of_visit_html,
)
from syslead.evaluation.evidence import evidence_pack_html
from syslead.evaluation.models import (
    Evaluation,
    EvaluationItem,
    FeedbackRequest,
    FeedbackStatus,
    FinalReport,
)
from syslead.evaluation.services import (
    final_report_approve,
    final_report_save,
    final_report_submit,
)
from syslead.visits.models import ActionOwner, Visit, VisitStatus
from syslead.visits.tests.factories import make_visit

Login = Callable[[User], Client]

READERS = ["client_head", "leader_user", "home_head", "coordinator", "broker_lead"]
#: On the school route the SIP is an outsider too.
OUTSIDERS = ["stranger", "other_coordinator", "other_head", "sip"]


def text_of(html: str) -> str:
    """The words of a page, tags and repeated spaces dropped (to read the form's wording)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


@pytest.fixture
def report(evidenced: Deployment, leader_user: User) -> FinalReport:
    """The lead leader's final report, sent for quality assurance (not yet approved)."""
    saved = final_report_save(
        actor=leader_user,
        deployment=evidenced,
        work_summary="Eight days of coaching the maths leader.",
        impact="KS2 maths books show consistent feedback.",
        next_steps="Moderate with a partner school.",
    )
    return final_report_submit(actor=leader_user, report=saved)


@pytest.fixture
def agreed_visit(evidenced: Deployment, client_head: User) -> Visit:
    visit = make_visit(
        evidenced,
        date=dt.date(2025, 11, 4),
        status=VisitStatus.SIGNED_OFF,
        actions=(
            (ActionOwner.LEADER, "Model a maths lesson in Year 6", dt.date(2025, 11, 18)),
            (ActionOwner.SCHOOL, "Moderate Year 4 books", dt.date(2025, 11, 25)),
        ),
    )
    Visit.objects.filter(pk=visit.pk).update(
        issues="Supply cover in Year 6",
        agreed_by=client_head,
        agreed_at=timezone.now(),
        signed_off_at=timezone.now(),
    )
    return visit


def given_feedback(deployment: Deployment) -> FeedbackRequest:
    return FeedbackRequest.objects.get(deployment=deployment, status=FeedbackStatus.SUBMITTED)


def record_urls(deployment: Deployment) -> dict[str, str]:
    visit = deployment.visits.order_by("pk").first()
    assert visit is not None
    return {
        "note": f"/visits/{visit.pk}/note.pdf",
        "feedback": f"/feedback/{given_feedback(deployment).pk}/feedback.pdf",
        "evaluation": f"/deployments/{deployment.pk}/evaluation.pdf",
        "final_report": f"/deployments/{deployment.pk}/final-report.pdf",
    }


# --- Laid out like the paper forms -------------------------------------------------------------


def test_the_note_of_visit_reads_like_the_record_of_support(
    agreed_visit: Visit, client_head: User
) -> None:
    words = text_of(note_of_visit_html(agreed_visit))
    for heading in (
        "Note of visit: record of support",
        "Name of supported school Ermine Primary Academy",
        "System leader Lee Leader",
        "Date and session Tuesday 4 November 2025: full day, 6 hours",
        "Date Focus of visit Progress made Action points for the system leader (with dates) "
        "Action points for school personnel (with dates) Points/issues arising during visit",
        "Maths book scrutiny with the maths leader",
        "Agreed a feedback policy.",
        "Model a maths lesson in Year 6 (by 18 Nov 2025)",
        "Moderate Year 4 books (by 25 Nov 2025)",
        "Supply cover in Year 6",
        "Agreed by the headteacher of the supported school Cara Client-Head",
        "Signed off by the system leader Lee Leader",
    ):
        assert heading in words, heading
    # The leader's and the school's action points sit in their own columns, as on paper.
    assert words.index("Model a maths lesson") < words.index("Moderate Year 4 books")


def test_a_note_not_yet_agreed_says_so(evidenced: Deployment) -> None:
    visit = make_visit(evidenced, date=dt.date(2025, 12, 1))
    words = text_of(note_of_visit_html(visit))
    assert "Waiting for the headteacher to agree" in words
    assert "Not yet agreed" in words
    assert "Not yet signed off" in words


def test_the_feedback_asks_the_forms_questions(evidenced: Deployment) -> None:
    words = text_of(feedback_html(given_feedback(evidenced)))
    for line in (
        "System leadership: professional support feedback form 2025-26",
        "completed at the end of each term by the headteacher of the school receiving support",
        "Name of school Ermine Primary Academy",
        "Work in school managed by Deputy head",
        "Name of system leader Lee Leader",
        "Days in school (including preparation time) 1.5",
        "State the agreed objectives of the work undertaken by the system leader in the school "
        "Maths",
        "Agreed action within the school as a result of the work Book looks",
        "Agreed action by the system leader as a result of the work Lesson study",
        "What has been the impact of the system leader's work? Marking is now consistent",
        "Signature of headteacher of school receiving system leadership support "
        "Cara Client-Head, given through Syslead on",
    ):
        assert line in words, line


def test_a_term_not_yet_given_prints_as_the_blank_form(evidenced: Deployment) -> None:
    due = FeedbackRequest.objects.filter(deployment=evidenced, status=FeedbackStatus.DUE).first()
    assert due is not None
    words = text_of(feedback_html(due))
    # Due on the last day of the spring term (default dates: the Friday before Easter week).
    assert "Spring term 2025-26 — not given yet (due 27 Mar 2026)" in words
    assert "What has been the impact of the system leader's work? Signature" in words


def test_the_evaluation_has_the_forms_nine_items_numbered_and_ticked(
    evidenced: Deployment,
) -> None:
    evaluation = Evaluation.objects.get(deployment=evidenced)
    evaluation.ratings.filter(item=EvaluationItem.PROGRESS_MADE).update(rating="amber")
    html = evaluation_html(evaluation)
    words = text_of(html)
    assert "end of support evaluation form 2025-26" in words
    assert "Name of system leader Lee Leader" in words
    assert "Name of school supported Ermine Primary Academy" in words
    assert "Start date 8 September 2025" in words
    assert "Overall aim of support Improve leadership of maths" in words
    assert "Your comments and evidence: then please RAG rate the support Red Amber Green" in words
    assert "3 Satisfaction with support a Objectives set for support work" in words
    assert "4 Experience of support a From headteacher's perspective" in words
    assert "6 Overall success of support Transformed our maths leadership." in words
    assert "Signed: headteacher of school receiving support Cara Client-Head" in words
    assert len([row for row in EVALUATION_FORM if row[2]]) == 9
    assert html.count("✓") == 9
    assert html.count('class="tick rag-green"') == 8
    assert html.count('class="tick rag-amber"') == 1


def test_the_final_report_shows_its_quality_assurance(
    report: FinalReport, coordinator: User
) -> None:
    words = text_of(final_report_html(report))
    assert "Waiting for quality assurance: not yet approved" in words
    final_report_approve(actor=coordinator, report=report, comments="Clear evidence.")
    words = text_of(final_report_html(report))
    for line in (
        "System leader's final report 2025-26",
        "Summary of the work done Eight days of coaching the maths leader.",
        "Evidence of impact achieved KS2 maths books show consistent feedback.",
        "Next steps and future priorities Moderate with a partner school.",
        "Quality assurance by KYRA Teaching School Alliance Approved by Alice Coordinator on",
        "Clear evidence.",
    ):
        assert line in words, line


def test_the_evidence_pack_uses_the_same_forms(
    agreed_visit: Visit, report: FinalReport, coordinator: User
) -> None:
    final_report_approve(actor=coordinator, report=report, comments="")
    words = text_of(evidence_pack_html(agreed_visit.deployment))
    assert "Action points for school personnel (with dates)" in words
    assert "What has been the impact of the system leader's work?" in words
    assert "Your comments and evidence: then please RAG rate the support" in words
    assert "Quality assurance by KYRA Teaching School Alliance Approved by" in words


# --- Downloads and who may have them -----------------------------------------------------------


@pytest.mark.parametrize("who", READERS)
def test_the_parties_and_the_broker_download_each_record(
    request: pytest.FixtureRequest,
    login: Login,
    evidenced: Deployment,
    report: FinalReport,
    coordinator: User,
    who: str,
) -> None:
    final_report_approve(actor=coordinator, report=report, comments="")
    client = login(request.getfixturevalue(who))
    for kind, url in record_urls(evidenced).items():
        response = client.get(url)
        assert response.status_code == 200, kind
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert response.content.startswith(b"%PDF"), kind
        assert ".pdf" in response["Content-Disposition"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_nobody_else_downloads_a_record(
    request: pytest.FixtureRequest,
    login: Login,
    evidenced: Deployment,
    report: FinalReport,
    coordinator: User,
    who: str,
) -> None:
    final_report_approve(actor=coordinator, report=report, comments="")
    client = login(request.getfixturevalue(who))
    for kind, url in record_urls(evidenced).items():
        assert client.get(url).status_code == 404, kind


def test_on_the_la_route_the_sip_downloads_the_records_too(
    login: Login, sip: User, la_deployment: Deployment
) -> None:
    visit = make_visit(la_deployment)
    response = login(sip).get(f"/visits/{visit.pk}/note.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("who", ["client_head", "home_head"])
def test_the_schools_get_the_final_report_only_once_approved(
    request: pytest.FixtureRequest,
    login: Login,
    report: FinalReport,
    coordinator: User,
    leader_user: User,
    who: str,
) -> None:
    url = f"/deployments/{report.deployment_id}/final-report.pdf"
    assert login(request.getfixturevalue(who)).get(url).status_code == 404
    # The leader who wrote it and the broker who quality-assures it read it before.
    assert login(leader_user).get(url).status_code == 200
    assert login(coordinator).get(url).status_code == 200
    final_report_approve(actor=coordinator, report=report, comments="")
    assert login(request.getfixturevalue(who)).get(url).status_code == 200


def test_no_evaluation_or_report_yet_is_not_found(
    login: Login, coordinator: User, deployment: Deployment
) -> None:
    client = login(coordinator)
    assert client.get(f"/deployments/{deployment.pk}/evaluation.pdf").status_code == 404
    assert client.get(f"/deployments/{deployment.pk}/final-report.pdf").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client: Client, evidenced: Deployment) -> None:
    for url in record_urls(evidenced).values():
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


# --- The links on the records' pages ------------------------------------------------------------


def test_each_records_page_links_to_its_pdf(
    login: Login,
    client_head: User,
    leader_user: User,
    evidenced: Deployment,
    report: FinalReport,
    coordinator: User,
) -> None:
    final_report_approve(actor=coordinator, report=report, comments="")
    urls = record_urls(evidenced)
    client = login(client_head)
    visit = evidenced.visits.order_by("pk").first()
    assert visit is not None
    pages = {
        "note": f"/visits/{visit.pk}/",
        "feedback": f"/feedback/{given_feedback(evidenced).pk}/",
        "evaluation": f"/deployments/{evidenced.pk}/evaluation/",
        "final_report": f"/deployments/{evidenced.pk}/final-report/",
    }
    for kind, page in pages.items():
        assert f'href="{urls[kind]}"' in client.get(page).content.decode(), kind
