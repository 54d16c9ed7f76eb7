"""Two requests at once cannot make a school a current member twice, nor tell the broker leads of
one referral twice: the alliance's writers lock the organisation's row, and the database holds at
most one current membership per school and alliance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from conftest import make_school, make_user, only_on_postgresql, race
from syslead.accounts.models import Role, User
from syslead.alliances import services
from syslead.alliances.models import AllianceMember, Meeting
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation
from syslead.schools.models import School

ONLY_ON_POSTGRESQL = only_on_postgresql("the organisation's row lock and the partial unique index")


def _alliance() -> Organisation:
    return Organisation.objects.create(
        name="Race Alliance", kind="teaching_school_alliance", slug="race-alliance"
    )


def _add(user_id: int, organisation_id: int, urn: int) -> Callable[[], Any]:
    def call() -> Any:
        return services.member_add(
            actor=User.objects.get(pk=user_id),
            organisation=Organisation.objects.get(pk=organisation_id),
            school=School.objects.get(pk=urn),
            joined_on=dt.date(2025, 9, 1),
        )

    return call


@ONLY_ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_requests_to_add_the_same_school_at_once_add_it_once() -> None:
    alliance = _alliance()
    school = make_school(141001, "Race Primary")
    coordinators = [
        make_user(f"c{n}@race.test", f"Coordinator {n}", (Role.COORDINATOR, alliance))
        for n in range(2)
    ]
    outcomes = race([_add(c.pk, alliance.pk, school.urn) for c in coordinators])
    assert outcomes == ["current_member", "ok"]
    assert AllianceMember.objects.filter(organisation=alliance, school=school).count() == 1


def _attend(user_id: int, meeting_id: int) -> Callable[[], Any]:
    def call() -> Any:
        return services.attendance_record(
            actor=User.objects.get(pk=user_id),
            meeting=Meeting.objects.select_related("organisation").get(pk=meeting_id),
            attendance={},
        )

    return call


@ONLY_ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_attendance_records_at_once_tell_the_broker_leads_of_a_referral_once() -> None:
    alliance = _alliance()
    school = make_school(141002, "Absent Primary")
    coordinator = make_user("c@race.test", "Coordinator", (Role.COORDINATOR, alliance))
    lead = make_user("l@race.test", "Lead", (Role.BROKER_LEAD, alliance))
    services.member_add(
        actor=coordinator, organisation=alliance, school=school, joined_on=dt.date(2025, 9, 1)
    )
    meetings = [
        services.meeting_schedule(
            actor=coordinator, organisation=alliance, held_on=day, title="Termly meeting"
        )
        for day in (dt.date(2025, 10, 8), dt.date(2026, 2, 4))
    ]
    outcomes = race([_attend(coordinator.pk, m.pk) for m in meetings])
    assert outcomes == ["ok", "ok"]
    member = AllianceMember.objects.get()
    assert member.consecutive_meetings_missed == 2
    assert member.referred_to_board
    assert Notification.objects.filter(user=lead, verb="alliance.referred_to_board").count() == 1


def test_the_database_refuses_a_second_current_membership(
    alliance: Organisation, client_school: School
) -> None:
    AllianceMember.objects.create(
        organisation=alliance, school=client_school, joined_on=dt.date(2025, 9, 1)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        AllianceMember.objects.create(
            organisation=alliance, school=client_school, joined_on=dt.date(2026, 1, 1)
        )
    AllianceMember.objects.filter(organisation=alliance).update(left_on=dt.date(2025, 12, 31))
    AllianceMember.objects.create(
        organisation=alliance, school=client_school, joined_on=dt.date(2026, 1, 1)
    )
    assert AllianceMember.objects.filter(left_on__isnull=True).count() == 1
