"""The final report: written by the lead leader, quality-assured by the broker (approved, or
returned with comments for the leader to revise) before the supported school can see it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from syslead.accounts.models import User
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment
from syslead.evaluation.access import final_report_visible
from syslead.evaluation.models import FinalReport, FinalReportStatus
from syslead.evaluation.services import (
    final_report_approve,
    final_report_return,
    final_report_save,
    final_report_submit,
)
from syslead.notifications.models import Notification
from syslead.visits.access import deployment_roles


def _write(
    actor: User, deployment: Deployment, impact: str = "KS2 maths up 12 points"
) -> FinalReport:
    return final_report_save(
        actor=actor,
        deployment=deployment,
        work_summary="Eight days of coaching the maths leader.",
        impact=impact,
        next_steps="Sustain book looks.",
    )


def _sees(user: User, deployment: Deployment) -> bool:
    report = FinalReport.objects.filter(deployment=deployment).first()
    return final_report_visible(deployment_roles(user, deployment), report)


def test_the_lead_leader_writes_and_sends_it_to_the_coordinators(
    leader_user: User, coordinator: User, broker_lead: User, deployment: Deployment
) -> None:
    report = final_report_submit(actor=leader_user, report=_write(leader_user, deployment))
    assert report.status == FinalReportStatus.AWAITING_QA
    for person in (coordinator, broker_lead):
        assert Notification.objects.filter(user=person, verb="final_report.to_qa").exists()
    with pytest.raises(RuleViolation):
        _write(leader_user, deployment)


def test_only_the_lead_leader_writes_it(
    leader_user: User, client_head: User, coordinator: User, deployment: Deployment
) -> None:
    for someone in (client_head, coordinator):
        with pytest.raises(NotAllowed):
            _write(someone, deployment)
    Deployment.objects.filter(pk=deployment.pk).update(is_lead=False)
    deployment.refresh_from_db()
    with pytest.raises(NotAllowed):
        _write(leader_user, deployment)


def test_the_summary_and_impact_are_required(leader_user: User, deployment: Deployment) -> None:
    with pytest.raises(ValidationError) as invalid:
        final_report_save(actor=leader_user, deployment=deployment, work_summary="", impact=" ")
    assert set(invalid.value.message_dict) == {"work_summary", "impact"}


def test_returned_with_comments_then_revised_then_approved(
    leader_user: User, coordinator: User, client_head: User, deployment: Deployment
) -> None:
    report = final_report_submit(actor=leader_user, report=_write(leader_user, deployment))
    with pytest.raises(ValidationError):
        final_report_return(actor=coordinator, report=report, comments="")
    report = final_report_return(actor=coordinator, report=report, comments="Add the data.")
    assert report.status == FinalReportStatus.RETURNED
    assert Notification.objects.filter(user=leader_user, verb="final_report.returned").exists()
    assert not _sees(client_head, deployment)

    report = _write(leader_user, deployment, impact="KS2 maths up 12 points (data attached)")
    report = final_report_submit(actor=leader_user, report=report)
    report = final_report_approve(actor=coordinator, report=report)
    assert report.status == FinalReportStatus.APPROVED
    assert report.reviewed_by == coordinator
    assert Notification.objects.filter(user=client_head, verb="final_report.received").exists()
    assert _sees(client_head, deployment)


@pytest.mark.parametrize(
    "who", ["client_head", "home_head", "leader_user", "sip", "other_coordinator"]
)
def test_only_the_broker_quality_assures(
    request: pytest.FixtureRequest, leader_user: User, deployment: Deployment, who: str
) -> None:
    report = final_report_submit(actor=leader_user, report=_write(leader_user, deployment))
    with pytest.raises(NotAllowed):
        final_report_approve(actor=request.getfixturevalue(who), report=report)


def test_a_draft_cannot_be_approved(
    leader_user: User, coordinator: User, deployment: Deployment
) -> None:
    with pytest.raises(RuleViolation):
        final_report_approve(actor=coordinator, report=_write(leader_user, deployment))


def test_the_schools_see_the_report_only_once_approved(
    leader_user: User,
    coordinator: User,
    broker_lead: User,
    client_head: User,
    home_head: User,
    stranger: User,
    deployment: Deployment,
) -> None:
    report = final_report_submit(actor=leader_user, report=_write(leader_user, deployment))
    assert _sees(leader_user, deployment)
    assert _sees(coordinator, deployment)
    assert _sees(broker_lead, deployment)
    assert not _sees(client_head, deployment)
    assert not _sees(home_head, deployment)
    final_report_approve(actor=broker_lead, report=report)
    assert _sees(client_head, deployment)
    assert _sees(home_head, deployment)
    assert not _sees(stranger, deployment)
