"""leaders_create_many: many new leaders at once under the same rules as one at a time, all or
nothing, with the same events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from syslead.accounts.models import Role, User
from syslead.core.academic_years import AcademicYear
from syslead.core.events import events_for
from syslead.core.exceptions import NotAllowed
from syslead.leaders.models import Association, CapacityPolicy, LeaderProfile, ReleaseAgreement
from syslead.leaders.services import NewLeader, leaders_create_many
from syslead.organisations.models import Organisation
from syslead.schools.models import School

YEAR = AcademicYear.current()


def _new(email: str, **over: object) -> NewLeader:
    fields: dict[str, object] = {
        "email": email,
        "name": "Lee Turner",
        "home_school_urn": 120002,
        "job_title": "Deputy head",
        "specialisms": ["maths", "SEND"],
        "phases": ["primary"],
        "designation": "SLE",
        "designated_on": dt.date(2024, 9, 1),
        "release_days": Decimal("10"),
        "academic_year": YEAR,
    }
    fields.update(over)
    return NewLeader(**fields)  # type: ignore[arg-type]


def test_new_leaders_get_profile_designation_association_release_and_events(
    coordinator: User, alliance: Organisation, home_school: School
) -> None:
    made = leaders_create_many(actor=coordinator, organisation=alliance, new=[_new("a@s.test")])
    assert isinstance(made, list)
    leader = LeaderProfile.objects.get(pk=made[0].pk)
    assert leader.created_by_organisation == alliance
    assert sorted(leader.specialisms.values_list("code", flat=True)) == ["maths", "send"]
    assert leader.user.role_assignments.filter(role=Role.SYSTEM_LEADER).exists()
    assert not leader.user.has_usable_password()
    designation = leader.designations.get()
    assert designation.review_on == dt.date(2027, 9, 1)
    association = Association.objects.get(leader=leader)
    assert (association.organisation, association.automatic, association.exclusive) == (
        alliance,
        True,
        False,
    )
    assert association.starts_on == dt.date(2024, 9, 1)
    assert ReleaseAgreement.objects.get(leader=leader).days == Decimal("10")
    assert [e.verb for e in events_for(leader)] == ["leader.created"]
    assert [e.verb for e in events_for(designation)] == ["designation.created"]
    assert [e.verb for e in events_for(leader.user)] == ["user.created", "role.granted"]


def test_an_lle_is_associated_exclusively_and_flagged_below_the_minimum(
    coordinator: User, alliance: Organisation, home_school: School
) -> None:
    made = leaders_create_many(
        actor=coordinator,
        organisation=alliance,
        new=[_new("l@s.test", designation="lle", release_days=Decimal("4"))],
    )
    assert isinstance(made, list)
    assert Association.objects.get(leader=made[0]).exclusive
    release = ReleaseAgreement.objects.get(leader=made[0])
    assert release.below_minimum
    assert "release.below_minimum" in [e.verb for e in events_for(release)]


def test_without_a_designation_the_association_starts_today(
    coordinator: User, alliance: Organisation, home_school: School
) -> None:
    made = leaders_create_many(
        actor=coordinator,
        organisation=alliance,
        new=[_new("n@s.test", designation="", designated_on=None, release_days=None)],
    )
    assert isinstance(made, list)
    association = Association.objects.get(leader=made[0])
    assert not association.automatic
    assert not made[0].designations.exists()


def test_any_problem_writes_nothing_and_names_every_problem(
    coordinator: User, alliance: Organisation, home_school: School
) -> None:
    CapacityPolicy.objects.create(
        organisation=alliance, max_release_days=Decimal("8"), min_lle_days=Decimal("6")
    )
    problems = leaders_create_many(
        actor=coordinator,
        organisation=alliance,
        new=[
            _new("ok@s.test", release_days=Decimal("8")),
            _new("cap@s.test", release_days=Decimal("9")),
            _new("school@s.test", home_school_urn=999999),
            _new("spec@s.test", specialisms=["knitting"]),
            _new("type@s.test", designation="XYZ"),
        ],
    )
    assert isinstance(problems, dict)
    assert sorted(problems) == [1, 2, 3, 4]
    assert "above the cap" in problems[1][0]
    assert not LeaderProfile.objects.exists()
    assert not User.objects.filter(email="ok@s.test").exists()


def test_someone_who_is_already_a_leader_is_refused(
    coordinator: User, alliance: Organisation, home_school: School
) -> None:
    leaders_create_many(actor=coordinator, organisation=alliance, new=[_new("a@s.test")])
    problems = leaders_create_many(actor=coordinator, organisation=alliance, new=[_new("a@s.test")])
    assert isinstance(problems, dict)
    assert "already has a system leader profile" in problems[0][0]


def test_only_the_organisations_coordinators(
    other_coordinator: User, alliance: Organisation, home_school: School
) -> None:
    with pytest.raises(NotAllowed):
        leaders_create_many(actor=other_coordinator, organisation=alliance, new=[_new("a@s.test")])
