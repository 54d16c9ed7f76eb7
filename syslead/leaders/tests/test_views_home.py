"""The leaders area's blocks on the home page, by role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.leaders.models import Designation, LeaderProfile
from syslead.leaders.services import (
    application_submit,
    leader_declare_no_longer_meets_criteria,
    round_create,
)
from syslead.leaders.tests.factories import release
from syslead.organisations.models import Organisation

Login = Callable[[User], Client]


def test_coordinator_home_shows_decisions_and_capacity_bars(
    login: Login,
    coordinator: User,
    leader_user: User,
    alliance: Organisation,
    lle: Designation,
) -> None:
    today = timezone.localdate()
    leader = lle.leader
    release(leader, AcademicYear.current().label, "12")
    leader_declare_no_longer_meets_criteria(
        actor=leader_user, leader=leader, designation=lle, reason="My school's grade fell."
    )
    designation_round = round_create(
        actor=coordinator,
        organisation=alliance,
        designation_type_code="NLE",
        title="NLE nominations",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=1),
    )
    application_submit(
        actor=leader_user,
        round=designation_round,
        leader=leader,
        years_in_role=5,
        field_of_expertise="Leadership",
        evidence="Three schools supported.",
    )
    body = login(coordinator).get("/").content.decode()
    assert "1 application to decide in NLE nominations" in body
    assert "Decide the review of Lee Leader&#x27;s LLE designation" in body
    assert "Leaders&#x27; capacity this year" in body
    # A summary of the year, with every leader's bar a link away.
    assert (
        'Days released by their schools</dt><dd class="govuk-summary-list__value">12</dd>' in body
    )
    assert 'href="/leaders/capacity/"' in body


def test_leader_home_shows_capacity_and_open_rounds(
    login: Login,
    leader_user: User,
    leader: LeaderProfile,
    coordinator: User,
    alliance: Organisation,
) -> None:
    today = timezone.localdate()
    round_create(
        actor=coordinator,
        organisation=alliance,
        designation_type_code="SLE",
        title="SLE recruitment",
        opens_on=today,
        closes_on=today + dt.timedelta(days=30),
    )
    body = login(leader_user).get("/").content.decode()
    assert "Applications are open: SLE recruitment" in body
    assert "My capacity this year" in body
    assert "has not agreed your release days" in body


def test_home_headteacher_is_asked_to_agree_release_days(
    login: Login, home_head: User, leader: LeaderProfile
) -> None:
    body = login(home_head).get("/").content.decode()
    assert f"Agree Lee Leader&#x27;s release days for {AcademicYear.current().label}" in body
    assert "My staff who are system leaders" in body
    release(leader, AcademicYear.current().label, "10")
    body = login(home_head).get("/").content.decode()
    assert f"release days for {AcademicYear.current().label}" not in body


def test_strangers_and_other_organisations_see_none_of_it(
    login: Login, stranger: User, other_coordinator: User, client_head: User, lle: Designation
) -> None:
    for user in (stranger, other_coordinator, client_head):
        body = login(user).get("/").content.decode()
        assert "Lee Leader" not in body
