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
from syslead.leaders import home as syslead_home
from syslead.leaders.models import Designation, LeaderProfile, TrainingEvent, TrainingKind
from syslead.leaders.selectors import (
    frequency_attention,
    training_frequency,
    training_frequency_flags,
)
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


# --- Meetings needing attention on the home page (docs/rules.md) ---------------------------------

SPRING = dt.date(2027, 2, 10)
SUMMER = dt.date(2027, 5, 10)
AUTUMN = dt.date(2026, 10, 1)


def _on(organisation: Organisation, kind: str, *days: dt.date) -> None:
    for day in days:
        TrainingEvent.objects.create(
            organisation=organisation, kind=kind, title=f"{kind} {day}", held_on=day
        )


def test_rule_home_flags_a_term_passed_with_no_meeting_and_none_this_term(
    alliance: Organisation,
) -> None:
    """docs/rules.md, "Meetings needing attention on the home page": a term of the year ended
    with no network meeting in it and none is scheduled this term."""
    assert frequency_attention({alliance.pk}, AUTUMN) == []  # nothing has ended yet
    [item] = frequency_attention({alliance.pk}, SPRING)
    assert (item.flag.kind, item.flag.count) == ("network", 0)
    assert "None in the autumn term" in item.reason
    _on(alliance, TrainingKind.NETWORK, dt.date(2027, 3, 15))  # scheduled this term
    assert frequency_attention({alliance.pk}, SPRING) == []


def test_rule_home_flags_when_the_year_can_no_longer_meet_the_frequency(
    alliance: Organisation, lle: Designation
) -> None:
    """docs/rules.md, "Meetings needing attention on the home page": fewer terms left than
    meetings missing, at one a term; the LLE group's three a year are checked likewise."""
    _on(alliance, TrainingKind.NETWORK, dt.date(2026, 11, 1), dt.date(2027, 3, 1))
    _on(alliance, TrainingKind.LLE_GROUP, dt.date(2026, 11, 2))
    # In spring, two LLE group meetings are still possible (spring and summer).
    _on(alliance, TrainingKind.LLE_GROUP, dt.date(2027, 3, 2))
    assert frequency_attention({alliance.pk}, SPRING) == []
    TrainingEvent.objects.filter(kind=TrainingKind.LLE_GROUP, held_on__year=2027).delete()
    [item] = frequency_attention({alliance.pk}, SUMMER)
    assert (item.flag.kind, item.flag.count, item.flag.fewest) == ("lle_group", 1, 3)
    assert "can no longer be met" in item.reason
    # The network's two are met: never flagged, whatever the date.
    assert all(i.flag.kind != "network" for i in frequency_attention({alliance.pk}, SUMMER))


def test_home_page_shows_missed_meetings_with_a_schedule_link(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """docs/rules.md, "Meetings needing attention on the home page": the coordinator's "Needs
    attention" names the missed meeting and links to the new event form, kind and organisation
    chosen."""
    monkeypatch.setattr(training_frequency, "_today", lambda: SUMMER)
    body = login(coordinator).get("/").content.decode()
    assert f"Schedule a leaders&#x27; network meeting for {alliance.name}" in body
    assert f"/leaders/training/new/?kind=network&amp;organisation={alliance.pk}" in body
    assert "can no longer be met" in body
    monkeypatch.setattr(training_frequency, "_today", lambda: AUTUMN)
    assert "Schedule a leaders" not in login(coordinator).get("/").content.decode()


def test_home_page_training_items_query_budget(
    login: Login,
    coordinator: User,
    alliance: Organisation,
    other_org: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Any,
) -> None:
    """The training items cost a fixed number of queries, however many organisations."""
    from syslead.accounts.models import Role, RoleAssignment

    monkeypatch.setattr(training_frequency, "_today", lambda: SPRING)
    RoleAssignment.objects.create(user=coordinator, role=Role.COORDINATOR, organisation=other_org)
    items = list(syslead_home.coordinator_training(coordinator))
    assert len(items) == 2
    with django_assert_max_num_queries(3):
        list(syslead_home.coordinator_training(coordinator))
