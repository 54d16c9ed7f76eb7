"""The leader's own profile, the leader page, and adding or editing a leader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from syslead.accounts.models import Role, RoleAssignment, User
from syslead.core.academic_years import AcademicYear
from syslead.core.dates import date_input_data
from syslead.leaders.models import Designation, DesignationStatus, LeaderProfile
from syslead.leaders.tests.factories import make_deployment, release
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]


# My profile ------------------------------------------------------------------------------------


def test_my_profile_shows_profile_designations_capacity_and_publication(
    login: Login, leader_user: User, lle: Designation
) -> None:
    release(lle.leader, AcademicYear.current().label, "8")
    response = login(leader_user).get("/leaders/me/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Lee Leader" in body
    assert "Mount Street Academy" in body
    assert "LLE" in body
    assert "Not published" in body
    assert 'role="img"' in body  # the capacity bar
    assert "8 released" in body
    assert "I no longer meet the criteria" in body


def test_my_profile_without_a_profile_says_to_ask_the_coordinator(
    login: Login, leader_user: User
) -> None:
    response = login(leader_user).get("/leaders/me/")
    assert response.status_code == 200
    assert "has not been set up yet" in response.content.decode()


def test_my_profile_refuses_a_stranger_and_sends_anonymous_to_sign_in(
    login: Login, client: Client, stranger: User
) -> None:
    assert client.get("/leaders/me/").status_code == 302
    assert login(stranger).get("/leaders/me/").status_code == 403
    assert login(stranger).get("/leaders/me/edit/").status_code == 403


def test_leader_edits_their_profile_and_consents_to_publish_parts(
    login: Login, leader_user: User, leader: LeaderProfile
) -> None:
    response = login(leader_user).post(
        "/leaders/me/edit/",
        {
            "job_title": "Deputy headteacher (maths)",
            "specialisms": ["maths", "assessment"],
            "phases": ["primary", "middle"],
            "years_experience": "6",
            "pen_portrait": "I lead maths across three schools.",
            "declared_conflicts": "Ermine Primary: my sister teaches there.",
            "publish_profile": "on",
            "publish_name": "on",
            "publish_specialisms": "on",
        },
    )
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.job_title == "Deputy headteacher (maths)"
    assert sorted(leader.specialisms.values_list("code", flat=True)) == ["assessment", "maths"]
    assert sorted(leader.phase_rows.values_list("phase", flat=True)) == ["middle", "primary"]
    assert leader.years_experience == 6
    assert leader.declared_conflicts.startswith("Ermine Primary")
    assert leader.publish_profile
    assert leader.publish_name
    assert leader.publish_specialisms
    assert not leader.publish_school
    assert not leader.publish_pen_portrait


def test_profile_form_errors_are_summarised_at_the_top(
    login: Login, leader_user: User, leader: LeaderProfile
) -> None:
    response = login(leader_user).post(
        "/leaders/me/edit/", {"job_title": "", "years_experience": "-1"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert '<a href="#id_job_title">Enter the job title.</a>' in body
    assert 'href="#id_years_experience"' in body
    assert response.context["form"].errors


def test_leader_declares_they_no_longer_meet_the_criteria(
    login: Login, leader_user: User, lle: Designation
) -> None:
    client = login(leader_user)
    url = f"/leaders/me/designations/{lle.pk}/no-longer-met/"
    assert "There is a problem" in client.post(url, {"reason": ""}).content.decode()
    response = client.post(url, {"reason": "My school was judged requires improvement."})
    assert response.status_code == 302
    lle.refresh_from_db()
    assert lle.status == DesignationStatus.UNDER_REVIEW
    page = client.get("/leaders/me/").content.decode()
    assert "under review" in page


def test_a_leader_cannot_declare_on_someone_elses_designation(
    login: Login, lle: Designation, stranger: User
) -> None:
    RoleAssignment.objects.create(user=stranger, role=Role.SYSTEM_LEADER)
    response = login(stranger).get(f"/leaders/me/designations/{lle.pk}/no-longer-met/")
    assert response.status_code in (403, 404)


# The leader page ---------------------------------------------------------------------------------


def test_coordinator_sees_the_leader_page_with_capacity_training_and_timeline(
    login: Login,
    coordinator: User,
    lle: Designation,
    alliance: Organisation,
    client_school: School,
) -> None:
    leader = lle.leader
    year = AcademicYear.current()
    release(leader, year.label, "10")
    make_deployment(
        leader,
        organisation=alliance,
        client_school=client_school,
        starts_on=year.starts_on + dt.timedelta(days=40),
        academic_year=year.label,
        full_days=3,
    )
    response = login(coordinator).get(f"/leaders/{leader.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Lee Leader" in body
    assert "Ermine Primary Academy" in body  # the deployment
    capacity = response.context["capacities"][0]
    assert (capacity.released, capacity.committed, capacity.remaining) == (10, 3, 7)
    assert "Invoiced" in body
    assert "Remaining" in body
    assert "designated LLE" in body  # the timeline
    assert "Edit profile" in body
    assert f"/requests/direct-approaches/new/?leader={leader.pk}" in body


def test_leader_page_is_hidden_from_strangers_and_other_organisations(
    login: Login, client: Client, stranger: User, other_coordinator: User, lle: Designation
) -> None:
    url = f"/leaders/{lle.leader_id}/"
    assert client.get(url).status_code == 302
    assert login(stranger).get(url).status_code == 404
    assert login(other_coordinator).get(url).status_code == 404
    assert login(other_coordinator).get(f"{url}edit/").status_code == 404


def test_home_headteacher_sees_the_page_but_cannot_edit(
    login: Login, home_head: User, lle: Designation
) -> None:
    client = login(home_head)
    assert client.get(f"/leaders/{lle.leader_id}/").status_code == 200
    assert client.get(f"/leaders/{lle.leader_id}/edit/").status_code == 403


# Editing and adding leaders ---------------------------------------------------------------------


def test_coordinator_edits_a_leader_including_core_training(
    login: Login, coordinator: User, leader: LeaderProfile, client_school: School
) -> None:
    response = login(coordinator).post(
        f"/leaders/{leader.pk}/edit/",
        {
            "home_school": str(client_school.urn),
            "job_title": "Headteacher",
            "is_headteacher": "on",
            "specialisms": ["leadership"],
            "phases": ["primary"],
            "years_experience": "5",
            **date_input_data("core_training_completed_on", "2025-10-01"),
        },
    )
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.home_school_id == client_school.urn
    assert leader.is_headteacher
    assert leader.core_training_completed_on == dt.date(2025, 10, 1)


def test_an_unknown_home_school_is_shown_against_the_field(
    login: Login, coordinator: User, leader: LeaderProfile
) -> None:
    response = login(coordinator).post(
        f"/leaders/{leader.pk}/edit/",
        {"home_school": "999999", "job_title": "Deputy", "years_experience": "3"},
    )
    assert response.status_code == 200
    assert "No school with URN 999999 in the register." in response.content.decode()
    assert 'href="#id_home_school"' in response.content.decode()


def test_coordinator_adds_a_new_person_as_a_leader(
    login: Login, coordinator: User, alliance: Organisation, home_school: School
) -> None:
    client = login(coordinator)
    found = client.get("/leaders/new/", {"school_q": "Mount Street"})
    assert "Use this school" in found.content.decode()
    response = client.post(
        "/leaders/new/",
        {
            "email": "nina.new@school.test",
            "name": "Nina New",
            "organisation": str(alliance.pk),
            "home_school": str(home_school.urn),
            "job_title": "Assistant headteacher",
            "years_experience": "3",
            "specialisms": ["english"],
            "phases": ["primary"],
        },
    )
    assert response.status_code == 302
    leader = LeaderProfile.objects.get(user__email="nina.new@school.test")
    assert leader.created_by_organisation == alliance
    assert leader.user.name == "Nina New"
    assert RoleAssignment.objects.filter(user=leader.user, role=Role.SYSTEM_LEADER).exists()
    assert response["Location"] == f"/leaders/{leader.pk}/"


def test_coordinator_adds_an_existing_person_by_email(
    login: Login, coordinator: User, alliance: Organisation, home_school: School, home_head: User
) -> None:
    response = login(coordinator).post(
        "/leaders/new/",
        {
            "email": home_head.email.upper(),
            "organisation": str(alliance.pk),
            "home_school": str(home_school.urn),
            "job_title": "Headteacher",
            "is_headteacher": "on",
            "years_experience": "9",
            "phases": ["primary"],
        },
    )
    assert response.status_code == 302
    assert LeaderProfile.objects.get(user=home_head).is_headteacher


def test_adding_someone_new_needs_their_name_and_a_known_school(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    response = login(coordinator).post(
        "/leaders/new/",
        {
            "email": "nobody@school.test",
            "organisation": str(alliance.pk),
            "home_school": "424242",
            "job_title": "Deputy",
            "years_experience": "3",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter the full name of someone new to Syslead." in body
    assert not User.objects.filter(email="nobody@school.test").exists()


def test_adding_a_leader_twice_is_refused_in_the_page(
    login: Login, coordinator: User, alliance: Organisation, leader: LeaderProfile
) -> None:
    response = login(coordinator).post(
        "/leaders/new/",
        {
            "email": leader.user.email,
            "organisation": str(alliance.pk),
            "home_school": str(leader.home_school_id),
            "job_title": "Deputy",
            "years_experience": "3",
        },
    )
    assert response.status_code == 200
    assert "already has a system leader profile" in response.content.decode()


@pytest.mark.parametrize("who", ["stranger", "leader_user", "home_head", "sip"])
def test_only_coordinators_add_leaders(
    request: pytest.FixtureRequest, login: Login, who: str
) -> None:
    assert login(request.getfixturevalue(who)).get("/leaders/new/").status_code == 403
