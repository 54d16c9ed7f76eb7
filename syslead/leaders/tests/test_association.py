"""Association: one broker at a time for an LLE; ending in writing; reviews."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from syslead.accounts.models import User
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.leaders.models import (
    Association,
    AssociationReviewOutcome,
    Designation,
    DesignationStatus,
    LeaderProfile,
    ReleaseAgreement,
)
from syslead.leaders.services import (
    association_create,
    association_end,
    association_review_close,
    association_review_open,
)
from syslead.leaders.tests.factories import associate, designate, make_deployment, release
from syslead.organisations.models import Organisation
from syslead.schools.models import School


def test_lle_cannot_associate_with_a_second_organisation(
    lle: Designation, leader: LeaderProfile, other_org: Organisation, other_coordinator: User
) -> None:
    with pytest.raises(RuleViolation) as refused:
        association_create(
            actor=other_coordinator,
            leader=leader,
            organisation=other_org,
            starts_on=dt.date(2025, 10, 1),
        )
    assert refused.value.rule == "lle_exclusive_association"
    assert "KYRA Teaching School Alliance" in refused.value.message
    assert not Association.objects.filter(organisation=other_org).exists()


def test_an_lle_under_review_is_still_exclusive(
    lle: Designation, leader: LeaderProfile, other_org: Organisation, other_coordinator: User
) -> None:
    Designation.objects.filter(pk=lle.pk).update(status=DesignationStatus.UNDER_REVIEW)
    with pytest.raises(RuleViolation):
        association_create(
            actor=other_coordinator,
            leader=leader,
            organisation=other_org,
            starts_on=dt.date(2025, 10, 1),
        )


def test_an_lle_whose_association_ended_may_associate_elsewhere(
    lle: Designation,
    leader: LeaderProfile,
    coordinator: User,
    other_org: Organisation,
    other_coordinator: User,
) -> None:
    association_end(
        actor=coordinator,
        association=Association.objects.get(leader=leader),
        ends_on=dt.date(2025, 12, 31),
        reason="The LLE chose to associate with the LA.",
    )
    association = association_create(
        actor=other_coordinator,
        leader=leader,
        organisation=other_org,
        starts_on=dt.date(2026, 1, 1),
    )
    assert association.exclusive
    assert association.is_live
    assert not association.automatic


def test_an_sle_may_be_associated_with_several_organisations(
    leader: LeaderProfile,
    coordinator: User,
    alliance: Organisation,
    other_org: Organisation,
    other_coordinator: User,
) -> None:
    designate(leader, "SLE", alliance)
    first = association_create(
        actor=coordinator, leader=leader, organisation=alliance, starts_on=dt.date(2025, 9, 1)
    )
    second = association_create(
        actor=other_coordinator,
        leader=leader,
        organisation=other_org,
        starts_on=dt.date(2025, 9, 1),
    )
    assert not first.exclusive
    assert not second.exclusive
    with pytest.raises(RuleViolation) as refused:
        association_create(
            actor=coordinator, leader=leader, organisation=alliance, starts_on=dt.date(2025, 9, 2)
        )
    assert refused.value.rule == "already_associated"


def test_the_database_holds_one_exclusive_live_association_per_leader(
    leader: LeaderProfile, alliance: Organisation, other_org: Organisation
) -> None:
    associate(leader, alliance, exclusive=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        associate(leader, other_org, exclusive=True)


def test_only_the_organisations_coordinator_associates(
    leader: LeaderProfile, alliance: Organisation, other_coordinator: User, home_head: User
) -> None:
    for actor in (other_coordinator, home_head):
        with pytest.raises(NotAllowed):
            association_create(
                actor=actor, leader=leader, organisation=alliance, starts_on=dt.date(2025, 9, 1)
            )


def test_ending_an_association_records_the_written_notice(
    lle: Designation, leader: LeaderProfile, coordinator: User
) -> None:
    association = association_end(
        actor=coordinator,
        association=Association.objects.get(leader=leader),
        ends_on=dt.date(2025, 12, 31),
        reason="Letter from the LLE dated 1 December 2025.",
        notice_given_on=dt.date(2025, 12, 1),
    )
    association.refresh_from_db()
    assert not association.is_live
    assert association.ends_on == dt.date(2025, 12, 31)
    assert association.notice_given_on == dt.date(2025, 12, 1)
    assert association.end_reason == "Letter from the LLE dated 1 December 2025."
    event = events_for(association).get(verb="association.ended")
    assert event.data["notice_given_on"] == "2025-12-01"


def test_ending_an_association_honours_agreements_already_made(
    lle: Designation,
    leader: LeaderProfile,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
) -> None:
    signed = make_deployment(leader, organisation=alliance, client_school=client_school)
    waiting = make_deployment(
        leader,
        organisation=alliance,
        client_school=client_school,
        status=DeploymentStatus.AWAITING_SIGNATURES,
    )
    release(leader, "2025-26", "10")
    before = {
        "deployments": list(Deployment.objects.order_by("pk").values()),
        "releases": list(ReleaseAgreement.objects.values()),
        "designations": list(Designation.objects.values()),
    }

    association_end(
        actor=coordinator,
        association=Association.objects.get(leader=leader),
        ends_on=dt.date(2025, 12, 31),
        reason="The LLE has moved to the LA.",
    )

    assert list(Deployment.objects.order_by("pk").values()) == before["deployments"]
    assert list(ReleaseAgreement.objects.values()) == before["releases"]
    assert list(Designation.objects.values()) == before["designations"]
    assert {signed.pk, waiting.pk} == set(Deployment.objects.values_list("pk", flat=True))


def test_ending_needs_a_reason_and_a_date_after_the_start(
    lle: Designation, leader: LeaderProfile, coordinator: User, other_coordinator: User
) -> None:
    association = Association.objects.get(leader=leader)
    with pytest.raises(ValidationError) as error:
        association_end(
            actor=coordinator, association=association, ends_on=dt.date(2020, 1, 1), reason=""
        )
    assert set(error.value.message_dict) == {"reason", "ends_on"}
    with pytest.raises(NotAllowed):
        association_end(
            actor=other_coordinator,
            association=association,
            ends_on=dt.date(2025, 12, 31),
            reason="Not ours.",
        )
    association_end(
        actor=coordinator, association=association, ends_on=dt.date(2025, 12, 31), reason="Done."
    )
    with pytest.raises(RuleViolation) as refused:
        association_end(
            actor=coordinator, association=association, ends_on=dt.date(2025, 12, 31), reason="x"
        )
    assert refused.value.rule == "association_state"


def test_a_review_for_lack_of_impact_may_terminate_the_association(
    lle: Designation, leader: LeaderProfile, coordinator: User
) -> None:
    association = Association.objects.get(leader=leader)
    review = association_review_open(
        actor=coordinator,
        association=association,
        reason="impact",
        details="No evidence of impact after two deployments.",
    )
    with pytest.raises(RuleViolation) as refused:
        association_review_open(actor=coordinator, association=association, reason="conduct")
    assert refused.value.rule == "association_review_open"
    review = association_review_close(
        actor=coordinator, review=review, outcome="terminated", notes="Impact not evidenced."
    )
    assert review.outcome == AssociationReviewOutcome.TERMINATED
    association.refresh_from_db()
    assert not association.is_live
    assert "Terminated after review" in association.end_reason


def test_a_review_may_continue_the_association(
    lle: Designation, leader: LeaderProfile, coordinator: User
) -> None:
    association = Association.objects.get(leader=leader)
    with pytest.raises(ValidationError):
        association_review_open(actor=coordinator, association=association, reason="gossip")
    review = association_review_open(actor=coordinator, association=association, reason="criteria")
    review = association_review_close(actor=coordinator, review=review, outcome="continued")
    association.refresh_from_db()
    assert association.is_live
    assert review.closed_on is not None
    with pytest.raises(RuleViolation):
        association_review_close(actor=coordinator, review=review, outcome="continued")
