"""What the visits area reminds people of (see ``syslead.notifications.reminders``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from syslead.notifications.reminders import Reminder
from syslead.visits import recipients
from syslead.visits.selectors import (
    AGREE_WITHIN_SCHOOL_DAYS,
    deployments_without_recent_visit,
    visits_waiting_too_long,
)


def notes_not_agreed(today: dt.date) -> Iterator[Reminder]:
    """A note of visit not agreed after five school days: remind the supported headteacher."""
    for visit in visits_waiting_too_long(today):
        deployment = visit.deployment
        yield Reminder(
            key=f"visit:{visit.pk}:agree",
            users=recipients.client_heads(deployment),
            verb="reminder.visit_to_agree",
            text=f"Reminder: the note of visit of {visit.date:%-d %B %Y} by "
            f"{deployment.leader.name} has waited more than {AGREE_WITHIN_SCHOOL_DAYS} school "
            "days for you to agree it.",
            url=reverse("visits:agree", args=[visit.pk]),
            subject=f"Reminder: note of visit to agree ({visit.date:%-d %B %Y})",
        )


def agreements_without_visits(today: dt.date) -> Iterator[Reminder]:
    """An active agreement with no visit for six weeks: remind the leader and the coordinators."""
    for quiet in deployments_without_recent_visit(today):
        deployment = quiet.deployment
        since = (
            f"since {quiet.last_visit_on:%-d %B %Y}"
            if quiet.last_visit_on
            else f"since it started on {deployment.starts_on:%-d %B %Y}"
        )
        yield Reminder(
            key=f"deployment:{deployment.pk}:no_visit",
            users=recipients.everyone(
                [recipients.leader_user(deployment)],
                recipients.coordinators_of(deployment.organisation_id),
            ),
            verb="reminder.no_visit",
            text=f"No visit to {deployment.client_school.name} by {deployment.leader.name} "
            f"{since}.",
            url=reverse("visits:delivery", args=[deployment.pk]),
            subject=f"No visit for six weeks: {deployment.client_school.name}",
        )
