"""The training network (docs/rules.md: Training): the kinds of event, the calendar file, and the
check that the leaders' network meets 2–3 times a year and the LLE group 3 times a year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.leaders.models import Designation, LeaderProfile, TrainingEvent, TrainingKind
from syslead.leaders.selectors import training_frequency_flags
from syslead.leaders.services import attendance_record, training_event_create
from syslead.leaders.tests.factories import associate, designate, make_leader
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]


def _events(organisation: Organisation, kind: str, count: int, year: AcademicYear) -> None:
    for n in range(count):
        TrainingEvent.objects.create(
            organisation=organisation,
            kind=kind,
            title=f"{kind} {n + 1}",
            held_on=year.starts_on + dt.timedelta(days=30 * (n + 1)),
        )


def test_rule_network_meets_two_or_three_times_a_year(alliance: Organisation) -> None:
    """docs/rules.md, Training: the leaders' network meets two or three times a year; fewer (or
    more) meetings held or scheduled in the academic year are flagged."""
    year = AcademicYear.current()
    _events(alliance, TrainingKind.NETWORK, 1, year)
    # A meeting of the year before does not count.
    TrainingEvent.objects.create(
        organisation=alliance,
        kind=TrainingKind.NETWORK,
        title="Last year's",
        held_on=year.starts_on - dt.timedelta(days=10),
    )
    [flag] = training_frequency_flags({alliance.pk}, year)
    assert (flag.kind, flag.count, flag.too_few) == ("network", 1, True)
    assert "Schedule 1 more" in flag.message
    _events(alliance, TrainingKind.NETWORK, 1, year)
    assert training_frequency_flags({alliance.pk}, year) == []
    _events(alliance, TrainingKind.NETWORK, 2, year)
    [flag] = training_frequency_flags({alliance.pk}, year)
    assert (flag.count, flag.too_few) == (4, False)


def test_rule_lle_group_meets_three_times_a_year_where_there_are_lles(
    alliance: Organisation, lle: Designation
) -> None:
    """docs/rules.md, Training: an organisation with LLEs holds three LLE group meetings with the
    local-authority officer a year; fewer are flagged."""
    year = AcademicYear.current()
    _events(alliance, TrainingKind.NETWORK, 2, year)
    _events(alliance, TrainingKind.LLE_GROUP, 2, year)
    [flag] = training_frequency_flags({alliance.pk}, year)
    assert (flag.kind, flag.count, flag.fewest) == ("lle_group", 2, 3)
    _events(alliance, TrainingKind.LLE_GROUP, 1, year)
    assert training_frequency_flags({alliance.pk}, year) == []


def test_rule_lle_group_not_expected_without_lles(alliance: Organisation) -> None:
    """docs/rules.md, Training: the LLE group check applies only to organisations with LLEs."""
    year = AcademicYear.current()
    _events(alliance, TrainingKind.NETWORK, 2, year)
    assert training_frequency_flags({alliance.pk}, year) == []


def test_training_page_flags_missing_meetings_with_an_action(
    login: Login, coordinator: User, alliance: Organisation, lle: Designation
) -> None:
    """docs/rules.md, Training: the coordinator's training page lists the missing meetings as
    needing attention, with a link that schedules one (kind and organisation preselected)."""
    client = login(coordinator)
    body = client.get("/leaders/training/").content.decode()
    assert "Meetings needing attention" in body
    link = f"/leaders/training/new/?kind=network&amp;organisation={alliance.pk}"
    assert link in body
    assert f"/leaders/training/new/?kind=lle_group&amp;organisation={alliance.pk}" in body
    form = client.get(
        f"/leaders/training/new/?kind=lle_group&organisation={alliance.pk}"
    ).content.decode()
    assert 'name="kind" value="lle_group" id="id_kind_3" checked>' in form
    assert form.count(" checked") == 1


def test_new_kinds_of_event_and_deployability_still_from_core_training(
    coordinator: User, alliance: Organisation, client_school: School
) -> None:
    """docs/rules.md, Training: LLE group meetings and enrichment sessions are training events too;
    attending them does not complete core training, so deployability is unchanged."""
    leader = make_leader(school=client_school, name="Nia New", core_training_completed_on=None)
    designate(leader, "SLE", alliance)
    associate(leader, alliance)
    for kind in (TrainingKind.LLE_GROUP, TrainingKind.ENRICHMENT):
        event = training_event_create(
            actor=coordinator,
            organisation=alliance,
            kind=kind,
            title=f"A {kind}",
            held_on=dt.date(2026, 10, 1),
        )
        attendance_record(actor=coordinator, event=event, leader=leader)
    leader.refresh_from_db()
    assert leader.core_training_completed_on is None


@pytest.fixture
def network_meeting(alliance: Organisation) -> TrainingEvent:
    return TrainingEvent.objects.create(
        organisation=alliance,
        kind=TrainingKind.NETWORK,
        title="Autumn network meeting",
        held_on=dt.date(2026, 11, 12),
        location="Lincoln",
    )


def test_event_downloads_as_an_all_day_calendar_file(
    login: Login, coordinator: User, network_meeting: TrainingEvent
) -> None:
    """docs/rules.md, Training: an event can be added to a calendar (an .ics file)."""
    client = login(coordinator)
    page = client.get(f"/leaders/training/{network_meeting.pk}/").content.decode()
    assert f"/leaders/training/{network_meeting.pk}/event.ics" in page
    response = client.get(f"/leaders/training/{network_meeting.pk}/event.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert 'filename="training-2026-11-12.ics"' in response["Content-Disposition"]
    body = response.content.decode()
    assert "DTSTART;VALUE=DATE:20261112" in body
    assert "DTEND;VALUE=DATE:20261113" in body
    assert f"UID:training-event-{network_meeting.pk}@syslead" in body
    assert "LOCATION:Lincoln" in body


def test_calendar_file_is_refused_to_those_who_may_not_see_the_event(
    login: Login, stranger: User, other_coordinator: User, network_meeting: TrainingEvent
) -> None:
    for user in (stranger, other_coordinator):
        assert login(user).get(f"/leaders/training/{network_meeting.pk}/event.ics").status_code == (
            404
        )


def test_training_page_query_budget(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
    lle: Designation,
    django_assert_max_num_queries: Any,
) -> None:
    """The training list stays within a fixed number of queries as events and leaders grow."""
    year = AcademicYear.current()
    _events(alliance, TrainingKind.NETWORK, 3, year)
    _events(alliance, TrainingKind.ENRICHMENT, 5, year)
    for n in range(5):
        leader: LeaderProfile = make_leader(school=client_school, name=f"Leader {n}")
        designate(leader, "SLE", alliance)
        associate(leader, alliance)
    client = login(coordinator)
    with django_assert_max_num_queries(20):
        assert client.get("/leaders/training/").status_code == 200
