"""Association pages: associating (with the LLE rule's refusal shown), ending with written notice,
and reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.test import Client

from conftest import make_user
from syslead.accounts.models import Role, User
from syslead.core.dates import date_input_data
from syslead.leaders.models import (
    Association,
    AssociationReview,
    AssociationReviewOutcome,
    Designation,
    LeaderProfile,
)
from syslead.leaders.tests.factories import associate, make_deployment
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]


def test_coordinator_associates_a_leader_with_their_organisation(
    login: Login, coordinator: User, alliance: Organisation, leader: LeaderProfile
) -> None:
    response = login(coordinator).post(
        f"/leaders/{leader.pk}/associate/",
        {"organisation": str(alliance.pk), **date_input_data("starts_on", "2026-09-01")},
    )
    assert response.status_code == 302
    assert Association.objects.get(leader=leader, is_live=True).organisation == alliance


def test_an_lle_associated_elsewhere_is_refused_with_the_rule_in_the_page(
    login: Login, lle: Designation, other_org: Organisation, leader: LeaderProfile
) -> None:
    # Olly's organisation can see the LLE once it created the profile's record with it.
    LeaderProfile.objects.filter(pk=leader.pk).update(created_by_organisation=other_org)
    olly = make_user("olly2@southglos.test", "Olly Two", (Role.COORDINATOR, other_org))
    response = login(olly).post(
        f"/leaders/{leader.pk}/associate/",
        {"organisation": str(other_org.pk), **date_input_data("starts_on", "2026-09-01")},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "an LLE may be associated with only one organisation at a time" in body
    assert not Association.objects.filter(leader=leader, organisation=other_org).exists()


def test_ending_an_association_records_the_notice_and_keeps_agreements(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    lle: Designation,
    client_school: School,
) -> None:
    association = Association.objects.get(leader=lle.leader, organisation=alliance)
    deployment = make_deployment(lle.leader, organisation=alliance, client_school=client_school)
    client = login(coordinator)
    url = f"/leaders/associations/{association.pk}/end/"
    page = client.get(url).content.decode()
    assert "Agreements already made continue." in page
    assert "Ermine Primary Academy" in page
    response = client.post(
        url,
        {
            **date_input_data("notice_given_on", "2026-11-02"),
            **date_input_data("ends_on", "2026-12-31"),
            "reason": "Moving to London.",
        },
    )
    assert response.status_code == 302
    association.refresh_from_db()
    assert not association.is_live
    assert association.notice_given_on == dt.date(2026, 11, 2)
    assert association.ends_on == dt.date(2026, 12, 31)
    deployment.refresh_from_db()
    assert deployment.status == "active"


def test_ending_needs_a_reason_and_dates(
    login: Login, coordinator: User, alliance: Organisation, lle: Designation
) -> None:
    association = Association.objects.get(leader=lle.leader, organisation=alliance)
    response = login(coordinator).post(f"/leaders/associations/{association.pk}/end/", {})
    body = response.content.decode()
    assert "Give the reason the association ends." in body
    assert 'href="#id_notice_given_on_0"' in body


def test_review_is_opened_then_closed_with_an_outcome(
    login: Login, coordinator: User, alliance: Organisation, lle: Designation
) -> None:
    association = Association.objects.get(leader=lle.leader, organisation=alliance)
    client = login(coordinator)
    response = client.post(
        f"/leaders/associations/{association.pk}/review/",
        {"reason": "impact", "details": "No evidence of impact after two deployments."},
    )
    assert response.status_code == 302
    review = AssociationReview.objects.get(association=association)
    # While a review is open, the review link leads to closing it.
    assert client.get(f"/leaders/associations/{association.pk}/review/")["Location"] == (
        f"/leaders/association-reviews/{review.pk}/close/"
    )
    missing = client.post(
        f"/leaders/association-reviews/{review.pk}/close/", {"outcome": "terminated"}
    )
    assert "Say why the association is terminated." in missing.content.decode()
    client.post(
        f"/leaders/association-reviews/{review.pk}/close/",
        {"outcome": "terminated", "notes": "Impact not shown."},
    )
    review.refresh_from_db()
    association.refresh_from_db()
    assert review.outcome == AssociationReviewOutcome.TERMINATED
    assert not association.is_live
    assert "Association terminated" in client.get(f"/leaders/{lle.leader_id}/").content.decode()


def test_other_organisations_cannot_end_or_review(
    login: Login,
    other_coordinator: User,
    stranger: User,
    alliance: Organisation,
    other_org: Organisation,
    lle: Designation,
) -> None:
    association = Association.objects.get(leader=lle.leader, organisation=alliance)
    for user in (other_coordinator, stranger):
        client = login(user)
        assert client.get(f"/leaders/associations/{association.pk}/end/").status_code == 404
        assert client.get(f"/leaders/associations/{association.pk}/review/").status_code == 404
        assert client.get(f"/leaders/{lle.leader_id}/associate/").status_code == 404
    # A coordinator who may see the leader through their own association still may not end
    # the alliance's association.
    associate(lle.leader, other_org)
    response = login(other_coordinator).get(f"/leaders/associations/{association.pk}/end/")
    assert response.status_code == 403
