"""Sharing leaders between brokers through the pages: the request's coordinator asks another
organisation for one of its published leaders, that organisation's coordinator sees the request,
offers another leader, and approves or refuses on its commissions page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.brokering.models import Commission, CommissionStatus, SupportRequest
from syslead.brokering.services import commission_offer
from syslead.brokering.tests import factories
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation

Login = Callable[[User], Client]


@pytest.fixture
def shared(other_org: Organisation) -> list[LeaderProfile]:
    """Two maths SLEs of the other organisation near Ermine Primary: one with a published
    profile, one without."""
    return [
        factories.leader(
            factories.school("Published School", lat=53.26),
            organisation=other_org,
            name="Pat Published",
            publish_profile=True,
        ),
        factories.leader(
            factories.school("Private School", lat=53.27),
            organisation=other_org,
            name="Pip Private",
        ),
    ]


def test_coordinator_asks_another_organisation_for_a_published_leader(
    login: Login,
    coordinator: User,
    maths_request: SupportRequest,
    shared: list[LeaderProfile],
    other_org: Organisation,
) -> None:
    client = login(coordinator)
    url = reverse("brokering:commission_new", args=[maths_request.pk])
    form = client.get(url).context["form"]
    choices = form.fields["leader"].choices
    assert [value for value, _ in choices] == [str(shared[0].pk)]
    assert "South Gloucestershire Council" in choices[0][1]
    done = client.post(url, {"leader": str(shared[0].pk), "note": "Maths in Key Stage 2"})
    assert done.status_code == 302
    commission = Commission.objects.get()
    assert commission.owning_organisation == other_org
    assert commission.status == CommissionStatus.PROPOSED


def test_owning_organisation_approves_and_the_leader_is_then_considered(
    login: Login,
    coordinator: User,
    other_coordinator: User,
    maths_request: SupportRequest,
    shared: list[LeaderProfile],
) -> None:
    commission = commission_offer(actor=coordinator, request=maths_request, leader=shared[0])
    client = login(other_coordinator)
    listing = client.get(reverse("brokering:commissions"))
    assert listing.context["to_decide"] == [commission]
    url = reverse("brokering:commission", args=[commission.pk])
    no_choice = client.post(url, {})
    assert 'href="#id_decision_0">' in no_choice.content.decode()
    assert client.post(url, {"decision": "approve"})["Location"] == reverse("brokering:commissions")
    commission.refresh_from_db()
    assert commission.status == CommissionStatus.APPROVED
    page = login(coordinator).get(reverse("brokering:detail", args=[maths_request.pk]))
    assert [row.leader_id for row in page.context["panel"].suggested] == [shared[0].pk]


def test_refusing_to_share_needs_a_note(
    login: Login,
    coordinator: User,
    other_coordinator: User,
    maths_request: SupportRequest,
    shared: list[LeaderProfile],
) -> None:
    commission = commission_offer(actor=coordinator, request=maths_request, leader=shared[0])
    client = login(other_coordinator)
    url = reverse("brokering:commission", args=[commission.pk])
    refused = client.post(url, {"decision": "refuse", "note": ""})
    assert 'href="#id_note">Say why the leader cannot be shared.' in refused.content.decode()
    client.post(url, {"decision": "refuse", "note": "Committed elsewhere this term"})
    commission.refresh_from_db()
    assert commission.status == CommissionStatus.REFUSED


def test_the_other_organisation_sees_the_request_and_offers_another_of_its_leaders(
    login: Login,
    coordinator: User,
    other_coordinator: User,
    maths_request: SupportRequest,
    shared: list[LeaderProfile],
) -> None:
    commission_offer(actor=coordinator, request=maths_request, leader=shared[0])
    client = login(other_coordinator)
    page = client.get(reverse("brokering:detail", args=[maths_request.pk]))
    assert page.status_code == 200
    assert page.context["may_offer"]
    assert page.context["panel"] is None
    url = reverse("brokering:commission_new", args=[maths_request.pk])
    choices = client.get(url).context["form"].fields["leader"].choices
    # Their own leaders, published or not, and not the one already proposed.
    assert [value for value, _ in choices] == [str(shared[1].pk)]
    client.post(url, {"leader": str(shared[1].pk)})
    assert Commission.objects.filter(leader=shared[1]).exists()


def test_the_requesting_coordinator_cannot_decide_for_the_owning_organisation(
    login: Login, coordinator: User, maths_request: SupportRequest, shared: list[LeaderProfile]
) -> None:
    commission = commission_offer(actor=coordinator, request=maths_request, leader=shared[0])
    url = reverse("brokering:commission", args=[commission.pk])
    client = login(coordinator)
    assert client.get(url).status_code == 200
    assert client.post(url, {"decision": "approve"}).status_code == 403
    commission.refresh_from_db()
    assert commission.status == CommissionStatus.PROPOSED


def test_sharing_is_refused_to_people_who_do_not_coordinate(
    login: Login,
    coordinator: User,
    broker_lead: User,
    client_head: User,
    stranger: User,
    other_coordinator: User,
    maths_request: SupportRequest,
    shared: list[LeaderProfile],
) -> None:
    url = reverse("brokering:commission_new", args=[maths_request.pk])
    assert login(broker_lead).get(url).status_code == 403
    assert login(client_head).get(url).status_code == 403
    assert login(stranger).get(url).status_code == 404
    # Before anything is proposed to it, the other organisation does not see the request.
    assert login(other_coordinator).get(url).status_code == 404
    commission = commission_offer(actor=coordinator, request=maths_request, leader=shared[0])
    decide = reverse("brokering:commission", args=[commission.pk])
    assert login(stranger).get(decide).status_code == 404
    assert login(client_head).get(decide).status_code == 403
    assert login(client_head).get(reverse("brokering:commissions")).status_code == 403
