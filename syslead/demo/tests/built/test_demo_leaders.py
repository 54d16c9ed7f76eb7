"""The demo's system leaders: realistic, within the rules, built by the services, idempotent."""

from __future__ import annotations

from collections import Counter

import pytest

from syslead.core.academic_years import AcademicYear
from syslead.core.models import Event
from syslead.leaders.models import (
    ApplicationStage,
    Association,
    Designation,
    DesignationApplication,
    LeaderProfile,
    ReleaseAgreement,
    TrainingEvent,
)
from syslead.leaders.selectors import leader_flags, leader_with_related, not_deployable_reasons
from syslead.schools.models import OfstedRating

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(built_demo: str) -> None:
    """The demo, built once for this module."""


def _check_about_eighty_leaders_at_real_schools_of_the_two_areas() -> None:
    leaders = LeaderProfile.objects.select_related("home_school")
    assert 75 <= leaders.count() <= 90
    assert {leader.home_school.local_authority for leader in leaders} == {
        "Lincolnshire",
        "South Gloucestershire",
    }
    assert Event.objects.filter(verb="leader.created").count() == leaders.count()


def _check_designations_of_every_kind_with_dates() -> None:
    kinds = Counter(Designation.objects.values_list("type__code", flat=True))
    assert kinds["SLE"] >= 30
    assert kinds["LLE"] >= 25
    assert kinds["NLE"] >= 2
    assert kinds["NLG"] >= 2
    for designation in Designation.objects.filter(type__code="LLE").select_related(
        "leader__home_school"
    ):
        assert designation.leader.is_headteacher
        assert designation.leader.home_school.ofsted_rating in {
            OfstedRating.GOOD,
            OfstedRating.OUTSTANDING,
        }


def _check_each_lle_is_associated_with_one_organisation() -> None:
    for leader in LeaderProfile.objects.filter(designations__type__code="LLE"):
        live = Association.objects.filter(leader=leader, is_live=True)
        assert live.count() == 1
        assert live.get().exclusive


def _check_releases_are_within_the_caps_with_two_below_the_lle_minimum() -> None:
    year = AcademicYear.current().label
    releases = ReleaseAgreement.objects.filter(academic_year=year).select_related("leader")
    assert releases.count() >= 60
    assert all(0 < release.days <= 20 for release in releases)
    assert releases.filter(below_minimum=True).count() == 2
    flagged = releases.filter(below_minimum=True).first()
    assert flagged is not None
    flags = leader_flags(leader_with_related(flagged.leader_id), year)
    assert any("Release below the minimum" in flag for flag in flags)


def _check_some_leaders_are_not_deployable_for_want_of_core_training() -> None:
    designated = LeaderProfile.objects.filter(designations__isnull=False).distinct()
    untrained = [
        leader
        for leader in designated.prefetch_related("designations")
        if any("core training" in reason for reason in not_deployable_reasons(leader))
    ]
    assert 3 <= len(untrained) <= 12
    assert TrainingEvent.objects.filter(kind="core").exists()
    assert TrainingEvent.objects.filter(kind="lle_annual").exists()


def _check_a_current_round_has_applications_at_every_stage() -> None:
    stages = set(DesignationApplication.objects.values_list("stage", flat=True))
    assert {
        ApplicationStage.SUBMITTED,
        ApplicationStage.SHORTLISTED,
        ApplicationStage.INTERVIEWED,
        ApplicationStage.RECOMMENDED,
        ApplicationStage.DESIGNATED,
        ApplicationStage.REJECTED,
    } <= stages


def _check_many_profiles_are_published() -> None:
    published = LeaderProfile.objects.filter(publish_profile=True).count()
    assert published >= LeaderProfile.objects.count() // 2


def _check_training_is_on_the_timeline_on_the_day_it_was_held() -> None:
    from django.utils import timezone

    today = timezone.localdate()
    for event in TrainingEvent.objects.all():
        recorded = Event.objects.filter(subject_id=str(event.pk), verb="training_event.created")
        assert recorded.exists()
        for entry in recorded:
            day = timezone.localtime(entry.created_at).date()
            if event.held_on <= today:
                assert day == event.held_on, entry.summary
            else:  # one to come (invited to) was scheduled before it
                assert day < event.held_on, entry.summary


def test_demo_leaders_are_realistic_and_within_the_rules(demo: None) -> None:
    """One load of the demo (it takes seconds), every check on it."""
    _check_about_eighty_leaders_at_real_schools_of_the_two_areas()
    _check_designations_of_every_kind_with_dates()
    _check_each_lle_is_associated_with_one_organisation()
    _check_releases_are_within_the_caps_with_two_below_the_lle_minimum()
    _check_some_leaders_are_not_deployable_for_want_of_core_training()
    _check_a_current_round_has_applications_at_every_stage()
    _check_many_profiles_are_published()
    _check_training_is_on_the_timeline_on_the_day_it_was_held()
