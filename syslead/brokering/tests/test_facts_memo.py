"""Precomputed leader facts (docs/rules.md, "Matching", "Precomputed leader facts"): a process keeps
each organisation's leaders as the engine's table while the facts version is unchanged, and every
change to an input of the facts — through its service, or a bulk write — shows in the next
shortlist."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from syslead.accounts.models import User
from syslead.brokering.engine import Weights
from syslead.brokering.facts import (
    broker_agreement_facts,
    considered_leader_ids,
    leader_facts_for,
)
from syslead.brokering.facts_memo import facts_version, organisation_table, watched
from syslead.brokering.matching import Shortlist, fresh_shortlist, shortlist
from syslead.brokering.models import SupportRequest
from syslead.brokering.services.sharing import matching_weights_set
from syslead.brokering.tests import factories
from syslead.deployments.models import Deployment, DeploymentStatus, FundingRoute
from syslead.deployments.services.agreements import deployment_cancel, deployment_create
from syslead.deployments.tests.factories import agreement_kwargs, make_request
from syslead.evaluation.models import Evaluation, EvaluationItem, EvaluationRating, Rag
from syslead.evaluation.tallies import outcome_tally_refresh
from syslead.leaders.models import (
    Association,
    Designation,
    DesignationStatus,
    LeaderProfile,
    ReleaseAgreement,
)
from syslead.leaders.services.agreements import agreement_publish, agreement_sign
from syslead.leaders.services.association import association_create, association_end
from syslead.leaders.services.designations import designation_revoke
from syslead.leaders.services.profiles import leader_update
from syslead.leaders.services.release import release_set
from syslead.organisations.models import Organisation
from syslead.schools.models import School

YEAR = factories.AcademicYear.parse(factories.YEAR)


def _seen(result: Shortlist) -> dict[int, Any]:
    """Every leader considered: a candidate's score and remaining days, or the excluded's
    reasons."""
    found: dict[int, Any] = {
        c.leader_id: ("candidate", c.leader_name, c.tenths, c.remaining_days, c.reasons)
        for c in result.ranked
    }
    found.update({e.leader_id: ("excluded", e.leader_name, e.reasons) for e in result.excluded})
    return found


def _warm(support_request: SupportRequest) -> Shortlist:
    """The shortlist, twice: the second from the process's copy of the facts (checked)."""
    first = shortlist(support_request)
    kept, _ = organisation_table(support_request.organisation_id, support_request.academic_year)
    again = shortlist(support_request)
    again_kept, _ = organisation_table(
        support_request.organisation_id, support_request.academic_year
    )
    assert again_kept is kept
    assert _seen(again) == _seen(first)
    return again


def _after(support_request: SupportRequest) -> Shortlist:
    """The shortlist after a change: it must equal one computed with nothing kept."""
    result = shortlist(support_request)
    assert _seen(result) == _seen(fresh_shortlist(support_request))
    return result


def test_the_facts_are_kept_while_nothing_changes(
    maths_request: SupportRequest, lee: LeaderProfile, django_assert_max_num_queries: Any
) -> None:
    shortlist(maths_request)
    with CaptureQueriesContext(connection) as cold_queries:
        factories.leader(lee.home_school, organisation=maths_request.organisation)
        cold = shortlist(maths_request)
    with django_assert_max_num_queries(len(cold_queries.captured_queries) - 4 - 1):
        warm = shortlist(maths_request)
    assert _seen(warm) == _seen(cold)
    assert len(warm.ranked) == 2


