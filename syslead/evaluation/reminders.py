"""What the evaluation area reminds people of (see ``syslead.notifications.reminders``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.evaluation import selectors
from syslead.evaluation.services import schedule_feedback
from syslead.notifications.reminders import Reminder
from syslead.schools.sips import school_sip
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


def sip_views_due(today: dt.date) -> Iterator[Reminder]:
    """The named SIP's view on the termly progress review, from two weeks before the term's end
    until given (docs/rules.md, "The school's named SIP"): remind the school's named SIP, if it
    has one named by the agreement's organisation (``schools.sips.school_sip``). Agreements
    activated without a feedback schedule get theirs first (it names the terms)."""
    for deployment in Deployment.objects.filter(
        status=DeploymentStatus.ACTIVE, feedback_requests__isnull=True
    ):
        schedule_feedback(deployment)
    for term in selectors.sip_views_due(today):
        deployment = term.deployment
        sip = school_sip(deployment.client_school_id, organisation=deployment.organisation_id)
        if sip is None:
            continue
        yield Reminder(
            key=f"sip_view:{deployment.pk}:{term.academic_year}:{term.term}",
            users=[sip],
            verb="reminder.sip_view_due",
            text=f"Give your view on progress at {deployment.client_school.name} for the "
            f"{term.term_label} ({deployment.leader.name}'s support).",
            url=reverse("evaluation:progress", args=[deployment.pk])
            + f"?term={term.academic_year}-{term.term}",
            subject=f"Your view on progress: {deployment.client_school.name}, {term.term_label}",
        )
