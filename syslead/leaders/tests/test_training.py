"""Training: core training before any deployment, the LLEs' annual mandatory session, and the flags
a coordinator sees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.core.exceptions import NotAllowed
from syslead.leaders.models import Designation, DesignationStatus, LeaderProfile
from syslead.leaders.selectors import (
    is_deployable,
    leader_flags,
    leader_with_related,
    leaders_deployable,
    missed_annual_lle_training,
)
from syslead.leaders.services import attendance_record, release_set, training_event_create
from syslead.leaders.tests.factories import designate, make_leader
from syslead.organisations.models import Organisation
from syslead.schools.models import School

YEAR = "2025-26"


def _event(actor: User, organisation: Organisation, kind: str, held_on: dt.date):
    return training_event_create(
        actor=actor, organisation=organisation, kind=kind, title=f"{kind} session", held_on=held_on
    )


def test_attending_core_training_completes_it(
    coordinator: User, alliance: Organisation, home_school: School
) -> None:
    newcomer = make_leader(school=home_school, core_training_completed_on=None)
    newcomer.created_by_organisation = alliance
    newcomer.save()
    event = _event(coordinator, alliance, "core", dt.date(2025, 10, 14))
    attendance_record(actor=coordinator, event=event, leader=newcomer, attended=True)
    newcomer.refresh_from_db()
    assert newcomer.core_training_completed_on == dt.date(2025, 10, 14)
    later = _event(coordinator, alliance, "core", dt.date(2026, 1, 20))
    attendance_record(actor=coordinator, event=later, leader=newcomer, attended=True)
    newcomer.refresh_from_db()
    assert newcomer.core_training_completed_on == dt.date(2025, 10, 14)  # kept, not overwritten


def test_missing_core_training_does_not_complete_it(
    coordinator: User, alliance: Organisation, home_school: School
) -> None:
    newcomer = make_leader(school=home_school, core_training_completed_on=None)
    newcomer.created_by_organisation = alliance
    newcomer.save()
    event = _event(coordinator, alliance, "core", dt.date(2025, 10, 14))
    attendance_record(actor=coordinator, event=event, leader=newcomer, attended=False)
    newcomer.refresh_from_db()
    assert newcomer.core_training_completed_on is None


def test_only_the_organisations_coordinator_schedules_training_and_records_attendance(
    coordinator: User,
    other_coordinator: User,
    alliance: Organisation,
    leader: LeaderProfile,
) -> None:
    with pytest.raises(NotAllowed):
        _event(other_coordinator, alliance, "network", dt.date(2025, 11, 4))
    with pytest.raises(ValidationError):
        _event(coordinator, alliance, "party", dt.date(2025, 11, 4))
    event = _event(coordinator, alliance, "network", dt.date(2025, 11, 4))
    with pytest.raises(NotAllowed):
        attendance_record(actor=other_coordinator, event=event, leader=leader)


def test_leader_without_core_training_is_not_deployable(
    home_school: School, alliance: Organisation
) -> None:
    untrained = make_leader(school=home_school, core_training_completed_on=None)
    designate(untrained, "SLE", alliance)
    trained = make_leader(school=home_school)
    designate(trained, "SLE", alliance)
    assert not is_deployable(untrained)
    assert is_deployable(trained)
    assert list(leaders_deployable(LeaderProfile.objects.all())) == [trained]
    flags = leader_flags(leader_with_related(untrained.pk), YEAR)
    assert any("core training not completed" in flag for flag in flags)


def test_a_leader_needs_an_active_designation_to_be_deployable(
    leader: LeaderProfile, alliance: Organisation
) -> None:
    assert not is_deployable(leader)
    designate(leader, "SLE", alliance, status=DesignationStatus.UNDER_REVIEW)
    assert not is_deployable(leader_with_related(leader.pk))
    assert "Not deployable: no active designation." in leader_flags(
        leader_with_related(leader.pk), YEAR
    )


def test_lle_who_missed_this_years_mandatory_session_is_flagged(
    lle: Designation, leader: LeaderProfile, coordinator: User, alliance: Organisation
) -> None:
    network = _event(coordinator, alliance, "network", dt.date(2025, 11, 4))
    attendance_record(actor=coordinator, event=network, leader=leader)
    last_year = _event(coordinator, alliance, "lle_annual", dt.date(2025, 6, 10))
    attendance_record(actor=coordinator, event=last_year, leader=leader)
    assert missed_annual_lle_training(leader, YEAR)
    assert any(
        "mandatory LLE training" in flag
        for flag in leader_flags(leader_with_related(leader.pk), YEAR)
    )

    this_year = _event(coordinator, alliance, "lle_annual", dt.date(2026, 2, 3))
    attendance_record(actor=coordinator, event=this_year, leader=leader)
    assert not missed_annual_lle_training(leader, YEAR)
    assert not missed_annual_lle_training(leader, "2024-25")


def test_an_sle_has_no_annual_mandatory_session(
    leader: LeaderProfile, alliance: Organisation
) -> None:
    designate(leader, "SLE", alliance)
    assert not missed_annual_lle_training(leader, YEAR)


def test_the_flags_name_every_concern_in_words(
    lle: Designation, leader: LeaderProfile, coordinator: User, home_head: User
) -> None:
    Designation.objects.filter(pk=lle.pk).update(review_on=dt.date(2020, 1, 1))
    release_set(
        actor=home_head,
        leader=leader,
        academic_year=AcademicYear.parse(YEAR),
        days=Decimal("4"),
        agreed_on=dt.date(2025, 9, 5),
    )
    flags = leader_flags(leader_with_related(leader.pk), YEAR)
    assert "Review date passed: the LLE designation was due for review on 1 January 2020." in flags
    assert (
        "Release below the minimum: 4 days agreed for 2025-26; an associated LLE is available for "
        "at least 6 days a year." in flags
    )
    Designation.objects.filter(pk=lle.pk).update(
        status=DesignationStatus.UNDER_REVIEW, review_reason="Concerns about conduct."
    )
    flags = leader_flags(leader_with_related(leader.pk), YEAR)
    assert "LLE designation under review: Concerns about conduct." in flags
    assert "Not deployable: no active designation." in flags


def test_a_past_year_says_the_session_was_missed(lle: Designation, leader: LeaderProfile) -> None:
    past = AcademicYear.current().previous()
    Designation.objects.filter(pk=lle.pk).update(designated_on=past.starts_on)
    flags = leader_flags(leader_with_related(leader.pk), past)
    assert f"Missed the mandatory LLE training session in {past.label}." in flags
    assert timezone.localdate() > past.ends_on
