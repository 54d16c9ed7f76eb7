"""Training pages: events, the attendance register, and the leaders to follow up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.core.dates import date_input_data
from syslead.leaders.models import (
    Designation,
    LeaderProfile,
    TrainingAttendance,
    TrainingEvent,
    TrainingKind,
)
from syslead.leaders.tests.factories import associate, designate, make_leader
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]


@pytest.fixture
def new_sle(alliance: Organisation, client_school: School) -> LeaderProfile:
    """Nia, a new SLE without core training."""
    leader = make_leader(school=client_school, name="Nia New", core_training_completed_on=None)
    designate(leader, "SLE", alliance)
    associate(leader, alliance)
    return leader


@pytest.fixture
def core_training(alliance: Organisation) -> TrainingEvent:
    return TrainingEvent.objects.create(
        organisation=alliance,
        kind=TrainingKind.CORE,
        title="Core training, day 1",
        held_on=AcademicYear.current().starts_on + dt.timedelta(days=20),
    )


def test_training_lists_leaders_to_follow_up(
    login: Login, coordinator: User, new_sle: LeaderProfile, lle: Designation
) -> None:
    response = login(coordinator).get("/leaders/training/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nia New" in body
    assert "core training not completed" in body
    assert "Lee Leader" in body
    assert "Missed this year&#x27;s mandatory LLE session" in body


def test_coordinator_adds_an_event(login: Login, coordinator: User, alliance: Organisation) -> None:
    response = login(coordinator).post(
        "/leaders/training/new/",
        {
            "organisation": str(alliance.pk),
            "kind": "lle_annual",
            "title": "Annual LLE session",
            **date_input_data("held_on", "2026-10-14"),
            "location": "Lincoln",
        },
    )
    event = TrainingEvent.objects.get(title="Annual LLE session")
    assert response["Location"] == f"/leaders/training/{event.pk}/"


def test_event_form_errors_are_summarised(login: Login, coordinator: User) -> None:
    body = login(coordinator).post("/leaders/training/new/", {}).content.decode()
    assert "There is a problem" in body
    assert 'href="#id_kind_0"' in body
    assert "Enter the event&#x27;s title." in body


def test_attendance_register_completes_core_training(
    login: Login,
    coordinator: User,
    new_sle: LeaderProfile,
    lle: Designation,
    core_training: TrainingEvent,
) -> None:
    client = login(coordinator)
    page = client.get(f"/leaders/training/{core_training.pk}/").content.decode()
    assert "Nia New" in page
    assert "Lee Leader" in page
    response = client.post(
        f"/leaders/training/{core_training.pk}/", {"attended": [str(new_sle.pk)]}
    )
    assert response.status_code == 302
    new_sle.refresh_from_db()
    assert new_sle.core_training_completed_on == core_training.held_on
    assert TrainingAttendance.objects.filter(event=core_training, attended=True).count() == 1
    # Unticking later records that the leader did not attend.
    client.post(f"/leaders/training/{core_training.pk}/", {})
    assert not TrainingAttendance.objects.get(event=core_training, leader=new_sle).attended


def test_training_is_refused_to_strangers_and_other_organisations(
    login: Login, stranger: User, other_coordinator: User, core_training: TrainingEvent
) -> None:
    assert login(stranger).get("/leaders/training/").status_code == 403
    assert login(stranger).get("/leaders/training/new/").status_code == 403
    for user in (stranger, other_coordinator):
        assert login(user).get(f"/leaders/training/{core_training.pk}/").status_code == 404
    assert (
        "Core training" not in login(other_coordinator).get("/leaders/training/").content.decode()
    )


def test_a_broker_lead_sees_the_register_but_cannot_change_it(
    login: Login, broker_lead: User, new_sle: LeaderProfile, core_training: TrainingEvent
) -> None:
    client = login(broker_lead)
    assert client.get(f"/leaders/training/{core_training.pk}/").status_code == 200
    response = client.post(
        f"/leaders/training/{core_training.pk}/", {"attended": [str(new_sle.pk)]}
    )
    assert response.status_code == 403
