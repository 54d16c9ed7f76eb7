"""Designation outcomes with the panel's feedback, and pending applicants who apply from the
broker's public page without an account (docs/rules.md: Designations)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from syslead.accounts.models import Role, User
from syslead.core.exceptions import RuleViolation
from syslead.invitations.services import invitation_accept
from syslead.leaders.models import (
    ApplicationStage,
    Designation,
    DesignationApplication,
    DesignationRound,
    LeaderProfile,
)
from syslead.leaders.services import (
    application_advance,
    application_submit,
    public_application_submit,
    round_create,
)
from syslead.notifications.models import Notification
from syslead.organisations import views as organisation_views
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Callable[[User], Client]
STAGES_TO_RECOMMENDED = ("shortlisted", "interviewed", "recommended")


@pytest.fixture
def open_round(coordinator: User, alliance: Organisation) -> DesignationRound:
    today = timezone.localdate()
    return round_create(
        actor=coordinator,
        organisation=alliance,
        designation_type_code="SLE",
        title="SLE round 2026",
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=20),
    )


@pytest.fixture
def closed_round(coordinator: User, alliance: Organisation) -> DesignationRound:
    today = timezone.localdate()
    return round_create(
        actor=coordinator,
        organisation=alliance,
        designation_type_code="SLE",
        title="Last year's round",
        opens_on=today - dt.timedelta(days=400),
        closes_on=today - dt.timedelta(days=300),
    )


def _pending(round: DesignationRound, school: School, /, **extra: Any) -> DesignationApplication:
    fields: dict[str, Any] = {
        "name": "Pat Newcomer",
        "email": "Pat@School.test",
        "school": str(school.urn),
        "job_title": "Head of maths",
        "is_headteacher": False,
        "years_in_role": 5,
        "field_of_expertise": "Maths",
        "evidence": "Led maths across three schools.",
    }
    fields.update(extra)
    return public_application_submit(round=round, **fields)


def _form(school: School, round: DesignationRound, /, **extra: str) -> dict[str, str]:
    data = {
        "round": str(round.pk),
        "name": "Pat Newcomer",
        "email": "pat@school.test",
        "school": school.name,
        "job_title": "Head of maths",
        "years_in_role": "5",
        "field_of_expertise": "Maths",
        "evidence": "Led maths across three schools.",
    }
    data.update(extra)
    return data


def _link(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+/invitations/([^/\s]+)/", message.body)
    assert found is not None, message.body
    return found.group(1)


# --- The outcome and the panel's feedback -------------------------------------------------------


def test_a_leader_is_told_they_were_not_designated_with_the_feedback(
    open_round: DesignationRound,
    leader: LeaderProfile,
    leader_user: User,
    coordinator: User,
    login: Login,
    django_capture_on_commit_callbacks: Any,
) -> None:
    application = application_submit(
        actor=leader_user,
        round=open_round,
        leader=leader,
        years_in_role=4,
        field_of_expertise="Maths",
        evidence="Raised attainment.",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_advance(
            actor=coordinator,
            application=application,
            to_stage="rejected",
            feedback="Show impact beyond your own school.",
        )
    note = Notification.objects.get(user=leader_user, verb="application.decided")
    assert "not designated" in note.text
    assert note.url == f"/leaders/applications/{application.pk}/"
    assert [m.to for m in mail.outbox] == [[leader_user.email]]
    assert "Show impact beyond your own school." in mail.outbox[0].body
    page = login(leader_user).get(note.url).content.decode()
    assert "Outcome: not designated" in page
    assert "Show impact beyond your own school." in page


def test_feedback_is_optional_when_designating_and_the_outcome_is_on_the_timeline(
    open_round: DesignationRound, leader: LeaderProfile, leader_user: User, coordinator: User
) -> None:
    from syslead.core.events import events_for

    application = application_submit(
        actor=leader_user,
        round=open_round,
        leader=leader,
        years_in_role=4,
        field_of_expertise="Maths",
        evidence="Raised attainment.",
    )
    for stage in (*STAGES_TO_RECOMMENDED, "designated"):
        application_advance(actor=coordinator, application=application, to_stage=stage)
    assert Notification.objects.filter(user=leader_user, verb="application.decided").count() == 1
    verbs = [e.verb for e in events_for(application)]
    assert "application.outcome_sent" in verbs
    assert Designation.objects.filter(leader=leader, application=application).exists()


def test_moving_between_earlier_stages_tells_nobody(
    open_round: DesignationRound, leader: LeaderProfile, leader_user: User, coordinator: User
) -> None:
    application = application_submit(
        actor=leader_user,
        round=open_round,
        leader=leader,
        years_in_role=4,
        field_of_expertise="Maths",
        evidence="Raised attainment.",
    )
    application_advance(actor=coordinator, application=application, to_stage="shortlisted")
    assert not Notification.objects.filter(verb="application.decided").exists()


# --- Pending applicants: the service ------------------------------------------------------------


def test_a_pending_applicant_applies_without_an_account(
    open_round: DesignationRound, home_school: School
) -> None:
    users = User.objects.count()
    application = _pending(open_round, home_school)
    assert application.leader is None
    assert application.applicant_email == "pat@school.test"
    assert application.applicant_school == home_school
    assert application.home_school_ofsted_rating  # looked up from the register
    assert User.objects.count() == users


def test_one_application_per_email_per_round(
    open_round: DesignationRound, home_school: School
) -> None:
    _pending(open_round, home_school)
    with pytest.raises(RuleViolation) as refused:
        _pending(open_round, home_school, email="PAT@school.test", name="Pat Again")
    assert refused.value.rule == "already_applied"
    # The database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        DesignationApplication.objects.create(
            round=open_round,
            applicant_name="X",
            applicant_email="pat@school.test",
            applicant_school=home_school,
            years_in_role=1,
            field_of_expertise="x",
            evidence="x",
        )


def test_an_application_needs_a_leader_or_an_email(
    open_round: DesignationRound, home_school: School
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        DesignationApplication.objects.create(
            round=open_round, years_in_role=1, field_of_expertise="x", evidence="x"
        )


def test_a_closed_round_refuses_a_pending_applicant(
    closed_round: DesignationRound, home_school: School
) -> None:
    with pytest.raises(RuleViolation) as refused:
        _pending(closed_round, home_school)
    assert refused.value.rule == "round_closed"


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("email", "not-an-email", "email"),
        ("school", "999999", "school"),
        ("school", "No Such School", "school"),
        ("school", "", "school"),
        ("years_in_role", -1, "years_in_role"),
        ("years_in_role", 61, "years_in_role"),
        ("name", "  ", "name"),
        ("evidence", "", "evidence"),
    ],
)
def test_bad_fields_are_refused_by_name(
    open_round: DesignationRound, home_school: School, field: str, value: object, error: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        _pending(open_round, home_school, **{field: value})
    assert error in refused.value.message_dict
    assert not DesignationApplication.objects.exists()


def test_designating_a_pending_applicant_invites_them_and_accepting_attaches_the_designation(
    open_round: DesignationRound,
    home_school: School,
    coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    application = _pending(open_round, home_school)
    for stage in STAGES_TO_RECOMMENDED:
        application_advance(actor=coordinator, application=application, to_stage=stage)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_advance(
            actor=coordinator,
            application=application,
            to_stage="designated",
            feedback="A strong interview.",
            designated_on=dt.date(2026, 11, 30),
        )
    application.refresh_from_db()
    assert application.stage == ApplicationStage.DESIGNATED
    assert application.leader is None  # not until they accept
    assert application.invitation is not None
    assert application.invitation.role == Role.SYSTEM_LEADER
    assert not Designation.objects.exists()
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["pat@school.test", "pat@school.test"]
    outcome = next(m for m in mail.outbox if "designated" in m.subject)
    assert "A strong interview." in outcome.body
    invitation_mail = next(m for m in mail.outbox if m is not outcome)

    user = invitation_accept(raw_token=_link(invitation_mail), password="a-long-Pass-phrase-9")
    application.refresh_from_db()
    leader = LeaderProfile.objects.get(user=user)
    assert application.leader == leader
    assert leader.home_school == home_school
    assert leader.job_title == "Head of maths"
    designation = Designation.objects.get(leader=leader)
    assert designation.application == application
    assert designation.designated_on == dt.date(2026, 11, 30)
    assert designation.organisation == open_round.organisation


def test_a_pending_applicant_not_designated_is_emailed_the_feedback(
    open_round: DesignationRound,
    home_school: School,
    coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    application = _pending(open_round, home_school)
    with pytest.raises(ValidationError):
        application_advance(actor=coordinator, application=application, to_stage="rejected")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application_advance(
            actor=coordinator,
            application=application,
            to_stage="rejected",
            feedback="Two more years in the role, please.",
        )
    assert [m.to for m in mail.outbox] == [["pat@school.test"]]
    assert "not been designated" in mail.outbox[0].body
    assert "Two more years in the role, please." in mail.outbox[0].body
    application.refresh_from_db()
    assert application.invitation is None


def test_the_coordinator_sees_pending_applicants_with_the_others(
    login: Login,
    coordinator: User,
    open_round: DesignationRound,
    home_school: School,
    leader: LeaderProfile,
    leader_user: User,
    django_assert_num_queries: Any,
) -> None:
    application_submit(
        actor=leader_user,
        round=open_round,
        leader=leader,
        years_in_role=4,
        field_of_expertise="Maths",
        evidence="Raised attainment.",
    )
    _pending(open_round, home_school, email="p0@school.test", name="Pending 0")
    client = login(coordinator)
    url = f"/leaders/rounds/{open_round.pk}/"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(1, 5):
        _pending(open_round, home_school, email=f"p{i}@school.test", name=f"Pending {i}")
    # The list's query count does not grow with the number of pending applicants.
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "Pending 4" in page
    assert "Not on Syslead yet" in page
    assert leader.name in page
    pending = DesignationApplication.objects.get(applicant_email="p3@school.test")
    detail = client.get(f"/leaders/applications/{pending.pk}/")
    assert detail.status_code == 200
    assert "p3@school.test" in detail.content.decode()
    assert "Not on Syslead yet" in detail.content.decode()


def test_a_leader_sees_the_outcome_but_not_the_internal_reason(
    login: Login,
    open_round: DesignationRound,
    leader: LeaderProfile,
    leader_user: User,
    coordinator: User,
) -> None:
    application = application_submit(
        actor=leader_user,
        round=open_round,
        leader=leader,
        years_in_role=4,
        field_of_expertise="Maths",
        evidence="Raised attainment.",
    )
    application_advance(
        actor=coordinator,
        application=application,
        to_stage="rejected",
        reason="Panel split 2-1",
        feedback="More evidence from other schools.",
    )
    mine = login(leader_user).get(f"/leaders/applications/{application.pk}/").content.decode()
    assert "More evidence from other schools." in mine
    assert "Panel split 2-1" not in mine
    theirs = login(coordinator).get(f"/leaders/applications/{application.pk}/").content.decode()
    assert "Panel split 2-1" in theirs


# --- Pending applicants: the public page ---------------------------------------------------------


def test_the_public_page_offers_applying_while_a_round_is_open(
    client: Client, alliance: Organisation, open_round: DesignationRound
) -> None:
    page = client.get(f"/organisations/{alliance.slug}/").content.decode()
    assert "Apply to be a system leader" in page
    assert open_round.closes_on.strftime("%-d %B %Y") in page


def test_the_public_page_says_nothing_about_applying_without_an_open_round(
    client: Client, alliance: Organisation, closed_round: DesignationRound
) -> None:
    page = client.get(f"/organisations/{alliance.slug}/").content.decode()
    assert "Apply to be a system leader" not in page
    apply_page = client.get(f"/organisations/{alliance.slug}/apply/")
    assert apply_page.status_code == 200
    assert "not taking applications now" in apply_page.content.decode()
    refused = client.post(f"/organisations/{alliance.slug}/apply/", {"round": str(closed_round.pk)})
    assert refused.status_code == 400
    assert "not taking applications now" in refused.content.decode()
    assert not DesignationApplication.objects.exists()


def test_applying_from_the_public_page_makes_a_pending_application(
    client: Client, alliance: Organisation, open_round: DesignationRound, home_school: School
) -> None:
    response = client.post(f"/organisations/{alliance.slug}/apply/", _form(home_school, open_round))
    assert response.status_code == 200
    assert "Application sent" in response.content.decode()
    application = DesignationApplication.objects.get()
    assert application.is_pending_applicant
    assert application.applicant_school == home_school
    again = client.post(f"/organisations/{alliance.slug}/apply/", _form(home_school, open_round))
    assert again.status_code == 400
    assert "already been made" in again.content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        {"round": "not-a-number"},
        {"round": "999999"},
        {"email": "nope"},
        {"school": "9" * 40},
        {"years_in_role": "-3"},
        {"evidence": "x" * 10_001},
        {"name": ""},
    ],
)
def test_bad_input_on_the_public_form_gets_a_message_not_an_error(
    client: Client,
    alliance: Organisation,
    open_round: DesignationRound,
    home_school: School,
    bad: dict[str, str],
) -> None:
    response = client.post(
        f"/organisations/{alliance.slug}/apply/", _form(home_school, open_round, **bad)
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not DesignationApplication.objects.exists()


def test_the_public_form_is_limited_per_address(
    client: Client,
    alliance: Organisation,
    open_round: DesignationRound,
    home_school: School,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(organisation_views, "APPLY_LIMIT", 2)
    url = f"/organisations/{alliance.slug}/apply/"
    for i in range(2):
        ok = client.post(url, _form(home_school, open_round, email=f"a{i}@school.test"))
        assert ok.status_code == 200
    limited = client.post(url, _form(home_school, open_round, email="a9@school.test"))
    assert limited.status_code == 429
    assert "Too many applications" in limited.content.decode()
    other = Client(REMOTE_ADDR="10.0.0.9").post(
        url, _form(home_school, open_round, email="b@school.test")
    )
    assert other.status_code == 200
    assert DesignationApplication.objects.count() == 3
