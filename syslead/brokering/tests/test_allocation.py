"""Batch allocation: optimal where greedy is not, within every leader's remaining days; runs in
the background; draft matches edited and approved; the unmatched go on the waiting list."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from syslead.accounts.models import User
from syslead.brokering.allocation import (
    Pair,
    Problem,
    candidate_lists,
    solve,
    solve_greedy,
)
from syslead.brokering.eligibility import LeaderFacts, RequestFacts
from syslead.brokering.engine import Weights
from syslead.brokering.matching import rank
from syslead.brokering.models import (
    AllocationRun,
    AllocationRunStatus,
    ApproachStatus,
    DraftMatch,
    RequestStatus,
    SupportRequest,
)
from syslead.brokering.selectors import draft_matches, live_shortlist, request_timeline
from syslead.brokering.services import (
    allocation_approve,
    allocation_run_now,
    allocation_start,
    draft_match_edit,
)
from syslead.brokering.tests import factories
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import Phase

# --- The solvers on hand-made problems -----------------------------------------------------------


def _request(i: int, days: str) -> RequestFacts:
    return RequestFacts(
        id=i,
        organisation_id=1,
        school_urn=900000 + i,
        school_name=f"School {i}",
        latitude=53.0,
        longitude=-0.5,
        local_authority="Lincolnshire",
        trust="",
        phase="primary",
        needs=("maths",),
        days_requested=Decimal(days),
        academic_year="2025-26",
    )


def _leader(i: int, remaining: str) -> LeaderFacts:
    return LeaderFacts(
        id=i,
        name=f"Leader {i}",
        home_school_urn=800000 + i,
        home_school_name=f"Home {i}",
        home_latitude=53.0,
        home_longitude=-0.5,
        home_local_authority="Lincolnshire",
        home_trust="",
        home_phase="primary",
        years_experience=5,
        core_training_completed_on=dt.date(2024, 9, 1),
        declared_conflicts="",
        specialisms=frozenset({"maths"}),
        phases=frozenset({"primary"}),
        active_designations=("SLE",),
        inactive_designations=(),
        released_days=Decimal(remaining),
        remaining_days=Decimal(remaining),
    )


def _problem(
    days: list[str], remaining: list[str], scores: dict[tuple[int, int], float]
) -> Problem:
    candidates = [
        sorted(
            [Pair(r, leader, s) for (rr, leader), s in scores.items() if rr == r],
            key=lambda p: -p.score,
        )
        for r in range(len(days))
    ]
    return Problem(
        requests=[_request(i, d) for i, d in enumerate(days)],
        leaders=[_leader(i, rem) for i, rem in enumerate(remaining)],
        candidates=candidates,
    )


def _brute_force(problem: Problem) -> float:
    """The best total by trying every assignment (tiny problems only)."""
    options = [[None, *pairs] for pairs in problem.candidates]
    best = 0.0
    for choice in itertools.product(*options):
        used: dict[int, int] = {}
        for r, pair in enumerate(choice):
            if pair is not None:
                used[pair.leader] = used.get(pair.leader, 0) + problem.days_units(r)
        if all(used[i] <= problem.capacity_units(i) for i in used):
            best = max(best, sum(p.points for p in choice if p is not None) / 10)
    return best


def test_the_optimum_beats_greedy_when_greedy_takes_the_only_leader_another_needs() -> None:
    # Request 0 (first in line) likes leader 0 best but could have leader 1; request 1 can only
    # have leader 0, who has days for one request.
    problem = _problem(["5", "5"], ["5", "5"], {(0, 0): 90, (0, 1): 80, (1, 0): 70})
    result = solve(problem)
    assert result.greedy.total == 90
    assert result.best.total == 150
    assert result.best.status == "optimal"
    assert {r: p.leader for r, p in result.best.matches.items()} == {0: 1, 1: 0}


def test_the_optimum_beats_greedy_with_different_day_counts() -> None:
    problem = _problem(["3", "5"], ["5", "5"], {(0, 0): 90, (0, 1): 80, (1, 0): 70})
    result = solve(problem)
    assert result.best.method == "lp_rounding"
    assert result.greedy.total == 90
    assert result.best.total == 150


def test_a_leader_takes_several_requests_within_their_remaining_days() -> None:
    problem = _problem(["2", "3", "5"], ["5"], {(0, 0): 60, (1, 0): 60, (2, 0): 100})
    best = solve(problem).best
    # 2 + 3 days (120 points) beat the single 5-day request (100 points).
    assert sorted(best.matches) == [0, 1]


def test_no_candidate_means_unmatched() -> None:
    problem = _problem(["5"], ["10"], {})
    assert solve(problem).best.matches == {}


@pytest.mark.parametrize("seed", range(25))
def test_the_allocation_is_exact_for_equal_days_and_never_claims_more_than_it_proves(
    seed: int,
) -> None:
    rng = random.Random(seed)
    n_requests, n_leaders = rng.randint(1, 5), rng.randint(1, 3)
    uniform = seed % 2 == 0
    days = (
        ["5"] * n_requests
        if uniform
        else [rng.choice(["1", "2.5", "3", "5"]) for _ in range(n_requests)]
    )
    remaining = [rng.choice(["0", "2.5", "5", "7.5", "10"]) for _ in range(n_leaders)]
    scores = {
        (r, leader): rng.randint(10, 100)
        for r in range(n_requests)
        for leader in range(n_leaders)
        if rng.random() < 0.7 and Decimal(remaining[leader]) >= Decimal(days[r])
    }
    problem = _problem(days, remaining, scores)
    result = solve(problem)
    optimum = _brute_force(problem)
    assert _feasible(problem, result.best.matches)
    assert result.greedy.total <= result.best.total <= optimum + 1e-9
    assert result.best.upper_bound is not None
    assert optimum <= result.best.upper_bound + 1e-6
    if uniform:
        # Equal days: the relaxation is a b-matching, whole at its optimum.
        assert result.best.status == "optimal"
    if result.best.status == "optimal":
        assert result.best.total == pytest.approx(optimum)


def _feasible(problem: Problem, matches: dict[int, Pair]) -> bool:
    used: dict[int, int] = {}
    for r, pair in matches.items():
        assert pair.request == r
        assert pair in problem.candidates[r]
        used[pair.leader] = used.get(pair.leader, 0) + problem.days_units(r)
    return all(used[i] <= problem.capacity_units(i) for i in used)


@pytest.mark.parametrize("seed", range(10))
def test_the_allocation_is_feasible_beats_greedy_and_stays_under_its_bound(seed: int) -> None:
    rng = random.Random(100 + seed)
    n_requests, n_leaders = 120, 30
    days = [rng.choice(["1", "2", "2.5", "3", "5", "10"]) for _ in range(n_requests)]
    remaining = [rng.choice(["0", "5", "7.5", "10", "15"]) for _ in range(n_leaders)]
    scores = {
        (r, leader): rng.randint(10, 100)
        for r in range(n_requests)
        for leader in rng.sample(range(n_leaders), 8)
        if Decimal(remaining[leader]) >= Decimal(days[r])
    }
    problem = _problem(days, remaining, scores)
    result = solve(problem)
    rounded = result.best
    greedy = solve_greedy(problem)
    assert result.greedy.total == greedy.total
    assert _feasible(problem, rounded.matches)
    assert rounded.upper_bound is not None
    assert greedy.total <= rounded.total <= rounded.upper_bound + 1e-6


def test_candidate_lists_agree_with_the_shortlists_order_and_scores() -> None:
    rng = random.Random(7)
    codes = ["maths", "english", "science", "send"]
    leaders = []
    for i in range(60):
        leaders.append(
            LeaderFacts(
                id=i + 1,
                name=f"L{i}",
                home_school_urn=700000 + i,
                home_school_name=f"H{i}",
                home_latitude=None if i == 5 else 52.0 + rng.random() * 2,
                home_longitude=-1.0 + rng.random(),
                home_local_authority=rng.choice(["Lincolnshire", "Rutland", ""]),
                home_trust=rng.choice(["", "Trust A", "Trust B"]),
                home_phase=rng.choice(["primary", "secondary", ""]),
                years_experience=rng.randint(0, 15),
                core_training_completed_on=dt.date(2024, 9, 1) if rng.random() < 0.9 else None,
                declared_conflicts=rng.choice(["", "", "School 3", "URN 600002"]),
                specialisms=frozenset(rng.sample(codes, rng.randint(1, 3))),
                phases=frozenset(rng.sample(["primary", "secondary"], rng.randint(1, 2))),
                active_designations=("SLE",) if rng.random() < 0.9 else (),
                inactive_designations=(),
                released_days=Decimal(10),
                remaining_days=Decimal(rng.choice(["0", "3", "5.5", "10", "15"])),
            )
        )
    requests = [
        RequestFacts(
            id=r + 1,
            organisation_id=1,
            school_urn=600000 + r,
            school_name=f"School {r}",
            latitude=52.0 + rng.random() * 2,
            longitude=-1.0 + rng.random(),
            local_authority=rng.choice(["Lincolnshire", "Rutland"]),
            trust=rng.choice(["", "Trust A"]),
            phase=rng.choice(["primary", "secondary"]),
            needs=tuple(rng.sample(codes, rng.randint(1, 2))),
            days_requested=Decimal(rng.choice(["2", "3", "5"])),
            academic_year="2025-26",
        )
        for r in range(15)
    ]
    weights = Weights(distance=20, experience=15)
    lists = candidate_lists(requests, leaders, weights, k=100)
    for request, pairs in zip(requests, lists, strict=True):
        expected, _ = rank(request, leaders, weights)
        assert [leaders[p.leader].id for p in pairs] == [c.leader_id for c in expected]
        for pair, candidate in zip(pairs, expected, strict=True):
            assert pair.score == pytest.approx(candidate.score, abs=1e-9)


# --- Runs in the database ------------------------------------------------------------------


@pytest.fixture
def round_of_two(alliance: Organisation) -> dict[str, Any]:
    """A primary and a secondary request; one leader for both phases (5 days), one primary-only."""
    primary_school = factories.school("Primary School", lat=53.23)
    secondary_school = factories.school("High School", lat=53.24, phase=Phase.SECONDARY)
    versatile = factories.leader(
        factories.school("Versatile Home", lat=53.235),
        organisation=alliance,
        phases=("primary", "secondary"),
        release="5",
    )
    primary_only = factories.leader(
        factories.school("Primary Home", lat=53.45), organisation=alliance, release="5"
    )
    first = factories.support_request(primary_school, alliance)
    second = factories.support_request(secondary_school, alliance)
    return {
        "versatile": versatile,
        "primary_only": primary_only,
        "first": first,
        "second": second,
    }


def test_allocation_run_matches_both_requests_where_greedy_matches_one(
    coordinator: User, alliance: Organisation, round_of_two: dict[str, Any]
) -> None:
    run = allocation_run_now(actor=coordinator, organisation=alliance)
    assert run.status == AllocationRunStatus.READY
    assert run.method == "lp_rounding"
    assert run.solver_status == "optimal"
    assert run.requests_considered == 2
    assert run.matched_count == 2
    assert run.greedy_matched_count == 1
    assert run.total_score > run.greedy_score
    matches = {m.support_request_id: m.leader_id for m in draft_matches(run)}
    assert matches == {
        round_of_two["first"].pk: round_of_two["primary_only"].pk,
        round_of_two["second"].pk: round_of_two["versatile"].pk,
    }
    match = draft_matches(run)[0]
    assert match.reasons
    assert match.reasons[0].startswith("Specialism:")


def test_approving_a_run_approaches_each_leader_and_waitlists_the_unmatched(
    coordinator: User, alliance: Organisation, round_of_two: dict[str, Any]
) -> None:
    lonely = factories.support_request(factories.school("Lonely", lat=53.3), alliance, days="8")
    run = allocation_run_now(actor=coordinator, organisation=alliance)
    assert DraftMatch.objects.get(run=run, support_request=lonely).leader is None
    outcome = allocation_approve(actor=coordinator, run=run)
    assert sorted(outcome.approached) == sorted(
        [round_of_two["first"].pk, round_of_two["second"].pk]
    )
    assert outcome.waiting_list == [lonely.pk]
    lonely.refresh_from_db()
    assert lonely.status == RequestStatus.WAITING_LIST
    first = SupportRequest.objects.get(pk=round_of_two["first"].pk)
    assert first.status == RequestStatus.APPROACHING
    [entry] = live_shortlist(first)
    assert entry.leader == round_of_two["primary_only"]
    [approach] = first.approaches.all()
    assert approach.status == ApproachStatus.PENDING
    assert "batch allocation" in request_timeline(first)[-2].summary
    run.refresh_from_db()
    assert run.status == AllocationRunStatus.APPROVED
    with pytest.raises(RuleViolation):
        allocation_approve(actor=coordinator, run=run)


def test_a_request_no_longer_open_is_skipped_on_approval(
    coordinator: User, alliance: Organisation, round_of_two: dict[str, Any]
) -> None:
    run = allocation_run_now(actor=coordinator, organisation=alliance)
    SupportRequest.objects.filter(pk=round_of_two["first"].pk).update(
        status=RequestStatus.WITHDRAWN
    )
    outcome = allocation_approve(actor=coordinator, run=run)
    assert outcome.skipped == [(round_of_two["first"].pk, "it is now withdrawn")]


def test_coordinator_edits_a_draft_match_with_a_reason_within_capacity(
    coordinator: User, alliance: Organisation, round_of_two: dict[str, Any]
) -> None:
    run = allocation_run_now(actor=coordinator, organisation=alliance)
    first = DraftMatch.objects.get(run=run, support_request=round_of_two["first"])
    with pytest.raises(ValidationError):
        draft_match_edit(actor=coordinator, match=first, leader=None, reason="")
    # The versatile leader's 5 days already go to the second request in this run.
    with pytest.raises(RuleViolation) as caught:
        draft_match_edit(
            actor=coordinator, match=first, leader=round_of_two["versatile"], reason="Nearer"
        )
    assert caught.value.rule == "remaining_days"
    edited = draft_match_edit(
        actor=coordinator, match=first, leader=None, reason="Head asked to wait"
    )
    assert edited.edited
    assert edited.leader is None
    assert edited.edit_reason == "Head asked to wait"


def test_only_a_coordinator_runs_or_changes_an_allocation(
    broker_lead: User,
    other_coordinator: User,
    coordinator: User,
    alliance: Organisation,
    round_of_two: dict[str, Any],
) -> None:
    for user in (broker_lead, other_coordinator):
        with pytest.raises(NotAllowed):
            allocation_run_now(actor=user, organisation=alliance)
    run = allocation_run_now(actor=coordinator, organisation=alliance)
    with pytest.raises(NotAllowed):
        allocation_approve(actor=other_coordinator, run=run)


def test_nothing_to_allocate_is_refused(coordinator: User, alliance: Organisation) -> None:
    with pytest.raises(RuleViolation) as caught:
        allocation_run_now(actor=coordinator, organisation=alliance)
    assert caught.value.rule == "nothing_to_allocate"


def test_given_requests_must_be_open_requests_of_the_organisation(
    coordinator: User, alliance: Organisation, round_of_two: dict[str, Any], other_org: Any
) -> None:
    foreign = factories.support_request(factories.school("Foreign"), other_org)
    with pytest.raises(ValidationError):
        allocation_run_now(
            actor=coordinator,
            organisation=alliance,
            request_ids=[round_of_two["first"].pk, foreign.pk],
        )
    run = allocation_run_now(
        actor=coordinator, organisation=alliance, request_ids=[round_of_two["first"].pk]
    )
    assert run.requests_considered == 1


def test_allocation_runs_as_a_background_task(
    coordinator: User,
    alliance: Organisation,
    round_of_two: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = allocation_start(actor=coordinator, organisation=alliance)
        assert run.status == AllocationRunStatus.QUEUED
    run.refresh_from_db()
    assert run.status == AllocationRunStatus.READY
    assert run.matched_count == 2
    assert run.duration_ms is not None


def test_leaders_of_other_organisations_are_never_allocated(
    coordinator: User, alliance: Organisation, other_org: Organisation
) -> None:
    factories.leader(factories.school("Other home"), organisation=other_org)
    request = factories.support_request(factories.school("Needy"), alliance)
    run = allocation_run_now(actor=coordinator, organisation=alliance)
    assert DraftMatch.objects.get(run=run, support_request=request).leader is None


def test_leaders_are_never_allocated_to_their_own_school(
    coordinator: User, alliance: Organisation
) -> None:
    home = factories.school("Home and client")
    factories.leader(home, organisation=alliance)
    request = factories.support_request(home, alliance)
    run = allocation_run_now(actor=coordinator, organisation=alliance)
    assert AllocationRun.objects.get(pk=run.pk).matched_count == 0
    assert DraftMatch.objects.get(run=run, support_request=request).leader is None


def test_declared_conflicts_and_trusts_are_respected_in_batches(
    coordinator: User, alliance: Organisation
) -> None:
    home = factories.school("Trust home", trust_name="Same Trust")
    factories.leader(home, organisation=alliance)
    factories.leader(
        factories.school("Declaring home"), organisation=alliance, declared_conflicts="Needy One"
    )
    same_trust = factories.support_request(
        factories.school("Trust client", trust_name="Same Trust"), alliance
    )
    declared = factories.support_request(factories.school("Needy One"), alliance)
    run = allocation_run_now(actor=coordinator, organisation=alliance)
    matches = {m.support_request_id: m.leader for m in draft_matches(run)}
    assert matches[same_trust.pk] is not None
    assert matches[same_trust.pk].home_school != home
    assert matches[declared.pk] is not None
    assert matches[declared.pk].home_school == home


def test_allocation_considers_leaders_shared_for_a_request(
    coordinator: User, alliance: Organisation, other_org: Organisation
) -> None:
    from syslead.brokering.models import Commission, CommissionStatus

    shared = factories.leader(factories.school("Shared"), organisation=other_org)
    request = factories.support_request(factories.school("Needy"), alliance)
    Commission.objects.create(
        support_request=request,
        leader=shared,
        owning_organisation=other_org,
        status=CommissionStatus.APPROVED,
    )
    run = allocation_run_now(actor=coordinator, organisation=alliance)
    assert DraftMatch.objects.get(run=run, support_request=request).leader_id == shared.pk


def test_the_lees_fixture_is_allocated_like_the_shortlist(
    coordinator: User, alliance: Organisation, lee: LeaderProfile, maths_request: SupportRequest
) -> None:
    from syslead.brokering.matching import shortlist

    run = allocation_run_now(actor=coordinator, organisation=alliance)
    [match] = draft_matches(run)
    [candidate] = shortlist(maths_request).candidates
    assert match.leader_id == lee.pk
    assert match.score == candidate.score_shown
