"""What brokering reminds people of (see ``syslead.notifications.reminders``, run daily).

An approach with no answer: after ``ANSWER_WITHIN_SCHOOL_DAYS`` school days the leader is
reminded, once; after ``EXPIRE_AFTER_SCHOOL_DAYS`` the request's coordinators are told, once, that
it has expired (they may withdraw it and ask the next leader on the shortlist in one step). School
days are counted by the school calendar (``syslead.core.academic_years``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from syslead.accounts.models import Role, User
from syslead.brokering.models import Approach, ApproachStatus
from syslead.brokering.services.approaches import EXPIRE_AFTER_SCHOOL_DAYS
from syslead.brokering.web_selectors import ANSWER_WITHIN_SCHOOL_DAYS, school_days_waiting
from syslead.notifications.models import Notification
from syslead.notifications.reminders import Reminder


def _waiting(today: dt.date, days: int, suffix: str) -> list[tuple[Approach, str]]:
    """Pending approaches waiting at least ``days`` school days whose reminder ``suffix`` was
    never sent (each is sent once), with its key."""
    candidates = (
        Approach.objects.filter(
            status=ApproachStatus.PENDING,
            sent_at__date__lte=today - dt.timedelta(days=days),
        )
        .select_related("leader__user", "support_request__school", "support_request__organisation")
        .order_by("sent_at", "pk")
    )
    due = [
        (approach, f"approach:{approach.pk}:{suffix}")
        for approach in candidates
        if school_days_waiting(approach, today) >= days
    ]
    sent = set(
        Notification.objects.filter(reminder_key__in=[key for _a, key in due]).values_list(
            "reminder_key", flat=True
        )
    )
    return [(approach, key) for approach, key in due if key not in sent]


def approaches_to_answer(today: dt.date) -> Iterator[Reminder]:
    """No answer after three school days: remind the leader, once."""
    for approach, key in _waiting(today, ANSWER_WITHIN_SCHOOL_DAYS, "answer"):
        school = approach.support_request.school.name
        yield Reminder(
            key=key,
            users=[approach.leader.user],
            verb="reminder.approach_to_answer",
            text=f"Reminder: {approach.support_request.organisation.name} asked whether you "
            f"could support {school} and is waiting for your answer.",
            url=reverse("brokering:approach", args=[approach.pk]),
            subject=f"Reminder: could you support {school}?",
            detail="If nobody answers within five school days the approach may be withdrawn "
            "and another leader asked.",
        )


def approaches_expired(today: dt.date) -> Iterator[Reminder]:
    """No answer after five school days: tell the request's coordinators, once."""
    for approach, key in _waiting(today, EXPIRE_AFTER_SCHOOL_DAYS, "expired"):
        request = approach.support_request
        coordinators = User.objects.filter(
            is_active=True,
            role_assignments__role=Role.COORDINATOR,
            role_assignments__organisation_id=request.organisation_id,
        ).distinct()
        yield Reminder(
            key=key,
            users=list(coordinators),
            verb="reminder.approach_expired",
            text=f"{approach.leader.user.get_full_name()} has not answered the approach about "
            f"{request.school.name} after {EXPIRE_AFTER_SCHOOL_DAYS} school days.",
            url=reverse("brokering:detail", args=[request.pk]) + "#approaches",
            subject=f"Approach expired: {request.school.name}",
            detail="You may withdraw it and ask the next leader on the shortlist in one step.",
        )
