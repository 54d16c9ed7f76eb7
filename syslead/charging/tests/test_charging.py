"""Charging policies: defaults, who sets them, validation, history, and the API."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import ApiClient
from syslead.accounts.models import User
from syslead.charging.models import ChargingPolicy
from syslead.charging.selectors import charging_policy_history
from syslead.charging.services import charging_policy_for, charging_policy_set
from syslead.core.academic_years import AcademicYear
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed
from syslead.organisations.models import Organisation

Api = Callable[[User | None], ApiClient]

RATES = {
    "full_day_rate": "380.00",
    "half_day_rate": "160.00",
    "full_day_broker_fee": "60.00",
    "half_day_broker_fee": "30.00",
}
#: The same, as the service takes them (forms and the API parse the text).
AMOUNTS = {name: Decimal(text) for name, text in RATES.items()}
YEAR = AcademicYear.parse("2026-27")


def test_a_new_organisation_has_the_default_policy_every_year(alliance: Organisation) -> None:
    policy = charging_policy_for(alliance, AcademicYear.parse("2031-32"))
    assert policy.pk is None
    assert (
        policy.full_day_rate,
        policy.half_day_rate,
        policy.full_day_broker_fee,
        policy.half_day_broker_fee,
    ) == (Decimal("350.00"), Decimal("150.00"), Decimal("50.00"), Decimal("25.00"))
    assert not ChargingPolicy.objects.exists()


@pytest.mark.parametrize("who", ["coordinator", "broker_lead", "administrator"])
def test_the_broker_lead_or_a_coordinator_sets_the_policy(
    who: str, request: pytest.FixtureRequest, alliance: Organisation
) -> None:
    actor = request.getfixturevalue(who)
    policy = charging_policy_set(actor=actor, organisation=alliance, academic_year=YEAR, **AMOUNTS)
    assert policy.full_day_rate == Decimal("380.00")
    assert charging_policy_for(alliance, YEAR) == policy
    assert charging_policy_for(alliance, AcademicYear.parse("2027-28")).pk is None
    assert events_for(policy).get().verb == "charging_policy.set"


@pytest.mark.parametrize(
    "who", ["sip", "leader_user", "client_head", "stranger", "other_coordinator"]
)
def test_nobody_else_sets_it(
    who: str, request: pytest.FixtureRequest, alliance: Organisation
) -> None:
    with pytest.raises(NotAllowed):
        charging_policy_set(
            actor=request.getfixturevalue(who),
            organisation=alliance,
            academic_year=YEAR,
            **AMOUNTS,
        )
    assert not ChargingPolicy.objects.exists()


def test_each_change_keeps_the_values_before_it(coordinator: User, alliance: Organisation) -> None:
    charging_policy_set(actor=coordinator, organisation=alliance, academic_year=YEAR, **AMOUNTS)
    policy = charging_policy_set(
        actor=coordinator,
        organisation=alliance,
        academic_year=YEAR,
        **{**AMOUNTS, "full_day_rate": Decimal("400.00")},
    )
    charging_policy_set(  # unchanged: no new revision
        actor=coordinator,
        organisation=alliance,
        academic_year=YEAR,
        **{**AMOUNTS, "full_day_rate": Decimal("400.00")},
    )
    history = charging_policy_history(policy)
    assert [h.full_day_rate for h in history] == [Decimal("380.00")]
    assert history[0].changed_by == coordinator
    assert ChargingPolicy.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"full_day_rate": Decimal("-1")}, "full_day_rate"),
        ({"half_day_rate": Decimal("NaN")}, "half_day_rate"),
        ({"half_day_broker_fee": Decimal("0.001")}, "half_day_broker_fee"),
        ({"full_day_rate": Decimal("10000.01")}, "full_day_rate"),
        ({"full_day_broker_fee": Decimal("400.00")}, "full_day_broker_fee"),
        ({"half_day_broker_fee": Decimal("160.01")}, "half_day_broker_fee"),
    ],
)
def test_invalid_amounts_are_refused(
    changes: dict[str, Decimal], field: str, coordinator: User, alliance: Organisation
) -> None:
    with pytest.raises(ValidationError) as refused:
        charging_policy_set(
            actor=coordinator,
            organisation=alliance,
            academic_year=YEAR,
            **{**AMOUNTS, **changes},
        )
    assert field in refused.value.message_dict


# The API -----------------------------------------------------------------------------------------


def put(api: Api, user: User, organisation: Organisation, year: str, body: Any) -> Any:
    return api(user).put(f"/organisations/{organisation.pk}/charging-policies/{year}", body)


def test_put_sets_the_policy_and_echoes_it_as_money_strings(
    api: Api, broker_lead: User, alliance: Organisation
) -> None:
    response = put(api, broker_lead, alliance, "2026-27", RATES)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert {key: body[key] for key in RATES} == RATES
    assert body["academic_year"] == "2026-27"
    assert body["organisation"] == alliance.pk
    assert body["full_day_to_home_school"] == "320.00"
    assert body["is_default"] is False


def test_put_accepts_json_numbers(api: Api, coordinator: User, alliance: Organisation) -> None:
    body = {
        "full_day_rate": 350,
        "half_day_rate": 150.5,
        "full_day_broker_fee": 50,
        "half_day_broker_fee": 25,
    }
    response = put(api, coordinator, alliance, "2026-27", body)
    assert response.status_code == 200
    assert response.json()["half_day_rate"] == "150.50"


def test_get_shows_the_defaults_before_any_is_set(
    api: Api, coordinator: User, alliance: Organisation
) -> None:
    response = api(coordinator).get(f"/organisations/{alliance.pk}/charging-policies/2026-27")
    assert response.status_code == 200
    assert response.json()["full_day_rate"] == "350.00"
    assert response.json()["is_default"] is True


@pytest.mark.parametrize(
    ("year", "body", "field"),
    [
        ("2026-28", RATES, "academic_year"),
        ("twenty", RATES, "academic_year"),
        ("2026-27", {**RATES, "full_day_rate": "-5.00"}, "full_day_rate"),
        ("2026-27", {**RATES, "full_day_broker_fee": "500.00"}, "full_day_broker_fee"),
        ("2026-27", {**RATES, "half_day_rate": "lots"}, "half_day_rate"),
        ("2026-27", {k: v for k, v in RATES.items() if k != "half_day_rate"}, "half_day_rate"),
    ],
)
def test_put_refuses_invalid_fields_with_422(
    api: Api, coordinator: User, alliance: Organisation, year: str, body: Any, field: str
) -> None:
    response = put(api, coordinator, alliance, year, body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert response.json()["detail"]
    assert not ChargingPolicy.objects.exists()


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "sip", "leader_user"])
def test_put_refuses_others_with_403(
    api: Api, request: pytest.FixtureRequest, who: str, alliance: Organisation
) -> None:
    response = put(api, request.getfixturevalue(who), alliance, "2026-27", RATES)
    assert response.status_code == 403
    assert response.json()["detail"]
    get = api(request.getfixturevalue(who)).get(
        f"/organisations/{alliance.pk}/charging-policies/2026-27"
    )
    assert get.status_code == 403


def test_put_for_an_unknown_organisation_is_404(api: Api, administrator: User) -> None:
    response = api(administrator).put("/organisations/999999/charging-policies/2026-27", RATES)
    assert response.status_code == 404


def test_put_needs_a_token(api: Api, alliance: Organisation) -> None:
    response = api(None).put(f"/organisations/{alliance.pk}/charging-policies/2026-27", RATES)
    assert response.status_code == 401


# Limits: the floor to the leader's school and the ceiling to the broker ---------------------------

LIMITS = {"home_school_floor": Decimal("300.00"), "broker_fee_ceiling": Decimal("50.00")}
STANDARD = {
    "full_day_rate": Decimal("350.00"),
    "half_day_rate": Decimal("150.00"),
    "full_day_broker_fee": Decimal("50.00"),
    "half_day_broker_fee": Decimal("25.00"),
}


def test_a_policy_may_set_a_300_floor_and_a_50_ceiling_and_the_standard_rates_meet_them(
    coordinator: User, alliance: Organisation
) -> None:
    """docs/rules.md, Charging: of a full day at least £300 to the leader's school, at most £50
    to the broker; the event says so."""
    policy = charging_policy_set(
        actor=coordinator, organisation=alliance, academic_year=YEAR, **STANDARD, **LIMITS
    )
    policy.refresh_from_db()
    assert policy.home_school_floor == Decimal("300.00")
    assert policy.broker_fee_ceiling == Decimal("50.00")
    event = events_for(policy).get()
    assert "at least £300.00 to the leader's school" in event.summary
    assert event.data["after"]["broker_fee_ceiling"] == "50.00"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"full_day_broker_fee": Decimal("50.01")}, "full_day_broker_fee", "ceiling of £50.00"),
        ({"full_day_rate": Decimal("349.99")}, "full_day_rate", "at least £300.00"),
        (
            {"full_day_rate": Decimal("320.00"), "full_day_broker_fee": Decimal("30.00")},
            "full_day_rate",
            "is £290.00",
        ),
    ],
)
def test_rates_that_break_the_floor_or_the_ceiling_are_refused_with_field_errors(
    changes: dict[str, Decimal],
    field: str,
    message: str,
    coordinator: User,
    alliance: Organisation,
) -> None:
    """docs/rules.md, Charging: the floor and ceiling are enforced whenever the policy is set."""
    with pytest.raises(ValidationError) as refused:
        charging_policy_set(
            actor=coordinator,
            organisation=alliance,
            academic_year=YEAR,
            **{**STANDARD, **changes},
            **LIMITS,
        )
    assert message in " ".join(refused.value.message_dict[field])
    assert not ChargingPolicy.objects.exists()


def test_limits_are_kept_when_not_given_and_still_enforced(
    coordinator: User, alliance: Organisation
) -> None:
    """docs/rules.md, Charging: a later change that does not mention the limits (the API's PUT)
    keeps them, and is checked against them."""
    charging_policy_set(
        actor=coordinator, organisation=alliance, academic_year=YEAR, **STANDARD, **LIMITS
    )
    with pytest.raises(ValidationError) as refused:
        charging_policy_set(
            actor=coordinator,
            organisation=alliance,
            academic_year=YEAR,
            **{**STANDARD, "full_day_broker_fee": Decimal("60.00")},
        )
    assert "full_day_broker_fee" in refused.value.message_dict
    policy = charging_policy_set(
        actor=coordinator,
        organisation=alliance,
        academic_year=YEAR,
        **{**STANDARD, "full_day_rate": Decimal("360.00")},
    )
    assert policy.home_school_floor == Decimal("300.00")
    cleared = charging_policy_set(
        actor=coordinator,
        organisation=alliance,
        academic_year=YEAR,
        **{**STANDARD, "full_day_broker_fee": Decimal("60.00")},
        home_school_floor=None,
        broker_fee_ceiling=None,
    )
    assert (cleared.home_school_floor, cleared.broker_fee_ceiling) == (None, None)


@pytest.mark.parametrize(
    ("limits", "field"),
    [
        ({"home_school_floor": Decimal("-1")}, "home_school_floor"),
        ({"broker_fee_ceiling": Decimal("0.001")}, "broker_fee_ceiling"),
        ({"home_school_floor": Decimal("350.01")}, "home_school_floor"),
    ],
)
def test_invalid_limits_are_refused(
    limits: dict[str, Decimal], field: str, coordinator: User, alliance: Organisation
) -> None:
    """docs/money.md: limits are amounts like any other; a floor above the rate is refused."""
    with pytest.raises(ValidationError) as refused:
        charging_policy_set(
            actor=coordinator, organisation=alliance, academic_year=YEAR, **STANDARD, **limits
        )
    assert field in refused.value.message_dict


# Members' rates --------------------------------------------------------------------------------


def test_members_rates_are_kept_and_checked_against_the_fees_and_the_floor(
    coordinator: User, alliance: Organisation
) -> None:
    """docs/rules.md, Charging: members may have a different rate; it may not be below the
    broker's fee, and the floor to the leader's school applies to it too."""
    with pytest.raises(ValidationError) as refused:
        charging_policy_set(
            actor=coordinator,
            organisation=alliance,
            academic_year=YEAR,
            **STANDARD,
            member_half_day_rate=Decimal("20.00"),
        )
    assert "less than the broker's fee" in refused.value.message_dict["member_half_day_rate"][0]
    with pytest.raises(ValidationError) as refused:
        charging_policy_set(
            actor=coordinator,
            organisation=alliance,
            academic_year=YEAR,
            **STANDARD,
            **LIMITS,
            member_full_day_rate=Decimal("340.00"),
        )
    assert "at least £300.00" in refused.value.message_dict["member_full_day_rate"][0]
    policy = charging_policy_set(
        actor=coordinator,
        organisation=alliance,
        academic_year=YEAR,
        **STANDARD,
        member_full_day_rate=Decimal("330.00"),
    )
    assert "members of the alliance: £330.00 a full day" in events_for(policy).get().summary
    kept = charging_policy_set(
        actor=coordinator, organisation=alliance, academic_year=YEAR, **STANDARD
    )
    assert (kept.member_full_day_rate, kept.member_half_day_rate) == (Decimal("330.00"), None)
