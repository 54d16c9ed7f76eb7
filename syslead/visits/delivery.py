"""A deployment's delivery at a glance, for one person: the figures and the links to every record
they may read or must act on. The deployment page includes it (``visits/_deployment_panel.html``
through the ``delivery_panel`` tag) and the delivery page shows it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse

from syslead.accounts.models import User
from syslead.capacity.ledger import delivered_days_of
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.evaluation.access import final_report_visible
from syslead.evaluation.models import FeedbackStatus, FinalReport, FinalReportStatus
from syslead.evaluation.selectors import (
    EVALUATION_DUE_BEFORE_END,
    FEEDBACK_REMINDER_DAYS,
    evaluation_of,
)
from syslead.evaluation.services import EVALUATION_STATUSES, feedback_schedule_for
from syslead.evaluation.transitions import FINAL_REPORT
from syslead.visits.access import DeploymentRoles, deployment_roles
from syslead.visits.models import (
    ActionPoint,
    Visit,
    VisitStatus,
)

FEEDBACK_DUE_SOON = dt.timedelta(days=FEEDBACK_REMINDER_DAYS)


@dataclass(frozen=True)
class DeliveryLink:
    label: str
    url: str
    hint: str = ""
    todo: bool = False


@dataclass(frozen=True)
class DeliverySummary:
    deployment: Deployment
    roles: DeploymentRoles
    visits: int = 0
    awaiting_agreement: int = 0
    changes_requested: int = 0
    delivered_days: Decimal = Decimal("0")
    overdue_actions: int = 0
    links: list[DeliveryLink] = field(default_factory=list)

    @property
    def agreed_days(self) -> Decimal:
        return self.deployment.days

    @property
    def todo(self) -> list[DeliveryLink]:
        return [link for link in self.links if link.todo]


def _visit_figures(deployment: Deployment, today: dt.date) -> dict[str, Any]:
    rows = list(Visit.objects.filter(deployment=deployment).values_list("status", "session"))
    overdue = ActionPoint.objects.filter(
        visit__deployment=deployment, completed_on__isnull=True, due_on__lt=today
    ).count()
    return {
        "visits": len(rows),
        "awaiting_agreement": sum(status == VisitStatus.AWAITING_AGREEMENT for status, _ in rows),
        "changes_requested": sum(status == VisitStatus.CHANGES_REQUESTED for status, _ in rows),
        "delivered_days": delivered_days_of(deployment),
        "overdue_actions": overdue,
    }


def _feedback_link(deployment: Deployment, roles: DeploymentRoles, today: dt.date) -> DeliveryLink:
    schedule = feedback_schedule_for(deployment)
    outstanding = [f for f in schedule if f.status == FeedbackStatus.DUE]
    due_soon = [f for f in outstanding if f.due_on <= today + FEEDBACK_DUE_SOON]
    return DeliveryLink(
        "Termly feedback",
        reverse("evaluation:feedback_list", args=[deployment.pk]),
        hint=f"{len(schedule) - len(outstanding)} of {len(schedule)} terms given",
        todo=roles.client_head and bool(due_soon),
    )


def _report_link(user: User, deployment: Deployment, roles: DeploymentRoles) -> DeliveryLink | None:
    report = FinalReport.objects.filter(deployment=deployment).first()
    url = reverse("evaluation:final_report", args=[deployment.pk])
    if roles.leader and deployment.is_lead:
        return DeliveryLink(
            "Final report",
            url,
            hint=report.get_status_display() if report else "Not started",
            todo=report is not None and report.status == FinalReportStatus.RETURNED,
        )
    if report is None or not final_report_visible(roles, report):
        return None
    return DeliveryLink(
        "Final report",
        url,
        hint=report.get_status_display(),
        todo=FINAL_REPORT.may("approve", user, report),
    )


def delivery_summary(user: User, deployment: Deployment, today: dt.date) -> DeliverySummary:
    """What ``user`` may read and must do on ``deployment``'s delivery records."""
    roles = deployment_roles(user, deployment)
    if not roles.can_see_records:
        return DeliverySummary(deployment=deployment, roles=roles)
    figures = _visit_figures(deployment, today)
    pk = deployment.pk
    active = deployment.status == DeploymentStatus.ACTIVE
    links = [
        DeliveryLink(
            # The count is in the summary above the links: said once.
            "Open the notes of visit",
            reverse("visits:delivery", args=[pk]),
            todo=(roles.client_head and figures["awaiting_agreement"] > 0)
            or (roles.leader and figures["changes_requested"] > 0),
        ),
    ]
    if active and (roles.leader or roles.administrator):
        links.append(DeliveryLink("Record a note of visit", reverse("visits:record", args=[pk])))
    links.append(
        DeliveryLink("Deployment record (hours and activities)", reverse("visits:log", args=[pk]))
    )
    if deployment.status != DeploymentStatus.AWAITING_SIGNATURES:
        links.append(_feedback_link(deployment, roles, today))
        links.append(
            DeliveryLink(
                "Progress reviews (RAG by objective)", reverse("evaluation:progress", args=[pk])
            )
        )
    evaluation = evaluation_of(deployment)
    if evaluation is not None or (roles.client_head and deployment.status in EVALUATION_STATUSES):
        due = evaluation is None and (
            deployment.status == DeploymentStatus.COMPLETED
            or deployment.ends_on <= today + EVALUATION_DUE_BEFORE_END
        )
        links.append(
            DeliveryLink(
                "End-of-support evaluation",
                reverse("evaluation:evaluation", args=[pk]),
                hint="Given" if evaluation else ("Due" if due else "Not yet due"),
                todo=roles.client_head and due,
            )
        )
    report_link = _report_link(user, deployment, roles)
    if report_link is not None:
        links.append(report_link)
    if roles.can_see_evidence_pack:
        links.append(
            DeliveryLink(
                "Impact evidence pack", reverse("evaluation:evidence_pack_page", args=[pk])
            )
        )
    if roles.administrator or roles.broker or roles.home_head or roles.client_head:
        links.append(DeliveryLink("Invoices", reverse("invoicing:list", args=[pk])))
    links.append(
        DeliveryLink(
            "Raise a safeguarding or serious concern", reverse("visits:concern_raise", args=[pk])
        )
    )
    return DeliverySummary(deployment=deployment, roles=roles, links=links, **figures)
