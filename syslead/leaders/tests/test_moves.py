"""A leader moves school (docs/rules.md, "A leader moves school"): the service's rules, the page,
the flags on live agreements and the new headteacher's request."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_school, make_user
from syslead.accounts.models import Role, User
from syslead.core.academic_years import AcademicYear
from syslead.core.dates import date_input_data
from syslead.core.exceptions import NotAllowed
from syslead.core.models import Event
from syslead.deployments.home import coordinator_leaders_moved
from syslead.deployments.models import ChangeKind, Deployment, DeploymentStatus, MoveFlag
from syslead.deployments.moves import open_move_flags_of
from syslead.deployments.services import deployment_record_change
from syslead.leaders.models import (
    Association,
    Designation,
    Employment,
    LeaderProfile,
)
from syslead.leaders.services import leader_move_school
from syslead.leaders.tests.factories import make_deployment, release
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]
Capture = Any


@pytest.fixture
def new_school(db: None) -> School:
    return make_school(120030, "Bracebridge Heath St John's")


@pytest.fixture
def new_head(new_school: School) -> User:
    return make_user("nell@bracebridge.test", "Nell New-Head", (Role.HEADTEACHER, new_school))


def _year() -> AcademicYear:
    return AcademicYear.current()


def _move_day() -> dt.date:
    """A day in this academic year, after its first month (agreements start before it)."""
    return _year().starts_on + dt.timedelta(days=60)


def _event_verbs(subject: Any) -> list[str]:
    return list(
        Event.objects.filter(subject_id=str(subject.pk))
        .order_by("pk")
        .values_list("verb", flat=True)
    )


# The service --------------------------------------------------------------------------------------


def test_a_move_records_the_history_and_keeps_the_rest_of_the_profile(
    leader: LeaderProfile,
    lle: Designation,
    coordinator: User,
    home_school: School,
    new_school: School,
    new_head: User,
) -> None:
    specialisms = sorted(leader.specialisms.values_list("code", flat=True))
    move = leader_move_school(
        actor=coordinator, leader=leader, new_school=new_school.urn, from_date=_move_day()
    )
    leader.refresh_from_db()
    assert leader.home_school_id == new_school.pk
    history = list(Employment.objects.filter(leader=leader).order_by("pk"))
    assert [(row.school_id, row.is_current) for row in history] == [
        (home_school.pk, False),
        (new_school.pk, True),
    ]
    assert history[0].starts_on is None
    assert history[0].ends_on == _move_day() - dt.timedelta(days=1)
    assert history[1].starts_on == _move_day()
    assert history[1].ends_on is None
    assert history[1].headteacher == new_head
    assert history[1].headteacher_name == "Nell New-Head"
    assert move.employment == history[1]
    # Designations, specialisms and association are untouched.
    assert Designation.objects.get(pk=lle.pk).status == lle.status
    assert Association.objects.filter(leader=leader, is_live=True).count() == 1
    assert sorted(leader.specialisms.values_list("code", flat=True)) == specialisms
    assert "leader.moved_school" in _event_verbs(leader)


def test_at_most_one_employment_is_current_per_leader(
    leader: LeaderProfile, home_school: School, new_school: School
) -> None:
    Employment.objects.create(leader=leader, school=home_school, is_current=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Employment.objects.create(leader=leader, school=new_school, is_current=True)


def test_a_second_move_closes_the_first_and_must_come_after_it(
    leader: LeaderProfile, coordinator: User, new_school: School, far_school: School
) -> None:
    leader_move_school(
        actor=coordinator, leader=leader, new_school=new_school, from_date=_move_day()
    )
    with pytest.raises(ValidationError) as refused:
        leader_move_school(
            actor=coordinator,
            leader=leader,
            new_school=far_school,
            from_date=_move_day() - dt.timedelta(days=1),
        )
    assert "from_date" in refused.value.message_dict
    assert "must be after" in refused.value.message_dict["from_date"][0]
    later = _move_day() + dt.timedelta(days=30)
    leader_move_school(actor=coordinator, leader=leader, new_school=far_school, from_date=later)
    rows = list(Employment.objects.filter(leader=leader).order_by("pk"))
    assert [row.is_current for row in rows] == [False, False, True]
    assert rows[1].ends_on == later - dt.timedelta(days=1)


def test_moving_to_the_same_school_or_an_unknown_one_is_refused_and_nothing_is_written(
    leader: LeaderProfile, coordinator: User, home_school: School
) -> None:
    with pytest.raises(ValidationError) as same:
        leader_move_school(
            actor=coordinator, leader=leader, new_school=home_school, from_date=_move_day()
        )
    assert "already" in same.value.message_dict["new_school"][0]
    with pytest.raises(ValidationError) as unknown:
        leader_move_school(
            actor=coordinator, leader=leader, new_school=999999, from_date=_move_day()
        )
    assert "No school with URN 999999" in unknown.value.message_dict["new_school"][0]
    assert not Employment.objects.filter(leader=leader).exists()


def test_the_old_schools_release_stops_at_the_move_keeping_the_days_committed(
    leader: LeaderProfile,
    coordinator: User,
    home_head: User,
    new_school: School,
    client_school: School,
    alliance: Organisation,
) -> None:
    year = _year()
    this_year = release(leader, year.label, "10")
    this_year.headteacher_consent_by = home_head
    this_year.headteacher_consent_at = timezone.now()
    this_year.save()
    next_year = release(leader, year.next().label, "8")
    make_deployment(
        leader,
        organisation=alliance,
        client_school=client_school,
        starts_on=year.starts_on + dt.timedelta(days=30),
        academic_year=year.label,
        full_days=3,
        half_days=1,
    )
    move = leader_move_school(
        actor=coordinator, leader=leader, new_school=new_school, from_date=_move_day()
    )
    this_year.refresh_from_db()
    next_year.refresh_from_db()
    assert this_year.days == Decimal("3.5")  # committed: 3 full days and a half day
    assert this_year.headteacher_consent_by is None
    assert next_year.days == Decimal("0")
    assert {r.academic_year for r in move.stopped} == {year.label, year.next().label}
    assert "release.stopped" in _event_verbs(this_year)


def test_an_earlier_years_release_is_left_alone(
    leader: LeaderProfile, coordinator: User, new_school: School
) -> None:
    earlier = release(leader, _year().previous().label, "12")
    leader_move_school(
        actor=coordinator, leader=leader, new_school=new_school, from_date=_move_day()
    )
    earlier.refresh_from_db()
    assert earlier.days == Decimal("12")


def test_the_new_headteacher_is_asked_in_the_app_and_by_email(
    leader: LeaderProfile,
    coordinator: User,
    new_school: School,
    new_head: User,
    home_head: User,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        move = leader_move_school(
            actor=coordinator, leader=leader, new_school=new_school, from_date=_move_day()
        )
    assert move.asked == [new_head]
    notification = Notification.objects.get(user=new_head)
    assert notification.url == reverse("leaders:release") + f"#leader-{leader.pk}"
    assert "agree the days" in notification.text
    assert not Notification.objects.filter(user=home_head).exists()
    assert [message.to for message in mail.outbox] == [["nell@bracebridge.test"]]
    assert move.employment.release_asked_at is not None


def test_a_school_without_a_headteacher_account_is_said_so(
    leader: LeaderProfile, coordinator: User, new_school: School
) -> None:
    move = leader_move_school(
        actor=coordinator, leader=leader, new_school=new_school, from_date=_move_day()
    )
    assert move.asked == []
    assert move.employment.release_asked_at is None
    assert not Notification.objects.exists()


def test_a_headteacher_named_must_be_the_new_schools(
    leader: LeaderProfile, coordinator: User, new_school: School, home_head: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        leader_move_school(
            actor=coordinator,
            leader=leader,
            new_school=new_school,
            from_date=_move_day(),
            headteacher=home_head,
        )
    assert "headteacher" in refused.value.message_dict


def test_live_agreements_are_flagged_and_recording_the_change_settles_the_flag(
    leader: LeaderProfile,
    coordinator: User,
    new_school: School,
    client_school: School,
    alliance: Organisation,
) -> None:
    def agreement(status: str) -> Deployment:
        return make_deployment(
            leader,
            organisation=alliance,
            client_school=client_school,
            starts_on=_year().starts_on + dt.timedelta(days=20),
            academic_year=_year().label,
            status=status,
        )

    active = agreement(DeploymentStatus.ACTIVE)
    paused = agreement(DeploymentStatus.PAUSED)
    completed = agreement(DeploymentStatus.COMPLETED)
    draft = agreement(DeploymentStatus.DRAFT)
    move = leader_move_school(
        actor=coordinator, leader=leader, new_school=new_school, from_date=_move_day()
    )
    assert {d.pk for d in move.flagged} == {active.pk, paused.pk}
    assert set(MoveFlag.objects.values_list("deployment_id", flat=True)) == {active.pk, paused.pk}
    for deployment in (active, paused):
        assert "deployment.leader_moved" in _event_verbs(deployment)
    for deployment in (completed, draft):
        assert "deployment.leader_moved" not in _event_verbs(deployment)
    assert {f.deployment_id for f in open_move_flags_of([alliance.pk])} == {active.pk, paused.pk}

    # Recording another kind of change does not settle it; "the leader has left" does.
    deployment_record_change(
        actor=coordinator, deployment=active, kind=ChangeKind.OTHER, reason="Termly check"
    )
    assert active.pk in {f.deployment_id for f in open_move_flags_of([alliance.pk])}
    deployment_record_change(
        actor=coordinator,
        deployment=active,
        kind=ChangeKind.LEADER_LEFT_SCHOOL,
        reason="Lee moved to Bracebridge; the new head agrees to continue.",
    )
    assert {f.deployment_id for f in open_move_flags_of([alliance.pk])} == {paused.pk}


def test_the_leader_may_record_their_own_move(
    leader: LeaderProfile, leader_user: User, new_school: School
) -> None:
    leader_move_school(
        actor=leader_user, leader=leader, new_school=new_school, from_date=_move_day()
    )
    assert Employment.objects.get(leader=leader, is_current=True).school == new_school


@pytest.mark.parametrize("who", ["home_head", "broker_lead", "sip", "other_coordinator"])
def test_others_may_not_record_a_move(
    who: str, leader: LeaderProfile, new_school: School, request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        leader_move_school(actor=actor, leader=leader, new_school=new_school, from_date=_move_day())
    assert not Employment.objects.exists()


# The page ---------------------------------------------------------------------------------------


def _url(leader: LeaderProfile) -> str:
    return reverse("leaders:move_school", args=[leader.pk])


def test_the_profile_links_to_the_page_and_the_page_records_the_move(
    login: Login, coordinator: User, leader: LeaderProfile, new_school: School
) -> None:
    client = login(coordinator)
    profile = client.get(reverse("leaders:detail", args=[leader.pk]))
    assert _url(leader) in profile.content.decode()
    page = client.get(_url(leader))
    assert page.status_code == 200
    body = page.content.decode()
    assert "govuk-heading-l" in body
    assert 'name="from_date_day"' in body
    answer = client.post(_url(leader), _posted(new_school.urn, _move_day()))
    assert answer.status_code == 302
    assert answer.headers["Location"] == reverse("leaders:detail", args=[leader.pk])
    leader.refresh_from_db()
    assert leader.home_school == new_school
    shown = client.get(reverse("leaders:detail", args=[leader.pk])).content.decode()
    assert "Bracebridge Heath St John" in shown
    assert "Schools" in shown


def test_the_leader_records_their_move_from_their_own_profile(
    login: Login, leader_user: User, leader: LeaderProfile, new_school: School
) -> None:
    client = login(leader_user)
    assert _url(leader) in client.get(reverse("leaders:my_profile")).content.decode()
    answer = client.post(_url(leader), _posted(new_school.urn, _move_day()))
    assert answer.headers["Location"] == reverse("leaders:my_profile")


def _posted(urn: object, day: dt.date | str | None) -> dict[str, str]:
    """The form as a browser posts it: the URN and the date input's three parts."""
    data = {"new_school": str(urn)}
    if isinstance(day, dt.date):
        data.update(date_input_data("from_date", day))
    elif isinstance(day, str):
        parts = day.split("-")
        data.update(
            {"from_date_year": parts[0], "from_date_month": parts[1], "from_date_day": parts[2]}
        )
    return data


