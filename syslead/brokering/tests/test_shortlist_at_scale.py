"""The shortlist over many leaders (issue 4 item 10: a hub of ~1,800 leaders): a fixed number of
queries for the endpoint, the hard rules checked leader after leader against one request giving
each leader their own reasons, capacity read as the ledger counts it, and the garbage collector
left as it was found. (Timings are measured by benchmarks/matching.py, never asserted here.)"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from syslead.accounts.models import User
from syslead.brokering.eligibility import LeaderFacts, RequestFacts, hard_rule_failures
from syslead.brokering.engine import LeaderTable, Verdict, Weights
from syslead.brokering.facts import leader_facts
from syslead.brokering.matching import shortlist
from syslead.brokering.models import SupportRequest
from syslead.brokering.tests import factories
from syslead.capacity.ledger import capacities_for
from syslead.core.gc_pause import cyclic_gc_paused
from syslead.deployments.models import Deployment, DeploymentStatus, FundingRoute
from syslead.leaders.models import DesignationStatus, LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import School

ApiFactory = Callable[[User | None], Any]


def test_shortlist_endpoint_costs_the_same_queries_for_many_leaders(
    api: ApiFactory,
    coordinator: User,
    maths_request: SupportRequest,
    home_school: School,
    alliance: Organisation,
    django_assert_max_num_queries: Any,
) -> None:
    client = api(coordinator)
    url = f"/support-requests/{maths_request.pk}/shortlist"
    client.get(url)  # the token's first use is recorded once
    for _ in range(3):
        factories.leader(home_school, organisation=alliance)
    # The token, the user's roles and leader profile, the request, approved commissions, the
    # facts version, the leaders with their capacity, specialisms, phases, designations (read
    # again: leaders were added), the broker's current agreement with its leaders, the weights,
    # the organisation's specialisms' words (kept with the facts for the request page).
    with django_assert_max_num_queries(13) as small:
        assert client.get(url).status_code == 200
    # Nothing changed since: the leaders' facts are the process's copy (five queries fewer).
    with django_assert_max_num_queries(len(small.captured_queries) - 5):
        assert client.get(url).status_code == 200
    for n in range(40):
        factories.leader(
            home_school,
            organisation=alliance,
            specialisms=("maths", "english") if n % 2 else ("science",),
            phases=("primary", "secondary") if n % 3 else ("secondary",),
            trained=n % 5 != 0,
            release=str(n % 12),
            designation_status=DesignationStatus.ACTIVE if n % 7 else DesignationStatus.REVOKED,
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = client.get(url).json()
    assert len(data["candidates"]) + len(data["excluded"]) <= 43
    assert len({e["leader"] for e in data["excluded"]}) == len(data["excluded"])


def test_leaders_excluded_alike_and_unlike_each_get_their_own_reasons_in_the_api(
    api: ApiFactory,
    coordinator: User,
    maths_request: SupportRequest,
    home_school: School,
    alliance: Organisation,
) -> None:
    untrained = [factories.leader(home_school, organisation=alliance, trained=False) for _ in "ab"]
    busy = factories.leader(home_school, organisation=alliance, release="2")
    both = factories.leader(home_school, organisation=alliance, release="1", trained=False)
    data = api(coordinator).get(f"/support-requests/{maths_request.pk}/shortlist").json()
    by_leader = {e["leader"]: (e["reasons"], e["rules"]) for e in data["excluded"]}
    for leader in untrained:
        assert by_leader[leader.pk] == (["Core training not completed"], ["core_training"])
    assert by_leader[busy.pk] == (
        [f"Only 2 days left in {factories.YEAR}; the request needs 5 days"],
        ["remaining_days"],
    )
    assert by_leader[both.pk] == (
        [
            "Core training not completed",
            f"Only 1 day left in {factories.YEAR}; the request needs 5 days",
        ],
        ["core_training", "remaining_days"],
    )


def _request(**changes: Any) -> RequestFacts:
    facts = RequestFacts(
        id=1,
        organisation_id=1,
        school_urn=900001,
        school_name="Ermine Primary Academy",
        latitude=53.24,
        longitude=-0.53,
        local_authority="Lincolnshire",
        trust="Lincoln Learning Trust",
        phase="primary",
        needs=("maths", "english"),
        days_requested=Decimal("5"),
        academic_year="2025-26",
    )
    return facts._replace(**changes)


def _varied_leaders() -> list[LeaderFacts]:
    """Leaders in every combination of what the hard rules read."""
    leaders = []
    for n, (designations, trained, phases, specialisms, remaining, conflict) in enumerate(
        itertools.product(
            [(("SLE",), ()), ((), ("LLE",)), ((), ("SLE", "NLE")), ((), ())],
            [True, False],
            [frozenset({"primary"}), frozenset({"secondary"}), frozenset()],
            [frozenset({"maths"}), frozenset({"science"}), frozenset()],
            [Decimal("10.0"), Decimal("5"), Decimal("4.5"), Decimal("0"), Decimal("-1.5")],
            ["none", "own school", "same trust", "declared", "trust and declared"],
        )
    ):
        active, inactive = designations
        leaders.append(
            LeaderFacts(
                id=n,
                name=f"Leader {n}",
                home_school_urn=900001 if conflict == "own school" else 800000 + n,
                home_school_name="Home",
                home_latitude=53.2,
                home_longitude=-0.5,
                home_local_authority="Lincolnshire",
                home_trust="Lincoln Learning Trust" if "trust" in conflict else "Other Trust",
                home_phase="primary",
                years_experience=5,
                core_training_completed_on=dt.date(2024, 9, 1) if trained else None,
                declared_conflicts="Governor at Ermine Primary Academy"
                if "declared" in conflict
                else "",
                specialisms=specialisms,
                phases=phases,
                active_designations=active,
                inactive_designations=inactive,
                released_days=max(remaining, Decimal(0)),
                remaining_days=remaining,
            )
        )
    random.Random(4).shuffle(leaders)
    return leaders


@pytest.mark.parametrize(
    "request_facts",
    [
        _request(),
        _request(trust="", phase="secondary", needs=("science",), days_requested=Decimal("2")),
    ],
)
def test_one_request_checking_many_leaders_gives_each_the_failures_checked_alone(
    request_facts: RequestFacts,
) -> None:
    leaders = _varied_leaders()
    verdict = Verdict(request_facts, LeaderTable(leaders), Weights())
    for i, leader in enumerate(leaders):
        assert list(verdict.failures(i)) == hard_rule_failures(leader, request_facts)
        assert bool(verdict.eligible[i]) == (not verdict.failures(i))
    # Checked again in another order: nothing one leader's check remembers leaks to another.
    for i in reversed(range(len(leaders))):
        assert list(verdict.failures(i)) == hard_rule_failures(leaders[i], request_facts)
    assert any(len(verdict.failures(i)) >= 5 for i in range(len(leaders)))


def test_skipped_rules_are_skipped_for_every_leader() -> None:
    request_facts = _request()
    for leader in _varied_leaders():
        failures = hard_rule_failures(leader, request_facts, skip={"remaining_days", "phase"})
        assert {f.rule for f in failures} <= {
            "active_designation",
            "core_training",
            "specialism",
            "conflict_of_interest",
        }


def test_leader_facts_read_released_and_remaining_days_as_the_capacity_ledger_does(
    home_school: School, far_school: School, alliance: Organisation
) -> None:
    year = factories.AcademicYear.parse(factories.YEAR)
    committed = factories.leader(home_school, organisation=alliance, release="10")
    unreleased = factories.leader(home_school, organisation=alliance, release=None)
    untouched = factories.leader(home_school, organisation=alliance, release=None)
    for leader, full, half, twilight in ((committed, 3, 1, 0), (unreleased, 1, 0, 1)):
        Deployment.objects.create(
            organisation=alliance,
            support_request=factories.support_request(far_school, alliance),
            leader=leader,
            client_school=far_school,
            home_school=home_school,
            status=DeploymentStatus.ACTIVE,
            starts_on=year.starts_on,
            ends_on=year.ends_on,
            academic_year=year.label,
            full_days=full,
            half_days=half,
            twilight_sessions=twilight,
            funding_route=FundingRoute.SCHOOL,
        )
    ids = [committed.pk, unreleased.pk, untouched.pk]
    facts = {f.id: f for f in leader_facts(LeaderProfile.objects.filter(pk__in=ids), year.label)}
    ledger = capacities_for(ids, year.label)
    for leader_id in ids:
        assert facts[leader_id].released_days == ledger[leader_id].released
        assert facts[leader_id].remaining_days == ledger[leader_id].remaining
    assert facts[committed.pk].remaining_days == Decimal("6.5")
    assert facts[unreleased.pk].remaining_days == Decimal("-1.5")
    assert (facts[untouched.pk].released_days, facts[untouched.pk].remaining_days) == (0, 0)
    assert facts[committed.pk].core_training_completed_on == dt.date(2024, 9, 20)


def test_shortlist_leaves_the_garbage_collector_as_it_found_it(
    maths_request: SupportRequest, lee: LeaderProfile
) -> None:
    assert gc.isenabled()
    assert [c.leader_id for c in shortlist(maths_request).candidates] == [lee.pk]
    assert gc.isenabled()
    gc.disable()
    try:
        shortlist(maths_request)
        assert not gc.isenabled()
    finally:
        gc.enable()

    def failing() -> None:
        with cyclic_gc_paused():
            assert not gc.isenabled()
            raise RuntimeError("matching failed")

    with pytest.raises(RuntimeError):
        failing()
    assert gc.isenabled()


def test_excluded_leaders_names_are_written_as_json_strings(
    api: ApiFactory,
    coordinator: User,
    maths_request: SupportRequest,
    home_school: School,
    alliance: Organisation,
) -> None:
    name = 'Zoë "Zed" O\'Brien \\ Smith\u2019s'
    leader = factories.leader(home_school, organisation=alliance, name=name, trained=False)
    data = api(coordinator).get(f"/support-requests/{maths_request.pk}/shortlist").json()
    [found] = [e for e in data["excluded"] if e["leader"] == leader.pk]
    assert found["leader_name"] == name
    assert found["reasons"] == ["Core training not completed"]
    assert found["rules"] == ["core_training"]
