"""docs/rules.md, "Designations": the governance record, and the NLG criterion "an experienced
chair of governors" (at least 3 years as a chair) checked from it; and Training: enrichment
sessions are optional and never count towards core training or deployability."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.dates import date_input_data
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed
from syslead.leaders.constants import NLG_MIN_YEARS_AS_CHAIR
from syslead.leaders.eligibility import days_as_chair, eligibility_check
from syslead.leaders.models import (
    Designation,
    DesignationType,
    GovernancePosition,
    GovernanceRole,
    LeaderProfile,
    TrainingKind,
)
from syslead.leaders.selectors import is_deployable, leader_with_related
from syslead.leaders.selectors.flags import missed_annual_lle_training
from syslead.leaders.services import attendance_record, training_event_create
from syslead.leaders.services.governance import governance_role_add
from syslead.leaders.tests.factories import associate, designate, make_leader
from syslead.organisations.models import Organisation
from syslead.schools.models import School

Login = Any


def _years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def _role(
    leader: LeaderProfile, role: str, starts_on: dt.date, ends_on: dt.date | None = None
) -> GovernanceRole:
    return GovernanceRole.objects.create(
        leader=leader, body="Ermine Primary", role=role, starts_on=starts_on, ends_on=ends_on
    )


def _nlg() -> DesignationType:
    return DesignationType.objects.get(code="NLG", organisation=None)


def test_nlg_asks_three_years_as_a_chair() -> None:
    assert NLG_MIN_YEARS_AS_CHAIR == 3
    assert _nlg().min_years_as_chair == 3


def test_chair_years_count_only_chairs_and_overlaps_once(leader: LeaderProfile) -> None:
    """Rule: only chair roles count; two chairs held at once count once; a role still held
    counts to the day of the check."""
    on = dt.date(2026, 1, 1)
    roles = [
        _role(leader, GovernancePosition.GOVERNOR, dt.date(2015, 1, 1), dt.date(2020, 1, 1)),
        _role(leader, GovernancePosition.CHAIR, dt.date(2020, 1, 1), dt.date(2022, 1, 1)),
        _role(leader, GovernancePosition.CHAIR, dt.date(2021, 1, 1), dt.date(2023, 1, 1)),
        _role(leader, GovernancePosition.CHAIR, dt.date(2025, 1, 1)),
    ]
    expected = (dt.date(2023, 1, 1) - dt.date(2020, 1, 1)).days + (on - dt.date(2025, 1, 1)).days
    assert days_as_chair(roles, on) == expected


def test_nlg_criterion_unmet_without_three_years_as_chair(leader: LeaderProfile) -> None:
    """Rule: an NLG must be an experienced chair of governors, checked from the governance
    record; a governor or a new chair does not meet it."""
    unmet = eligibility_check(_nlg(), leader, leader.years_experience)
    assert unmet == [
        "An NLG must be an experienced chair of governors: at least 3 years as a chair; the "
        "governance record shows no time as a chair of governors."
    ]
    _role(leader, GovernancePosition.VICE_CHAIR, _years_ago(6))
    _role(leader, GovernancePosition.CHAIR, _years_ago(2))
    unmet = eligibility_check(_nlg(), leader, leader.years_experience)
    assert len(unmet) == 1
    assert "shows 1 year as a chair" in unmet[0] or "shows 2 years as a chair" in unmet[0]


def test_nlg_criterion_met_with_three_years_as_chair(leader: LeaderProfile) -> None:
    _role(leader, GovernancePosition.CHAIR, _years_ago(4), _years_ago(1))
    _role(leader, GovernancePosition.CHAIR, _years_ago(1))
    assert eligibility_check(_nlg(), leader, leader.years_experience) == []


def test_other_designations_ignore_the_governance_record(leader: LeaderProfile) -> None:
    sle = DesignationType.objects.get(code="SLE", organisation=None)
    assert not any("chair" in p for p in eligibility_check(sle, leader, 4))


def test_designating_an_nlg_short_of_the_criterion_is_flagged(
    login: Login, coordinator: User, alliance: Organisation, leader: LeaderProfile
) -> None:
    """Rule: the designation page flags an NLG designation whose governance record does not show
    an experienced chair; the unmet criterion is kept on the designation's event."""
    client = login(coordinator)
    response = client.post(
        f"/leaders/{leader.pk}/designate/",
        {
            "type_code": "NLG",
            "organisation": str(alliance.pk),
            **date_input_data("designated_on", "2026-09-01"),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Criteria check: An NLG must be an experienced chair of governors" in page
    designation = Designation.objects.get(leader=leader, type__code="NLG")
    event = events_for(designation).get(verb="designation.created")
    assert any("experienced chair" in u for u in event.data["unmet_criteria"])


def test_governance_role_is_validated(leader: LeaderProfile, coordinator: User) -> None:
    with pytest.raises(ValidationError) as caught:
        governance_role_add(
            actor=coordinator,
            leader=leader,
            body="",
            role="head",
            starts_on=dt.date(2024, 1, 1),
            ends_on=dt.date(2023, 1, 1),
        )
    assert set(caught.value.message_dict) == {"body", "role", "ends_on"}


def test_only_the_leader_or_their_coordinator_edits_the_record(
    leader: LeaderProfile, leader_user: User, other_coordinator: User
) -> None:
    with pytest.raises(NotAllowed):
        governance_role_add(
            actor=other_coordinator,
            leader=leader,
            body="X",
            role=GovernancePosition.CHAIR,
            starts_on=dt.date(2020, 1, 1),
        )
    governance_role_add(
        actor=leader_user,
        leader=leader,
        body="Ermine Primary",
        role=GovernancePosition.CHAIR,
        starts_on=dt.date(2020, 1, 1),
    )
    assert leader.governance_roles.count() == 1


def test_governance_page_adds_removes_and_shows_the_nlg_check(
    login: Login, leader_user: User, leader: LeaderProfile
) -> None:
    client = login(leader_user)
    url = f"/leaders/{leader.pk}/governance/"
    page = client.get(url).content.decode()
    assert "NLG criterion not met" in page
    bad = client.post(url, {"body": "Ermine Primary", "role": "chair"})
    assert "Give the date the role started." in bad.content.decode()
    start = _years_ago(5)
    done = client.post(
        url,
        {"body": "Ermine Primary", "role": "chair", **date_input_data("starts_on", str(start))},
    )
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "NLG criterion met" in page
    role = leader.governance_roles.get()
    assert client.post(url, {"remove": str(role.pk)}).status_code == 302
    assert not leader.governance_roles.exists()


def test_governance_page_is_hidden_from_those_who_may_not_see_the_leader(
    login: Login, stranger: User, other_coordinator: User, leader: LeaderProfile
) -> None:
    url = f"/leaders/{leader.pk}/governance/"
    for user in (stranger, other_coordinator):
        assert login(user).get(url).status_code == 404


def test_enrichment_is_optional_and_never_counts(
    coordinator: User, alliance: Organisation, client_school: School, login: Login
) -> None:
    """Rule (docs/rules.md, Training): enrichment sessions are optional and shown so; attending
    one never completes core training, never stands for the annual LLE session and never makes a
    leader deployable."""
    leader = make_leader(school=client_school, name="Ena Enrich", core_training_completed_on=None)
    designate(leader, "LLE", alliance)
    associate(leader, alliance)
    event = training_event_create(
        actor=coordinator,
        organisation=alliance,
        kind=TrainingKind.ENRICHMENT,
        title="Coaching for impact",
        held_on=dt.date(2026, 10, 1),
    )
    attendance_record(actor=coordinator, event=event, leader=leader)
    leader = leader_with_related(leader.pk)
    assert leader.core_training_completed_on is None
    assert not is_deployable(leader)
    assert missed_annual_lle_training(leader, "2026-27")
    assert TrainingKind.ENRICHMENT.label == "Enrichment session (optional)"
    form = login(coordinator).get("/leaders/training/new/").content.decode()
    assert "Enrichment session (optional)" in form
