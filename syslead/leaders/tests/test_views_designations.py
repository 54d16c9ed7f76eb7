"""Designation pages: types, rounds, applications through the stages, designating directly,
reviews and revocation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.dates import date_input_data
from syslead.leaders.models import (
    ApplicationStage,
    Designation,
    DesignationApplication,
    DesignationRound,
    DesignationStatus,
    DesignationType,
    LeaderProfile,
)
from syslead.leaders.services import application_submit, round_create
from syslead.organisations.models import Organisation
from syslead.schools.models import OfstedInspection, OfstedRating

Login = Callable[[User], Client]


@pytest.fixture
def open_round(coordinator: User, alliance: Organisation) -> DesignationRound:
    today = timezone.localdate()
    return round_create(
        actor=coordinator,
        organisation=alliance,
        designation_type_code="SLE",
        title="SLE recruitment",
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=20),
        target=5,
        priorities="Maths and phonics in the east of the county.",
    )


@pytest.fixture
def application(
    leader_user: User, leader: LeaderProfile, open_round: DesignationRound
) -> DesignationApplication:
    return application_submit(
        actor=leader_user,
        round=open_round,
        leader=leader,
        years_in_role=4,
        field_of_expertise="Primary maths",
        evidence="Raised attainment in maths across the trust.",
    )


# Designation types --------------------------------------------------------------------------------


def test_coordinator_sees_built_in_types_and_adds_their_own(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    client = login(coordinator)
    page = client.get("/leaders/designation-types/").content.decode()
    assert "SLE" in page
    assert "NLG" in page
    assert "Built in" in page
    response = client.post(
        "/leaders/designation-types/",
        {
            "organisation": str(alliance.pk),
            "code": "MLE",
            "name": "Maths Leader of Education",
            "min_years_experience": "2",
            "excludes_headteacher": "on",
        },
    )
    assert response.status_code == 302
    assert DesignationType.objects.get(code="MLE", organisation=alliance).excludes_headteacher


def test_a_built_in_code_is_refused_against_the_field(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    response = login(coordinator).post(
        "/leaders/designation-types/",
        {
            "organisation": str(alliance.pk),
            "code": "LLE",
            "name": "Another",
            "min_years_experience": "0",
        },
    )
    assert response.status_code == 200
    assert "is a built-in designation type" in response.content.decode()
    assert 'href="#id_code"' in response.content.decode()


@pytest.mark.parametrize("who", ["stranger", "leader_user", "sip"])
def test_only_coordinators_manage_types_and_rounds(
    request: pytest.FixtureRequest, login: Login, who: str
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get("/leaders/designation-types/").status_code == 403
    assert client.get("/leaders/rounds/new/").status_code == 403


# Rounds ------------------------------------------------------------------------------------------


def test_coordinator_opens_a_round_with_window_target_and_priorities(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    client = login(coordinator)
    response = client.post(
        "/leaders/rounds/new/",
        {
            "organisation": str(alliance.pk),
            "designation_type": "LLE",
            "title": "LLE recruitment 2014-15",
            **date_input_data("opens_on", "2014-10-13"),
            **date_input_data("closes_on", "2014-12-15"),
            "target": "4",
            "priorities": "Lincolnshire primaries",
        },
    )
    designation_round = DesignationRound.objects.get(title="LLE recruitment 2014-15")
    assert response["Location"] == f"/leaders/rounds/{designation_round.pk}/"
    listing = client.get("/leaders/rounds/").content.decode()
    assert "LLE recruitment 2014-15" in listing
    assert "Closed" in listing


def test_a_window_that_closes_before_it_opens_is_an_error(
    login: Login, coordinator: User, alliance: Organisation
) -> None:
    response = login(coordinator).post(
        "/leaders/rounds/new/",
        {
            "organisation": str(alliance.pk),
            "designation_type": "SLE",
            "title": "Backwards",
            **date_input_data("opens_on", "2026-12-15"),
            **date_input_data("closes_on", "2026-10-13"),
            "target": "1",
        },
    )
    assert "The window must close on or after it opens." in response.content.decode()
    assert 'href="#id_closes_on_0"' in response.content.decode()


def test_round_page_lists_applications_by_stage_with_the_criteria_check(
    login: Login, coordinator: User, application: DesignationApplication
) -> None:
    response = login(coordinator).get(f"/leaders/rounds/{application.round_id}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Submitted (1)" in body
    assert "Lee Leader" in body
    assert "Meets the criteria" in body


def test_rounds_are_hidden_from_other_organisations(
    login: Login, other_coordinator: User, stranger: User, open_round: DesignationRound
) -> None:
    assert login(other_coordinator).get(f"/leaders/rounds/{open_round.pk}/").status_code == 404
    assert login(stranger).get(f"/leaders/rounds/{open_round.pk}/").status_code == 404
    assert (
        "SLE recruitment" not in login(other_coordinator).get("/leaders/rounds/").content.decode()
    )


# Applying ----------------------------------------------------------------------------------------


def test_leader_sees_open_rounds_and_applies_with_the_grade_and_check_shown(
    login: Login, leader_user: User, leader: LeaderProfile, open_round: DesignationRound
) -> None:
    OfstedInspection.objects.create(
        school=leader.home_school, inspected_on=dt.date(2019, 3, 5), rating=OfstedRating.GOOD
    )
    client = login(leader_user)
    assert "Apply to SLE recruitment" in client.get("/leaders/me/").content.decode()
    form_page = client.get(f"/leaders/rounds/{open_round.pk}/apply/").content.decode()
    assert "Its latest Ofsted grade" in form_page
    assert "Good, inspected 5 March 2019" in form_page
    assert "you meet the criteria we can check" in form_page
    response = client.post(
        f"/leaders/rounds/{open_round.pk}/apply/",
        {"years_in_role": "4", "field_of_expertise": "Maths", "evidence": "Results up."},
    )
    application = DesignationApplication.objects.get(leader=leader)
    assert response["Location"] == f"/leaders/applications/{application.pk}/"
    assert application.home_school_ofsted_rating == OfstedRating.GOOD


def test_the_check_explains_unmet_criteria_in_words(
    login: Login,
    leader_user: User,
    leader: LeaderProfile,
    coordinator: User,
    alliance: Organisation,
) -> None:
    today = timezone.localdate()
    lle_round = round_create(
        actor=coordinator,
        organisation=alliance,
        designation_type_code="LLE",
        title="LLE round",
        opens_on=today,
        closes_on=today,
    )
    page = login(leader_user).get(f"/leaders/rounds/{lle_round.pk}/apply/").content.decode()
    assert "you may not meet all of the criteria" in page
    assert "must be a headteacher" in page


def test_a_closed_round_cannot_be_applied_to(
    login: Login, leader_user: User, leader: LeaderProfile, open_round: DesignationRound
) -> None:
    DesignationRound.objects.filter(pk=open_round.pk).update(
        closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert login(leader_user).get(f"/leaders/rounds/{open_round.pk}/apply/").status_code == 404


def test_application_form_errors_are_summarised(
    login: Login, leader_user: User, leader: LeaderProfile, open_round: DesignationRound
) -> None:
    response = login(leader_user).post(
        f"/leaders/rounds/{open_round.pk}/apply/", {"years_in_role": "", "evidence": ""}
    )
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_evidence"' in body


# Stages ------------------------------------------------------------------------------------------


def test_coordinator_moves_an_application_through_to_designation(
    login: Login, coordinator: User, application: DesignationApplication
) -> None:
    client = login(coordinator)
    url = f"/leaders/applications/{application.pk}/stage/"
    for stage in ("shortlisted", "interviewed", "recommended"):
        assert client.post(url, {"to_stage": stage, "reason": f"{stage} ok"}).status_code == 302
    client.post(url, {"to_stage": "designated", **date_input_data("designated_on", "2026-11-01")})
    application.refresh_from_db()
    assert application.stage == ApplicationStage.DESIGNATED
    designation = Designation.objects.get(leader=application.leader)
    assert designation.designated_on == dt.date(2026, 11, 1)
    page = client.get(f"/leaders/applications/{application.pk}/").content.decode()
    assert "by Alice Coordinator" in page
    assert "interviewed ok" in page


def test_not_designating_needs_the_panels_feedback(
    login: Login, coordinator: User, application: DesignationApplication
) -> None:
    response = login(coordinator).post(
        f"/leaders/applications/{application.pk}/stage/", {"to_stage": "rejected"}
    )
    assert response.status_code == 400
    assert "Give the panel&#x27;s feedback to the applicant" in response.content.decode()
    application.refresh_from_db()
    assert application.stage == ApplicationStage.SUBMITTED


def test_a_stage_cannot_be_skipped(
    login: Login, coordinator: User, application: DesignationApplication
) -> None:
    response = login(coordinator).post(
        f"/leaders/applications/{application.pk}/stage/", {"to_stage": "designated"}
    )
    assert "cannot move to designated" in response.content.decode()


def test_the_applicant_sees_their_application_but_cannot_decide_it(
    login: Login, leader_user: User, application: DesignationApplication
) -> None:
    client = login(leader_user)
    page = client.get(f"/leaders/applications/{application.pk}/").content.decode()
    assert "Withdraw" in page
    assert "Shortlist" not in page
    response = client.post(
        f"/leaders/applications/{application.pk}/stage/", {"to_stage": "shortlisted"}
    )
    assert response.status_code == 403


def test_applications_are_hidden_from_strangers(
    login: Login, stranger: User, other_coordinator: User, application: DesignationApplication
) -> None:
    for user in (stranger, other_coordinator):
        assert login(user).get(f"/leaders/applications/{application.pk}/").status_code == 404


# Designating directly, review, revocation ------------------------------------------------------


def test_coordinator_designates_directly(
    login: Login, coordinator: User, alliance: Organisation, leader: LeaderProfile
) -> None:
    response = login(coordinator).post(
        f"/leaders/{leader.pk}/designate/",
        {
            "type_code": "SLE",
            "organisation": str(alliance.pk),
            **date_input_data("designated_on", "2026-09-01"),
        },
    )
    assert response.status_code == 302
    designation = Designation.objects.get(leader=leader)
    assert designation.type.code == "SLE"
    assert designation.organisation == alliance


def test_designating_twice_is_refused_in_the_page(
    login: Login, coordinator: User, alliance: Organisation, lle: Designation
) -> None:
    response = login(coordinator).post(
        f"/leaders/{lle.leader_id}/designate/",
        {
            "type_code": "LLE",
            "organisation": str(alliance.pk),
            **date_input_data("designated_on", "2026-09-01"),
        },
    )
    assert response.status_code == 200
    assert "already holds the LLE designation" in response.content.decode()


def test_revoking_asks_for_confirmation_with_a_reason(
    login: Login, coordinator: User, lle: Designation
) -> None:
    client = login(coordinator)
    url = f"/leaders/designations/{lle.pk}/revoke/"
    page = client.get(url).content.decode()
    assert "Are you sure you want to revoke the LLE designation?" in page
    assert (
        "There is a problem"
        in client.post(url, {**date_input_data("revoked_on", "2026-11-01")}).content.decode()
    )
    response = client.post(
        url, {**date_input_data("revoked_on", "2026-11-01"), "reason": "No longer a head."}
    )
    assert response.status_code == 302
    lle.refresh_from_db()
    assert lle.status == DesignationStatus.REVOKED
    assert "No longer a head." in client.get(f"/leaders/{lle.leader_id}/").content.decode()


def test_a_declared_designation_is_decided_by_review(
    login: Login, coordinator: User, leader_user: User, lle: Designation
) -> None:
    login(leader_user).post(
        f"/leaders/me/designations/{lle.pk}/no-longer-met/", {"reason": "Moved school."}
    )
    client = login(coordinator)
    page = client.get(f"/leaders/{lle.leader_id}/").content.decode()
    assert "Decide review" in page
    response = client.post(
        f"/leaders/designations/{lle.pk}/review/", {"outcome": "continued", "notes": "Fine."}
    )
    assert response.status_code == 302
    lle.refresh_from_db()
    assert lle.status == DesignationStatus.ACTIVE


def test_another_organisation_cannot_designate_or_revoke(
    login: Login, other_coordinator: User, stranger: User, lle: Designation
) -> None:
    for user in (other_coordinator, stranger):
        client = login(user)
        assert client.get(f"/leaders/{lle.leader_id}/designate/").status_code == 404
        assert client.get(f"/leaders/designations/{lle.pk}/revoke/").status_code == 404
        assert (
            client.post(
                f"/leaders/designations/{lle.pk}/revoke/",
                {**date_input_data("revoked_on", "2026-11-01"), "reason": "x"},
            ).status_code
            == 404
        )
