"""Agreed notes of visit count as delivered days in the leader's capacity ledger: a full day 1, a
half day or twilight 0.5, only once the school has agreed them, in the academic year of the
visit's date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from syslead.accounts.models import User
from syslead.capacity.ledger import delivered_days_by_leader, leader_capacity
from syslead.deployments.models import Deployment
from syslead.leaders.models import LeaderProfile
from syslead.visits.models import Session, VisitStatus
from syslead.visits.services import visit_agree, visit_record
from syslead.visits.tests.factories import make_visit


def test_only_agreed_visits_count_full_days_1_half_days_and_twilights_half(
    deployment: Deployment, leader: LeaderProfile
) -> None:
    make_visit(deployment, session=Session.FULL_DAY, status=VisitStatus.AGREED)
    make_visit(deployment, session=Session.HALF_DAY, status=VisitStatus.SIGNED_OFF)
    make_visit(deployment, session=Session.TWILIGHT, status=VisitStatus.AGREED)
    make_visit(deployment, session=Session.FULL_DAY, status=VisitStatus.AWAITING_AGREEMENT)
    make_visit(deployment, session=Session.FULL_DAY, status=VisitStatus.CHANGES_REQUESTED)
    assert delivered_days_by_leader([leader], "2025-26") == {leader.pk: Decimal("2")}
    assert leader_capacity(leader, "2025-26").delivered == Decimal("2")


def test_visits_count_in_the_academic_year_of_their_date(
    deployment: Deployment, leader: LeaderProfile
) -> None:
    make_visit(deployment, date=dt.date(2025, 8, 31), status=VisitStatus.AGREED)
    make_visit(deployment, date=dt.date(2025, 9, 1), status=VisitStatus.AGREED)
    make_visit(deployment, date=dt.date(2026, 8, 31), status=VisitStatus.AGREED)
    make_visit(deployment, date=dt.date(2026, 9, 1), status=VisitStatus.AGREED)
    assert delivered_days_by_leader([leader], "2025-26") == {leader.pk: Decimal("2")}
    assert delivered_days_by_leader(LeaderProfile.objects.all(), "2024-25") == {
        leader.pk: Decimal("1")
    }


def test_agreeing_a_note_through_the_service_delivers_its_day(
    leader_user: User, client_head: User, deployment: Deployment, leader: LeaderProfile
) -> None:
    visit = visit_record(
        actor=leader_user,
        deployment=deployment,
        date=dt.date(2025, 11, 3),
        session=Session.HALF_DAY,
        hours=Decimal("3"),
        focus="Pupil voice in maths",
    )
    assert leader_capacity(leader, "2025-26").delivered == 0
    visit_agree(actor=client_head, visit=visit)
    assert leader_capacity(leader, "2025-26").delivered == Decimal("0.5")


def test_delivered_days_for_many_leaders_take_one_query(
    deployment: Deployment, leader: LeaderProfile, django_assert_num_queries: Any
) -> None:
    for _ in range(5):
        make_visit(deployment, status=VisitStatus.AGREED)
    with django_assert_num_queries(1):
        by_list = delivered_days_by_leader([leader, 999_999], "2025-26")
    with django_assert_num_queries(1):
        by_queryset = delivered_days_by_leader(LeaderProfile.objects.all(), "2025-26")
    assert by_list == by_queryset == {leader.pk: Decimal("5")}
