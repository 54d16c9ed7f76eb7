"""The feedback and evaluation pages: termly feedback, the RAG grid, the evaluation with a check
step, the final report's writing and quality assurance; outsiders refused on every page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.brokering.models import SupportRequest
from syslead.deployments.models import Deployment
from syslead.evaluation.models import (
    Evaluation,
    EvaluationItem,
    FeedbackStatus,
    FinalReport,
    FinalReportStatus,
    ObjectiveRating,
    ProgressReview,
)
from syslead.evaluation.services import evaluation_submit, schedule_feedback

Login = Callable[[User], Client]


def _evaluation_post(step: str) -> dict[str, str]:
    data = {f"rating_{item}": "green" for item in EvaluationItem.values}
    data |= {f"comment_{item}": "" for item in EvaluationItem.values}
    data |= {
        "rating_staff_experience": "amber",
        "comment_progress_made": "Books show it",
        "future_priorities": "Writing",
        "future_support_requested": "An English SLE",
        "step": step,
    }
    return data


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "other_head", "sip"])
def test_outsiders_are_refused_every_page(
    request: pytest.FixtureRequest, login: Login, deployment: Deployment, who: str
) -> None:
    client = login(request.getfixturevalue(who))
    feedback = schedule_feedback(deployment)[0]
    for path in (
        f"/deployments/{deployment.pk}/feedback/",
        f"/feedback/{feedback.pk}/",
        f"/deployments/{deployment.pk}/progress/",
        f"/deployments/{deployment.pk}/evaluation/",
        f"/deployments/{deployment.pk}/final-report/",
    ):
        assert client.get(path).status_code == 404, path


def test_the_head_gives_termly_feedback_prefilled_from_the_records(
    login: Login, client_head: User, leader_user: User, deployment: Deployment
) -> None:
    client = login(client_head)
    listing = client.get(f"/deployments/{deployment.pk}/feedback/").content.decode()
    assert "Autumn term 2025-26" in listing
    assert "Spring term 2025-26" in listing
    feedback = schedule_feedback(deployment)[0]
    form = client.get(f"/feedback/{feedback.pk}/").content.decode()
    assert "Raise attainment in KS2 maths" in form  # the objectives, prefilled
    client.post(
        f"/feedback/{feedback.pk}/",
        {
            "work_managed_by": "Deputy head",
            "days_in_school": "2",
            "objectives": "Maths",
            "school_actions": "",
            "leader_actions": "",
            "impact": "Better marking",
        },
    )
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.SUBMITTED
    read = login(leader_user).get(f"/feedback/{feedback.pk}/").content.decode()
    assert "Better marking" in read
    assert login(leader_user).post(f"/feedback/{feedback.pk}/", {}).status_code == 403


def test_the_grid_and_rating_progress(
    login: Login, leader_user: User, client_head: User, deployment: Deployment
) -> None:
    first, second = deployment.objectives.all()
    path = f"/deployments/{deployment.pk}/progress/?term=2025-26-autumn"
    login(leader_user).post(
        path,
        {
            "do": "rate",
            "term": "2025-26-autumn",
            f"rating_{first.pk}": "red",
            "viewpoint": "leader",
        },
    )
    login(client_head).post(
        path,
        {"do": "rate", "term": "2025-26-autumn", f"rating_{first.pk}": "green"},
    )
    assert ObjectiveRating.objects.count() == 2
    page = login(client_head).get(path).content.decode()
    assert "Disagree widely" in page
    login(client_head).post(
        path, {"do": "measures", "term": "2025-26-autumn", "revised_measures": "New measure"}
    )
    assert ProgressReview.objects.get().revised_measures == "New measure"
    empty = login(client_head).post(path, {"do": "rate", "term": "2025-26-autumn"})
    assert "Rate at least one objective" in empty.content.decode()
    assert second.ratings.count() == 0


def test_the_progress_page_ignores_a_wrong_term_or_viewpoint(
    login: Login, leader_user: User, deployment: Deployment
) -> None:
    """Rule (docs/ux.md, "Filters"): the term and viewpoint are a Django form; a wrong term is
    ignored with a message, and a viewpoint the person does not hold is never rated as."""
    first, _ = deployment.objectives.all()
    client = login(leader_user)
    path = f"/deployments/{deployment.pk}/progress/"
    page = client.get(path, {"term": "1999-00-autumn", "viewpoint": "head"})
    assert page.status_code == 200
    assert "The term asked for is not one you can choose" in page.content.decode()
    assert page.context["viewpoint"] == "leader"
    client.post(
        path,
        {"do": "rate", "term": "2025-26-autumn", f"rating_{first.pk}": "red", "viewpoint": "x"},
    )
    assert ObjectiveRating.objects.get().viewpoint == "leader"


def test_the_evaluation_is_checked_before_it_is_sent(
    login: Login, client_head: User, leader_user: User, deployment: Deployment
) -> None:
    client = login(client_head)
    path = f"/deployments/{deployment.pk}/evaluation/"
    form = client.get(path).content.decode()
    assert "Progress made" in form
    assert form.count('type="radio"') == 27
    missing = client.post(path, {"step": "check"}).content.decode()
    assert "There is a problem" in missing
    assert 'href="#id_rating_progress_made_0"' in missing  # the summary links to the first radio
    check = client.post(path, _evaluation_post("check")).content.decode()
    assert "Check your evaluation" in check
    assert not Evaluation.objects.exists()
    back = client.post(path, _evaluation_post("edit")).content.decode()
    assert "Continue" in back
    client.post(path, _evaluation_post("confirm"))
    evaluation = Evaluation.objects.get()
    assert evaluation.ratings.get(item="staff_experience").rating == "amber"
    assert "Books show it" in login(leader_user).get(path).content.decode()


def test_only_the_head_sees_the_form_and_may_ask_for_more_support(
    login: Login, client_head: User, leader_user: User, deployment: Deployment
) -> None:
    path = f"/deployments/{deployment.pk}/evaluation/"
    assert login(leader_user).get(path).status_code == 404  # nothing to read yet
    evaluation_submit(
        actor=client_head,
        deployment=deployment,
        ratings=dict.fromkeys(EvaluationItem.values, "green"),
        future_support_requested="An English SLE",
    )
    page = login(client_head).get(path).content.decode()
    assert "for this further support" in page
    login(client_head).post(f"/deployments/{deployment.pk}/evaluation/new-request/")
    assert SupportRequest.objects.filter(summary="An English SLE").exists()


def test_the_final_report_is_written_quality_assured_and_then_read_by_the_school(
    login: Login, leader_user: User, coordinator: User, client_head: User, deployment: Deployment
) -> None:
    path = f"/deployments/{deployment.pk}/final-report/"
    assert login(client_head).get(path).status_code == 404
    leader = login(leader_user)
    assert "Send for quality assurance" in leader.get(path).content.decode()
    leader.post(
        path,
        {"do": "submit", "work_summary": "Coaching", "impact": "Up 12 points", "next_steps": ""},
    )
    assert FinalReport.objects.get().status == FinalReportStatus.AWAITING_QA
    assert login(client_head).get(path).status_code == 404
    qa = login(coordinator)
    missing = qa.post(path, {"do": "qa", "decision": "return", "comments": ""})
    assert "Say what the leader should change." in missing.content.decode()
    qa.post(path, {"do": "qa", "decision": "approve", "comments": "Clear"})
    assert FinalReport.objects.get().status == FinalReportStatus.APPROVED
    assert "Up 12 points" in login(client_head).get(path).content.decode()
    assert login(client_head).post(path, {"do": "qa", "decision": "approve"}).status_code == 403
