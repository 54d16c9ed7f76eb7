"""Who may read feedback, reviews, the evaluation and the final report.

Feedback, progress reviews and the evaluation are delivery records: the parties, the broker and,
on the LA route, the SIP read them (``syslead.visits.access``). The final report is the lead
leader's until the broker has quality-assured it: before approval only its author's side (the
deployment's leader) and the broker see it; the schools and the SIP see it once approved
(product.md: "The lead leader's final report goes to the broker, which quality-assures it before
the school receives it").
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from syslead.deployments.models import Deployment
from syslead.evaluation.models import FeedbackRequest, FinalReport, FinalReportStatus
from syslead.visits.access import DeploymentRoles, deployment_records_for_user, deployment_roles

__all__ = [
    "evidence_pack_deployment_for_user",
    "feedback_for_user",
    "final_report_visible",
    "may_quality_assure",
]


def feedback_for_user(user: Any, feedback_id: int) -> tuple[FeedbackRequest, DeploymentRoles]:
    """A termly feedback form and the person's roles; 404 to those who may not read records."""
    feedback = (
        FeedbackRequest.objects.select_related(
            "deployment__leader__user",
            "deployment__client_school",
            "deployment__home_school",
            "deployment__organisation",
            "deployment__support_request",
        )
        .filter(pk=feedback_id)
        .first()
    )
    if feedback is None:
        raise Http404("No such feedback.")
    roles = deployment_roles(user, feedback.deployment)
    if not roles.can_see_records:
        raise Http404("No such feedback.")
    return feedback, roles


def final_report_visible(roles: DeploymentRoles, report: FinalReport | None) -> bool:
    """Whether someone with ``roles`` may read the report (schools only once approved)."""
    if report is None:
        return False
    if roles.administrator or roles.leader or roles.broker:
        return True
    return report.status == FinalReportStatus.APPROVED and roles.can_see_records


def may_quality_assure(user: Any, deployment: Deployment, report: FinalReport) -> bool:
    """Coordinators and broker leads of the organisation, never the report's own author."""
    roles = deployment_roles(user, deployment)
    if roles.administrator:
        return True
    return roles.broker and report.author_id != user.pk


def evidence_pack_deployment_for_user(user: Any, deployment_id: int) -> Deployment:
    """The deployment whose impact evidence pack the person may ask for and download; 404 to
    everyone else (``DeploymentRoles.can_see_evidence_pack``: the parties and the broker, not the
    SIP)."""
    deployment, roles = deployment_records_for_user(user, deployment_id)
    if not roles.can_see_evidence_pack:
        raise Http404("No such deployment.")
    return deployment
