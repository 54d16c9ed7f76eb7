"""An agreement's charging while it is a draft (docs/rules.md, "Charging models" and "A bespoke
price"): the coordinator chooses who invoices the supported school and may agree a bespoke price
with a reason, still within the policy's floor for the leader's school; who set it and why is on
the agreement and its timeline, and its invoices show it."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import ApiClient
from syslead.accounts.models import User
from syslead.brokering.models import SupportRequest
from syslead.charging.agreements import agreement_charging_set
from syslead.charging.services import charging_policy_set
from syslead.core.academic_years import AcademicYear
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.deployments.models import Deployment
from syslead.deployments.selectors import cost_breakdown_of
from syslead.deployments.services import deployment_create
from syslead.deployments.tests.factories import YEAR, agreement_kwargs
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


@pytest.fixture
def draft(
    coordinator: User, support_request: SupportRequest, leader: LeaderProfile, parties: list[User]
) -> Deployment:
    """A five-day draft at the standard rates (£350 a full day, £50 to the broker)."""
    return deployment_create(
        actor=coordinator,
        support_request=support_request,
        leader=leader,
        send_for_signature=False,
        **agreement_kwargs(home_headteacher_name=""),
    )


def _policy_with_floor(coordinator: User, alliance: Organisation) -> None:
    charging_policy_set(
        actor=coordinator,
        organisation=alliance,
        academic_year=AcademicYear.parse(YEAR),
        full_day_rate=Decimal("350.00"),
        half_day_rate=Decimal("150.00"),
        full_day_broker_fee=Decimal("50.00"),
        half_day_broker_fee=Decimal("25.00"),
        home_school_floor=Decimal("300.00"),
        broker_fee_ceiling=Decimal("50.00"),
    )


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_a_bespoke_price_replaces_the_rates_and_records_who_and_why(
    coordinator: User, draft: Deployment
) -> None:
    """Rule: a bespoke price is agreed per agreement, with a reason; the costs follow it."""
    saved = agreement_charging_set(
        actor=coordinator,
        deployment=draft,
        collected_by="home_school",
        bespoke_full_day_rate=Decimal("400.00"),
        bespoke_half_day_rate=Decimal("180.00"),
        bespoke_reason="Two schools share the leader's travel: agreed at the board.",
    )
    assert (saved.full_day_rate, saved.half_day_rate) == (Decimal("400.00"), Decimal("180.00"))
    assert saved.full_day_broker_fee == Decimal("50.00")  # the policy's fee stays
    assert (saved.total_cost, saved.to_broker, saved.to_home_school) == (2000, 250, 1750)
    assert saved.bespoke_set_by == coordinator
    assert saved.bespoke_set_at is not None
    event = next(e for e in events_for(saved) if e.verb == "deployment.charging_set")
    assert event.actor == coordinator
    assert "agreed at the board" in event.summary
    assert event.data["bespoke_reason"].startswith("Two schools")


def test_a_bespoke_price_needs_a_reason_and_both_rates(
    coordinator: User, draft: Deployment
) -> None:
    with pytest.raises(ValidationError) as refused:
        agreement_charging_set(
            actor=coordinator,
            deployment=draft,
            collected_by="home_school",
            bespoke_full_day_rate=Decimal("400.00"),
        )
    assert set(_errors(refused)) == {"bespoke_half_day_rate", "bespoke_reason"}
    draft.refresh_from_db()
    assert draft.full_day_rate == Decimal("350.00")


def test_a_bespoke_price_keeps_the_policys_floor_for_the_leaders_school(
    coordinator: User, alliance: Organisation, draft: Deployment
) -> None:
    """Rule: when the policy sets a floor, a full day at the bespoke price less the broker's fee
    must leave the leader's school at least the floor."""
    _policy_with_floor(coordinator, alliance)
    with pytest.raises(ValidationError) as refused:
        agreement_charging_set(
            actor=coordinator,
            deployment=draft,
            collected_by="home_school",
            bespoke_full_day_rate=Decimal("340.00"),
            bespoke_half_day_rate=Decimal("150.00"),
            bespoke_reason="A discount for a small school.",
        )
    assert "at least £300.00" in _errors(refused)["bespoke_full_day_rate"][0]
    saved = agreement_charging_set(
        actor=coordinator,
        deployment=draft,
        collected_by="home_school",
        bespoke_full_day_rate=Decimal("350.00"),
        bespoke_half_day_rate=Decimal("140.00"),
        bespoke_reason="A smaller half-day rate for a small school.",
    )
    assert saved.half_day_rate == Decimal("140.00")


def test_a_rate_below_the_brokers_fee_is_refused(coordinator: User, draft: Deployment) -> None:
    with pytest.raises(ValidationError) as refused:
        agreement_charging_set(
            actor=coordinator,
            deployment=draft,
            collected_by="home_school",
            bespoke_full_day_rate=Decimal("40.00"),
            bespoke_half_day_rate=Decimal("20.00"),
            bespoke_reason="Too cheap.",
        )
    assert set(_errors(refused)) == {"bespoke_full_day_rate", "bespoke_half_day_rate"}


def test_clearing_the_bespoke_price_returns_to_the_policys_rates(
    coordinator: User, draft: Deployment
) -> None:
    agreement_charging_set(
        actor=coordinator,
        deployment=draft,
        collected_by="home_school",
        bespoke_full_day_rate=Decimal("400.00"),
        bespoke_half_day_rate=Decimal("180.00"),
        bespoke_reason="Agreed.",
    )
    cleared = agreement_charging_set(
        actor=coordinator, deployment=draft, collected_by="home_school"
    )
    assert (cleared.full_day_rate, cleared.half_day_rate) == (Decimal("350.00"), Decimal("150.00"))
    assert cleared.bespoke_reason == ""
    assert cleared.total_cost == Decimal("1750.00")


