"""The designation and application transition tables (docs/transitions.md): every step is reached
through a service, a step the state does not allow is refused with a clear 409, the application
page offers what the table allows, and the documented tables are the code's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.exceptions import RuleViolation
from syslead.core.transitions import TransitionTable
from syslead.leaders.models import (
    ApplicationStage,
    DesignationApplication,
    DesignationRound,
    DesignationStatus,
    LeaderProfile,
)
from syslead.leaders.services import (
    application_advance,
    application_submit,
    designation_create,
    designation_review_close,
    designation_review_open,
    designation_revoke,
    leader_declare_no_longer_meets_criteria,
    round_create,
)
from syslead.leaders.tests.factories import make_leader
from syslead.leaders.transitions import APPLICATION_TRANSITIONS, DESIGNATION_TRANSITIONS
from syslead.organisations.models import Organisation
from syslead.schools.models import School

TABLES = (DESIGNATION_TRANSITIONS, APPLICATION_TRANSITIONS)


@pytest.fixture
def reached(monkeypatch: pytest.MonkeyPatch) -> set[tuple[str, str]]:
    """Every (record, step) a service checked the state for and went on with."""
    seen: set[tuple[str, str]] = set()
    require_source = TransitionTable.require_source

    def spy(self: TransitionTable[Any], name: str, obj: Any, message: Any = None) -> Any:
        row = require_source(self, name, obj, message)
        seen.add((self.record, name))
        return row

    monkeypatch.setattr(TransitionTable, "require_source", spy)
    return seen


@pytest.fixture
def open_round(coordinator: User, alliance: Organisation) -> DesignationRound:
    today = timezone.localdate()
    return round_create(
        actor=coordinator,
        organisation=alliance,
        designation_type_code="SLE",
        title="SLE round",
        opens_on=today - dt.timedelta(days=10),
        closes_on=today,
    )


def _apply(round: DesignationRound, leader: LeaderProfile) -> DesignationApplication:
    return application_submit(
        actor=leader.user,
        round=round,
        leader=leader,
        years_in_role=4,
        field_of_expertise="Maths",
        evidence="Raised attainment in maths.",
    )


def test_every_step_of_both_tables_is_reached_through_a_service(
    reached: set[tuple[str, str]],
    coordinator: User,
    alliance: Organisation,
    home_school: School,
    leader: LeaderProfile,
    open_round: DesignationRound,
) -> None:
    others = [make_leader(school=home_school, name=f"Applicant {i}") for i in range(2)]

    designated = _apply(open_round, leader)
    for stage in ("shortlisted", "interviewed", "recommended", "designated"):
        application_advance(actor=coordinator, application=designated, to_stage=stage)
    rejected = _apply(open_round, others[0])
    application_advance(
        actor=coordinator, application=rejected, to_stage="rejected", feedback="Too new"
    )
    withdrawn = _apply(open_round, others[1])
    application_advance(actor=others[1].user, application=withdrawn, to_stage="withdrawn")

    designation = leader.designations.get()
    designation_review_open(actor=coordinator, designation=designation, reason="Impact unclear")
    designation_review_close(
        actor=coordinator, designation=designation, outcome="continued", notes="Fine"
    )
    leader_declare_no_longer_meets_criteria(
        actor=leader.user, leader=leader, designation=designation, reason="Left the role"
    )
    revoked = designation_revoke(
        actor=coordinator,
        designation=designation,
        revoked_on=timezone.localdate(),
        reason="No longer in role",
    )
    assert revoked.status == DesignationStatus.REVOKED

    expected = {(table.record, row.name) for table in TABLES for row in table}
    assert expected - reached == set()


def test_reviewing_a_revoked_designation_is_refused_with_a_sentence(
    coordinator: User, alliance: Organisation, leader: LeaderProfile
) -> None:
    designation = designation_create(
        actor=coordinator,
        leader=leader,
        type_code="SLE",
        designated_on=dt.date(2025, 9, 1),
        organisation=alliance,
    )
    designation_revoke(
        actor=coordinator, designation=designation, revoked_on=dt.date(2025, 10, 1), reason="Left"
    )
    with pytest.raises(RuleViolation) as refused:
        designation_review_open(actor=coordinator, designation=designation, reason="Check")
    assert refused.value.rule == "designation_state"
    assert "only an active one can be reviewed" in refused.value.message


def test_a_withdrawn_application_cannot_be_designated(
    coordinator: User, leader: LeaderProfile, open_round: DesignationRound
) -> None:
    application = _apply(open_round, leader)
    application_advance(actor=leader.user, application=application, to_stage="withdrawn")
    with pytest.raises(RuleViolation) as refused:
        application_advance(actor=coordinator, application=application, to_stage="designated")
    assert refused.value.rule == "application_stage"
    assert refused.value.message == "An application that is withdrawn cannot move to designated."


def test_the_application_page_offers_the_applicant_only_withdrawal(
    client: Client, coordinator: User, leader: LeaderProfile, open_round: DesignationRound
) -> None:
    application = _apply(open_round, leader)
    url = reverse("leaders:application", args=[application.pk])
    client.force_login(leader.user)
    assert APPLICATION_TRANSITIONS.allowed(leader.user, application) == {"withdraw"}
    page = client.get(url).text
    assert 'value="withdrawn"' in page
    assert 'value="shortlisted"' not in page
    client.force_login(coordinator)
    assert APPLICATION_TRANSITIONS.allowed(coordinator, application) == {
        "shortlist",
        "reject",
        "withdraw",
    }
    assert 'value="shortlisted"' in client.get(url).text
    application.stage = ApplicationStage.DESIGNATED
    assert APPLICATION_TRANSITIONS.allowed(coordinator, application) == frozenset()


def test_the_documented_tables_are_the_codes() -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "transitions.md").read_text()
    for table in TABLES:
        assert table.as_markdown() in text, f"docs/transitions.md: the {table.record} table"
