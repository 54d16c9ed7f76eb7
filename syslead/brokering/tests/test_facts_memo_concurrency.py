"""The facts version under concurrent writers on PostgreSQL (docs/rules.md, "Precomputed leader
facts"): writers only append to the change log, so two transactions writing watched tables never
wait for each other (no deadlock in opposite orders), and folding the long log keeps the version."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from conftest import only_on_postgresql, race
from syslead.brokering import facts_memo
from syslead.brokering.facts_memo import facts_version, fold_log, organisation_table
from syslead.brokering.matching import fresh_shortlist, shortlist
from syslead.brokering.models import LeaderFactsChange, SupportRequest
from syslead.brokering.tests import factories
from syslead.leaders.models import Designation, LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

ONLY_ON_POSTGRESQL = only_on_postgresql("the change log's triggers")
WAIT_S = 30


@pytest.fixture
def two_leaders(home_school: School, alliance: Organisation) -> tuple[int, int]:
    first = factories.leader(home_school, organisation=alliance, name="Ada Pole")
    second = factories.leader(home_school, organisation=alliance, name="Ben Quay")
    return first.pk, second.pk


@ONLY_ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_transactions_writing_watched_tables_in_opposite_orders_both_commit(
    two_leaders: tuple[int, int], maths_request: SupportRequest
) -> None:
    first, second = two_leaders
    shortlist(maths_request)
    before = facts_version()
    # Both hold their first write before either makes its second: with a row per table, each
    # waited for the row the other held, and PostgreSQL aborted one (a deadlock).
    halfway = threading.Barrier(2, timeout=WAIT_S)

    def profile_then_designation() -> None:
        with transaction.atomic():
            LeaderProfile.objects.filter(pk=first).update(years_experience=11)
            halfway.wait()
            Designation.objects.filter(leader_id=second).update(review_reason="Reviewed")

    def designation_then_profile() -> None:
        with transaction.atomic():
            Designation.objects.filter(leader_id=first).update(review_reason="Reviewed")
            halfway.wait()
            LeaderProfile.objects.filter(pk=second).update(years_experience=12)

    assert race([profile_then_designation, designation_then_profile]) == ["ok", "ok"]
    assert facts_version() != before
    assert LeaderProfile.objects.get(pk=first).years_experience == 11
    kept = {c.leader_id: c.reasons for c in shortlist(maths_request).ranked}
    assert kept == {c.leader_id: c.reasons for c in fresh_shortlist(maths_request).ranked}


@ONLY_ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_a_writer_of_a_watched_table_does_not_wait_for_another_writers_commit(
    two_leaders: tuple[int, int],
) -> None:
    first, second = two_leaders
    first_wrote, second_committed = threading.Event(), threading.Event()
    seen_before_commit: list[bool] = []

    def long_transaction() -> None:
        with transaction.atomic():
            LeaderProfile.objects.filter(pk=first).update(years_experience=3)
            first_wrote.set()
            seen_before_commit.append(second_committed.wait(WAIT_S))

    def short_transaction() -> None:
        assert first_wrote.wait(WAIT_S)
        with transaction.atomic():
            LeaderProfile.objects.filter(pk=second).update(years_experience=4)
        second_committed.set()

    assert race([long_transaction, short_transaction]) == ["ok", "ok"]
    assert seen_before_commit == [True]


@ONLY_ON_POSTGRESQL
def test_folding_the_log_keeps_the_version_and_the_kept_facts(
    maths_request: SupportRequest, lee: LeaderProfile
) -> None:
    for years in range(8):
        LeaderProfile.objects.filter(pk=lee.pk).update(years_experience=years)
    assert LeaderFactsChange.objects.count() > 1
    kept, _ = organisation_table(maths_request.organisation_id, maths_request.academic_year)
    version = facts_version()
    assert fold_log() is True
    assert LeaderFactsChange.objects.count() == 1
    assert facts_version() == version
    again, _ = organisation_table(maths_request.organisation_id, maths_request.academic_year)
    assert again is kept
    LeaderProfile.objects.filter(pk=lee.pk).update(years_experience=20)
    assert facts_version() != version
    assert LeaderFactsChange.objects.count() == 2


@ONLY_ON_POSTGRESQL
def test_the_writers_fold_the_log_as_it_grows(lee: LeaderProfile) -> None:
    statements = 3 * facts_memo.COMPACT_AFTER
    for n in range(statements):
        LeaderProfile.objects.filter(pk=lee.pk).update(years_experience=n % 30)
    assert LeaderFactsChange.objects.count() <= facts_memo.COMPACT_AFTER


@ONLY_ON_POSTGRESQL
def test_a_statement_appends_one_row_whatever_it_writes(lee: LeaderProfile) -> None:
    before = LeaderFactsChange.objects.count()
    LeaderProfile.objects.update(years_experience=7)
    LeaderProfile.objects.filter(pk=lee.pk).update(years_experience=8)
    assert LeaderFactsChange.objects.count() == before + 2
    assert connection.vendor == "postgresql"
