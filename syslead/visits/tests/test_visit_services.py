"""Notes of visit: recorded by the leader while the agreement is active, agreed by the supported
headteacher or sent back with changes, then signed off by the leader."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from syslead.accounts.models import User
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.models import Event
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.notifications.models import Notification
from syslead.visits.models import ActionOwner, Session, Visit, VisitStatus
from syslead.visits.selectors import overdue_action_points
from syslead.visits.services import (
    ActionPointSpec,
    action_point_complete,
    visit_agree,
    visit_record,
    visit_request_changes,
    visit_revise,
    visit_sign_off,
)

ACTIONS = [
    ActionPointSpec(ActionOwner.LEADER, "Send the marking policy exemplars", dt.date(2025, 10, 13)),
    ActionPointSpec(ActionOwner.SCHOOL, "Maths leader to run a book look", dt.date(2025, 10, 20)),
]


def _record(actor: User, deployment: Deployment, **overrides: Any) -> Visit:
    fields: dict[str, Any] = {
        "date": dt.date(2025, 10, 6),
        "session": Session.FULL_DAY,
        "hours": Decimal("6"),
        "focus": "Maths book scrutiny with the maths leader",
        "progress": "Agreed a consistent feedback policy.",
        "actions": ACTIONS,
        "issues": "Supply cover in Year 5.",
    }
    fields.update(overrides)
    return visit_record(actor=actor, deployment=deployment, **fields)


def test_the_leader_records_a_note_of_visit_for_the_head_to_agree(
    leader_user: User,
    client_head: User,
    deployment: Deployment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        visit = _record(leader_user, deployment)
    assert visit.status == VisitStatus.AWAITING_AGREEMENT
    assert [(a.owner, a.due_on) for a in visit.action_points.all()] == [
        ("leader", dt.date(2025, 10, 13)),
        ("school", dt.date(2025, 10, 20)),
    ]
    assert Event.objects.filter(verb="visit.recorded", subject_id=str(deployment.pk)).exists()
    note = Notification.objects.get(user=client_head)
    assert note.verb == "visit.to_agree"
    assert note.url == f"/visits/{visit.pk}/agree/"
    assert [m.to for m in mail.outbox] == [[client_head.email]]
    assert f"/visits/{visit.pk}/agree/" in mail.outbox[0].body


def test_only_the_deployments_leader_records_notes(
    client_head: User, coordinator: User, deployment: Deployment
) -> None:
    for someone in (client_head, coordinator):
        with pytest.raises(NotAllowed):
            _record(someone, deployment)
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    "status",
    [DeploymentStatus.AWAITING_SIGNATURES, DeploymentStatus.COMPLETED, DeploymentStatus.PAUSED],
)
def test_notes_are_recorded_only_while_the_agreement_is_active(
    leader_user: User, deployment: Deployment, status: str
) -> None:
    Deployment.objects.filter(pk=deployment.pk).update(status=status)
    deployment.refresh_from_db()
    with pytest.raises(RuleViolation) as refused:
        _record(leader_user, deployment)
    assert refused.value.rule == "deployment_not_active"


@pytest.mark.parametrize("day", [dt.date(2025, 9, 7), dt.date(2026, 3, 28)])
def test_the_date_must_lie_within_the_agreement(
    leader_user: User, deployment: Deployment, day: dt.date
) -> None:
    with pytest.raises(ValidationError) as invalid:
        _record(leader_user, deployment, date=day)
    assert list(invalid.value.message_dict) == ["date"]


def test_the_first_and_last_days_of_the_agreement_are_within_it(
    leader_user: User, deployment: Deployment
) -> None:
    _record(leader_user, deployment, date=deployment.starts_on)
    _record(leader_user, deployment, date=deployment.ends_on, session=Session.TWILIGHT)
    assert Visit.objects.count() == 2


def test_invalid_fields_are_reported_together_and_nothing_is_written(
    leader_user: User, deployment: Deployment
) -> None:
    with pytest.raises(ValidationError) as invalid:
        _record(
            leader_user,
            deployment,
            session="morning",
            hours=Decimal("0"),
            focus=" ",
            actions=[ActionPointSpec("governors", "", None)],
        )
    assert set(invalid.value.message_dict) == {"session", "hours", "focus", "actions"}
    assert not Visit.objects.exists()


def test_the_head_agrees_and_the_leader_is_asked_to_sign_off(
    leader_user: User, client_head: User, deployment: Deployment
) -> None:
    visit = _record(leader_user, deployment)
    agreed = visit_agree(actor=client_head, visit=visit)
    assert agreed.status == VisitStatus.AGREED
    assert agreed.agreed_by == client_head
    assert Notification.objects.filter(user=leader_user, verb="visit.to_sign_off").exists()
    signed = visit_sign_off(actor=leader_user, visit=agreed)
    assert signed.status == VisitStatus.SIGNED_OFF
    assert signed.signed_off_at is not None


def test_only_the_supported_head_agrees(
    leader_user: User, home_head: User, coordinator: User, deployment: Deployment
) -> None:
    visit = _record(leader_user, deployment)
    for someone in (leader_user, home_head, coordinator):
        with pytest.raises(NotAllowed):
            visit_agree(actor=someone, visit=visit)


def test_a_note_is_agreed_once(
    leader_user: User, client_head: User, deployment: Deployment
) -> None:
    visit = visit_agree(actor=client_head, visit=_record(leader_user, deployment))
    with pytest.raises(RuleViolation):
        visit_agree(actor=client_head, visit=visit)


def test_changes_go_back_to_the_leader_who_revises_and_resubmits(
    leader_user: User, client_head: User, deployment: Deployment
) -> None:
    visit = _record(leader_user, deployment)
    with pytest.raises(ValidationError):
        visit_request_changes(actor=client_head, visit=visit, comment="  ")
    visit = visit_request_changes(
        actor=client_head,
        visit=visit,
        comment="The book look is the deputy's, not the maths lead's.",
    )
    assert visit.status == VisitStatus.CHANGES_REQUESTED
    note = Notification.objects.get(user=leader_user, verb="visit.changes_requested")
    assert note.url == f"/visits/{visit.pk}/edit/"
    with pytest.raises(RuleViolation):
        visit_agree(actor=client_head, visit=visit)

    revised = visit_revise(
        actor=leader_user,
        visit=visit,
        date=visit.date,
        session=Session.HALF_DAY,
        hours=Decimal("3"),
        focus="Maths book scrutiny",
        progress="",
        actions=[ACTIONS[0]],
        issues="",
    )
    assert revised.status == VisitStatus.AWAITING_AGREEMENT
    assert revised.session == Session.HALF_DAY
    assert revised.action_points.count() == 1
    assert Notification.objects.filter(user=client_head, verb="visit.resubmitted").exists()
    event = Event.objects.get(verb="visit.revised")
    assert event.data["before"]["session"] == "full_day"
    assert visit_agree(actor=client_head, visit=revised).status == VisitStatus.AGREED


def test_an_agreed_note_cannot_be_revised_and_only_an_agreed_one_is_signed_off(
    leader_user: User, client_head: User, deployment: Deployment
) -> None:
    visit = _record(leader_user, deployment)
    with pytest.raises(RuleViolation):
        visit_sign_off(actor=leader_user, visit=visit)
    visit = visit_agree(actor=client_head, visit=visit)
    with pytest.raises(RuleViolation):
        visit_revise(
            actor=leader_user,
            visit=visit,
            date=visit.date,
            session=visit.session,
            hours=visit.hours,
            focus="x",
        )
    with pytest.raises(NotAllowed):
        visit_sign_off(actor=client_head, visit=visit)


def test_signing_off_an_la_route_note_shares_it_with_the_sip(
    leader_user: User, client_head: User, sip: User, la_deployment: Deployment
) -> None:
    visit = visit_agree(actor=client_head, visit=_record(leader_user, la_deployment))
    visit_sign_off(actor=leader_user, visit=visit)
    assert Notification.objects.filter(user=sip, verb="visit.shared").exists()


def test_action_points_are_tracked_to_done_and_overdue_ones_show(
    leader_user: User, client_head: User, stranger: User, deployment: Deployment
) -> None:
    visit = _record(leader_user, deployment)
    first, second = visit.action_points.all()
    today = dt.date(2025, 10, 15)
    assert list(overdue_action_points(today)) == [first]
    with pytest.raises(NotAllowed):
        action_point_complete(actor=stranger, action_point=first)
    done = action_point_complete(actor=client_head, action_point=first, completed_on=today)
    assert done.completed_on == today
    assert done.completed_by == client_head
    with pytest.raises(RuleViolation):
        action_point_complete(actor=leader_user, action_point=first)
    assert list(overdue_action_points(today)) == []
    assert list(overdue_action_points(dt.date(2025, 10, 21))) == [second]
