"""The brokering transition tables (docs/transitions.md): every step of the request's, the
approach's and the commission's table is reached through a service; a step the record's state does
not allow is refused with a clear 409 (never a 5xx); pages offer what the table allows; the tables
in the documentation are the code's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.brokering import services
from syslead.brokering.models import (
    ApproachStatus,
    CommissionStatus,
    RequestStatus,
    Route,
    SupportRequest,
)
from syslead.brokering.selectors import live_shortlist
from syslead.brokering.tests import factories
from syslead.brokering.transitions import (
    APPROACH_TRANSITIONS,
    COMMISSION_TRANSITIONS,
    REQUEST_TRANSITIONS,
)
from syslead.core.exceptions import RuleViolation
from syslead.core.transitions import TransitionTable
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

TABLES = (REQUEST_TRANSITIONS, APPROACH_TRANSITIONS, COMMISSION_TRANSITIONS)


@pytest.fixture
def reached(monkeypatch: pytest.MonkeyPatch) -> set[tuple[str, str]]:
    """Every (record, step) a service checked the state for and went on with."""
    seen: set[tuple[str, str]] = set()
    require_source = TransitionTable.require_source
    bulk_targets = TransitionTable.bulk_targets

    def spy_source(self: TransitionTable[Any], name: str, obj: Any, message: Any = None) -> Any:
        row = require_source(self, name, obj, message)
        seen.add((self.record, name))
        return row

    def spy_bulk(self: TransitionTable[Any], name: str) -> Any:
        seen.add((self.record, name))
        return bulk_targets(self, name)

    monkeypatch.setattr(TransitionTable, "require_source", spy_source)
    monkeypatch.setattr(TransitionTable, "bulk_targets", spy_bulk)
    return seen


def _leaders(alliance: Organisation, count: int, *, prefix: str = "School") -> list[LeaderProfile]:
    return [
        factories.leader(
            factories.school(f"{prefix} {i}", lat=53.25 + 0.05 * i), organisation=alliance
        )
        for i in range(count)
    ]


def _approach_all(coordinator: User, request: SupportRequest) -> list[Any]:
    return [
        services.approach_send(actor=coordinator, request=request, leader=entry.leader)
        for entry in live_shortlist(request)
    ]


def _status(request: SupportRequest) -> str:
    request.refresh_from_db()
    return request.status


def test_every_step_of_every_table_is_reached_through_a_service(
    reached: set[tuple[str, str]],
    coordinator: User,
    client_head: User,
    other_coordinator: User,
    client_school: School,
    alliance: Organisation,
    other_org: Organisation,
) -> None:
    a, b, c, d = _leaders(alliance, 4)
    head = client_head

    # A round where one leader agrees, one declines, one is withdrawn; the school chooses.
    first = factories.support_request(client_school, alliance)
    services.shortlist_save(actor=coordinator, request=first)
    approaches = _approach_all(coordinator, first)
    assert _status(first) == RequestStatus.APPROACHING
    services.approach_respond(actor=a.user, approach=approaches[0], accept=True)
    services.approach_respond(actor=b.user, approach=approaches[1], accept=False, reason="Busy")
    services.approach_withdraw(actor=coordinator, approach=approaches[2], reason="Too far")
    assert _status(first) == RequestStatus.AWAITING_CHOICE
    services.approach_send(actor=coordinator, request=first, leader=c)  # asked again
    assert _status(first) == RequestStatus.APPROACHING
    services.request_choose(actor=head, request=first, leader=a)
    assert _status(first) == RequestStatus.MATCHED
    statuses = {x.leader_id: x.status for x in first.approaches.all() if x.leader_id == c.pk}
    assert set(statuses.values()) >= {ApproachStatus.WITHDRAWN}
    # An agreement is made for it, then cancelled: back to its leader being chosen.
    services.request_mark_agreed(actor=coordinator, request=first, deployment_id=1, leader=a)
    assert _status(first) == RequestStatus.AGREED
    services.request_agreement_cancelled(actor=coordinator, request=first, deployment_id=1)
    assert _status(first) == RequestStatus.MATCHED

    # Two agree: the one not chosen is told so.
    second = factories.support_request(client_school, alliance)
    services.shortlist_save(actor=coordinator, request=second)
    approaches = _approach_all(coordinator, second)
    services.approach_respond(actor=a.user, approach=approaches[0], accept=True)
    services.approach_respond(actor=b.user, approach=approaches[1], accept=True)
    services.request_choose(actor=head, request=second, leader=b)
    assert {x.status for x in second.approaches.all()} == {
        ApproachStatus.NOT_CHOSEN,
        ApproachStatus.CHOSEN,
        ApproachStatus.WITHDRAWN,
    }

    # Everyone declines: a new round; waiting list; judgement; swap; withdrawn with an approach.
    third = factories.support_request(client_school, alliance)
    services.shortlist_save(actor=coordinator, request=third)
    for approach in _approach_all(coordinator, third):
        services.approach_respond(
            actor=approach.leader.user, approach=approach, accept=False, reason="Busy"
        )
    assert _status(third) == RequestStatus.OPEN
    services.request_waitlist(actor=coordinator, request=third, reason="Nobody free")
    assert _status(third) == RequestStatus.WAITING_LIST
    services.shortlist_add_by_judgement(
        actor=coordinator, request=third, leader=d, reason="Knows the school"
    )
    assert _status(third) == RequestStatus.SHORTLISTED
    extra = _leaders(alliance, 2, prefix="Extra")
    services.shortlist_add_by_judgement(
        actor=coordinator, request=third, leader=extra[0], reason="Also good"
    )
    [entry] = [e for e in live_shortlist(third) if e.leader_id == extra[0].pk]
    services.shortlist_swap(actor=coordinator, entry=entry, new_leader=extra[1], reason="Closer")
    approach = services.approach_send(actor=coordinator, request=third, leader=d)
    services.request_withdraw(actor=head, request=third, reason="A new head starts")
    approach.refresh_from_db()
    assert approach.status == ApproachStatus.WITHDRAWN
    assert _status(third) == RequestStatus.WITHDRAWN

    # An agreement made with no leader chosen, then cancelled: the request is open again.
    fourth = factories.support_request(client_school, alliance)
    services.request_mark_agreed(actor=coordinator, request=fourth, deployment_id=2, leader=d)
    fourth.chosen_leader = None
    fourth.save(update_fields=["chosen_leader"])
    services.request_agreement_cancelled(actor=coordinator, request=fourth, deployment_id=2)
    assert _status(fourth) == RequestStatus.OPEN

    # An approach with no answer for five school days expires; the next leader is asked.
    fifth = factories.support_request(client_school, alliance)
    services.shortlist_save(actor=coordinator, request=fifth)
    first_entry = live_shortlist(fifth)[0]
    late = services.approach_send(actor=coordinator, request=fifth, leader=first_entry.leader)
    services.approach_expire_and_ask_next(
        actor=coordinator, approach=late, today=dt.date.today() + dt.timedelta(days=14)
    )

    # Sharing: asked, approved; offered in answer, refused.
    shared = factories.leader(
        factories.school("Shared Primary", lat=53.3), organisation=other_org, exclusive=True
    )
    offered = factories.leader(
        factories.school("Offered Primary", lat=53.31), organisation=other_org
    )
    sixth = factories.support_request(client_school, alliance)
    asked = services.commission_offer(actor=coordinator, request=sixth, leader=shared)
    services.commission_decide(actor=other_coordinator, commission=asked, approve=True)
    answer = services.commission_offer(actor=other_coordinator, request=sixth, leader=offered)
    services.commission_decide(
        actor=other_coordinator, commission=answer, approve=False, note="Needed at home"
    )
    assert {x.status for x in sixth.commissions.all()} == {
        CommissionStatus.APPROVED,
        CommissionStatus.REFUSED,
    }

    # Batch allocation: one request matched and approached, one on the waiting list.
    matched = factories.support_request(factories.school("Allocated", lat=53.26), alliance)
    lonely = factories.support_request(factories.school("Lonely", lat=53.3), alliance, days="80")
    run = services.allocation_run_now(
        actor=coordinator, organisation=alliance, request_ids=[matched.pk, lonely.pk]
    )
    outcome = services.allocation_approve(actor=coordinator, run=run)
    assert outcome.approached == [matched.pk]
    assert outcome.waiting_list == [lonely.pk]

    # A direct commission: the school names a leader, who agrees; the broker records it. And a
    # leader named by e-mail, not on Syslead yet.
    named = services.direct_commission_create(
        actor=head,
        school_urn=client_school.urn,
        needs=["maths"],
        days_requested=Decimal("2"),
        summary="Maths coaching.",
        leader=d,
    )
    services.approach_respond(actor=d.user, approach=named.approaches.get(), accept=True)
    services.direct_commission_record(actor=coordinator, request=named)
    services.direct_commission_create(
        actor=head,
        school_urn=client_school.urn,
        needs=["maths"],
        days_requested=Decimal("2"),
        summary="Maths coaching.",
        organisation=alliance,
        invited_name="Nadia New",
        invited_email="nadia@new.test",
        invited_school_urn=factories.school("Nadia's school").urn,
        invited_job_title="Maths lead",
    )

    expected = {(table.record, row.name) for table in TABLES for row in table}
    assert expected - reached == set()


@pytest.mark.parametrize(
    ("table", "state", "step"),
    [
        (REQUEST_TRANSITIONS, RequestStatus.MATCHED, "shortlist"),
        (REQUEST_TRANSITIONS, RequestStatus.WITHDRAWN, "withdraw"),
        (REQUEST_TRANSITIONS, RequestStatus.WAITING_LIST, "waitlist"),
        (REQUEST_TRANSITIONS, RequestStatus.OPEN, "choose"),
        (APPROACH_TRANSITIONS, ApproachStatus.DECLINED, "accept"),
        (COMMISSION_TRANSITIONS, CommissionStatus.REFUSED, "approve"),
    ],
)
def test_a_step_the_state_does_not_allow_is_refused_with_a_sentence(
    table: TransitionTable[Any], state: str, step: str
) -> None:
    obj = SimpleNamespace(**{table.field: str(state)})  # the table reads only the state
    assert not table.in_source(step, obj)
    with pytest.raises(RuleViolation) as refused:
        table.require_source(step, obj)
    assert refused.value.rule == table.rule
    assert "cannot" in refused.value.message


def test_withdrawing_a_withdrawn_request_is_refused_by_the_service(
    coordinator: User, maths_request: SupportRequest
) -> None:
    services.request_withdraw(actor=coordinator, request=maths_request, reason="No longer needed")
    with pytest.raises(RuleViolation) as refused:
        services.request_withdraw(actor=coordinator, request=maths_request, reason="Again")
    assert refused.value.rule == "request_state"
    assert refused.value.message == (
        "The request’s status is “Withdrawn”: you cannot withdraw it now."
    )


def test_a_request_already_on_the_waiting_list_is_not_put_on_it_again(
    coordinator: User, maths_request: SupportRequest
) -> None:
    """The page never offered it; the service now refuses it too (one table)."""
    services.request_waitlist(actor=coordinator, request=maths_request)
    with pytest.raises(RuleViolation) as refused:
        services.request_waitlist(actor=coordinator, request=maths_request)
    assert refused.value.rule == "request_state"


def test_the_api_refuses_an_illegal_step_with_409_not_a_5xx(
    api: Callable[[User | None], Any], coordinator: User, maths_request: SupportRequest
) -> None:
    services.request_withdraw(actor=coordinator, request=maths_request, reason="No longer needed")
    response = api(coordinator).post(f"/support-requests/{maths_request.pk}/shortlist", {})
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The request’s status is “Withdrawn”: you cannot make a new shortlist now."
    )


def test_the_request_page_offers_what_the_table_allows(
    client: Client,
    coordinator: User,
    client_head: User,
    client_school: School,
    alliance: Organisation,
) -> None:
    request = factories.support_request(
        client_school, alliance, route=Route.LOCAL_AUTHORITY, la_criteria=["leadership_ri"]
    )
    withdraw_url = reverse("brokering:withdraw", args=[request.pk])
    client.force_login(client_head)
    assert withdraw_url in client.get(reverse("brokering:detail", args=[request.pk])).text
    services.request_withdraw(actor=coordinator, request=request, reason="No longer needed")
    assert withdraw_url not in client.get(reverse("brokering:detail", args=[request.pk])).text


def test_the_documented_tables_are_the_codes() -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "transitions.md").read_text()
    for table in TABLES:
        assert table.as_markdown() in text, f"docs/transitions.md: the {table.record} table"
