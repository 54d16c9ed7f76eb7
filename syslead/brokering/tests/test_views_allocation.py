"""The batch allocation pages: start a run in the background, its status polled by htmx while it
works, the draft matches against greedy, changing a match with a reason, approving."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.brokering.models import (
    AllocationRun,
    AllocationRunStatus,
    ApproachStatus,
    RequestStatus,
    SupportRequest,
)
from syslead.brokering.services import allocation_run_now
from syslead.brokering.tests import factories
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation

Login = Callable[[User], Client]


@pytest.fixture
def round_of_requests(alliance: Organisation) -> list[SupportRequest]:
    """Three maths requests and one science request nobody can take."""
    requests = [
        factories.support_request(factories.school(f"Client {i}", lat=53.2 + 0.02 * i), alliance)
        for i in range(3)
    ]
    requests.append(
        factories.support_request(factories.school("Science Client"), alliance, needs=("science",))
    )
    return requests


@pytest.fixture
def two_leaders(alliance: Organisation) -> list[LeaderProfile]:
    """Two maths SLEs released for 5 days each: room for two of the three maths requests."""
    return [
        factories.leader(
            factories.school(f"Home {i}", lat=53.22 + 0.03 * i), organisation=alliance, release="5"
        )
        for i in range(2)
    ]


def test_coordinator_starts_a_run_that_works_in_the_background(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    round_of_requests: list[SupportRequest],
    two_leaders: list[LeaderProfile],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = login(coordinator)
    page = client.get(reverse("brokering:allocation"))
    assert page.context["waiting"][0][1] == 4
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = client.post(reverse("brokering:allocation"), {"academic_year": factories.YEAR})
    run = AllocationRun.objects.get()
    assert started["Location"] == reverse("brokering:allocation_run", args=[run.pk])
    # Queued: the page and its htmx part poll every 2 seconds.
    queued = client.get(started["Location"], headers={"HX-Request": "true"})
    assert queued.templates[0].name == "brokering/includes/allocation_run_body.html"
    assert 'hx-trigger="every 2s"' in queued.content.decode()
    for callback in callbacks:
        callback()
    ready = client.get(started["Location"], headers={"HX-Request": "true"})
    content = ready.content.decode()
    assert "hx-trigger" not in content
    assert "Draft ready" in content
    assert len(ready.context["matches"]) == 2
    unmatched = [m.support_request.school.name for m in ready.context["unmatched"]]
    assert len(unmatched) == 2
    assert "Science Client" in unmatched
    assert "Total score" in content
    assert "Matching one by one" in content


def test_nothing_to_allocate_is_shown_in_the_error_summary(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    response = login(coordinator).post(
        reverse("brokering:allocation"), {"academic_year": factories.YEAR}
    )
    assert response.status_code == 200
    assert "has no open or waiting-list requests" in response.content.decode()


def test_coordinator_changes_a_match_with_a_reason_then_approves(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    round_of_requests: list[SupportRequest],
    two_leaders: list[LeaderProfile],
) -> None:
    run = allocation_run_now(actor=coordinator, organisation=alliance)
    assert run.status == AllocationRunStatus.READY
    match = run.matches.exclude(leader=None).order_by("support_request_id").first()
    assert match is not None
    client = login(coordinator)
    url = reverse("brokering:draft_match_edit", args=[run.pk, match.pk])
    form = client.get(url).context["form"]
    assert ("none", "No leader: put the request on the waiting list") in form.fields[
        "leader"
    ].choices
    no_reason = client.post(url, {"leader": "none", "reason": ""})
    assert 'href="#id_reason">Say why you are changing the match.' in no_reason.content.decode()
    assert client.post(url, {"leader": "none", "reason": "School closing"}).status_code == 302
    match.refresh_from_db()
    assert match.leader is None
    assert match.edit_reason == "School closing"
    approved = client.post(reverse("brokering:allocation_approve", args=[run.pk]), follow=True)
    content = approved.content.decode()
    assert "The allocation is approved." in content
    assert "What approval did" in content
    run.refresh_from_db()
    assert run.status == AllocationRunStatus.APPROVED
    outcome = approved.context["outcome"]
    assert len(outcome["approached"]) == 1
    assert match.support_request_id in outcome["waiting_list"]
    approached = SupportRequest.objects.get(pk=outcome["approached"][0])
    assert approached.status == RequestStatus.APPROACHING
    assert approached.approaches.get().status == ApproachStatus.PENDING


def test_a_leader_whose_days_would_not_fit_is_refused_in_the_form(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    round_of_requests: list[SupportRequest],
    two_leaders: list[LeaderProfile],
) -> None:
    run = allocation_run_now(actor=coordinator, organisation=alliance)
    leader = run.matches.exclude(leader=None).first().leader  # type: ignore[union-attr]
    target = run.matches.filter(leader=None).exclude(support_request__needs=["science"]).get()
    response = login(coordinator).post(
        reverse("brokering:draft_match_edit", args=[run.pk, target.pk]),
        {"leader": str(leader.pk), "reason": "Closer"},
    )
    assert response.status_code == 200
    assert "this request&#x27;s 5 days would not fit" in response.content.decode()


def test_run_pages_are_refused_to_others(
    login: Login,
    coordinator: User,
    broker_lead: User,
    other_coordinator: User,
    stranger: User,
    alliance: Organisation,
    round_of_requests: list[SupportRequest],
    two_leaders: list[LeaderProfile],
) -> None:
    run = allocation_run_now(actor=coordinator, organisation=alliance)
    match = run.matches.first()
    assert match is not None
    run_url = reverse("brokering:allocation_run", args=[run.pk])
    edit_url = reverse("brokering:draft_match_edit", args=[run.pk, match.pk])
    approve_url = reverse("brokering:allocation_approve", args=[run.pk])
    # The broker lead reads, but does not start, change or approve.
    lead = login(broker_lead)
    assert lead.get(run_url).status_code == 200
    assert lead.get(edit_url).status_code == 403
    assert lead.post(approve_url).status_code == 403
    assert (
        lead.post(reverse("brokering:allocation"), {"academic_year": factories.YEAR}).status_code
        == 403
    )
    for user in (other_coordinator, stranger):
        client = login(user)
        assert client.get(run_url).status_code == 404
        assert client.get(edit_url).status_code == 404
        assert client.post(approve_url).status_code == 404
    wrong = login(other_coordinator).get(
        reverse("brokering:allocation"), {"organisation": alliance.pk}
    )
    assert wrong.status_code == 404
    run.refresh_from_db()
    assert run.status == AllocationRunStatus.READY


def test_allocation_page_query_budget(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    round_of_requests: list[SupportRequest],
    two_leaders: list[LeaderProfile],
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(5):
        allocation_run_now(actor=coordinator, organisation=alliance)
    client = login(coordinator)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("brokering:allocation")).status_code == 200
    run = AllocationRun.objects.first()
    assert run is not None
    with django_assert_max_num_queries(10):
        assert client.get(reverse("brokering:allocation_run", args=[run.pk])).status_code == 200
