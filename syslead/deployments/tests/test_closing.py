"""Closing an agreement together and disputes (docs/rules.md, "Closing an agreement" and
"Disputes"): the leader's statement, the two sign-offs in either order, the decision on further
support (a new, linked request), "complete" as the last step (refused with its rule until then),
disputes raised by anyone who sees the agreement and resolved by the broker, all on the
timeline; the agreement page's task list and the home page's "Needs attention" items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from syslead.accounts.models import User
from syslead.brokering.models import Route, SupportRequest
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.closing import close_out_tasks
from syslead.deployments.models import Deployment, DeploymentStatus, DisputeStatus
from syslead.deployments.services import (
    deployment_complete,
    deployment_decide_further_support,
    deployment_sign_off,
    deployment_state_delivery,
    dispute_raise,
    dispute_resolve,
)
from syslead.deployments.tests.factories import close_together, refresh

Login = Callable[[User], Client]


def _state(active: Deployment, leader_user: User, *, fully: bool = True, why: str = "") -> None:
    deployment_state_delivery(
        actor=leader_user, deployment=active, fully_delivered=fully, reason=why
    )


# (a) The leader's statement ----------------------------------------------------------------------


def test_rule_not_fully_delivered_needs_the_reason(active: Deployment, leader_user: User) -> None:
    """Closing an agreement: "not fully delivered" needs why."""
    with pytest.raises(ValidationError) as refused:
        _state(active, leader_user, fully=False, why="  ")
    assert "reason" in refused.value.message_dict
    _state(active, leader_user, fully=False, why="Two days lost to snow.")
    close_out = refresh(active).close_out
    assert (close_out.fully_delivered, close_out.not_delivered_reason) == (
        False,
        "Two days lost to snow.",
    )


@pytest.mark.parametrize("who", ["client_head", "coordinator", "home_head", "broker_lead"])
def test_rule_only_the_leader_states_whether_it_was_delivered(
    who: str, request: pytest.FixtureRequest, active: Deployment
) -> None:
    with pytest.raises(NotAllowed):
        _state(active, request.getfixturevalue(who))


def test_rule_the_statement_is_fixed_once_someone_signed_off(
    active: Deployment, leader_user: User, client_head: User
) -> None:
    _state(active, leader_user)
    deployment_sign_off(actor=client_head, deployment=active)
    with pytest.raises(RuleViolation) as refused:
        _state(active, leader_user, fully=False, why="Changed my mind")
    assert refused.value.rule == "close_out_signed_off"


# (b) The joint sign-off --------------------------------------------------------------------------


def test_rule_sign_off_comes_after_the_statement(active: Deployment, client_head: User) -> None:
    with pytest.raises(RuleViolation) as refused:
        deployment_sign_off(actor=client_head, deployment=active)
    assert refused.value.rule == "close_out_statement_missing"


@pytest.mark.parametrize("head_first", [True, False])
def test_rule_the_leader_and_the_head_each_sign_off_once_in_either_order(
    head_first: bool, active: Deployment, leader_user: User, client_head: User
) -> None:
    _state(active, leader_user)
    order = [client_head, leader_user] if head_first else [leader_user, client_head]
    deployment_sign_off(actor=order[0], deployment=active)
    assert not refresh(active).close_out.signed_off
    with pytest.raises(RuleViolation) as twice:
        deployment_sign_off(actor=order[0], deployment=active)
    assert twice.value.rule == "signed_off"
    deployment_sign_off(actor=order[1], deployment=active)
    close_out = refresh(active).close_out
    assert close_out.signed_off
    assert (close_out.leader_signed_off_by, close_out.head_signed_off_by) == (
        leader_user,
        client_head,
    )
    assert events_for(active).filter(verb="deployment.signed_off").count() == 2


@pytest.mark.parametrize("who", ["coordinator", "home_head", "broker_lead"])
def test_rule_only_the_leader_and_the_supported_head_sign_off(
    who: str, request: pytest.FixtureRequest, active: Deployment, leader_user: User
) -> None:
    _state(active, leader_user)
    with pytest.raises(NotAllowed):
        deployment_sign_off(actor=request.getfixturevalue(who), deployment=active)


# (c) Further support -----------------------------------------------------------------------------


def test_rule_further_support_starts_a_new_request_made_from_this_one_and_linked(
    active: Deployment, leader_user: User, client_head: User
) -> None:
    _state(active, leader_user)
    before = SupportRequest.objects.count()
    close_out = deployment_decide_further_support(
        actor=client_head,
        deployment=active,
        decision="further",
        summary="Embed the new maths scheme in key stage 1.",
        days_requested=Decimal("3"),
    )
    assert SupportRequest.objects.count() == before + 1
    new = close_out.further_request
    assert new is not None
    previous = active.support_request
    assert (new.school_id, new.organisation_id, new.route, new.needs) == (
        previous.school_id,
        previous.organisation_id,
        previous.route,
        previous.needs,
    )
    assert new.days_requested == Decimal("3")
    assert f"agreement {active.pk}" in new.context
    event = events_for(active).get(verb="deployment.further_support_decided")
    assert event.data["further_request"] == new.pk
    with pytest.raises(RuleViolation) as again:
        deployment_decide_further_support(actor=client_head, deployment=active, decision="none")
    assert again.value.rule == "already_decided"


def test_rule_no_further_support_starts_no_request(
    active: Deployment, leader_user: User, coordinator: User
) -> None:
    _state(active, leader_user)
    before = SupportRequest.objects.count()
    close_out = deployment_decide_further_support(
        actor=coordinator, deployment=active, decision="none"
    )
    assert close_out.decided
    assert close_out.further_request is None
    assert SupportRequest.objects.count() == before


def test_rule_further_support_is_decided_after_the_statement(
    active: Deployment, coordinator: User
) -> None:
    with pytest.raises(RuleViolation) as refused:
        deployment_decide_further_support(actor=coordinator, deployment=active, decision="none")
    assert refused.value.rule == "close_out_statement_missing"


def test_rule_on_the_la_route_the_sip_decides_further_support_and_the_head_does_not(
    active: Deployment, leader_user: User, client_head: User, sip: User
) -> None:
    SupportRequest.objects.filter(pk=active.support_request_id).update(route=Route.LOCAL_AUTHORITY)
    active = refresh(active)
    _state(active, leader_user)
    with pytest.raises(NotAllowed):
        deployment_decide_further_support(actor=client_head, deployment=active, decision="none")
    deployment_decide_further_support(actor=sip, deployment=active, decision="none")
    assert refresh(active).close_out.decided


# (d) Complete, last ------------------------------------------------------------------------------


def test_rule_complete_is_refused_until_closed_together(
    active: Deployment, coordinator: User, leader_user: User, client_head: User
) -> None:
    with pytest.raises(RuleViolation) as refused:
        deployment_complete(actor=coordinator, deployment=active, completed_on=active.ends_on)
    assert refused.value.rule == "close_out_incomplete"
    assert "the leader's sign-off" in str(refused.value)
    _state(active, leader_user)
    deployment_sign_off(actor=leader_user, deployment=active)
    deployment_sign_off(actor=client_head, deployment=active)
    with pytest.raises(RuleViolation) as still:
        deployment_complete(actor=coordinator, deployment=active, completed_on=active.ends_on)
    assert still.value.rule == "close_out_incomplete"
    assert str(still.value).endswith("it still needs the decision on further support.")
    deployment_decide_further_support(actor=coordinator, deployment=active, decision="none")
    done = deployment_complete(actor=coordinator, deployment=active, completed_on=active.ends_on)
    assert done.status == DeploymentStatus.COMPLETED
    tasks = close_out_tasks(coordinator, refresh(done), refresh(done).close_out, [])
    assert [task.status for task in tasks] == ["Completed"] * 5
    assert tasks[-1].detail == "Completed on 30 April 2027"


def test_rule_complete_waits_for_every_open_dispute(
    active: Deployment, coordinator: User, leader_user: User, client_head: User
) -> None:
    close_together(active, leader=leader_user, head=client_head, decider=coordinator)
    dispute = dispute_raise(actor=client_head, deployment=active, what="Invoice for a lost day")
    with pytest.raises(RuleViolation) as refused:
        deployment_complete(actor=coordinator, deployment=active, completed_on=active.ends_on)
    assert refused.value.rule == "dispute_open"
    dispute_resolve(actor=coordinator, dispute=dispute, outcome="The day is not invoiced.")
    done = deployment_complete(actor=coordinator, deployment=active, completed_on=active.ends_on)
    assert done.status == DeploymentStatus.COMPLETED


def test_the_complete_page_refuses_with_the_rule_until_closed_together(
    login: Login, coordinator: User, active: Deployment
) -> None:
    client = login(coordinator)
    url = reverse("deployments:complete", args=[active.pk])
    assert "Still needed: the leader&#x27;s sign-off." in client.get(url).content.decode()
    response = client.post(url, {})
    assert response.status_code == 200
    assert "close_out_incomplete" in response.content.decode() or (
        "cannot be completed yet" in response.content.decode()
    )
    assert refresh(active).status == DeploymentStatus.ACTIVE


# (e) Disputes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["leader_user", "client_head", "home_head", "coordinator", "broker_lead"]
)
def test_rule_any_party_raises_a_dispute_and_the_broker_is_told(
    who: str, request: pytest.FixtureRequest, active: Deployment, coordinator: User
) -> None:
    raiser = request.getfixturevalue(who)
    dispute = dispute_raise(actor=raiser, deployment=active, what="The days do not add up.")
    assert (dispute.status, dispute.raised_by) == (DisputeStatus.OPEN, raiser)
    event = events_for(active).get(verb="deployment.dispute_raised")
    assert "The days do not add up." in event.summary
    if raiser != coordinator:
        assert coordinator.notifications.filter(verb="deployment.dispute_raised").exists()


def test_rule_a_sip_raises_a_dispute_on_the_la_route_only(active: Deployment, sip: User) -> None:
    with pytest.raises(NotAllowed):
        dispute_raise(actor=sip, deployment=active, what="x")
    SupportRequest.objects.filter(pk=active.support_request_id).update(route=Route.LOCAL_AUTHORITY)
    assert dispute_raise(actor=sip, deployment=refresh(active), what="x").raised_as == "a SIP"


def test_rule_a_dispute_needs_what_it_is_about(active: Deployment, client_head: User) -> None:
    with pytest.raises(ValidationError) as refused:
        dispute_raise(actor=client_head, deployment=active, what=" ")
    assert "what" in refused.value.message_dict


@pytest.mark.parametrize("who", ["broker_lead", "leader_user", "client_head", "other_coordinator"])
def test_rule_only_the_brokers_coordinator_records_the_outcome(
    who: str, request: pytest.FixtureRequest, active: Deployment, client_head: User
) -> None:
    dispute = dispute_raise(actor=client_head, deployment=active, what="x")
    with pytest.raises(NotAllowed):
        dispute_resolve(actor=request.getfixturevalue(who), dispute=dispute, outcome="y")


def test_rule_the_outcome_is_recorded_once_on_the_timeline_and_the_raiser_told(
    active: Deployment, client_head: User, coordinator: User
) -> None:
    dispute = dispute_raise(actor=client_head, deployment=active, what="Visit dates")
    with pytest.raises(ValidationError):
        dispute_resolve(actor=coordinator, dispute=dispute, outcome="")
    resolved = dispute_resolve(actor=coordinator, dispute=dispute, outcome="Dates agreed again.")
    assert (resolved.status, resolved.resolved_by) == (DisputeStatus.RESOLVED, coordinator)
    assert events_for(active).filter(verb="deployment.dispute_resolved").count() == 1
    assert client_head.notifications.filter(verb="deployment.dispute_resolved").exists()
    with pytest.raises(RuleViolation) as again:
        dispute_resolve(actor=coordinator, dispute=dispute, outcome="Again")
    assert again.value.rule == "dispute_state"


# The pages ---------------------------------------------------------------------------------------


def test_the_agreement_page_shows_the_close_out_as_a_task_list_with_who_acts(
    login: Login, active: Deployment, leader_user: User, client_head: User
) -> None:
    url = reverse("deployments:detail", args=[active.pk])
    page = login(leader_user).get(url).content.decode()
    assert 'class="govuk-task-list"' in page
    assert page.count("Cannot start yet") == 4  # both sign-offs, further support, complete
    statement = reverse("deployments:close_out_statement", args=[active.pk])
    assert f'href="{statement}"' in page
    head_page = login(client_head).get(url).content.decode()
    assert f'href="{statement}"' not in head_page
    _state(active, leader_user)
    head_page = login(client_head).get(url).content.decode()
    sign_off = reverse("deployments:close_out_sign_off", args=[active.pk])
    # The head's missing steps are "Needs attention" with their action.
    assert "Needs attention" in head_page
    assert f'href="{sign_off}"' in head_page
    assert "Fully delivered" in head_page


def test_the_statement_page_refuses_a_missing_reason_on_the_form(
    login: Login, active: Deployment, leader_user: User
) -> None:
    client = login(leader_user)
    url = reverse("deployments:close_out_statement", args=[active.pk])
    response = client.post(url, {"fully_delivered": "no", "reason": ""})
    assert response.status_code == 200
    assert "Say why the support was not fully delivered." in response.content.decode()
    response = client.post(url, {"fully_delivered": "yes"})
    assert response.status_code == 302
    assert refresh(active).close_out.fully_delivered is True


def test_the_further_support_form_is_prefilled_from_the_request(
    login: Login, active: Deployment, leader_user: User, client_head: User
) -> None:
    _state(active, leader_user)
    client = login(client_head)
    url = reverse("deployments:close_out_further_support", args=[active.pk])
    page = client.get(url).content.decode()
    assert "Raise attainment in maths at key stage 2." in page
    response = client.post(url, {"decision": "further", "summary": "", "days_requested": ""})
    assert "Say what further support the school needs." in response.content.decode()
    response = client.post(
        url, {"decision": "further", "summary": "More maths", "days_requested": "2.5"}
    )
    assert response.status_code == 302
    assert refresh(active).close_out.further_request.days_requested == Decimal("2.5")


def test_a_dispute_is_raised_and_resolved_through_the_pages(
    login: Login, active: Deployment, home_head: User, coordinator: User
) -> None:
    new = reverse("deployments:dispute_new", args=[active.pk])
    response = login(home_head).post(new, {"what": "Release days miscounted"})
    assert response.status_code == 302
    dispute = active.disputes.get()
    page = login(coordinator).get(reverse("deployments:detail", args=[active.pk])).content
    outcome = reverse("deployments:dispute_resolve", args=[active.pk, dispute.pk])
    assert f'href="{outcome}"'.encode() in page
    assert login(coordinator).post(outcome, {"outcome": "Recounted"}).status_code == 302
    assert refresh(active).disputes.get().status == DisputeStatus.RESOLVED


def test_needs_attention_asks_each_person_for_their_missing_step(
    login: Login,
    active: Deployment,
    leader_user: User,
    client_head: User,
    coordinator: User,
) -> None:
    # The agreement's end date has passed: its close-out is due.
    Deployment.objects.filter(pk=active.pk).update(
        starts_on=dt.date(2026, 9, 7), ends_on=dt.date(2026, 11, 27)
    )
    home = reverse("core:home")
    leader_home = login(leader_user).get(home).content.decode()
    assert "Say whether your support at" in leader_home
    _state(active, leader_user)
    head_home = login(client_head).get(home).content.decode()
    assert "Sign off the agreement for Lee Leader" in head_home
    assert "Decide on further support" in head_home
    dispute_raise(actor=client_head, deployment=active, what="Visit count")
    coordinator_home = login(coordinator).get(home).content.decode()
    assert "Record the outcome of the dispute" in coordinator_home


def test_the_close_out_items_cost_the_same_however_many_agreements(
    active: Deployment,
    leader_user: User,
    client_head: User,
    coordinator: User,
    django_assert_max_num_queries: Any,
) -> None:
    """The home page's close-out sources read every due agreement and open dispute at once."""
    from syslead.deployments.home import coordinator_close_out, system_leader_close_out

    Deployment.objects.filter(pk=active.pk).update(
        starts_on=dt.date(2026, 9, 7), ends_on=dt.date(2026, 11, 27)
    )
    _state(active, leader_user)
    for n in range(3):
        dispute_raise(actor=client_head, deployment=active, what=f"Point {n}")
    with django_assert_max_num_queries(3):
        items = list(coordinator_close_out(coordinator))
    assert len(items) == 4  # three disputes, and further support to decide
    with django_assert_max_num_queries(2):
        assert len(list(system_leader_close_out(leader_user))) == 1  # the sign-off
