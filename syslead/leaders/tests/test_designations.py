"""Designation: rounds with an application window, applications through their stages, designating,
reviewing and revoking; eligibility reported in words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.leaders.eligibility import eligibility_check, latest_ofsted
from syslead.leaders.models import (
    ApplicationStage,
    Association,
    Designation,
    DesignationApplication,
    DesignationRound,
    DesignationStatus,
    DesignationType,
    LeaderProfile,
)
from syslead.leaders.services import (
    add_years,
    allowed_next_stages,
    application_advance,
    application_eligibility,
    application_submit,
    designation_create,
    designation_review_close,
    designation_review_open,
    designation_revoke,
    round_create,
)
from syslead.leaders.tests.factories import associate
from syslead.organisations.models import Organisation
from syslead.schools.models import OfstedInspection, OfstedRating, School


@pytest.fixture
def open_round(coordinator: User, alliance: Organisation) -> DesignationRound:
    today = timezone.localdate()
    return round_create(
        actor=coordinator,
        organisation=alliance,
        designation_type_code="LLE",
        title="LLE designation round",
        opens_on=today - dt.timedelta(days=10),
        closes_on=today,
        target=4,
    )


def _apply(actor: User, designation_round: DesignationRound, leader: LeaderProfile, years: int = 4):
    return application_submit(
        actor=actor,
        round=designation_round,
        leader=leader,
        years_in_role=years,
        field_of_expertise="School leadership",
        evidence="Led the school from requires improvement to good.",
    )


# Rounds


def test_a_round_is_opened_by_a_coordinator_of_the_designating_organisation(
    coordinator: User, other_coordinator: User, alliance: Organisation
) -> None:
    with pytest.raises(NotAllowed):
        round_create(
            actor=other_coordinator,
            organisation=alliance,
            designation_type_code="SLE",
            title="SLE round",
            opens_on=dt.date(2014, 10, 13),
            closes_on=dt.date(2014, 12, 15),
        )
    with pytest.raises(ValidationError) as error:
        round_create(
            actor=coordinator,
            organisation=alliance,
            designation_type_code="XYZ",
            title="SLE round",
            opens_on=dt.date(2014, 12, 15),
            closes_on=dt.date(2014, 10, 13),
        )
    assert set(error.value.message_dict) == {"closes_on", "designation_type"}


# Applications


def test_applying_stores_the_home_schools_latest_ofsted_grade_from_the_register(
    open_round: DesignationRound, leader: LeaderProfile, leader_user: User, home_school: School
) -> None:
    OfstedInspection.objects.create(
        school=home_school, rating=OfstedRating.GOOD, inspected_on=dt.date(2030, 1, 10)
    )
    application = _apply(leader_user, open_round, leader)
    assert application.home_school_ofsted_rating == OfstedRating.GOOD
    assert application.home_school_ofsted_on == dt.date(2030, 1, 10)
    assert application.stage == ApplicationStage.SUBMITTED
    event = events_for(application).get(verb="application.submitted")
    assert event.data["unmet_criteria"] == application_eligibility(application)


def test_application_outside_the_window_is_refused(
    coordinator: User, alliance: Organisation, leader: LeaderProfile, leader_user: User
) -> None:
    today = timezone.localdate()
    closed = round_create(
        actor=coordinator,
        organisation=alliance,
        designation_type_code="SLE",
        title="Autumn SLE round",
        opens_on=today - dt.timedelta(days=30),
        closes_on=today - dt.timedelta(days=1),
    )
    not_yet = round_create(
        actor=coordinator,
        organisation=alliance,
        designation_type_code="SLE",
        title="Spring SLE round",
        opens_on=today + dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )
    for designation_round in (closed, not_yet):
        with pytest.raises(RuleViolation) as refused:
            _apply(leader_user, designation_round, leader)
        assert refused.value.rule == "round_closed"
    assert not DesignationApplication.objects.exists()


def test_the_window_includes_its_opening_and_closing_days(
    coordinator: User, alliance: Organisation, leader: LeaderProfile, leader_user: User
) -> None:
    today = timezone.localdate()
    opening_today = round_create(
        actor=coordinator,
        organisation=alliance,
        designation_type_code="SLE",
        title="Opens today",
        opens_on=today,
        closes_on=today + dt.timedelta(days=5),
    )
    assert _apply(leader_user, opening_today, leader).pk


def test_a_leader_applies_once_per_round(
    open_round: DesignationRound, leader: LeaderProfile, leader_user: User, stranger: User
) -> None:
    with pytest.raises(NotAllowed):
        _apply(stranger, open_round, leader)
    _apply(leader_user, open_round, leader)
    with pytest.raises(RuleViolation) as refused:
        _apply(leader_user, open_round, leader)
    assert refused.value.rule == "already_applied"


def test_an_application_moves_through_its_stages_to_designation(
    open_round: DesignationRound,
    leader: LeaderProfile,
    leader_user: User,
    coordinator: User,
    alliance: Organisation,
) -> None:
    application = _apply(leader_user, open_round, leader)
    for stage in ("shortlisted", "interviewed", "recommended"):
        application = application_advance(
            actor=coordinator, application=application, to_stage=stage
        )
    application = application_advance(
        actor=coordinator,
        application=application,
        to_stage="designated",
        reason="Confirmed by the designating body.",
        designated_on=dt.date(2025, 1, 6),
    )
    assert application.stage == ApplicationStage.DESIGNATED
    decisions = list(application.decisions.values_list("from_stage", "to_stage", "decided_by"))
    assert decisions == [
        ("submitted", "shortlisted", coordinator.pk),
        ("shortlisted", "interviewed", coordinator.pk),
        ("interviewed", "recommended", coordinator.pk),
        ("recommended", "designated", coordinator.pk),
    ]
    designation = Designation.objects.get(application=application)
    assert designation.type.code == "LLE"
    assert designation.organisation == alliance
    assert designation.designated_on == dt.date(2025, 1, 6)
    assert designation.review_on == dt.date(2028, 1, 6)
    assert Association.objects.get(leader=leader).organisation == alliance


def test_stages_cannot_be_skipped_or_reopened(
    open_round: DesignationRound, leader: LeaderProfile, leader_user: User, coordinator: User
) -> None:
    application = _apply(leader_user, open_round, leader)
    with pytest.raises(RuleViolation) as refused:
        application_advance(actor=coordinator, application=application, to_stage="designated")
    assert refused.value.rule == "application_stage"
    application_advance(actor=coordinator, application=application, to_stage="withdrawn")
    with pytest.raises(RuleViolation):
        application_advance(actor=coordinator, application=application, to_stage="shortlisted")
    assert allowed_next_stages("withdrawn") == []
    assert allowed_next_stages("submitted") == ["shortlisted", "rejected", "withdrawn"]


def test_not_designating_needs_the_panels_feedback(
    open_round: DesignationRound, leader: LeaderProfile, leader_user: User, coordinator: User
) -> None:
    application = _apply(leader_user, open_round, leader)
    with pytest.raises(ValidationError) as error:
        application_advance(
            actor=coordinator, application=application, to_stage="rejected", reason="Internal"
        )
    assert "feedback" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        application_advance(
            actor=coordinator, application=application, to_stage="rejected", feedback="x" * 10_001
        )
    assert "feedback" in error.value.message_dict
    application.refresh_from_db()
    assert application.stage == ApplicationStage.SUBMITTED
    application = application_advance(
        actor=coordinator,
        application=application,
        to_stage="rejected",
        reason="Not enough evidence of impact beyond the school.",
        feedback="Show the impact of your work in other schools.",
    )
    assert application.stage == ApplicationStage.REJECTED
    decision = application.decisions.get()
    assert decision.reason.startswith("Not enough evidence")
    assert decision.feedback == "Show the impact of your work in other schools."


def test_the_applicant_may_withdraw_but_not_decide(
    open_round: DesignationRound, leader: LeaderProfile, leader_user: User
) -> None:
    application = _apply(leader_user, open_round, leader)
    with pytest.raises(NotAllowed):
        application_advance(actor=leader_user, application=application, to_stage="shortlisted")
    application = application_advance(
        actor=leader_user, application=application, to_stage="withdrawn"
    )
    assert application.stage == ApplicationStage.WITHDRAWN


# Eligibility


def test_an_lle_needs_a_headteacher_with_three_years_in_a_good_or_outstanding_school(
    leader: LeaderProfile, home_school: School
) -> None:
    lle = DesignationType.objects.get(code="LLE", organisation=None)
    School.objects.filter(pk=home_school.pk).update(ofsted_rating=OfstedRating.REQUIRES_IMPROVEMENT)
    leader.refresh_from_db()
    unmet = eligibility_check(lle, leader, 2)
    assert unmet == [
        "An LLE needs at least 3 years' experience; 2 years given.",
        "An LLE must be a headteacher; this leader is not recorded as one.",
        "An LLE's school must be good or outstanding; the home school's latest Ofsted grade is "
        "requires improvement.",
    ]
    leader.is_headteacher = True
    assert eligibility_check(lle, leader, 3, ofsted_rating="outstanding") == []


def test_an_sle_needs_two_years_and_must_not_be_a_headteacher(leader: LeaderProfile) -> None:
    sle = DesignationType.objects.get(code="SLE", organisation=None)
    assert eligibility_check(sle, leader, 2) == []
    leader.is_headteacher = True
    assert eligibility_check(sle, leader, 1) == [
        "An SLE needs at least 2 years' experience in their field of expertise; 1 year given.",
        "An SLE must be a middle or senior leader below headteacher; this leader is recorded as a "
        "headteacher.",
    ]


def test_the_latest_dated_ofsted_grade_wins(home_school: School) -> None:
    OfstedInspection.objects.create(
        school=home_school, rating=OfstedRating.INADEQUATE, inspected_on=dt.date(2012, 5, 1)
    )
    School.objects.filter(pk=home_school.pk).update(ofsted_inspected_on=dt.date(2019, 3, 1))
    home_school.refresh_from_db()
    assert latest_ofsted(home_school) == (OfstedRating.OUTSTANDING, dt.date(2019, 3, 1))


# Designating


def test_designating_an_lle_associates_it_with_the_designating_organisation(
    lle: Designation, leader: LeaderProfile, alliance: Organisation
) -> None:
    association = Association.objects.get(leader=leader, is_live=True)
    assert association.organisation == alliance
    assert association.exclusive
    assert association.automatic
    assert lle.status == DesignationStatus.ACTIVE
    assert lle.review_on == add_years(lle.designated_on, 3)


def test_designating_an_lle_already_associated_elsewhere_does_not_move_it(
    coordinator: User, leader: LeaderProfile, alliance: Organisation, other_org: Organisation
) -> None:
    elsewhere = associate(leader, other_org)
    designation = designation_create(
        actor=coordinator,
        leader=leader,
        type_code="LLE",
        designated_on=dt.date(2025, 9, 1),
        organisation=alliance,
    )
    live = list(Association.objects.filter(leader=leader, is_live=True))
    assert live == [elsewhere]
    elsewhere.refresh_from_db()
    assert elsewhere.exclusive  # now it is the LLE's one association
    assert events_for(designation).filter(verb="designation.not_associated").exists()


def test_designating_an_lle_with_several_associations_associates_none_and_flags_it(
    coordinator: User,
    leader: LeaderProfile,
    alliance: Organisation,
    other_org: Organisation,
) -> None:
    from syslead.leaders.selectors import leader_flags, leader_with_related

    third = Organisation.objects.create(name="Lincoln Diocese", kind="diocese", slug="lincoln")
    associate(leader, other_org)
    associate(leader, third)
    designation = designation_create(
        actor=coordinator,
        leader=leader,
        type_code="LLE",
        designated_on=dt.date(2025, 9, 1),
        organisation=alliance,
    )
    assert not Association.objects.filter(leader=leader, organisation=alliance).exists()
    assert not Association.objects.filter(leader=leader, exclusive=True).exists()
    assert events_for(designation).filter(verb="designation.association_conflict").exists()
    flags = leader_flags(leader_with_related(leader.pk), "2025-26")
    assert any("associated with only one organisation" in flag for flag in flags)


def test_designating_an_sle_associates_it_with_the_designating_organisation_too(
    coordinator: User, leader: LeaderProfile, alliance: Organisation, other_org: Organisation
) -> None:
    associate(leader, other_org)
    designation_create(
        actor=coordinator,
        leader=leader,
        type_code="SLE",
        designated_on=dt.date(2025, 9, 1),
        organisation=alliance,
    )
    assert set(
        Association.objects.filter(leader=leader, is_live=True).values_list(
            "organisation__name", flat=True
        )
    ) == {alliance.name, other_org.name}


def test_a_leader_holds_one_live_designation_per_type(
    lle: Designation, coordinator: User, leader: LeaderProfile, alliance: Organisation
) -> None:
    with pytest.raises(RuleViolation) as refused:
        designation_create(
            actor=coordinator,
            leader=leader,
            type_code="LLE",
            designated_on=dt.date(2026, 9, 1),
            organisation=alliance,
        )
    assert refused.value.rule == "already_designated"


def test_only_the_designating_organisations_coordinator_designates(
    leader: LeaderProfile, other_coordinator: User, alliance: Organisation, coordinator: User
) -> None:
    with pytest.raises(NotAllowed):
        designation_create(
            actor=other_coordinator,
            leader=leader,
            type_code="SLE",
            designated_on=dt.date(2025, 9, 1),
            organisation=alliance,
        )
    with pytest.raises(ValidationError) as error:
        designation_create(
            actor=coordinator,
            leader=leader,
            type_code="ABC",
            designated_on=dt.date(2025, 9, 1),
            organisation=alliance,
        )
    assert "type" in error.value.message_dict


def test_unmet_criteria_are_recorded_not_refused(
    coordinator: User, leader: LeaderProfile, alliance: Organisation
) -> None:
    designation = designation_create(
        actor=coordinator,
        leader=leader,
        type_code="LLE",
        designated_on=dt.date(2025, 9, 1),
        organisation=alliance,
    )
    unmet = events_for(designation).get(verb="designation.created").data["unmet_criteria"]
    assert "An LLE must be a headteacher; this leader is not recorded as one." in unmet


# Reviewing and revoking


def test_revoking_a_designation_needs_a_reason(lle: Designation, coordinator: User) -> None:
    with pytest.raises(ValidationError) as error:
        designation_revoke(
            actor=coordinator, designation=lle, revoked_on=dt.date(2026, 1, 5), reason=""
        )
    assert "reason" in error.value.message_dict
    assert Designation.objects.get(pk=lle.pk).status == DesignationStatus.ACTIVE


def test_revoking_an_lle_keeps_the_association_but_ends_its_exclusivity(
    lle: Designation, coordinator: User, leader: LeaderProfile
) -> None:
    designation = designation_revoke(
        actor=coordinator,
        designation=lle,
        revoked_on=dt.date(2026, 1, 5),
        reason="No longer a headteacher.",
    )
    assert designation.status == DesignationStatus.REVOKED
    assert designation.revoked_reason == "No longer a headteacher."
    association = Association.objects.get(leader=leader)
    assert association.is_live
    assert not association.exclusive
    with pytest.raises(RuleViolation) as refused:
        designation_revoke(
            actor=coordinator, designation=lle, revoked_on=dt.date(2026, 1, 6), reason="Again."
        )
    assert refused.value.rule == "designation_state"


def test_another_organisations_coordinator_cannot_revoke(
    lle: Designation, other_coordinator: User
) -> None:
    with pytest.raises(NotAllowed):
        designation_revoke(
            actor=other_coordinator, designation=lle, revoked_on=dt.date(2026, 1, 5), reason="x"
        )


def test_a_review_continues_the_designation_or_revokes_it(
    lle: Designation, coordinator: User
) -> None:
    designation = designation_review_open(
        actor=coordinator, designation=lle, reason="Concerns about impact."
    )
    assert designation.status == DesignationStatus.UNDER_REVIEW
    designation = designation_review_close(
        actor=coordinator,
        designation=designation,
        outcome="continued",
        notes="Evidence received.",
        next_review_on=dt.date(2029, 9, 1),
    )
    assert designation.status == DesignationStatus.ACTIVE
    assert designation.review_on == dt.date(2029, 9, 1)
    designation_review_open(actor=coordinator, designation=lle, reason="Conduct.")
    designation = designation_review_close(
        actor=coordinator,
        designation=lle,
        outcome="revoked",
        notes="Inappropriate conduct confirmed.",
        revoked_on=dt.date(2026, 2, 1),
    )
    assert designation.status == DesignationStatus.REVOKED
    assert designation.revoked_on == dt.date(2026, 2, 1)


def test_the_review_period_handles_the_twenty_ninth_of_february() -> None:
    assert add_years(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)
