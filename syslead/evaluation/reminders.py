"""What the evaluation area reminds people of (see ``syslead.notifications.reminders``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.evaluation import selectors
from syslead.evaluation.services import schedule_feedback
from syslead.notifications.reminders import Reminder
from syslead.visits import recipients


def feedback_due(today: dt.date) -> Iterator[Reminder]:
    """Termly feedback due within two weeks of the term's end, or overdue: remind the supported
    headteacher. Agreements activated without a schedule get theirs first."""
    for deployment in Deployment.objects.filter(
        status=DeploymentStatus.ACTIVE, feedback_requests__isnull=True
    ):
        schedule_feedback(deployment)
    for feedback in selectors.feedback_due(today):
        deployment = feedback.deployment
        overdue = feedback.due_on < today
        yield Reminder(
            key=f"feedback:{feedback.pk}",
            users=recipients.client_heads(deployment),
            verb="reminder.feedback_due",
            text=f"{'Overdue' if overdue else 'Due'}: your feedback for the {feedback.term_label} "
            f"on {deployment.leader.name}'s support (due {feedback.due_on:%-d %B %Y}).",
            url=reverse("evaluation:feedback", args=[feedback.pk]),
            subject=f"Termly feedback {'overdue' if overdue else 'due'}: {feedback.term_label}",
        )


def evaluations_due(today: dt.date) -> Iterator[Reminder]:
    """The end-of-support evaluation, from two weeks before the agreement's end until given."""
    for deployment in selectors.evaluations_due(today):
        yield Reminder(
            key=f"evaluation:{deployment.pk}",
            users=recipients.client_heads(deployment),
            verb="reminder.evaluation_due",
            text=f"The end-of-support evaluation of {deployment.leader.name}'s support is due "
            f"(the agreement ends on {deployment.ends_on:%-d %B %Y}).",
            url=reverse("evaluation:evaluation", args=[deployment.pk]),
            subject="End-of-support evaluation due",
        )
