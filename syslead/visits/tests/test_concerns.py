"""Safeguarding and serious concerns: raised from a visit or on their own, the named person told
at once, then acknowledged, acted on and closed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from syslead.accounts.models import User
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation
from syslead.visits.models import Concern, ConcernKind, ConcernStatus
from syslead.visits.services import (
    concern_acknowledge,
    concern_add_action,
    concern_close,
    concern_contact_set,
    concern_raise,
)
from syslead.visits.tests.factories import make_visit


@pytest.fixture
def contact(coordinator: User, named_person: User, alliance: Organisation) -> User:
    concern_contact_set(actor=coordinator, organisation=alliance, safeguarding_lead=named_person)
    return named_person


def test_the_named_person_is_told_immediately(
    leader_user: User,
    contact: User,
    coordinator: User,
    deployment: Deployment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    visit = make_visit(deployment)
    with django_capture_on_commit_callbacks(execute=True):
        concern = concern_raise(
            actor=leader_user,
            visit=visit,
            kind=ConcernKind.SAFEGUARDING,
            summary="A pupil disclosed something",
            details="What was said, when and to whom.",
        )
    assert concern.deployment == deployment
    assert concern.organisation == deployment.organisation
    assert concern.named_person == contact
    assert concern.status == ConcernStatus.OPEN
    assert list(
        Notification.objects.filter(verb="concern.raised").values_list("user", flat=True)
    ) == [contact.pk]
    assert [m.to for m in mail.outbox] == [[contact.email]]
    assert "What was said" not in mail.outbox[0].body  # the details stay in Syslead


def test_without_a_named_person_the_coordinators_are_told(
    leader_user: User, coordinator: User, deployment: Deployment
) -> None:
    concern_raise(
        actor=leader_user,
        deployment=deployment,
        kind=ConcernKind.SERIOUS,
        summary="The headteacher is off sick and nobody is in charge",
        details="Details.",
    )
    assert Notification.objects.filter(user=coordinator, verb="concern.raised").exists()


def test_a_concern_can_be_raised_without_a_deployment_by_someone_in_the_organisation(
    sip: User, stranger: User, alliance: Organisation, contact: User
) -> None:
    concern = concern_raise(
        actor=sip,
        organisation=alliance,
        kind=ConcernKind.SERIOUS,
        summary="A concern about a leader's conduct",
        details="Details.",
    )
    assert concern.deployment is None
    with pytest.raises(NotAllowed):
        concern_raise(
            actor=stranger,
            organisation=alliance,
            kind=ConcernKind.SERIOUS,
            summary="x",
            details="y",
        )


def test_outsiders_cannot_raise_a_concern_on_a_deployment(
    other_coordinator: User, deployment: Deployment
) -> None:
    with pytest.raises(NotAllowed):
        concern_raise(
            actor=other_coordinator,
            deployment=deployment,
            kind=ConcernKind.SERIOUS,
            summary="x",
            details="y",
        )


def test_a_concern_needs_a_kind_a_summary_and_details(
    leader_user: User, deployment: Deployment
) -> None:
    with pytest.raises(ValidationError) as invalid:
        concern_raise(
            actor=leader_user, deployment=deployment, kind="gossip", summary="", details=""
        )
    assert set(invalid.value.message_dict) == {"kind", "summary", "details"}
    assert not Concern.objects.exists()


def test_open_then_acknowledged_then_closed_with_actions(
    leader_user: User, client_head: User, contact: User, deployment: Deployment
) -> None:
    concern = concern_raise(
        actor=leader_user,
        deployment=deployment,
        kind=ConcernKind.SAFEGUARDING,
        summary="s",
        details="d",
    )
    with pytest.raises(NotAllowed):
        concern_acknowledge(actor=client_head, concern=concern)
    with pytest.raises(NotAllowed):
        concern_acknowledge(actor=leader_user, concern=concern)
    concern = concern_acknowledge(actor=contact, concern=concern)
    assert concern.status == ConcernStatus.ACKNOWLEDGED
    assert Notification.objects.filter(user=leader_user, verb="concern.acknowledged").exists()
    with pytest.raises(RuleViolation):
        concern_acknowledge(actor=contact, concern=concern)
    concern_add_action(actor=contact, concern=concern, text="Referred to the LADO.")
    with pytest.raises(ValidationError):
        concern_close(actor=contact, concern=concern, outcome="")
    concern = concern_close(actor=contact, concern=concern, outcome="Resolved by the LA.")
    assert concern.status == ConcernStatus.CLOSED
    assert concern.actions.count() == 1
    with pytest.raises(RuleViolation):
        concern_add_action(actor=contact, concern=concern, text="More.")


def test_the_named_person_must_hold_a_role_in_the_organisation(
    coordinator: User, stranger: User, client_head: User, alliance: Organisation
) -> None:
    with pytest.raises(ValidationError):
        concern_contact_set(actor=coordinator, organisation=alliance, safeguarding_lead=stranger)
    with pytest.raises(NotAllowed):
        concern_contact_set(actor=client_head, organisation=alliance, safeguarding_lead=coordinator)
