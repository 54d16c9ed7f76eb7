"""Direct commissioning on the school route (docs/rules.md, "Direct commissioning"): the school
names the leader it wants; the leader is asked and answers; on agreement the request is matched
with them (no shortlist, no choice); the leader's broker is told, holds the case and records it;
a leader not on Syslead is named by e-mail, invited when the broker records it, and asked once
they join."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from syslead.accounts.models import User
from syslead.brokering import services
from syslead.brokering.facts import considered_leaders
from syslead.brokering.models import (
    Approach,
    ApproachStatus,
    DirectCommission,
    RequestStatus,
    Route,
    SupportRequest,
)
from syslead.brokering.selectors import (
    broker_fee_waived,
    direct_approaches,
    request_timeline,
    support_requests_for_user,
)
from syslead.brokering.tests import factories
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.invitations.models import Invitation, InvitationStatus
from syslead.invitations.services import invitation_accept
from syslead.leaders.models import LeaderProfile
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation
from syslead.schools.models import School


def _name(head: User, school: School, **kwargs: object) -> SupportRequest:
    return services.direct_commission_create(
        actor=head,
        school_urn=school.urn,
        needs=["maths"],
        days_requested=Decimal("5"),
        summary="Coaching for our maths lead.",
        **kwargs,  # type: ignore[arg-type]
    )


def test_naming_an_associated_leader_makes_a_school_route_request_with_their_broker(
    client_head: User,
    client_school: School,
    lee: LeaderProfile,
    alliance: Organisation,
    coordinator: User,
) -> None:
    """Rule: the school names the leader it wants; the request is on the school route, held by
    the leader's broker, whose coordinators are told; the leader is asked at once."""
    request = _name(client_head, client_school, leader=lee)
    assert request.route == Route.SCHOOL
    assert request.organisation == alliance
    assert request.status == RequestStatus.APPROACHING
    commission = DirectCommission.objects.get(support_request=request)
    assert commission.leader == lee
    assert commission.leader_broker == alliance
    assert commission.named_by == client_head
    [approach] = Approach.objects.filter(support_request=request)
    assert approach.leader == lee
    assert approach.status == ApproachStatus.PENDING
    assert request in support_requests_for_user(coordinator)
    told = Notification.objects.get(user=coordinator, verb="brokering.direct_commission")
    assert told.text == f"{client_school.name} named Lee Leader directly for support"
    verbs = [e.verb for e in request_timeline(request)]
    assert "request.direct_commission" in verbs
    named = next(e for e in request_timeline(request) if e.verb == "request.direct_commission")
    assert named.actor == client_head
    assert "named Lee Leader directly on" in named.summary
    assert "Alliance" in named.summary or alliance.name in named.summary
    # It is also in the broker's list of direct approaches to its leaders.
    assert [e.data["support_request"] for e in direct_approaches(alliance)] == [request.pk]
    assert not broker_fee_waived(request)


def test_only_the_schools_headteacher_names_a_leader(
    coordinator: User, home_head: User, client_school: School, lee: LeaderProfile
) -> None:
    """Rule: a direct commission is the school's own (its headteacher)."""
    for person in (coordinator, home_head):
        with pytest.raises(NotAllowed):
            _name(person, client_school, leader=lee)
    assert not SupportRequest.objects.exists()


