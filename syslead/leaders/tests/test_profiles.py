"""Profiles: adding a leader, editing it, consent to publish, declaring a change of eligibility."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from conftest import make_user
from syslead.accounts.access import roles_of
from syslead.accounts.models import Role, User
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.leaders.constants import BUILTIN_DESIGNATION_TYPES, BUILTIN_SPECIALISMS
from syslead.leaders.models import (
    Designation,
    DesignationStatus,
    DesignationType,
    LeaderProfile,
    Specialism,
)
from syslead.leaders.services import (
    designation_type_create,
    leader_create,
    leader_declare_no_longer_meets_criteria,
    leader_set_publication,
    leader_update,
    specialism_create,
)
from syslead.organisations.models import Organisation
from syslead.schools.models import School


def _create(actor: User, user: User, school: School, **extra: object) -> LeaderProfile:
    fields: dict[str, object] = {
        "home_school_urn": school.urn,
        "job_title": "Assistant headteacher",
        "specialisms": ["english"],
        "phases": ["primary"],
        "pen_portrait": "",
        "core_training_completed_on": None,
    }
    fields.update(extra)
    return leader_create(actor=actor, user=user, **fields)  # type: ignore[arg-type]


# Built-in vocabularies


def test_the_builtin_specialisms_and_designation_types_exist_with_english_labels() -> None:
    labels = dict(Specialism.objects.filter(organisation=None).values_list("code", "label"))
    assert set(labels) == set(BUILTIN_SPECIALISMS)
    assert labels["send"] == "SEND"
    assert labels["early_years"] == "Early years"
    lle = DesignationType.objects.get(code="LLE", organisation=None)
    assert lle.requires_headteacher
    assert lle.is_exclusive
    assert lle.requires_annual_training
    assert lle.min_years_experience == 3
    assert lle.requires_good_or_outstanding_school
    assert "good or outstanding" in lle.criteria
    sle = DesignationType.objects.get(code="SLE", organisation=None)
    assert sle.excludes_headteacher
    assert sle.min_years_experience == 2
    assert not sle.is_exclusive
    assert set(
        DesignationType.objects.filter(organisation=None).values_list("code", flat=True)
    ) == set(BUILTIN_DESIGNATION_TYPES)


def test_the_vocabularies_data_migration_is_reversible(db: None) -> None:
    migration = importlib.import_module("syslead.leaders.migrations.0003_builtin_vocabularies")
    migration.remove_builtins(apps, None)
    assert not Specialism.objects.filter(organisation=None).exists()
    assert not DesignationType.objects.filter(organisation=None).exists()
    migration.create_builtins(apps, None)
    migration.create_builtins(apps, None)  # running twice changes nothing
    assert Specialism.objects.filter(organisation=None).count() == len(BUILTIN_SPECIALISMS)
    assert DesignationType.objects.filter(organisation=None).count() == 4


def test_an_organisation_adds_its_own_specialism_and_designation_type(
    coordinator: User, alliance: Organisation, other_coordinator: User
) -> None:
    own = specialism_create(
        actor=coordinator, organisation=alliance, code="outdoor_learning", label="Outdoor learning"
    )
    assert own.organisation == alliance
    hub = designation_type_create(
        actor=coordinator,
        organisation=alliance,
        code="HLE",
        name="Hub Leader of Education",
        min_years_experience=2,
    )
    assert hub.organisation == alliance
    with pytest.raises(ValidationError) as error:
        specialism_create(actor=coordinator, organisation=alliance, code="maths", label="Maths")
    assert "built-in" in str(error.value.message_dict["code"])
    with pytest.raises(ValidationError):
        designation_type_create(actor=coordinator, organisation=alliance, code="lle", name="x")
    with pytest.raises(NotAllowed):
        specialism_create(actor=other_coordinator, organisation=alliance, code="x", label="X")


# Creating


def test_a_coordinator_adds_a_leader_for_their_organisation_and_the_user_becomes_a_system_leader(
    coordinator: User, alliance: Organisation, home_school: School
) -> None:
    user = make_user("nina@mountstreet.test", "Nina New")
    leader = _create(coordinator, user, home_school, specialisms=["english", "Phonics", "SEND"])

    assert leader.created_by_organisation == alliance
    assert sorted(leader.specialisms.values_list("code", flat=True)) == [
        "english",
        "phonics",
        "send",
    ]
    assert list(leader.phase_rows.values_list("phase", flat=True)) == ["primary"]
    assert Role.SYSTEM_LEADER in roles_of(User.objects.get(pk=user.pk))
    assert [e.verb for e in events_for(leader)] == ["leader.created"]


def test_only_coordinators_and_administrators_add_leaders(
    home_head: User, stranger: User, home_school: School, administrator: User
) -> None:
    user = make_user("nina@mountstreet.test", "Nina New")
    for actor in (home_head, stranger):
        with pytest.raises(NotAllowed):
            _create(actor, user, home_school)
    leader = _create(administrator, user, home_school)
    assert leader.created_by_organisation is None


def test_invalid_fields_are_reported_together_by_name(
    coordinator: User, home_school: School
) -> None:
    user = make_user("nina@mountstreet.test", "Nina New")
    with pytest.raises(ValidationError) as error:
        _create(
            coordinator,
            user,
            home_school,
            home_school_urn=999999,
            job_title=" ",
            specialisms=["maths", "knitting"],
            phases=["primary", "university"],
        )
    errors = error.value.message_dict
    assert set(errors) == {"home_school", "job_title", "specialisms", "phases"}
    assert "999999" in errors["home_school"][0]
    assert "knitting" in errors["specialisms"][0]
    assert "university" in errors["phases"][0]
    assert not LeaderProfile.objects.exists()


def test_a_user_has_at_most_one_leader_profile(
    coordinator: User, leader: LeaderProfile, home_school: School
) -> None:
    with pytest.raises(ValidationError) as error:
        _create(coordinator, leader.user, home_school)
    assert "already" in error.value.message_dict["user"][0]


def test_an_organisations_own_specialism_is_available_to_its_coordinator_only(
    coordinator: User, alliance: Organisation, other_coordinator: User, home_school: School
) -> None:
    specialism_create(
        actor=coordinator, organisation=alliance, code="outdoor_learning", label="Outdoor learning"
    )
    nina = make_user("nina@mountstreet.test", "Nina New")
    leader = _create(coordinator, nina, home_school, specialisms=["outdoor_learning"])
    assert list(leader.specialisms.values_list("code", flat=True)) == ["outdoor_learning"]
    olly_leader = make_user("otto@mountstreet.test", "Otto Other")
    with pytest.raises(ValidationError):
        _create(other_coordinator, olly_leader, home_school, specialisms=["outdoor_learning"])


# Editing


def test_the_leader_edits_their_own_profile_and_the_change_is_recorded(
    leader: LeaderProfile, leader_user: User
) -> None:
    leader_update(
        actor=leader_user, leader=leader, job_title="Deputy head", specialisms=["maths", "phonics"]
    )
    leader.refresh_from_db()
    assert leader.job_title == "Deputy head"
    assert sorted(leader.specialisms.values_list("code", flat=True)) == ["maths", "phonics"]
    event = events_for(leader).get(verb="leader.updated")
    assert event.data["specialisms"] == [["maths", "send"], ["maths", "phonics"]]


def test_the_leader_cannot_record_their_own_core_training_or_headship(
    leader: LeaderProfile, leader_user: User, coordinator: User
) -> None:
    with pytest.raises(NotAllowed):
        leader_update(actor=leader_user, leader=leader, is_headteacher=True)
    leader_update(actor=coordinator, leader=leader, is_headteacher=True)
    leader.refresh_from_db()
    assert leader.is_headteacher


def test_another_organisations_coordinator_cannot_edit_the_leader(
    leader: LeaderProfile, other_coordinator: User, home_head: User
) -> None:
    for actor in (other_coordinator, home_head):
        with pytest.raises(NotAllowed):
            leader_update(actor=actor, leader=leader, job_title="Changed")


def test_publication_is_the_leaders_own_consent(
    leader: LeaderProfile, leader_user: User, coordinator: User
) -> None:
    with pytest.raises(NotAllowed):
        leader_set_publication(actor=coordinator, leader=leader, publish_profile=True)
    leader_set_publication(
        actor=leader_user, leader=leader, publish_profile=True, publish_pen_portrait=True
    )
    leader.refresh_from_db()
    assert leader.publish_profile
    assert leader.publish_pen_portrait
    assert leader.publish_name  # untouched parts keep their value


# Declaring no longer meeting the criteria


def test_declaring_no_longer_meeting_criteria_flags_the_designation_for_review(
    lle: Designation, leader: LeaderProfile, leader_user: User
) -> None:
    designation = leader_declare_no_longer_meets_criteria(
        actor=leader_user,
        leader=leader,
        designation=lle,
        reason="My school's latest inspection judged it requires improvement.",
    )
    assert designation.status == DesignationStatus.UNDER_REVIEW
    assert "requires improvement" in designation.review_reason
    assert events_for(designation).filter(verb="designation.criteria_no_longer_met").exists()
    with pytest.raises(RuleViolation) as refused:
        leader_declare_no_longer_meets_criteria(
            actor=leader_user, leader=leader, designation=lle, reason="Again."
        )
    assert refused.value.rule == "designation_state"


def test_a_declaration_needs_a_reason_and_the_leaders_own_designation(
    lle: Designation, leader: LeaderProfile, leader_user: User, stranger: User
) -> None:
    with pytest.raises(ValidationError):
        leader_declare_no_longer_meets_criteria(
            actor=leader_user, leader=leader, designation=lle, reason=" "
        )
    with pytest.raises(NotAllowed):
        leader_declare_no_longer_meets_criteria(
            actor=stranger, leader=leader, designation=lle, reason="Not me."
        )
    assert Designation.objects.get(pk=lle.pk).status == DesignationStatus.ACTIVE


def test_a_leader_added_with_a_core_training_date_keeps_it(leader: LeaderProfile) -> None:
    assert leader.core_training_completed_on == dt.date(2025, 9, 20)