@pytest.mark.parametrize(
    ("urn", "day", "message"),
    [
        ("120002", "move", "is already"),
        ("", "move", "Give the URN of the school"),
        ("abc", "move", "The URN is a number"),
        ("99999999999999999999", "move", "No school has a URN"),
        ("120030", "2026-13-45", "Works there from must be a real date"),
        ("120030", "26-1-1", "Year must include 4 numbers"),
        ("120030", None, "Give the date"),
        ("120030", "1900-01-01", "must be on or after"),
        ("120030", "9999-12-31", "within a year"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(
    urn: str,
    day: str | None,
    message: str,
    login: Login,
    coordinator: User,
    leader: LeaderProfile,
    new_school: School,
) -> None:
    answer = login(coordinator).post(
        _url(leader), _posted(urn, _move_day() if day == "move" else day)
    )
    assert answer.status_code == 200
    body = answer.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert not Employment.objects.exists()


def test_a_date_before_the_current_employments_start_is_refused_on_the_page(
    login: Login,
    coordinator: User,
    leader: LeaderProfile,
    new_school: School,
    far_school: School,
) -> None:
    leader_move_school(
        actor=coordinator, leader=leader, new_school=new_school, from_date=_move_day()
    )
    earlier = _move_day() - dt.timedelta(days=10)
    answer = login(coordinator).post(_url(leader), _posted(far_school.urn, earlier))
    assert answer.status_code == 200
    assert "The move must be after" in answer.content.decode()
    assert Employment.objects.filter(leader=leader).count() == 2


def test_the_page_is_refused_to_those_who_may_not_record_a_move(
    login: Login,
    leader: LeaderProfile,
    home_head: User,
    broker_lead: User,
    other_coordinator: User,
    alliance: Organisation,
) -> None:
    Association.objects.create(leader=leader, organisation=alliance, starts_on=dt.date(2025, 9, 1))
    assert login(home_head).get(_url(leader)).status_code == 403
    assert login(broker_lead).get(_url(leader)).status_code == 403
    assert login(other_coordinator).get(_url(leader)).status_code == 404


# The coordinator's flag and the new headteacher's item -------------------------------------------


def test_the_agreement_and_the_home_page_open_the_change_form_on_the_leader_left_change(
    login: Login,
    coordinator: User,
    leader: LeaderProfile,
    new_school: School,
    client_school: School,
    alliance: Organisation,
) -> None:
    active = make_deployment(
        leader,
        organisation=alliance,
        client_school=client_school,
        starts_on=_year().starts_on + dt.timedelta(days=20),
        academic_year=_year().label,
    )
    leader_move_school(
        actor=coordinator, leader=leader, new_school=new_school, from_date=_move_day()
    )
    client = login(coordinator)
    change_url = reverse("deployments:change", args=[active.pk]) + "?kind=leader_left_school"
    detail = client.get(reverse("deployments:detail", args=[active.pk])).content.decode()
    assert "Leader has moved to Bracebridge Heath St John" in detail
    assert change_url.replace("&", "&amp;") in detail
    home = client.get(reverse("core:home")).content.decode()
    assert "Lee Leader has moved to Bracebridge Heath St John" in home
    form = client.get(change_url).content.decode()
    radio = re.search(r'<input[^>]*value="leader_left_school"[^>]*>', form)
    assert radio is not None
    assert "checked" in radio.group(0)


def test_the_new_headteacher_sees_the_release_to_agree_after_the_move(
    login: Login,
    coordinator: User,
    leader: LeaderProfile,
    new_school: School,
    new_head: User,
) -> None:
    release(leader, _year().label, "10")
    leader_move_school(
        actor=coordinator, leader=leader, new_school=new_school, from_date=_move_day()
    )
    home = login(new_head).get(reverse("core:home")).content.decode()
    assert f"Agree {leader.name}&#x27;s release days for the rest of {_year().label}" in home
    page = login(new_head).get(reverse("leaders:release")).content.decode()
    assert f'id="leader-{leader.pk}"' in page


# Query budgets ----------------------------------------------------------------------------------


def _queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_the_coordinators_flags_cost_one_query_however_many(
    coordinator: User,
    leader: LeaderProfile,
    new_school: School,
    client_school: School,
    alliance: Organisation,
) -> None:
    for _ in range(4):
        make_deployment(
            leader,
            organisation=alliance,
            client_school=client_school,
            starts_on=_year().starts_on + dt.timedelta(days=20),
            academic_year=_year().label,
        )
    leader_move_school(
        actor=coordinator, leader=leader, new_school=new_school, from_date=_move_day()
    )
    items: list[Any] = []
    coordinated = _queries(lambda: items.extend(coordinator_leaders_moved(coordinator)))
    assert len(items) == 4
    assert coordinated <= 2  # the user's roles (cached afterwards) and the flags


def test_the_profiles_school_history_costs_the_same_however_many_moves(
    login: Login, coordinator: User, leader: LeaderProfile, new_school: School
) -> None:
    client = login(coordinator)
    url = reverse("leaders:detail", args=[leader.pk])
    leader_move_school(
        actor=coordinator, leader=leader, new_school=new_school, from_date=_move_day()
    )
    client.get(url)
    once = _queries(lambda: client.get(url))
    for step, urn in enumerate((120031, 120032, 120033), start=1):
        school = make_school(urn, f"School {urn}")
        leader_move_school(
            actor=coordinator,
            leader=LeaderProfile.objects.get(pk=leader.pk),
            new_school=school,
            from_date=_move_day() + dt.timedelta(days=step),
        )
    assert _queries(lambda: client.get(url)) == once
