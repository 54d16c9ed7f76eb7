"""The capacity ledger, each figure named after its rule (docs/rules.md: Capacity, and features 1
and 5): released, committed, signed, delivered and remaining days per leader per academic year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syslead.capacity.ledger import (
    Capacity,
    capacities_for,
    committed_days_of,
    delivered_days_by_leader,
    delivered_days_of,
    delivered_days_on,
    leader_capacity,
    remaining_days,
    signed_days,
    with_released_and_remaining,
    with_remaining_days,
    years_with_figures,
)
from syslead.deployments.models import COMMITTED_STATUSES, SIGNED_STATUSES, DeploymentStatus
from syslead.leaders.models import LeaderProfile
from syslead.leaders.tests.factories import make_deployment, make_leader, release
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.visits.models import Session, VisitStatus
from syslead.visits.tests.factories import make_visit

YEAR = "2025-26"


# The ledger


def test_the_ledger_counts_agreements_awaiting_signatures_or_active_in_the_year(
    leader: LeaderProfile, alliance: Organisation, client_school: School
) -> None:
    release(leader, YEAR, "30")
    make_deployment(leader, organisation=alliance, client_school=client_school, full_days=3)
    make_deployment(
        leader,
        organisation=alliance,
        client_school=client_school,
        full_days=1,
        half_days=1,
        twilight_sessions=2,
        status=DeploymentStatus.AWAITING_SIGNATURES,
    )
    # Other statuses count as the deployments area defines COMMITTED_STATUSES; drafts and
    # cancelled agreements never do.
    others = [s for s in DeploymentStatus if s not in ("active", "awaiting_signatures")]
    for status in others:
        make_deployment(
            leader, organisation=alliance, client_school=client_school, full_days=2, status=status
        )
    make_deployment(
        leader,
        organisation=alliance,
        client_school=client_school,
        starts_on=dt.date(2026, 9, 7),
        academic_year="2026-27",
        full_days=4,
    )
    expected = Decimal("5.5") + 2 * sum(1 for s in others if s in COMMITTED_STATUSES)
    capacity = leader_capacity(leader, YEAR)
    assert capacity == Capacity(academic_year=YEAR, released=Decimal("30"), committed=expected)
    assert capacity.remaining == 30 - expected
    assert DeploymentStatus.DRAFT not in COMMITTED_STATUSES
    assert DeploymentStatus.CANCELLED not in COMMITTED_STATUSES
    assert capacity.invoiced == 0
    assert leader_capacity(leader, "2026-27").committed == 4


def test_a_leader_without_a_release_has_nothing_remaining(leader: LeaderProfile) -> None:
    assert leader_capacity(leader, YEAR) == Capacity(academic_year=YEAR)
    with pytest.raises(ValueError, match="not an academic year"):
        leader_capacity(leader, "2025-27")


def test_capacities_for_many_leaders_take_a_fixed_number_of_queries(
    home_school: School,
    alliance: Organisation,
    client_school: School,
    django_assert_max_num_queries: object,
) -> None:
    leaders = [make_leader(school=home_school) for _ in range(30)]
    for n, leader in enumerate(leaders):
        release(leader, YEAR, str(n % 15))
        make_deployment(leader, organisation=alliance, client_school=client_school, full_days=1)
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        by_list = capacities_for(leaders, YEAR)
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        by_queryset = capacities_for(LeaderProfile.objects.all(), YEAR)
    assert by_list == by_queryset
    assert by_list[leaders[7].pk].remaining == Decimal("6")


@given(
    released=st.decimals(min_value=0, max_value=60, places=1),
    committed=st.decimals(min_value=0, max_value=60, places=1),
)
def test_remaining_is_released_minus_committed(released: Decimal, committed: Decimal) -> None:
    capacity = Capacity(academic_year=YEAR, released=released, committed=committed)
    assert capacity.remaining == released - committed
    assert capacity.over_committed == (committed > released)


# Signed days: "The days committed in signed agreements may never exceed the days released"


def test_signed_days_count_only_active_paused_or_completed_agreements_of_the_year(
    leader: LeaderProfile, alliance: Organisation, client_school: School
) -> None:
    kept = {"organisation": alliance, "client_school": client_school}
    for status in DeploymentStatus:
        make_deployment(leader, **kept, full_days=1, half_days=1, status=status)
    make_deployment(
        leader, **kept, starts_on=dt.date(2026, 9, 7), academic_year="2026-27", full_days=4
    )
    assert set(SIGNED_STATUSES) == {
        DeploymentStatus.ACTIVE,
        DeploymentStatus.PAUSED,
        DeploymentStatus.COMPLETED,
    }
    assert signed_days(leader, YEAR) == Decimal("1.5") * len(SIGNED_STATUSES)
    active = leader.deployments.get(status=DeploymentStatus.ACTIVE, academic_year=YEAR)
    assert signed_days(leader.pk, YEAR, exclude=active) == Decimal("1.5") * 2
    assert signed_days(leader, "2026-27") == 4


# Remaining = released − committed, leaving out an agreement being edited


def test_remaining_days_leave_out_the_agreement_being_edited(
    leader: LeaderProfile, alliance: Organisation, client_school: School
) -> None:
    release(leader, YEAR, "10")
    kept = {"organisation": alliance, "client_school": client_school}
    edited = make_deployment(leader, **kept, full_days=2, twilight_sessions=1)
    draft = make_deployment(leader, **kept, full_days=5, status=DeploymentStatus.DRAFT)
    assert committed_days_of(edited, YEAR) == Decimal("2.5")
    assert committed_days_of(edited, "2026-27") == 0
    assert committed_days_of(draft, YEAR) == 0
    assert remaining_days(leader, YEAR) == Decimal("7.5")
    assert remaining_days(leader, YEAR, edited) == Decimal("10")
    assert remaining_days(leader, YEAR, draft) == Decimal("7.5")


def test_remaining_days_in_sql_match_the_ledger(
    home_school: School, alliance: Organisation, client_school: School
) -> None:
    """The shortlist filters on the SQL figure: it must equal the ledger's, half days included."""
    kept = {"organisation": alliance, "client_school": client_school}
    with_release = make_leader(school=home_school)
    release(with_release, YEAR, "6.5")
    make_deployment(with_release, **kept, full_days=1, half_days=1, twilight_sessions=1)
    without = make_leader(school=home_school)
    make_deployment(without, **kept, full_days=1)
    rows = {
        row.pk: (row.released_days, row.remaining_days)
        for row in with_released_and_remaining(LeaderProfile.objects.all(), YEAR)
    }
    assert rows[with_release.pk] == (Decimal("6.5"), Decimal("4.5"))
    assert rows[without.pk] == (None, Decimal("-1"))
    for leader_id, (_, remaining) in rows.items():
        assert remaining == leader_capacity(leader_id, YEAR).remaining
    enough = with_remaining_days(LeaderProfile.objects.all(), YEAR).filter(remaining_days__gte=4)
    assert list(enough.values_list("pk", flat=True)) == [with_release.pk]


