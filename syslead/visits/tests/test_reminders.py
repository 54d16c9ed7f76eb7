"""Reminders with a time machine (``today`` passed in): notes of visit not agreed after five school
days, termly feedback due, the evaluation due, and agreements with no visit for six weeks; at most
one reminder per person per thing per day, repeated weekly while outstanding."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command

from syslead.accounts.models import User
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.evaluation.models import FeedbackRequest, FeedbackStatus
from syslead.notifications.models import Notification
from syslead.notifications.reminders import send_reminders, send_reminders_task
from syslead.visits.models import VisitStatus
from syslead.visits.tests.factories import make_visit

LONDON = ZoneInfo("Europe/London")
NOTES = ["syslead.visits.reminders.notes_not_agreed"]
QUIET = ["syslead.visits.reminders.agreements_without_visits"]
FEEDBACK = ["syslead.evaluation.reminders.feedback_due"]
EVALUATION = ["syslead.evaluation.reminders.evaluations_due"]


def _sent_on(monday: dt.date, deployment: Deployment, **extra: Any) -> Any:
    submitted = dt.datetime.combine(monday, dt.time(15, 30), tzinfo=LONDON)
    return make_visit(deployment, date=monday, submitted_at=submitted, **extra)


def _reminded(user: User, verb: str) -> list[dt.date]:
    return list(
        Notification.objects.filter(user=user, verb=verb)
        .order_by("reminded_on")
        .values_list("reminded_on", flat=True)
    )


def test_a_note_not_agreed_after_five_school_days_reminds_the_head(
    client_head: User, leader_user: User, deployment: Deployment
) -> None:
    visit = _sent_on(dt.date(2025, 10, 6), deployment)  # a Monday
    assert send_reminders(dt.date(2025, 10, 10), NOTES) == 0  # Friday: four school days
    assert send_reminders(dt.date(2025, 10, 13), NOTES) == 1  # Monday: five
    [note] = Notification.objects.filter(verb="reminder.visit_to_agree")
    assert note.user == client_head
    assert note.url == f"/visits/{visit.pk}/agree/"


def test_reminders_are_idempotent_in_a_day_and_repeat_weekly(
    client_head: User, deployment: Deployment
) -> None:
    _sent_on(dt.date(2025, 10, 6), deployment)
    day = dt.date(2025, 10, 13)
    assert send_reminders(day, NOTES) == 1
    assert send_reminders(day, NOTES) == 0
    assert send_reminders(day + dt.timedelta(days=1), NOTES) == 0
    assert send_reminders(day + dt.timedelta(days=7), NOTES) == 1
    assert _reminded(client_head, "reminder.visit_to_agree") == [day, day + dt.timedelta(days=7)]


def test_an_agreed_or_returned_note_is_not_chased(
    client_head: User, deployment: Deployment
) -> None:
    _sent_on(dt.date(2025, 10, 6), deployment, status=VisitStatus.AGREED)
    _sent_on(dt.date(2025, 10, 6), deployment, status=VisitStatus.CHANGES_REQUESTED)
    assert send_reminders(dt.date(2025, 10, 20), NOTES) == 0


def test_a_weekend_does_not_count_as_school_days(client_head: User, deployment: Deployment) -> None:
    _sent_on(dt.date(2025, 10, 10), deployment)  # a Friday
    assert send_reminders(dt.date(2025, 10, 16), NOTES) == 0  # Thursday: four school days
    assert send_reminders(dt.date(2025, 10, 17), NOTES) == 1


def test_no_visit_for_six_weeks_reminds_the_leader_and_coordinators(
    leader_user: User, coordinator: User, client_head: User, deployment: Deployment
) -> None:
    # The agreement started on Monday 8 September 2025 and has no visit yet.
    assert send_reminders(dt.date(2025, 10, 19), QUIET) == 0
    assert send_reminders(dt.date(2025, 10, 20), QUIET) == 2
    assert _reminded(leader_user, "reminder.no_visit") == [dt.date(2025, 10, 20)]
    assert _reminded(coordinator, "reminder.no_visit") == [dt.date(2025, 10, 20)]
    make_visit(deployment, date=dt.date(2025, 10, 22))
    assert send_reminders(dt.date(2025, 11, 3), QUIET) == 0
    assert send_reminders(dt.date(2025, 12, 3), QUIET) == 2


def test_only_active_agreements_are_chased_for_visits(
    leader_user: User, deployment: Deployment
) -> None:
    Deployment.objects.filter(pk=deployment.pk).update(status=DeploymentStatus.COMPLETED)
    assert send_reminders(dt.date(2025, 12, 1), QUIET) == 0


def test_feedback_is_chased_from_two_weeks_before_the_term_ends_until_given(
    client_head: User, deployment: Deployment
) -> None:
    # The autumn term ends on Friday 19 December 2025 (the default term dates).
    assert send_reminders(dt.date(2025, 12, 4), FEEDBACK) == 0
    assert send_reminders(dt.date(2025, 12, 5), FEEDBACK) == 1
    assert send_reminders(dt.date(2026, 1, 5), FEEDBACK) == 1  # overdue, after the holidays
    overdue = Notification.objects.filter(verb="reminder.feedback_due").first()
    assert overdue is not None
    assert overdue.text.startswith("Overdue")
    FeedbackRequest.objects.filter(deployment=deployment, term="autumn").update(
        status=FeedbackStatus.SUBMITTED
    )
    assert send_reminders(dt.date(2026, 1, 12), FEEDBACK) == 0


def test_the_evaluation_is_chased_from_two_weeks_before_the_end_until_given(
    client_head: User, deployment: Deployment
) -> None:
    # The agreement ends on 27 March 2026.
    assert send_reminders(dt.date(2026, 3, 12), EVALUATION) == 0
    assert send_reminders(dt.date(2026, 3, 13), EVALUATION) == 1
    Deployment.objects.filter(pk=deployment.pk).update(status=DeploymentStatus.COMPLETED)
    assert send_reminders(dt.date(2026, 4, 20), EVALUATION) == 1


def test_reminders_are_e_mailed_after_the_commit(
    client_head: User, deployment: Deployment, django_capture_on_commit_callbacks: Any
) -> None:
    visit = _sent_on(dt.date(2025, 10, 6), deployment)
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(dt.date(2025, 10, 13), NOTES)
    assert [m.to for m in mail.outbox] == [[client_head.email]]
    assert f"/visits/{visit.pk}/agree/" in mail.outbox[0].body


def test_the_command_and_the_task_send_the_days_reminders(
    client_head: User, deployment: Deployment
) -> None:
    _sent_on(dt.date(2025, 10, 6), deployment)
    out = StringIO()
    call_command("send_reminders", "--date", "2025-10-13", stdout=out)
    assert "Sent 1 reminder for 2025-10-13" in out.getvalue()
    result = send_reminders_task.enqueue(today="2025-10-13")
    assert result.return_value == 0
