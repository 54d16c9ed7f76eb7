"""Changes to an agreement: pause, resume, replace, amend, end early, the leader unavailable,
a managed exit; completing, cancelling and editing; completed agreements are read-only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.brokering.models import RequestStatus, SupportRequest
from syslead.capacity.ledger import leader_capacity
from syslead.charging.models import ChargingPolicy
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import (
    ChangeAction,
    ChangeKind,
    ChangeRecord,
    Deployment,
    DeploymentStatus,
)
from syslead.deployments.selectors import deployment_timeline, signatures_of
from syslead.deployments.services import (
    carried_over,
    deployment_add_to_package,
    deployment_amend,
    deployment_cancel,
    deployment_complete,
    deployment_end_early,
    deployment_pause,
    deployment_record_change,
    deployment_replace_leader,
    deployment_report_unavailable,
    deployment_request_exit,
    deployment_resume,
    deployment_sign,
    deployment_update,
    package_create,
)
from syslead.deployments.tests.factories import (
    YEAR,
    close_together,
    make_leader,
    refresh,
    set_release,
)
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.visits.models import Session, Visit, VisitStatus

Capture = Any


@pytest.fixture
def new_leader(alliance: Organisation) -> LeaderProfile:
    school = make_school(120020, "Bracebridge Heath St John's")
    user = make_user("nia@bracebridge.test", "Nia New-Leader", (Role.SYSTEM_LEADER, None))
    return make_leader(user, school, alliance)


def _recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


# Pause and resume --------------------------------------------------------------------------------


def test_a_coordinator_pauses_and_resumes_an_active_agreement(
    active: Deployment,
    coordinator: User,
    leader: LeaderProfile,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        paused = deployment_pause(
            actor=coordinator,
            deployment=active,
            reason="Leader unwell",
            kind=ChangeKind.CANNOT_PROVIDE,
        )
    assert paused.status == DeploymentStatus.PAUSED
    assert leader_capacity(leader, YEAR).committed == 5  # the days stay reserved
    change = ChangeRecord.objects.get()
    assert (change.kind, change.action, change.recorded_by) == (
        ChangeKind.CANNOT_PROVIDE,
        ChangeAction.PAUSE,
        coordinator,
    )
    assert "cara@ermine.test" in _recipients()  # the client school is told
    resumed = deployment_resume(actor=coordinator, deployment=active, reason="Back at work")
    assert resumed.status == DeploymentStatus.ACTIVE
    verbs = [e.verb for e in deployment_timeline(active)]
    assert verbs[-2:] == ["deployment.paused", "deployment.resumed"]


def test_only_active_agreements_pause_and_only_paused_ones_resume(
    agreement: Deployment, active: Deployment, coordinator: User
) -> None:
    with pytest.raises(RuleViolation) as refused:
        deployment_resume(actor=coordinator, deployment=active, reason="x")
    assert refused.value.rule == "deployment_state"


def test_only_awaiting_agreements_cannot_be_paused(
    agreement: Deployment, coordinator: User
) -> None:
    with pytest.raises(RuleViolation):
        deployment_pause(actor=coordinator, deployment=agreement, reason="x")


@pytest.mark.parametrize(
    "who", ["leader_user", "client_head", "broker_lead", "stranger", "other_coordinator"]
)
def test_only_a_coordinator_of_the_organisation_makes_changes(
    who: str, request: pytest.FixtureRequest, active: Deployment
) -> None:
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        deployment_pause(actor=actor, deployment=active, reason="x")
    with pytest.raises(NotAllowed):
        deployment_end_early(actor=actor, deployment=active, reason="x")
    with pytest.raises(NotAllowed):
        deployment_complete(actor=actor, deployment=active)
    assert refresh(active).status == DeploymentStatus.ACTIVE


# End early ---------------------------------------------------------------------------------------


def test_ending_early_records_the_date_and_reason_and_frees_the_days(
    active: Deployment, coordinator: User, leader: LeaderProfile
) -> None:
    ended = deployment_end_early(
        actor=coordinator,
        deployment=active,
        reason="Not making sufficient impact",
        kind=ChangeKind.INSUFFICIENT_IMPACT,
        ended_on=dt.date(2027, 2, 12),
    )
    assert (ended.status, ended.ended_on, ended.end_reason) == (
        DeploymentStatus.ENDED_EARLY,
        dt.date(2027, 2, 12),
        "Not making sufficient impact",
    )
    assert leader_capacity(leader, YEAR).committed == 0
    assert ChangeRecord.objects.get().action == ChangeAction.END_EARLY


def test_an_unsigned_agreement_is_cancelled_not_ended(
    agreement: Deployment, coordinator: User
) -> None:
    with pytest.raises(RuleViolation):
        deployment_end_early(actor=coordinator, deployment=agreement, reason="x")


# The leader cannot provide it; a managed exit ----------------------------------------------------


def test_recording_that_the_leader_cannot_provide_tells_the_client_head_at_once(
    active: Deployment, coordinator: User, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        change = deployment_record_change(
            actor=coordinator,
            deployment=active,
            kind=ChangeKind.CANNOT_PROVIDE,
            reason="Long-term sickness",
        )
    assert change.action == ""
    assert change.resolved_at is None
    assert refresh(active).status == DeploymentStatus.ACTIVE
    assert _recipients() == {"cara@ermine.test"}
    assert "Long-term sickness" in mail.outbox[0].body


def test_the_leader_reports_they_cannot_provide_it(
    active: Deployment,
    leader_user: User,
    client_head: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        change = deployment_report_unavailable(
            actor=leader_user, deployment=active, reason="Off sick until Easter"
        )
    assert (change.kind, change.requested_by_party) == (ChangeKind.CANNOT_PROVIDE, "leader")
    assert {"cara@ermine.test", "alice@kyra.test"} <= _recipients()
    with pytest.raises(NotAllowed):
        deployment_report_unavailable(actor=client_head, deployment=active, reason="x")


@pytest.mark.parametrize(
    ("who", "party"), [("leader_user", "leader"), ("client_head", "client_headteacher")]
)
def test_either_side_asks_for_a_managed_exit_and_the_coordinators_are_told(
    who: str,
    party: str,
    request: pytest.FixtureRequest,
    active: Deployment,
    coordinator: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        change = deployment_request_exit(
            actor=request.getfixturevalue(who),
            deployment=active,
            reason="The partnership is in difficulty",
        )
    assert (change.kind, change.requested_by_party, change.resolved_at) == (
        ChangeKind.MANAGED_EXIT,
        party,
        None,
    )
    assert _recipients() == {"alice@kyra.test"}
    deployment_end_early(
        actor=coordinator,
        deployment=active,
        reason="Managed exit agreed",
        kind=ChangeKind.MANAGED_EXIT,
    )
    change.refresh_from_db()
    assert change.resolved_at is not None


@pytest.mark.parametrize("who", ["home_head", "broker_lead", "stranger", "coordinator"])
def test_others_do_not_ask_for_a_managed_exit(
    who: str, request: pytest.FixtureRequest, active: Deployment
) -> None:
    with pytest.raises(NotAllowed):
        deployment_request_exit(actor=request.getfixturevalue(who), deployment=active, reason="x")


# Replace the leader ------------------------------------------------------------------------------


def _agreed_visit(deployment: Deployment, day: dt.date, session: str = Session.FULL_DAY) -> None:
    Visit.objects.create(
        deployment=deployment,
        date=day,
        session=session,
        hours=Decimal("6"),
        focus="Coaching",
        status=VisitStatus.AGREED,
        submitted_at=timezone.now(),
    )


def test_carried_over_days_split_into_full_and_half_days() -> None:
    assert carried_over(Decimal("3.5")) == (3, 1)
    assert carried_over(Decimal("3")) == (3, 0)
    assert carried_over(Decimal("0.5")) == (0, 1)
    assert carried_over(Decimal("-1")) == (0, 0)


def test_replacing_the_leader_carries_over_the_days_not_yet_delivered(
    active: Deployment,
    coordinator: User,
    new_leader: LeaderProfile,
    leader: LeaderProfile,
    alliance: Organisation,
) -> None:
    _agreed_visit(active, dt.date(2027, 1, 11))
    _agreed_visit(active, dt.date(2027, 1, 18), Session.HALF_DAY)
    ChargingPolicy.objects.create(
        organisation=alliance, academic_year=YEAR, full_day_rate=Decimal("500")
    )
    replacement = deployment_replace_leader(
        actor=coordinator,
        deployment=active,
        new_leader=new_leader,
        reason="Lee has left Mount Street Academy",
        kind=ChangeKind.LEADER_LEFT_SCHOOL,
        starts_on=dt.date(2027, 2, 1),
    )
    old = refresh(active)
    assert old.status == DeploymentStatus.ENDED_EARLY
    assert (replacement.leader, replacement.replaces) == (new_leader, old)
    assert replacement.status == DeploymentStatus.AWAITING_SIGNATURES
    assert (replacement.full_days, replacement.half_days) == (3, 1)  # 5 − 1.5 = 3.5
    assert replacement.starts_on == dt.date(2027, 2, 1)
    assert replacement.ends_on == old.ends_on
    assert replacement.full_day_rate == Decimal("350.00")  # the agreed rates, not a new policy
    assert replacement.total_cost == Decimal("1200.00")
    assert replacement.aims == old.aims
    assert replacement.objectives.count() == 1
    assert replacement.leader_role == "Maths lead"
    assert replacement.home_school_id == new_leader.home_school_id
    change = ChangeRecord.objects.get(deployment=old)
    assert (change.action, change.resulting_deployment) == (ChangeAction.REPLACE, replacement)
    assert leader_capacity(new_leader, YEAR).committed == Decimal("3.5")
    assert leader_capacity(leader, YEAR).committed == 0
    assert signatures_of(replacement) == dict.fromkeys(signatures_of(replacement))


def test_the_new_leader_must_pass_the_rules_or_nothing_changes(
    active: Deployment, coordinator: User, new_leader: LeaderProfile
) -> None:
    set_release(new_leader, 2)
    with pytest.raises(RuleViolation) as refused:
        deployment_replace_leader(
            actor=coordinator, deployment=active, new_leader=new_leader, reason="Left"
        )
    assert refused.value.rule == "capacity"
    assert refresh(active).status == DeploymentStatus.ACTIVE
    assert not ChangeRecord.objects.exists()


def test_record_change_dispatches_the_action(
    active: Deployment, coordinator: User, new_leader: LeaderProfile
) -> None:
    with pytest.raises(ValidationError):
        deployment_record_change(
            actor=coordinator, deployment=active, kind="other", reason="x", action="replace"
        )
    with pytest.raises(ValidationError):
        deployment_record_change(
            actor=coordinator, deployment=active, kind="other", reason="x", action="teleport"
        )
    with pytest.raises(ValidationError):
        deployment_record_change(actor=coordinator, deployment=active, kind="gossip", reason="x")
    with pytest.raises(ValidationError):
        deployment_record_change(actor=coordinator, deployment=active, kind="other", reason=" ")
    change = deployment_record_change(
        actor=coordinator,
        deployment=active,
        kind=ChangeKind.LEADER_LEFT_SCHOOL,
        reason="Lee moves to a new school",
        action=ChangeAction.REPLACE,
        new_leader=new_leader,
    )
    assert change.resulting_deployment is not None
    assert change.resulting_deployment.leader == new_leader


# Amend -------------------------------------------------------------------------------------------


def test_an_amendment_is_a_new_version_that_all_four_sign(
    active: Deployment,
    coordinator: User,
    leader: LeaderProfile,
    sign_all: Callable[[Deployment], Deployment],
) -> None:
    amended = deployment_amend(
        actor=coordinator,
        deployment=active,
        reason="Two more days for year 6",
        full_days=7,
        intervals="Weekly",
    )
    old = refresh(active)
    assert old.status == DeploymentStatus.SUPERSEDED
    assert (amended.version, amended.previous_version) == (2, old)
    assert amended.status == DeploymentStatus.AWAITING_SIGNATURES
    assert (amended.full_days, amended.intervals, amended.total_cost) == (
        7,
        "Weekly",
        Decimal("2450.00"),
    )
    assert amended.objectives.count() == 1
    assert leader_capacity(leader, YEAR).committed == 7  # the old version's days are freed
    assert sign_all(amended).status == DeploymentStatus.ACTIVE
    assert ChangeRecord.objects.get().resulting_deployment == amended
    verbs = [e.verb for e in deployment_timeline(amended)]
    assert "deployment.amended" in verbs
    assert verbs[-1] == "deployment.activated"


def test_cancelling_an_amendment_brings_the_earlier_version_back(
    active: Deployment, coordinator: User
) -> None:
    amended = deployment_amend(actor=coordinator, deployment=active, reason="More", full_days=6)
    deployment_cancel(actor=coordinator, deployment=amended, reason="The school declined")
    assert refresh(active).status == DeploymentStatus.ACTIVE
    assert refresh(amended).status == DeploymentStatus.CANCELLED


def test_an_amendment_past_capacity_is_refused_and_nothing_changes(
    active: Deployment, coordinator: User
) -> None:
    with pytest.raises(RuleViolation) as refused:
        deployment_amend(actor=coordinator, deployment=active, reason="More", full_days=11)
    assert refused.value.rule == "capacity"
    assert refresh(active).status == DeploymentStatus.ACTIVE
    assert Deployment.objects.count() == 1


def test_an_unsigned_agreement_is_edited_not_amended(
    agreement: Deployment, coordinator: User
) -> None:
    with pytest.raises(RuleViolation):
        deployment_amend(actor=coordinator, deployment=agreement, reason="x", full_days=4)


def test_editing_an_unsigned_agreement_withdraws_the_signatures_given(
    agreement: Deployment, coordinator: User, client_head: User
) -> None:
    deployment_sign(actor=client_head, deployment=agreement)
    edited = deployment_update(actor=coordinator, deployment=agreement, full_days=3, half_days=2)
    assert (edited.days, edited.total_cost) == (Decimal(4), Decimal("1350.00"))
    assert not edited.signatures.exists()
    assert edited.objectives.count() == 1


def test_editing_checks_capacity_without_counting_the_agreement_twice(
    agreement: Deployment, coordinator: User
) -> None:
    assert deployment_update(actor=coordinator, deployment=agreement, full_days=10).days == 10
    with pytest.raises(RuleViolation):
        deployment_update(actor=coordinator, deployment=agreement, full_days=11)


# Complete, cancel, read-only ---------------------------------------------------------------------


def test_a_completed_agreement_is_read_only(
    active: Deployment,
    coordinator: User,
    client_head: User,
    leader_user: User,
    new_leader: LeaderProfile,
    alliance: Organisation,
    client_school: Any,
) -> None:
    close_together(active, leader=leader_user, head=client_head, decider=coordinator)
    completed = deployment_complete(
        actor=coordinator, deployment=active, completed_on=dt.date(2027, 4, 30)
    )
    assert (completed.status, completed.ended_on) == (
        DeploymentStatus.COMPLETED,
        dt.date(2027, 4, 30),
    )
    package = package_create(
        actor=coordinator, organisation=alliance, school=client_school, title="Maths package"
    )
    writes: list[Callable[[], object]] = [
        lambda: deployment_sign(actor=client_head, deployment=active),
        lambda: deployment_pause(actor=coordinator, deployment=active, reason="x"),
        lambda: deployment_resume(actor=coordinator, deployment=active, reason="x"),
        lambda: deployment_end_early(actor=coordinator, deployment=active, reason="x"),
        lambda: deployment_complete(actor=coordinator, deployment=active),
        lambda: deployment_cancel(actor=coordinator, deployment=active, reason="x"),
        lambda: deployment_update(actor=coordinator, deployment=active, full_days=2),
        lambda: deployment_amend(actor=coordinator, deployment=active, reason="x", full_days=2),
        lambda: deployment_replace_leader(
            actor=coordinator, deployment=active, new_leader=new_leader, reason="x"
        ),
        lambda: deployment_record_change(
            actor=coordinator, deployment=active, kind="other", reason="x"
        ),
        lambda: deployment_request_exit(actor=leader_user, deployment=active, reason="x"),
        lambda: deployment_add_to_package(actor=coordinator, deployment=active, package=package),
    ]
    for write in writes:
        with pytest.raises(RuleViolation) as refused:
            write()
        assert refused.value.rule == "read_only"


def test_completing_keeps_the_days_counted_in_the_year(
    active: Deployment,
    coordinator: User,
    leader: LeaderProfile,
    leader_user: User,
    client_head: User,
) -> None:
    close_together(active, leader=leader_user, head=client_head, decider=coordinator)
    deployment_complete(actor=coordinator, deployment=active, completed_on=dt.date(2027, 4, 1))
    assert leader_capacity(leader, YEAR).committed == 5


def test_an_agreement_cannot_be_completed_before_it_starts(
    active: Deployment, coordinator: User, leader_user: User, client_head: User
) -> None:
    close_together(active, leader=leader_user, head=client_head, decider=coordinator)
    with pytest.raises(ValidationError):
        deployment_complete(actor=coordinator, deployment=active, completed_on=dt.date(2026, 12, 1))


def test_cancelling_before_activation_frees_the_days_and_reopens_the_request(
    agreement: Deployment,
    coordinator: User,
    leader: LeaderProfile,
    support_request: SupportRequest,
) -> None:
    cancelled = deployment_cancel(actor=coordinator, deployment=agreement, reason="Head left")
    assert (cancelled.status, cancelled.end_reason) == (DeploymentStatus.CANCELLED, "Head left")
    assert leader_capacity(leader, YEAR).committed == 0
    support_request.refresh_from_db()
    assert support_request.status == RequestStatus.MATCHED


def test_an_active_agreement_is_not_cancelled(active: Deployment, coordinator: User) -> None:
    with pytest.raises(RuleViolation) as refused:
        deployment_cancel(actor=coordinator, deployment=active, reason="x")
    assert refused.value.rule == "deployment_state"


def test_cancelling_needs_a_reason(agreement: Deployment, coordinator: User) -> None:
    with pytest.raises(ValidationError):
        deployment_cancel(actor=coordinator, deployment=agreement, reason="")
