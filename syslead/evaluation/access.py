"""Looking up feedback, the final report and the evidence pack through the deployments area's one
access rule (``syslead.deployments.access``, whose ``final_report_visible`` and
``may_quality_assure`` are re-exported here).

Feedback, progress reviews and the evaluation are delivery records: the parties, the broker and,
on the LA route, the SIP read them (``syslead.visits.access``). The final report is the lead
leader's until the broker has quality-assured it: before approval only its author's side (the
deployment's leader) and the broker see it; the schools and the SIP see it once approved
(docs/rules.md: "The lead leader's final report goes to the broker, which quality-assures it before
the school receives it").
"""

from __future__ import annotations

from django.http import Http404

from syslead.accounts.models import User
from syslead.core.queries import one_or_none
from syslead.deployments.access import (
    DeploymentRoles,
    deployment_roles,
    final_report_visible,
    may_quality_assure,
)
from syslead.deployments.models import Deployment
from syslead.evaluation.models import FeedbackRequest
from syslead.visits.access import deployment_records_for_user

__all__ = [
    "evidence_pack_deployment_for_user",
    "feedback_for_user",
    "final_report_visible",
    "may_quality_assure",
]


def feedback_for_user(user: User, feedback_id: int) -> tuple[FeedbackRequest, DeploymentRoles]:
    """A termly feedback form and the person's roles; 404 to those who may not read records."""
    feedback = one_or_none(
        FeedbackRequest.objects.select_related(
            "deployment__leader__user",
            "deployment__client_school",
            "deployment__home_school",
            "deployment__organisation",
            "deployment__support_request",
        ).filter(pk=feedback_id)
    )
    if feedback is None:
        raise Http404("No such feedback.")
    roles = deployment_roles(user, feedback.deployment)
    if not roles.can_see_records:
        raise Http404("No such feedback.")
    return feedback, roles


def evidence_pack_deployment_for_user(user: User, deployment_id: int) -> Deployment:
    """The deployment whose impact evidence pack the person may ask for and download; 404 to
    everyone else (``DeploymentRoles.can_see_evidence_pack``: the parties and the broker, not the
    SIP)."""
    deployment, roles = deployment_records_for_user(user, deployment_id)
    if not roles.can_see_evidence_pack:
        raise Http404("No such deployment.")
    return deployment
