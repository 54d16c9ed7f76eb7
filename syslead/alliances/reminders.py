"""What the alliance area reminds people of (see ``syslead.notifications.reminders``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from syslead.accounts.models import Role, User
from syslead.alliances.selectors import mou_reviews_due
from syslead.notifications.reminders import Reminder

#: How long before an MOU's annual review its alliance is reminded.
MOU_REVIEW_NOTICE_DAYS = 30


def mou_reviews(today: dt.date) -> Iterator[Reminder]:
    """A member's MOU is reviewed each year: remind the alliance's coordinators and broker leads
    from 30 days before the review date until a new signature is recorded."""
    people: dict[int, list[User]] = {}
    for member in mou_reviews_due(today, MOU_REVIEW_NOTICE_DAYS):
        due = member.mou_review_due_on
        if due is None:  # pragma: no cover - the selector keeps signed members only
            continue
        if member.organisation_id not in people:
            people[member.organisation_id] = list(
                User.objects.filter(
                    role_assignments__organisation_id=member.organisation_id,
                    role_assignments__role__in=[Role.COORDINATOR, Role.BROKER_LEAD],
                    is_active=True,
                ).distinct()
            )
        when = "was due" if due < today else "is due"
        yield Reminder(
            key=f"alliance_member:{member.pk}:mou_review:{due.isoformat()}",
            users=people[member.organisation_id],
            verb="reminder.mou_review",
            text=f"The MOU review of {member.school.name} {when} on {due:%-d %B %Y}: record the "
            "headteacher's new signature.",
            url=reverse("alliances:member", args=[member.pk]),
            subject=f"MOU review {when}: {member.school.name}",
        )
