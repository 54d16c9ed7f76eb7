"""Signing by the four parties, the chair of governors for a leader who is the head, and the
checks made again at the last signature."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from conftest import make_user
from syslead.accounts.models import Role, RoleAssignment, User
from syslead.brokering.models import SupportRequest
from syslead.core.academic_years import terms_between
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment, DeploymentStatus, Party, Signature
from syslead.deployments.selectors import signatures_of
from syslead.deployments.services import (
    deployment_cancel,
    deployment_create,
    deployment_sign,
    deployment_sign_for_chair,
)
from syslead.deployments.tests.factories import (
    agreement_kwargs,
    make_leader,
    make_request,
    refresh,
    set_release,
)
from syslead.leaders.models import Association, DesignationStatus, LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School


def test_each_party_signs_in_turn_and_the_last_activates(
    agreement: Deployment, parties: list[User]
) -> None:
    for person in parties[:3]:
        deployment_sign(actor=person, deployment=agreement)
        assert refresh(agreement).status == DeploymentStatus.AWAITING_SIGNATURES
    signed = deployment_sign(actor=parties[3], deployment=agreement)
    assert signed.status == DeploymentStatus.ACTIVE
    assert signed.activated_at is not None
    assert all(day is not None for day in signatures_of(refresh(agreement)).values())
    verbs = [e.verb for e in events_for(agreement)]
    assert verbs.count("deployment.signed") == 4
    assert verbs[-1] == "deployment.activated"


def test_activation_schedules_the_termly_feedback_for_every_term_spanned(
    agreement: Deployment, parties: list[User]
) -> None:
    for person in parties:
        deployment_sign(actor=person, deployment=agreement)
    active = refresh(agreement)
    terms = terms_between(active.starts_on, active.ends_on)
    scheduled = set(active.feedback_requests.values_list("academic_year", "term"))
    assert scheduled == {(t.year.label, t.name) for t in terms}


@pytest.mark.parametrize(
    ("who", "party", "signed_as"),
    [
        ("leader_user", Party.LEADER, "System leader"),
        ("home_head", Party.HOME_HEADTEACHER, "Headteacher of Mount Street Academy"),
        ("client_head", Party.CLIENT_HEADTEACHER, "Headteacher of Ermine Primary Academy"),
        ("broker_lead", Party.BROKER_LEAD, "Broker lead for KYRA Teaching School Alliance"),
    ],
)
def test_each_person_signs_as_their_party_in_any_order(
    who: str, party: Party, signed_as: str, request: pytest.FixtureRequest, agreement: Deployment
) -> None:
    deployment_sign(actor=request.getfixturevalue(who), deployment=agreement)
    signature = Signature.objects.get(deployment=agreement)
    assert (signature.party, signature.signed_as) == (party, signed_as)
    assert signatures_of(agreement)[str(party)] is not None


@pytest.mark.parametrize(
    "who", ["stranger", "coordinator", "sip", "other_coordinator", "administrator"]
)
def test_someone_who_is_none_of_the_four_cannot_sign(
    who: str, request: pytest.FixtureRequest, agreement: Deployment
) -> None:
    with pytest.raises(NotAllowed):
        deployment_sign(actor=request.getfixturevalue(who), deployment=agreement)
    assert not Signature.objects.exists()


def test_a_party_signs_once(agreement: Deployment, home_head: User) -> None:
    deployment_sign(actor=home_head, deployment=agreement)
    with pytest.raises(RuleViolation) as refused:
        deployment_sign(actor=home_head, deployment=agreement)
    assert refused.value.rule == "already_signed"


def test_an_active_agreement_is_not_signed_again(active: Deployment, client_head: User) -> None:
    with pytest.raises(RuleViolation) as refused:
        deployment_sign(actor=client_head, deployment=active)
    assert refused.value.rule == "already_signed"


def test_a_person_holding_two_parties_signs_the_first_unsigned_each_time(
    agreement: Deployment, alliance: Organisation, home_school: School
) -> None:
    """The head of the leader's school is also the alliance's broker lead (a teaching school)."""
    both = make_user(
        "tracy@sthughs.test",
        "Tracy Both",
        (Role.HEADTEACHER, home_school),
        (Role.BROKER_LEAD, alliance),
    )
    deployment_sign(actor=both, deployment=agreement)
    deployment_sign(actor=both, deployment=agreement)
    assert sorted(agreement.signatures.values_list("party", flat=True)) == [
        Party.BROKER_LEAD,
        Party.HOME_HEADTEACHER,
    ]
    with pytest.raises(RuleViolation, match="already signed"):
        deployment_sign(actor=both, deployment=agreement)


def test_a_cancelled_agreement_is_read_only(
    agreement: Deployment, coordinator: User, client_head: User
) -> None:
    deployment_cancel(actor=coordinator, deployment=agreement, reason="School closed")
    with pytest.raises(RuleViolation) as refused:
        deployment_sign(actor=client_head, deployment=agreement)
    assert refused.value.rule == "read_only"


# The chair of governors -----------------------------------------------------------------------


@pytest.fixture
def head_leader_agreement(
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    home_school: School,
    leader_user: User,
) -> Deployment:
    """Lee is an LLE and the headteacher of Mount Street Academy."""
    lle = make_leader(leader_user, home_school, alliance, designation="LLE", is_headteacher=True)
    # The leader holds the headteacher role at their own school too.
    RoleAssignment.objects.create(user=leader_user, role=Role.HEADTEACHER, school=home_school)
    support_request = make_request(alliance, client_school, chosen_leader=lle)
    return deployment_create(
        actor=coordinator, support_request=support_request, **agreement_kwargs()
    )


def test_a_leader_who_is_the_head_signs_only_as_the_leader(
    head_leader_agreement: Deployment, leader_user: User
) -> None:
    deployment_sign(actor=leader_user, deployment=head_leader_agreement)
    with pytest.raises(RuleViolation, match="already signed"):
        deployment_sign(actor=leader_user, deployment=head_leader_agreement)
    assert list(head_leader_agreement.signatures.values_list("party", flat=True)) == [Party.LEADER]


def test_the_chairs_account_signs_for_the_home_school_as_chair_of_governors(
    head_leader_agreement: Deployment, home_school: School
) -> None:
    chair = make_user("gail@mountstreet.test", "Gail Governor", (Role.HEADTEACHER, home_school))
    deployment_sign(actor=chair, deployment=head_leader_agreement)
    signature = head_leader_agreement.signatures.get()
    assert signature.party == Party.HOME_HEADTEACHER
    assert signature.signed_as == "Chair of governors of Mount Street Academy"


def test_a_coordinator_records_the_chairs_signature_naming_the_chair(
    head_leader_agreement: Deployment,
    coordinator: User,
    leader_user: User,
    client_head: User,
    broker_lead: User,
) -> None:
    deployment_sign_for_chair(
        actor=coordinator, deployment=head_leader_agreement, chair_name="Gail Governor"
    )
    signature = head_leader_agreement.signatures.get()
    assert (signature.party, signature.signed_by, signature.signed_as) == (
        Party.HOME_HEADTEACHER,
        coordinator,
        "Chair of governors: Gail Governor",
    )
    for person in (leader_user, client_head, broker_lead):
        deployment_sign(actor=person, deployment=head_leader_agreement)
    assert refresh(head_leader_agreement).status == DeploymentStatus.ACTIVE


def test_the_chairs_signature_is_only_for_a_leader_who_is_the_head(
    agreement: Deployment, coordinator: User
) -> None:
    with pytest.raises(RuleViolation) as refused:
        deployment_sign_for_chair(actor=coordinator, deployment=agreement, chair_name="Gail")
    assert refused.value.rule == "chair_not_needed"


def test_only_a_coordinator_records_the_chair_and_names_them(
    coordinator: User, head_leader_agreement: Deployment, stranger: User, home_head: User
) -> None:
    for someone in (stranger, home_head):
        with pytest.raises(NotAllowed):
            deployment_sign_for_chair(
                actor=someone, deployment=head_leader_agreement, chair_name="Gail"
            )
    with pytest.raises(ValidationError):
        deployment_sign_for_chair(
            actor=coordinator, deployment=head_leader_agreement, chair_name="  "
        )


# Checked again at the last signature ----------------------------------------------------------


def _sign_three(deployment: Deployment, parties: list[User]) -> None:
    for person in parties[:3]:
        deployment_sign(actor=person, deployment=deployment)


def _break(rule: str, leader: LeaderProfile, other_org: Organisation) -> None:
    if rule == "active_designation":
        leader.designations.update(
            status=DesignationStatus.REVOKED, revoked_on=dt.date(2026, 11, 1)
        )
    elif rule == "core_training":
        LeaderProfile.objects.filter(pk=leader.pk).update(core_training_completed_on=None)
    elif rule == "phase":
        leader.phase_rows.update(phase="secondary")
    elif rule == "specialism":
        leader.specialisms.clear()
    elif rule == "not_considered":
        Association.objects.filter(leader=leader).update(organisation=other_org)
    elif rule == "conflict_of_interest":
        LeaderProfile.objects.filter(pk=leader.pk).update(
            declared_conflicts="My sister teaches at Ermine Primary Academy"
        )
    elif rule == "no_release":
        leader.releases.all().delete()


@pytest.mark.parametrize(
    "rule",
    [
        "active_designation",
        "core_training",
        "phase",
        "specialism",
        "not_considered",
        "conflict_of_interest",
        "no_release",
    ],
)
def test_the_last_signature_is_refused_when_a_rule_now_fails(
    rule: str,
    agreement: Deployment,
    parties: list[User],
    leader: LeaderProfile,
    other_org: Organisation,
) -> None:
    _sign_three(agreement, parties)
    _break(rule, leader, other_org)
    with pytest.raises(RuleViolation) as refused:
        deployment_sign(actor=parties[3], deployment=agreement)
    assert refused.value.rule == rule
    after = refresh(agreement)
    assert after.status == DeploymentStatus.AWAITING_SIGNATURES
    assert after.signatures.count() == 3  # nothing half-written


def test_the_last_signature_checks_signed_days_against_the_days_released(
    coordinator: User,
    agreement: Deployment,
    parties: list[User],
    leader: LeaderProfile,
    alliance: Organisation,
    client_school: School,
) -> None:
    """Two agreements of 5 days each were made when 10 days were released; the release was then
    cut to 8 outside the services: the first to be fully signed activates, the second may not."""
    second = deployment_create(
        actor=coordinator,
        support_request=make_request(alliance, client_school, chosen_leader=leader),
        **agreement_kwargs(),
    )
    leader.releases.update(days=8)
    for person in parties:
        deployment_sign(actor=person, deployment=agreement)
    _sign_three(second, parties)
    with pytest.raises(RuleViolation) as refused:
        deployment_sign(actor=parties[3], deployment=second)
    assert refused.value.rule == "capacity"
    assert str(refused.value) == (
        "Capacity: Lee Leader has 3 days left in 2026-27 after the agreements already signed and "
        "this agreement needs 5."
    )


def test_an_overridden_agreement_activates_past_the_days_released(
    coordinator: User,
    support_request: SupportRequest,
    leader: LeaderProfile,
    sign_all: Callable[[Deployment], Deployment],
) -> None:
    set_release(leader, 2)
    deployment = deployment_create(
        actor=coordinator,
        support_request=support_request,
        capacity_override_reason="Agreed by the governing body",
        **agreement_kwargs(),
    )
    assert sign_all(deployment).status == DeploymentStatus.ACTIVE
