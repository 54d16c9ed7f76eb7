"""The final report's transition table (docs/transitions.md: The final report).

The package's lead leader writes the report (a new one is a draft) and sends it to the broker;
the broker's coordinators and broker leads, never its author, quality-assure it: they approve it
(the supported school then receives it) or return it with comments for the leader to revise and
send again. An approved report is final.
"""

from __future__ import annotations

from syslead.accounts.models import User
from syslead.core.transitions import TransitionTable, step
from syslead.deployments.access import deployment_roles, may_quality_assure
from syslead.deployments.models import Deployment
from syslead.evaluation.models import FinalReport, FinalReportStatus

S = FinalReportStatus
#: The status a new final report starts in.
INITIAL = S.DRAFT


def writes_report(user: User, deployment: Deployment) -> bool:
    """The package's lead leader on ``deployment`` (or an administrator): who writes its final
    report, including the first draft."""
    roles = deployment_roles(user, deployment)
    return (roles.leader and deployment.is_lead) or roles.administrator


def author(user: User, report: FinalReport) -> bool:
    return writes_report(user, report.deployment)


def reviewer(user: User, report: FinalReport) -> bool:
    return may_quality_assure(user, report.deployment, report)


FINAL_REPORT: TransitionTable[FinalReport] = TransitionTable(
    record="final report",
    field="status",
    choices=FinalReportStatus,
    rule="final_report_state",
    transitions=[
        step(
            "save",
            [S.DRAFT, S.RETURNED],
            None,
            may=author,
            who="The lead system leader",
            records="final_report.saved",
            action="change it",
            rule="final_report_locked",
        ),
        step(
            "submit",
            [S.DRAFT, S.RETURNED],
            S.AWAITING_QA,
            may=author,
            who="The lead system leader",
            records="final_report.submitted",
            action="send it",
            rule="final_report_already_sent",
        ),
        step(
            "approve",
            [S.AWAITING_QA],
            S.APPROVED,
            may=reviewer,
            who="The broker's coordinators and broker leads, not the report's author",
            records="final_report.approved",
            action="approve it",
            rule="final_report_not_sent",
        ),
        step(
            "return",
            [S.AWAITING_QA],
            S.RETURNED,
            may=reviewer,
            who="The broker's coordinators and broker leads, not the report's author, with "
            "comments",
            records="final_report.returned",
            action="return it",
            rule="final_report_not_sent",
        ),
    ],
)

__all__ = ["FINAL_REPORT", "INITIAL", "author", "reviewer", "writes_report"]