def test_triggers_change_the_version_in_the_writing_transaction(lee: LeaderProfile) -> None:
    before = facts_version()
    LeaderProfile.objects.filter(pk=lee.pk).update(years_experience=9)
    after = facts_version()
    assert after != before
    # A column the facts do not read, of a table read through the leaders: no change.
    User.objects.filter(pk=lee.user_id).update(last_login=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert facts_version() == after


def test_every_watched_table_has_its_trigger(db: None) -> None:
    if connection.vendor == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        names = {name for (name,) in cursor.fetchall()}
    for item in watched():
        assert any(name.startswith(f"syslead_lfv_{item.table}"[:63]) for name in names), item


def test_every_table_the_facts_are_read_from_is_watched(
    maths_request: SupportRequest, lee: LeaderProfile, coordinator: User, alliance: Organisation
) -> None:
    agreement_publish(
        actor=coordinator, organisation=alliance, title="Code of conduct", text="Be kind."
    )
    with CaptureQueriesContext(connection) as queries:
        leader_facts_for(considered_leader_ids(maths_request), maths_request.academic_year)
        broker_agreement_facts(alliance.pk)
        Weights.for_organisation(alliance.pk)
    read = {
        name
        for query in queries.captured_queries
        for name in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', query["sql"])
    }
    assert "leaders_association" in read
    assert "leaders_agreementsignature" in read
    assert "brokering_matchingweights" in read
    assert "evaluation_leaderoutcometally" in read
    # Commissions are read afresh for each request, never kept.
    read -= {"brokering_commission", "brokering_directcommission"}
    assert read <= {w.table for w in watched()}


def test_a_designation_revoked(
    maths_request: SupportRequest, lee: LeaderProfile, coordinator: User
) -> None:
    assert _seen(_warm(maths_request))[lee.pk][0] == "candidate"
    designation_revoke(
        actor=coordinator,
        designation=Designation.objects.get(leader=lee),
        revoked_on=dt.date.today(),
        reason="No longer in post.",
    )
    seen = _seen(_after(maths_request))[lee.pk]
    assert seen[0] == "excluded"
    assert seen[2][0].startswith("No active designation")


def test_a_designation_changed_by_a_bulk_update(
    maths_request: SupportRequest, lee: LeaderProfile
) -> None:
    _warm(maths_request)
    Designation.objects.filter(leader=lee).update(status=DesignationStatus.UNDER_REVIEW)
    assert _seen(_after(maths_request))[lee.pk][0] == "excluded"


def test_an_association_ended_and_one_made(
    maths_request: SupportRequest,
    lee: LeaderProfile,
    coordinator: User,
    home_school: School,
    alliance: Organisation,
) -> None:
    _warm(maths_request)
    association_end(
        actor=coordinator,
        association=Association.objects.get(leader=lee, organisation=alliance),
        ends_on=dt.date.today(),
        reason="Moved away.",
    )
    assert lee.pk not in _seen(_after(maths_request))
    other = factories.leader(home_school, organisation=None)
    association_create(
        actor=coordinator, leader=other, organisation=alliance, starts_on=dt.date.today()
    )
    assert _seen(_after(maths_request))[other.pk][0] == "candidate"


def test_profile_fields_changed(
    maths_request: SupportRequest, lee: LeaderProfile, coordinator: User
) -> None:
    before = _seen(_warm(maths_request))[lee.pk]
    leader_update(actor=coordinator, leader=lee, years_experience=1)
    after = _seen(_after(maths_request))[lee.pk]
    assert after[0] == "candidate"
    assert after[2] < before[2]
    leader_update(actor=coordinator, leader=lee, specialisms=["science"])
    assert "No specialism in common" in " ".join(_seen(_after(maths_request))[lee.pk][2])
    leader_update(actor=coordinator, leader=lee, specialisms=["maths"], phases=["secondary"])
    assert "Does not support primary" in " ".join(_seen(_after(maths_request))[lee.pk][2])
    leader_update(
        actor=coordinator, leader=lee, phases=["primary"], core_training_completed_on=None
    )
    assert _seen(_after(maths_request))[lee.pk][2] == ("Core training not completed",)


def test_a_declared_conflict(
    maths_request: SupportRequest, lee: LeaderProfile, coordinator: User
) -> None:
    _warm(maths_request)
    leader_update(
        actor=coordinator, leader=lee, declared_conflicts=maths_request.school.name.upper()
    )
    assert "Conflict of interest" in _seen(_after(maths_request))[lee.pk][2][0]


def test_release_days_changed(
    maths_request: SupportRequest, lee: LeaderProfile, coordinator: User
) -> None:
    assert _seen(_warm(maths_request))[lee.pk][3] == Decimal(10)
    release_set(
        actor=coordinator,
        leader=lee,
        academic_year=YEAR,
        days=Decimal(2),
        agreed_on=dt.date.today(),
    )
    seen = _seen(_after(maths_request))[lee.pk]
    assert seen[0] == "excluded"
    assert seen[2][0].startswith("Only 2 days left")


def test_an_agreement_committed_and_cancelled(
    maths_request: SupportRequest,
    lee: LeaderProfile,
    coordinator: User,
    alliance: Organisation,
    client_school: School,
) -> None:
    assert _seen(_warm(maths_request))[lee.pk][3] == Decimal(10)
    other = make_request(alliance, client_school, chosen_leader=lee)
    deployment = deployment_create(
        actor=coordinator, support_request=other, leader=lee, **agreement_kwargs()
    )
    assert _seen(_after(maths_request))[lee.pk][3] == Decimal(5)
    deployment_cancel(actor=coordinator, deployment=deployment, reason="Not needed after all.")
    assert _seen(_after(maths_request))[lee.pk][3] == Decimal(10)


def test_the_broker_agreement_published_and_signed(
    maths_request: SupportRequest,
    lee: LeaderProfile,
    coordinator: User,
    alliance: Organisation,
    leader_user: User,
) -> None:
    _warm(maths_request)
    agreement = agreement_publish(
        actor=coordinator, organisation=alliance, title="Code of conduct", text="Be kind."
    )
    assert _seen(_after(maths_request))[lee.pk][2][0].startswith("Has not signed")
    agreement_sign(actor=leader_user, agreement=agreement, signed_name="Lee", confirmed=True)
    assert _seen(_after(maths_request))[lee.pk][0] == "candidate"


def test_the_weights_changed(
    maths_request: SupportRequest, lee: LeaderProfile, coordinator: User, alliance: Organisation
) -> None:
    before = _seen(_warm(maths_request))[lee.pk]
    matching_weights_set(actor=coordinator, organisation=alliance, weights={"experience": 0})
    after = _seen(_after(maths_request))[lee.pk]
    assert after[2] != before[2]
    assert not any(r.startswith("Experience") for r in after[4])


def test_the_broker_renamed(
    maths_request: SupportRequest, lee: LeaderProfile, coordinator: User, alliance: Organisation
) -> None:
    agreement_publish(
        actor=coordinator, organisation=alliance, title="Code of conduct", text="Be kind."
    )
    _warm(maths_request)
    Organisation.objects.filter(pk=alliance.pk).update(name="The Renamed Alliance")
    assert "The Renamed Alliance's current agreement" in _seen(_after(maths_request))[lee.pk][2][0]


def test_an_evaluation_counted_in_the_outcomes_tally(
    maths_request: SupportRequest, lee: LeaderProfile, alliance: Organisation
) -> None:
    before = _seen(_warm(maths_request))[lee.pk]
    year = YEAR.previous()
    school = factories.school("Earlier School")
    deployment = Deployment.objects.create(
        organisation=alliance,
        support_request=factories.support_request(school, alliance, academic_year=year.label),
        leader=lee,
        client_school=school,
        home_school=lee.home_school,
        status=DeploymentStatus.COMPLETED,
        starts_on=year.starts_on,
        ends_on=year.ends_on,
        academic_year=year.label,
        full_days=5,
        funding_route=FundingRoute.SCHOOL,
    )
    evaluation = Evaluation.objects.create(deployment=deployment)
    EvaluationRating.objects.create(
        evaluation=evaluation, item=EvaluationItem.OVERALL_SUCCESS, rating=Rag.GREEN
    )
    _warm(maths_request)  # the ratings alone are not read: the tally is
    outcome_tally_refresh([lee.pk])  # as evaluation_submit does, in its transaction
    after = _seen(_after(maths_request))[lee.pk]
    assert after[2] > before[2]
    assert any("1 earlier deployment evaluated" in r for r in after[4])


def test_the_leaders_name_and_home_school_changed_by_bulk_writes(
    maths_request: SupportRequest, lee: LeaderProfile, home_school: School
) -> None:
    before = _seen(_warm(maths_request))[lee.pk]
    User.objects.filter(pk=lee.user_id).update(name="Lee Renamed")
    assert _seen(_after(maths_request))[lee.pk][1] == "Lee Renamed"
    # As the register's import does: the school moves 40 km.
    School.objects.filter(pk=home_school.pk).update(latitude=home_school.latitude + 0.36)
    after = _seen(_after(maths_request))[lee.pk]
    assert after[2] < before[2]


def test_a_change_rolled_back_is_not_kept(
    maths_request: SupportRequest, lee: LeaderProfile, coordinator: User
) -> None:
    before = _seen(_warm(maths_request))

    def change_and_roll_back() -> None:
        with transaction.atomic():
            leader_update(actor=coordinator, leader=lee, years_experience=0)
            # Kept by this process under the version that is about to be rolled back.
            assert _seen(shortlist(maths_request)) != before
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_and_roll_back()
    assert _seen(shortlist(maths_request)) == before
    # The next change gets a version of its own, never the rolled-back one.
    leader_update(actor=coordinator, leader=lee, years_experience=0)
    assert _seen(_after(maths_request))[lee.pk][2] < before[lee.pk][2]


def test_kept_facts_equal_fresh_ones_through_random_changes(
    maths_request: SupportRequest, home_school: School, alliance: Organisation
) -> None:
    rng = random.Random(16)
    schools = [home_school, *(factories.school(f"Random {i}", 53 + i / 10) for i in range(3))]
    leaders = [
        factories.leader(
            rng.choice(schools),
            organisation=alliance,
            specialisms=tuple(rng.sample(["maths", "english", "science"], rng.randint(1, 2))),
            phases=tuple(rng.sample(["primary", "secondary"], rng.randint(1, 2))),
            trained=rng.random() > 0.2,
            release=str(rng.randint(0, 12)),
            years=rng.randint(0, 12),
        )
        for _ in range(12)
    ]
    for _ in range(16):
        assert _seen(shortlist(maths_request)) == _seen(fresh_shortlist(maths_request))
        leader = rng.choice(leaders)
        change = rng.randrange(4)
        if change == 0:
            LeaderProfile.objects.filter(pk=leader.pk).update(years_experience=rng.randint(0, 12))
        elif change == 1:
            Designation.objects.filter(leader=leader).update(
                status=rng.choice([DesignationStatus.ACTIVE, DesignationStatus.UNDER_REVIEW])
            )
        elif change == 2:
            ReleaseAgreement.objects.filter(leader=leader).update(days=rng.randint(0, 12))
        else:
            live = rng.random() > 0.5
            Association.objects.filter(leader=leader).update(
                is_live=live, ends_on=None if live else dt.date.today()
            )
    assert _seen(shortlist(maths_request)) == _seen(fresh_shortlist(maths_request))