# Delivered: "Notes of visit agreed by the school that count as delivered days"


def test_delivered_days_of_an_agreement_count_its_agreed_notes_across_its_versions(
    leader: LeaderProfile, alliance: Organisation, client_school: School
) -> None:
    kept = {"organisation": alliance, "client_school": client_school}
    first = make_deployment(leader, **kept, full_days=6, status=DeploymentStatus.SUPERSEDED)
    second = make_deployment(leader, **kept, full_days=6)
    make_visit(first, session=Session.FULL_DAY, status=VisitStatus.AGREED)
    make_visit(second, session=Session.TWILIGHT, status=VisitStatus.SIGNED_OFF)
    make_visit(second, session=Session.HALF_DAY, status=VisitStatus.AWAITING_AGREEMENT)
    make_visit(second, date=dt.date(2026, 9, 7), status=VisitStatus.AGREED)
    assert delivered_days_on([second.pk]) == Decimal("1.5")
    assert delivered_days_on([first.pk, second.pk]) == Decimal("2.5")
    assert delivered_days_on([first.pk, second.pk], YEAR) == Decimal("1.5")
    assert delivered_days_on([]) == 0
    # The leader's figure for the year counts the same notes as the agreement's.
    assert delivered_days_by_leader([leader], YEAR) == {leader.pk: Decimal("1.5")}


def test_an_agreements_delivered_days_include_the_versions_it_amended(
    leader: LeaderProfile, alliance: Organisation, client_school: School
) -> None:
    kept = {"organisation": alliance, "client_school": client_school}
    first = make_deployment(leader, **kept, full_days=6, status=DeploymentStatus.SUPERSEDED)
    second = make_deployment(leader, **kept, full_days=6)
    second.previous_version = first
    second.save(update_fields=["previous_version"])
    make_visit(first, session=Session.FULL_DAY, status=VisitStatus.AGREED)
    make_visit(second, session=Session.HALF_DAY, status=VisitStatus.AGREED)
    assert delivered_days_of(second) == Decimal("1.5")
    assert delivered_days_of(first) == Decimal("1")


def test_years_with_figures_are_the_years_of_releases_and_agreements(
    leader: LeaderProfile, alliance: Organisation, client_school: School
) -> None:
    release(leader, "2024-25", "5")
    make_deployment(
        leader,
        organisation=alliance,
        client_school=client_school,
        starts_on=dt.date(2026, 9, 7),
        academic_year="2026-27",
    )
    assert years_with_figures(leader) == {"2024-25", "2026-27"}


def test_the_whole_ledger_for_many_leaders_keeps_its_query_budget(
    home_school: School,
    alliance: Organisation,
    client_school: School,
    django_assert_num_queries: Any,
) -> None:
    """Released, committed, delivered and invoiced: one query each, whatever the number."""
    leaders = [make_leader(school=home_school) for _ in range(10)]
    for leader in leaders:
        release(leader, YEAR, "5")
        deployment = make_deployment(
            leader, organisation=alliance, client_school=client_school, full_days=2
        )
        make_visit(deployment, status=VisitStatus.AGREED)
    with django_assert_num_queries(4):
        figures = capacities_for(leaders, YEAR)
    assert {c.delivered for c in figures.values()} == {Decimal("1")}
    assert {c.remaining for c in figures.values()} == {Decimal("3")}
    # Without the days delivered and invoiced (a list that shows neither): two queries, the same
    # released, committed and remaining days.
    with django_assert_num_queries(2):
        days = capacities_for(leaders, YEAR, delivery=False)
    assert days == {
        leader_id: Capacity(
            academic_year=YEAR, released=c.released, committed=c.committed, delivered=Decimal(0)
        )
        for leader_id, c in figures.items()
    }
    assert {c.remaining for c in days.values()} == {Decimal("3")}