def test_the_alliance_collects_is_chosen_on_the_agreement_where_the_school_pays(
    coordinator: User, draft: Deployment
) -> None:
    """Rule: who invoices whom follows the model chosen on the agreement; the broker collects only
    where the supported school pays."""
    saved = agreement_charging_set(actor=coordinator, deployment=draft, collected_by="broker")
    assert saved.collected_by == "broker"
    lines = {line.key: line for line in cost_breakdown_of(saved)}
    assert "remittance advice" in lines["payable_by_school"].explanation
    Deployment.objects.filter(pk=draft.pk).update(
        funding_route="broker", collected_by="home_school"
    )
    draft.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        agreement_charging_set(actor=coordinator, deployment=draft, collected_by="broker")
    assert "collected_by" in _errors(refused)


def test_charging_is_set_only_on_a_draft_by_its_coordinators(
    coordinator: User, broker_lead: User, home_head: User, agreement: Deployment, draft: Deployment
) -> None:
    with pytest.raises(RuleViolation) as refused:
        agreement_charging_set(actor=coordinator, deployment=agreement, collected_by="broker")
    assert refused.value.rule == "charging_draft_only"
    for person in (broker_lead, home_head):
        with pytest.raises(NotAllowed):
            agreement_charging_set(actor=person, deployment=draft, collected_by="broker")


def test_an_amendment_keeps_the_charging_model_and_bespoke_price(
    coordinator: User, draft: Deployment, sign_all: Callable[[Deployment], Deployment]
) -> None:
    from syslead.deployments.services import deployment_amend, deployment_send_for_signature

    agreement_charging_set(
        actor=coordinator,
        deployment=draft,
        collected_by="broker",
        bespoke_full_day_rate=Decimal("400.00"),
        bespoke_half_day_rate=Decimal("180.00"),
        bespoke_reason="Agreed at the board.",
    )
    sent = deployment_send_for_signature(actor=coordinator, deployment=draft)
    active = sign_all(sent)
    amended = deployment_amend(
        actor=coordinator, deployment=active, reason="One more day", full_days=6
    )
    assert amended.collected_by == "broker"
    assert (amended.full_day_rate, amended.bespoke_reason) == (
        Decimal("400.00"),
        "Agreed at the board.",
    )
    assert amended.total_cost == Decimal("2400.00")


def test_the_charging_page_sets_the_model_and_shows_errors(
    login: Login, coordinator: User, home_head: User, draft: Deployment
) -> None:
    client = login(coordinator)
    page = client.get(f"/charging/agreements/{draft.pk}/")
    assert page.status_code == 200
    assert b"Who invoices the supported school?" in page.content
    refused = client.post(
        f"/charging/agreements/{draft.pk}/",
        {
            "collected_by": "home_school",
            "bespoke_full_day_rate": "400",
            "bespoke_half_day_rate": "",
        },
    )
    assert refused.status_code == 200
    assert b"Say why this agreement has a bespoke price" in refused.content
    done = client.post(
        f"/charging/agreements/{draft.pk}/",
        {
            "collected_by": "broker",
            "bespoke_full_day_rate": "400",
            "bespoke_half_day_rate": "180",
            "bespoke_reason": "Agreed at the board.",
        },
    )
    assert done.status_code == 302
    detail = client.get(f"/deployments/{draft.pk}/").content.decode()
    assert "Agreed at the board." in detail
    assert "with a remittance advice" in detail
    unchosen = client.post(f"/charging/agreements/{draft.pk}/", {})
    assert b"Choose who invoices the supported school." in unchosen.content
    assert login(home_head).get(f"/charging/agreements/{draft.pk}/").status_code == 403


def test_the_api_reports_the_charging_model_and_bespoke_reason_as_additions(
    api: Callable[[User | None], ApiClient], coordinator: User, draft: Deployment
) -> None:
    before = api(coordinator).get(f"/deployments/{draft.pk}").json()["cost"]
    assert (before["collected_by"], before["bespoke_reason"]) == ("home_school", "")
    agreement_charging_set(
        actor=coordinator,
        deployment=draft,
        collected_by="broker",
        bespoke_full_day_rate=Decimal("400.00"),
        bespoke_half_day_rate=Decimal("180.00"),
        bespoke_reason="Agreed at the board.",
    )
    cost = api(coordinator).get(f"/deployments/{draft.pk}").json()["cost"]
    assert (cost["collected_by"], cost["bespoke_reason"]) == ("broker", "Agreed at the board.")
    assert (cost["full_day_rate"], cost["total"]) == ("400.00", "2000.00")


def test_moving_a_draft_to_another_year_keeps_its_bespoke_price(
    coordinator: User, leader: LeaderProfile, draft: Deployment
) -> None:
    """Rule: the bespoke price stays when the start moves to another academic year (the fees are
    that year's policy's)."""
    import datetime as dt

    from syslead.deployments.services import deployment_update
    from syslead.deployments.tests.factories import set_release

    agreement_charging_set(
        actor=coordinator,
        deployment=draft,
        collected_by="broker",
        bespoke_full_day_rate=Decimal("400.00"),
        bespoke_half_day_rate=Decimal("180.00"),
        bespoke_reason="Agreed at the board.",
    )
    set_release(leader, 20, "2027-28")
    moved = deployment_update(
        actor=coordinator,
        deployment=draft,
        starts_on=dt.date(2027, 9, 13),
        ends_on=dt.date(2027, 12, 17),
    )
    assert moved.academic_year == "2027-28"
    assert (moved.full_day_rate, moved.collected_by) == (Decimal("400.00"), "broker")
    assert moved.total_cost == Decimal("2000.00")
