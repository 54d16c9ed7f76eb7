"""Sharing a leader for another broker's request only in answer to that request's owner asking:
a request the caller cannot see is 404 whatever leader they offer, nothing is written, and a
commission an organisation proposes without being asked shows nothing of the request. Asked, its
coordinators see what they need to answer (the request, their own commissions' steps); approved,
the leader is shared."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from conftest import ApiClient, make_school
from syslead.accounts.models import User
from syslead.brokering.models import Commission, CommissionStatus, SupportRequest
from syslead.brokering.selectors import support_request_for_user, support_requests_for_user
from syslead.brokering.services import commission_decide, commission_offer, shortlist_save
from syslead.brokering.tests import factories
from syslead.core.exceptions import NotAllowed
from syslead.leaders.models import LeaderProfile
from syslead.leaders.selectors import leaders_visible_to
from syslead.organisations.models import Organisation

Api = Callable[[User | None], ApiClient]
Login = Callable[[User], Client]


@pytest.fixture
def own_leader(other_org: Organisation) -> LeaderProfile:
    """A maths SLE of the other organisation, published in the directory."""
    return factories.leader(
        factories.school("Shared School", lat=53.26),
        organisation=other_org,
        name="Pat Published",
        publish_profile=True,
    )


def test_offering_a_leader_for_a_request_never_asked_about_is_404_and_writes_nothing(
    api: Api,
    other_coordinator: User,
    maths_request: SupportRequest,
    own_leader: LeaderProfile,
) -> None:
    client = api(other_coordinator)
    offered = client.post(
        f"/support-requests/{maths_request.pk}/commissions", {"leader": own_leader.pk}
    )
    assert offered.status_code == 404
    assert not Commission.objects.exists()
    assert client.get(f"/support-requests/{maths_request.pk}").status_code == 404
    assert client.get(f"/support-requests/{maths_request.pk}/timeline").status_code == 404


def test_the_service_refuses_an_offer_nobody_asked_for(
    other_coordinator: User, maths_request: SupportRequest, own_leader: LeaderProfile
) -> None:
    with pytest.raises(NotAllowed):
        commission_offer(actor=other_coordinator, request=maths_request, leader=own_leader)
    assert not Commission.objects.exists()


def test_a_commission_proposed_without_being_asked_shows_nothing_of_the_request(
    login: Login,
    other_coordinator: User,
    maths_request: SupportRequest,
    own_leader: LeaderProfile,
    other_org: Organisation,
) -> None:
    # As if written before the rule (or by a bug): proposed by the leader's own organisation.
    Commission.objects.create(
        support_request=maths_request,
        leader=own_leader,
        owning_organisation=other_org,
        proposed_by=other_coordinator,
    )
    assert not support_requests_for_user(other_coordinator).exists()
    client = login(other_coordinator)
    assert client.get(reverse("brokering:detail", args=[maths_request.pk])).status_code == 404


def test_asked_the_organisation_sees_the_request_and_only_its_own_commission_steps(
    api: Api,
    coordinator: User,
    other_coordinator: User,
    maths_request: SupportRequest,
    own_leader: LeaderProfile,
    lee: LeaderProfile,
) -> None:
    asked = api(coordinator).post(
        f"/support-requests/{maths_request.pk}/commissions", {"leader": own_leader.pk}
    )
    assert asked.status_code == 201, asked.json()
    api(coordinator).post(f"/support-requests/{maths_request.pk}/shortlist")
    api(coordinator).post(f"/support-requests/{maths_request.pk}/approaches", {"leader": lee.pk})
    assert support_request_for_user(other_coordinator, maths_request.pk) == maths_request
    timeline = api(other_coordinator).get(f"/support-requests/{maths_request.pk}/timeline")
    assert timeline.status_code == 200
    assert [e["verb"] for e in timeline.json()] == ["request.commission_proposed"]
    decided = api(other_coordinator).post(
        f"/commissions/{asked.json()['id']}/decision", {"approve": True}
    )
    assert decided.status_code == 200
    assert decided.json()["status"] == "approved"


def test_asked_the_organisation_may_offer_another_of_its_leaders(
    coordinator: User,
    other_coordinator: User,
    maths_request: SupportRequest,
    own_leader: LeaderProfile,
    other_org: Organisation,
) -> None:
    commission_offer(actor=coordinator, request=maths_request, leader=own_leader)
    another = factories.leader(
        factories.school("Second School", lat=53.27), organisation=other_org, name="Pip Private"
    )
    offered = commission_offer(actor=other_coordinator, request=maths_request, leader=another)
    assert offered.status == CommissionStatus.PROPOSED
    assert offered.asked is False
    assert Commission.objects.get(leader=own_leader).asked is True


def test_an_approved_commission_shares_the_leader_with_the_requesting_organisation(
    coordinator: User,
    other_coordinator: User,
    maths_request: SupportRequest,
    own_leader: LeaderProfile,
) -> None:
    commission = commission_offer(actor=coordinator, request=maths_request, leader=own_leader)
    assert own_leader not in leaders_visible_to(coordinator)  # proposed shares nothing
    commission_decide(actor=other_coordinator, commission=commission, approve=True)
    assert own_leader in leaders_visible_to(coordinator)


def test_a_leader_the_asker_cannot_see_nor_find_in_the_directory_is_404(
    api: Api,
    coordinator: User,
    maths_request: SupportRequest,
    other_org: Organisation,
) -> None:
    unpublished = factories.leader(
        factories.school("Hidden School", lat=53.28), organisation=other_org, name="Quinn Quiet"
    )
    response = api(coordinator).post(
        f"/support-requests/{maths_request.pk}/commissions", {"leader": unpublished.pk}
    )
    assert response.status_code == 404
    assert "Quinn" not in response.json()["detail"]
    assert not Commission.objects.exists()


def test_a_sip_sees_and_raises_only_local_authority_route_requests(
    api: Api,
    sip: User,
    maths_request: SupportRequest,
    client_school: object,
    alliance: Organisation,
) -> None:
    # A SIP chooses among their local authority's schools (docs/access.md).
    alliance.local_authority_name = "Lincolnshire"
    alliance.save()
    assert api(sip).get(f"/support-requests/{maths_request.pk}").status_code == 404
    assert api(sip).get("/support-requests").json() == []
    body = {
        "school": maths_request.school_id,
        "organisation": alliance.pk,
        "needs": ["maths"],
        "days_requested": 3,
        "summary": "Maths",
    }
    school_route = api(sip).post("/support-requests", {**body, "route": "school"})
    assert school_route.status_code == 403
    la_route = api(sip).post("/support-requests", {**body, "route": "local_authority"})
    assert la_route.status_code == 201, la_route.json()
    assert api(sip).get(f"/support-requests/{la_route.json()['id']}").status_code == 200
    # Another authority's school is refused on the field, by the same rule as the web form.
    oxford = make_school(140001, "Meadowbrook College", town="Oxford", local_authority="Oxon")
    elsewhere = api(sip).post(
        "/support-requests", {**body, "school": oxford.urn, "route": "local_authority"}
    )
    assert elsewhere.status_code == 422
    assert "Meadowbrook College is not in KYRA" in str(elsewhere.json())


def test_the_request_state_is_not_named_to_an_organisation_that_cannot_see_it(
    api: Api,
    other_coordinator: User,
    maths_request: SupportRequest,
    own_leader: LeaderProfile,
) -> None:
    SupportRequest.objects.filter(pk=maths_request.pk).update(status="agreed")
    response = api(other_coordinator).post(
        f"/support-requests/{maths_request.pk}/commissions", {"leader": own_leader.pk}
    )
    assert response.status_code == 404
    assert "agreement made" not in response.json()["detail"].lower()


def test_the_commissions_page_lists_nothing_of_a_request_the_owner_never_asked_about(
    login: Login,
    other_coordinator: User,
    maths_request: SupportRequest,
    own_leader: LeaderProfile,
    other_org: Organisation,
) -> None:
    Commission.objects.create(
        support_request=maths_request,
        leader=own_leader,
        owning_organisation=other_org,
        proposed_by=other_coordinator,
    )
    page = login(other_coordinator).get(reverse("brokering:commissions"))
    assert page.status_code == 200
    assert page.context["to_decide"] == []
    assert page.context["involving"] == []
    assert maths_request.school.name not in page.content.decode()


def test_the_request_page_shows_an_asked_organisation_only_its_own_commission_steps(
    login: Login,
    coordinator: User,
    other_coordinator: User,
    maths_request: SupportRequest,
    own_leader: LeaderProfile,
    lee: LeaderProfile,
) -> None:
    commission_offer(actor=coordinator, request=maths_request, leader=own_leader)
    shortlist_save(actor=coordinator, request=maths_request, reason="Only one fits")
    page = login(other_coordinator).get(reverse("brokering:detail", args=[maths_request.pk]))
    assert page.status_code == 200
    assert [e.verb for e in page.context["timeline"]] == ["request.commission_proposed"]
    assert page.context["panel"] is None


def test_a_commission_nobody_asked_for_cannot_be_approved(
    other_coordinator: User,
    maths_request: SupportRequest,
    own_leader: LeaderProfile,
    other_org: Organisation,
) -> None:
    unasked = Commission.objects.create(
        support_request=maths_request,
        leader=own_leader,
        owning_organisation=other_org,
        proposed_by=other_coordinator,
    )
    with pytest.raises(NotAllowed):
        commission_decide(actor=other_coordinator, commission=unasked, approve=True)
    unasked.refresh_from_db()
    assert unasked.status == CommissionStatus.PROPOSED