def test_a_leader_cannot_be_named_for_their_own_school(
    home_head: User, home_school: School, lee: LeaderProfile
) -> None:
    """Rule: a conflict of interest excludes a leader: their own school."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        _name(home_head, home_school, leader=lee)
    assert "own school" in str(refused.value)
    assert not SupportRequest.objects.exists()


def test_the_named_leader_agreeing_matches_the_request_with_no_shortlist(
    client_head: User, client_school: School, lee: LeaderProfile, leader_user: User
) -> None:
    """Rule: on agreement the request goes straight to agreement drafting: matched with the
    named leader, no shortlist and no choice."""
    request = _name(client_head, client_school, leader=lee)
    approach = Approach.objects.get(support_request=request)
    assert lee in considered_leaders(request)
    services.approach_respond(actor=leader_user, approach=approach, accept=True)
    request.refresh_from_db()
    approach.refresh_from_db()
    assert request.status == RequestStatus.MATCHED
    assert request.chosen_leader == lee
    assert approach.status == ApproachStatus.CHOSEN
    assert not request.shortlist.exists()


def test_the_named_leader_declining_opens_the_request_for_the_broker(
    client_head: User, client_school: School, lee: LeaderProfile, leader_user: User
) -> None:
    """Rule: a leader who declines leaves an open school-route request with the broker, who may
    then find another leader as usual."""
    request = _name(client_head, client_school, leader=lee)
    approach = Approach.objects.get(support_request=request)
    services.approach_respond(actor=leader_user, approach=approach, accept=False, reason="Busy")
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert request.chosen_leader is None


def test_the_broker_records_the_direct_commission_once(
    client_head: User,
    client_school: School,
    lee: LeaderProfile,
    coordinator: User,
    other_coordinator: User,
) -> None:
    """Rule: a leader approached directly tells their broker, which records it: a coordinator of
    the broker, once; on the timeline."""
    request = _name(client_head, client_school, leader=lee)
    with pytest.raises(NotAllowed):
        services.direct_commission_record(actor=client_head, request=request)
    with pytest.raises(NotAllowed):
        services.direct_commission_record(actor=other_coordinator, request=request)
    commission = services.direct_commission_record(actor=coordinator, request=request)
    assert commission.recorded_by == coordinator
    assert commission.recorded_at is not None
    assert request_timeline(request)[-1].verb == "request.direct_commission_recorded"
    with pytest.raises(RuleViolation) as again:
        services.direct_commission_record(actor=coordinator, request=request)
    assert again.value.rule == "direct_commission_recorded"


def test_an_unassociated_leader_needs_a_broker_to_keep_the_paperwork(
    client_head: User, client_school: School, far_school: School, alliance: Organisation
) -> None:
    """Rule: association is optional; a leader with no broker is engaged through the broker the
    school chose (none chosen: refused on the field), and no broker fee is charged."""
    loner = factories.leader(far_school, name="Lone Leader")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        _name(client_head, client_school, leader=loner)
    assert "organisation" in refused.value.message_dict  # type: ignore[attr-defined]
    request = _name(client_head, client_school, leader=loner, organisation=alliance)
    assert request.organisation == alliance
    assert DirectCommission.objects.get(support_request=request).leader_broker is None
    assert broker_fee_waived(request)
    assert loner in considered_leaders(request)


def test_a_leader_named_by_email_is_invited_when_recorded_and_asked_once_joined(
    client_head: User,
    client_school: School,
    far_school: School,
    alliance: Organisation,
    coordinator: User,
) -> None:
    """Rule: a leader not on Syslead is named by name and e-mail; recording the commission invites
    them (the coordinator's right to invite); once joined they have a profile at the school given
    and see the approach; no broker fee."""
    request = _name(
        client_head,
        client_school,
        organisation=alliance,
        invited_name="Nadia New",
        invited_email="Nadia@Far.test",
        invited_school_urn=far_school.urn,
        invited_job_title="Deputy headteacher",
    )
    assert request.status == RequestStatus.OPEN
    commission = DirectCommission.objects.get(support_request=request)
    assert commission.leader is None
    assert commission.invited_email == "nadia@far.test"
    assert broker_fee_waived(request)
    mail.outbox.clear()
    services.direct_commission_record(actor=coordinator, request=request)
    commission.refresh_from_db()
    invitation = commission.invitation
    assert invitation is not None
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.invited_by == coordinator
    # Accept through the link's secret: make a fresh one we know.
    from syslead.invitations.services import _new_link

    raw = _new_link(invitation)
    invitation.save()
    user = invitation_accept(raw_token=raw, password="a-long-Passphrase-42")
    commission.refresh_from_db()
    leader = LeaderProfile.objects.get(user=user)
    assert commission.leader == leader
    assert leader.home_school == far_school
    assert leader.job_title == "Deputy headteacher"
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROACHING
    [approach] = Approach.objects.filter(support_request=request)
    assert approach.leader == leader
    assert request in support_requests_for_user(user)
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED


def test_an_email_of_a_leader_already_on_syslead_names_that_leader(
    client_head: User, client_school: School, lee: LeaderProfile, alliance: Organisation
) -> None:
    """Rule: naming by e-mail someone who is already a leader asks them at once (their broker
    holds the case)."""
    request = _name(
        client_head,
        client_school,
        invited_name="Lee",
        invited_email=lee.user.email.upper(),
    )
    assert DirectCommission.objects.get(support_request=request).leader == lee
    assert request.organisation == alliance
    assert request.status == RequestStatus.APPROACHING


def test_naming_by_email_checks_every_field(
    client_head: User, client_school: School, alliance: Organisation
) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        _name(client_head, client_school, organisation=alliance, invited_email="not an address")
    errors = refused.value.message_dict  # type: ignore[attr-defined]
    assert set(errors) == {"invited_name", "invited_email", "invited_school", "invited_job_title"}
    assert not SupportRequest.objects.exists()


def test_the_named_leader_and_the_broker_are_told_by_email(
    client_head: User,
    client_school: School,
    lee: LeaderProfile,
    coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Rule: the leader is asked (an e-mail linking to the approach) and the leader's broker is
    told."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = _name(client_head, client_school, leader=lee)
    approach = Approach.objects.get(support_request=request)
    to_leader = next(m for m in mail.outbox if m.to == [lee.user.email])
    assert to_leader.subject == f"{client_school.name} would like you to support it"
    assert reverse("brokering:approach", args=[approach.pk]) in to_leader.body
    assert any(m.to == [coordinator.email] for m in mail.outbox)


def test_an_email_with_an_account_but_no_leader_profile_joins_when_recorded(
    client_head: User,
    client_school: School,
    far_school: School,
    alliance: Organisation,
    coordinator: User,
    stranger: User,
) -> None:
    """Rule: a person named by e-mail who already has an account (but is no leader yet) gets the
    system leader role when the broker records it, a profile from what the school gave, and the
    approach at once."""
    request = _name(
        client_head,
        client_school,
        organisation=alliance,
        invited_name="Stan",
        invited_email=stranger.email,
        invited_school_urn=far_school.urn,
        invited_job_title="Assistant head",
    )
    services.direct_commission_record(actor=coordinator, request=request)
    leader = LeaderProfile.objects.get(user=stranger)
    assert leader.home_school == far_school
    assert leader.created_by_organisation == alliance
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROACHING
    assert Approach.objects.get(support_request=request).leader == leader
    assert stranger.role_assignments.filter(role="system_leader").exists()
