"""The charging policy page: the organisation's rates and broker fees per academic year, the
defaults shown when none is saved, edited by its broker lead or a coordinator, with the history
of revisions."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.charging.models import ChargingPolicy
from syslead.core.academic_years import AcademicYear
from syslead.organisations.models import Organisation

Login = Callable[[User], Client]
YEAR = "2026-27"
VALUES = {
    "year": YEAR,
    "full_day_rate": "375.00",
    "full_day_broker_fee": "55.00",
    "half_day_rate": "160.00",
    "half_day_broker_fee": "25.00",
}


def policy_url(organisation: Organisation, year: str = YEAR) -> str:
    return f"/charging/{organisation.pk}/?year={year}"


def test_anonymous_people_are_sent_to_sign_in(client: Client, alliance: Organisation) -> None:
    for url in ["/charging/", policy_url(alliance)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["stranger", "other_coordinator", "sip", "client_head"])
def test_people_outside_the_broker_get_404(
    who: str, request: pytest.FixtureRequest, login: Login, alliance: Organisation
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get(policy_url(alliance)).status_code == 404
    assert client.post(f"/charging/{alliance.pk}/", VALUES).status_code == 404
    assert not ChargingPolicy.objects.exists()


def test_people_without_a_broker_role_are_refused_the_index(login: Login, stranger: User) -> None:
    assert login(stranger).get("/charging/").status_code == 403


def test_the_index_opens_the_persons_organisation(
    login: Login, broker_lead: User, alliance: Organisation
) -> None:
    response = login(broker_lead).get("/charging/")
    assert response["Location"] == f"/charging/{alliance.pk}/"


def test_the_standard_rates_are_shown_when_none_is_saved(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    response = login(coordinator).get(f"/charging/{alliance.pk}/")
    assert response.context["year"] == AcademicYear.current().label
    page = response.content.decode()
    assert "No policy is saved for" in page
    for amount in ["£350.00", "£150.00", "£50.00", "£25.00", "£300.00", "£125.00"]:
        assert amount in page


@pytest.mark.parametrize("who", ["broker_lead", "coordinator"])
def test_the_broker_lead_or_a_coordinator_saves_the_policy(
    who: str, request: pytest.FixtureRequest, login: Login, alliance: Organisation
) -> None:
    client = login(request.getfixturevalue(who))
    response = client.post(f"/charging/{alliance.pk}/", VALUES)
    assert response["Location"] == policy_url(alliance)
    policy = ChargingPolicy.objects.get(organisation=alliance, academic_year=YEAR)
    assert (policy.full_day_rate, policy.full_day_broker_fee) == (
        Decimal("375.00"),
        Decimal("55.00"),
    )
    page = client.get(policy_url(alliance)).content.decode()
    assert "£375.00" in page
    assert "£320.00" in page  # to the leader's school


def test_each_change_keeps_the_values_before_it(
    login: Login, broker_lead: User, alliance: Organisation
) -> None:
    client = login(broker_lead)
    client.post(f"/charging/{alliance.pk}/", VALUES)
    client.post(f"/charging/{alliance.pk}/", {**VALUES, "full_day_rate": "400.00"})
    response = client.get(policy_url(alliance))
    (revision,) = response.context["history"]
    assert revision.full_day_rate == Decimal("375.00")
    assert revision.changed_by == broker_lead
    assert "History of revisions" in response.content.decode()


def test_a_fee_above_its_rate_is_refused_in_the_page(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    response = login(coordinator).post(
        f"/charging/{alliance.pk}/", {**VALUES, "half_day_broker_fee": "200.00"}
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_half_day_broker_fee">The broker&#x27;s fee for a half day' in page
    assert not ChargingPolicy.objects.exists()


def test_an_amount_that_is_not_money_is_refused(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    response = login(coordinator).post(
        f"/charging/{alliance.pk}/", {**VALUES, "full_day_rate": "lots"}
    )
    assert '<a href="#id_full_day_rate">Enter an amount in pounds' in response.content.decode()


def test_years_are_kept_apart(login: Login, coordinator: User, alliance: Organisation) -> None:
    client = login(coordinator)
    client.post(f"/charging/{alliance.pk}/", {**VALUES, "year": "2027-28"})
    assert client.get(policy_url(alliance, "2027-28")).context["is_default"] is False
    assert client.get(policy_url(alliance, YEAR)).context["is_default"] is True
    assert client.get(policy_url(alliance, "2027-29")).status_code == 404


def test_the_page_sets_the_floor_and_ceiling_and_shows_them(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    """docs/rules.md, Charging: the policy may set at least £300 a full day to the leader's school
    and at most £50 to the broker; the page shows the limits and offers them for editing."""
    client = login(coordinator)
    values = {**VALUES, "full_day_broker_fee": "50.00"}
    limits = {"home_school_floor": "300", "broker_fee_ceiling": "50"}
    response = client.post(f"/charging/{alliance.pk}/", {**values, **limits})
    assert response.status_code == 302
    policy = ChargingPolicy.objects.get(organisation=alliance, academic_year=YEAR)
    assert (policy.home_school_floor, policy.broker_fee_ceiling) == (
        Decimal("300.00"),
        Decimal("50.00"),
    )
    page = client.get(policy_url(alliance)).content.decode()
    assert "at least £300.00 to the leader's school" in page
    assert "at most £50.00 to the broker" in page
    assert 'name="home_school_floor"' in page


def test_a_fee_above_the_ceiling_is_refused_in_the_page(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    """docs/rules.md, Charging: the broker's ceiling is enforced with a field error."""
    response = login(coordinator).post(
        f"/charging/{alliance.pk}/", {**VALUES, "broker_fee_ceiling": "50.00"}
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_full_day_broker_fee">The broker&#x27;s fee for a full day' in page
    assert "ceiling of £50.00" in page
    assert not ChargingPolicy.objects.exists()


def test_the_page_sets_and_shows_the_members_rates(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    """docs/rules.md, Charging: members of an alliance may have a different rate."""
    client = login(coordinator)
    response = client.post(
        f"/charging/{alliance.pk}/", {**VALUES, "member_full_day_rate": "340.00"}
    )
    assert response.status_code == 302
    page = client.get(policy_url(alliance)).content.decode()
    assert "Members of the alliance pay £340.00 a full day and £160.00 a half day" in page
