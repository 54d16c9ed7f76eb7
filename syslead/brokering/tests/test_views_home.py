"""What requests and brokering put on each person's home page: the coordinator's requests waiting
for a shortlist, approaches with no answer after 3 school days and requests waiting for the
school's choice; the leader's approaches to answer; the headteacher's requests and choice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.access import coordinated_organisation_ids
from syslead.accounts.models import User
from syslead.brokering.home import coordinator_requests, headteacher_requests
from syslead.brokering.models import Approach, RequestStatus, SupportRequest
from syslead.brokering.services import (
    approach_respond,
    approach_send,
    commission_offer,
    shortlist_save,
)
from syslead.brokering.tests import factories
from syslead.core.home import AttentionItem, Section
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]
HOME = "/"


def _attention(response: Any) -> list[str]:
    return [item.text for item in response.context["attention"]]


def test_coordinator_is_told_of_requests_waiting_for_a_shortlist(
    login: Login, coordinator: User, maths_request: SupportRequest
) -> None:
    response = login(coordinator).get(HOME)
    assert "Make a shortlist for Ermine Primary Academy" in _attention(response)
    item = next(i for i in response.context["attention"] if i.text.startswith("Make a shortlist"))
    assert item.url == reverse("brokering:detail", args=[maths_request.pk])


def test_many_waiting_requests_become_one_link_to_the_filtered_list(
    coordinator: User, alliance: Organisation
) -> None:
    for i in range(7):
        factories.support_request(factories.school(f"Client {i}"), alliance)
    items = [b for b in coordinator_requests(coordinator) if isinstance(b, AttentionItem)]
    assert [(i.text, i.url) for i in items] == [
        ("7 requests waiting for a shortlist", reverse("brokering:list") + "?status=open")
    ]


def test_coordinator_is_told_of_an_approach_with_no_answer_after_3_school_days(
    coordinator: User, maths_request: SupportRequest, lee: LeaderProfile
) -> None:
    shortlist_save(actor=coordinator, request=maths_request, reason="Only one fits")
    approach = approach_send(actor=coordinator, request=maths_request, leader=lee)
    texts = [b.text for b in coordinator_requests(coordinator) if isinstance(b, AttentionItem)]
    assert not any(text.startswith("No answer") for text in texts)
    # A Monday seventeen weeks ago: well over three school days, whatever holidays lie between
    # (the longest school holiday is about six weeks).
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 17 * 7)
    Approach.objects.filter(pk=approach.pk).update(
        sent_at=timezone.make_aware(dt.datetime.combine(monday, dt.time(9)))
    )
    texts = [b.text for b in coordinator_requests(coordinator) if isinstance(b, AttentionItem)]
    assert any(
        text.startswith("No answer from Lee Leader about Ermine Primary Academy after")
        for text in texts
    )


def test_coordinator_is_told_of_requests_waiting_for_the_schools_choice_and_sharing(
    coordinator: User,
    other_coordinator: User,
    maths_request: SupportRequest,
    lee: LeaderProfile,
    other_org: Organisation,
) -> None:
    shortlist_save(actor=coordinator, request=maths_request, reason="Only one fits")
    approach = approach_send(actor=coordinator, request=maths_request, leader=lee)
    approach_respond(actor=lee.user, approach=approach, accept=True)
    texts = [b.text for b in coordinator_requests(coordinator) if isinstance(b, AttentionItem)]
    assert "Waiting for Ermine Primary Academy to choose a leader" in texts
    shared = factories.leader(factories.school("Shared"), organisation=other_org, name="Sam Shared")
    commission_offer(actor=coordinator, request=maths_request, leader=shared)
    texts = [
        b.text for b in coordinator_requests(other_coordinator) if isinstance(b, AttentionItem)
    ]
    assert texts == ["KYRA Teaching School Alliance asks to share Sam Shared"]


def test_leader_is_told_of_approaches_to_answer(
    login: Login, coordinator: User, maths_request: SupportRequest, lee: LeaderProfile
) -> None:
    shortlist_save(actor=coordinator, request=maths_request, reason="Only one fits")
    approach = approach_send(actor=coordinator, request=maths_request, leader=lee)
    response = login(lee.user).get(HOME)
    item = next(i for i in response.context["attention"] if i.text.startswith("Could you support"))
    assert item.url == reverse("brokering:approach", args=[approach.pk])
    assert "Approaches" in [n.label for n in response.context["nav_items"]]


def test_headteacher_sees_the_request_status_and_the_choice_to_make(
    client_head: User, coordinator: User, maths_request: SupportRequest, lee: LeaderProfile
) -> None:
    blocks = list(headteacher_requests(client_head))
    section = next(b for b in blocks if isinstance(b, Section))
    assert [r.pk for r, _ in section.context["rows"]] == [maths_request.pk]
    shortlist_save(actor=coordinator, request=maths_request, reason="Only one fits")
    approach = approach_send(actor=coordinator, request=maths_request, leader=lee)
    approach_respond(actor=lee.user, approach=approach, accept=True)
    maths_request.refresh_from_db()
    assert maths_request.status == RequestStatus.AWAITING_CHOICE
    items = [b for b in headteacher_requests(client_head) if isinstance(b, AttentionItem)]
    assert [(i.text, i.url) for i in items] == [
        (
            "Choose your system leader for Ermine Primary Academy",
            reverse("brokering:choose", args=[maths_request.pk]),
        )
    ]


def test_headteacher_home_page_shows_the_requests_section(
    login: Login, client_head: User, maths_request: SupportRequest
) -> None:
    content = login(client_head).get(HOME).content.decode()
    assert "My school&#x27;s requests for support" in content
    assert "Ask for support" in content


def test_sip_home_page_lists_la_route_requests(
    login: Login, sip: User, alliance: Organisation, client_school: School
) -> None:
    factories.support_request(client_school, alliance, route="local_authority")
    content = login(sip).get(HOME).content.decode()
    assert "Requests on the local authority route" in content
    assert "Ermine Primary Academy: 5 days" in content


def test_coordinator_block_costs_two_queries_without_requests(
    coordinator: User, alliance: Organisation, django_assert_max_num_queries: Any
) -> None:
    coordinated_organisation_ids(coordinator)  # the page has read the roles already
    with django_assert_max_num_queries(2):
        assert list(coordinator_requests(coordinator)) == []


def test_coordinator_block_query_budget(
    coordinator: User,
    alliance: Organisation,
    lee: LeaderProfile,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(4):
        request = factories.support_request(factories.school(f"Client {i}"), alliance)
        if i % 2:
            shortlist_save(actor=coordinator, request=request, reason="Only one fits")
            approach_send(actor=coordinator, request=request, leader=lee)
    coordinated_organisation_ids(coordinator)
    with django_assert_max_num_queries(5):
        blocks = list(coordinator_requests(coordinator))
    assert any(isinstance(b, Section) for b in blocks)
