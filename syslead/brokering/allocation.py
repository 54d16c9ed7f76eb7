"""Batch allocation: a whole round of requests across all of an organisation's leaders at once,
maximising the total match score within every leader's remaining days (docs/rules.md, "What makes
it better" item 3).

The problem
    Each request gets at most one leader; a leader may take several requests as long as the days
    of the requests given to them fit in their remaining days for the year; a pair is allowed only
    if the leader passes every hard rule for that request (``eligibility``). Maximise the sum of
    the match scores. Requests left without a leader go on the waiting list.

Candidate lists
    For speed every request keeps only its best ``K`` (default 20) candidates by score. Hard rules
    and scores are computed for all requests × all leaders with numpy arrays, using the same
    factor functions as the single-request shortlist (``matching``), so the scores agree.

Why more than one method
    The issue asks for OR-Tools min-cost flow over the candidate lists. A flow is exact only when
    every request asks for the same number of days ``d``: then a leader's capacity is a whole
    number of requests, ⌊remaining / d⌋, and the network

        source →(1) request →(1, cost 1001 − score) leader →(⌊remaining/d⌋) sink
        request →(1, cost 1001) sink                           (left unmatched)

    has integral optimal flows, i.e. an optimal allocation. (Scores are scaled to integers
    0–1000; the bypass arc makes "unmatched" cost more than any match, so the minimum-cost flow
    is the maximum-score allocation, not merely the maximum number of matches.)

    With different day counts a flow cannot keep a request's days together on one leader: a
    leader with 7 days left could "take" 5 + 5 days as two fractional flows, and a capacity
    counted in requests (⌊remaining / typical days⌋) over- or under-books. The problem is then
    the generalised assignment problem (NP-hard). The module solves it in three steps:

    1. the linear relaxation (OR-Tools' GLOP; under a second for 2,000 requests × 20 candidates),
       whose value is an upper bound no allocation can beat;
    2. rounding: keep the pairs the relaxation sets whole, give the rest greedily in order of
       their fractional weight, then local search (move a request to a better leader with room;
       make room by moving one of that leader's requests to another leader) — every step keeps
       each leader within their days;
    3. for small rounds (up to 6,000 candidate pairs) that the rounding does not prove optimal,
       CP-SAT (one boolean per pair, at most one leader per request, a knapsack per leader in
       tenths of a day) searches the whole problem within the time left, warm-started with the
       rounded allocation: it proves the optimum of every round the tests build.

    CP-SAT alone was tried first on the national benchmark (2,000 requests, 1,800 leaders,
    38,000 pairs): on a shared two-core machine it did not return even its hint within ten
    seconds, while the rounding gets within 2% of the relaxation's bound in about a second.
    The run records the method, "optimal" or "feasible", and the bound; its result is never
    worse than greedy.

Greedy, for comparison
    Requests in order (oldest first), each takes its best candidate who still has the days.
    Both totals are stored on the ``AllocationRun``.
"""

from __future__ import annotations

import math
import os
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import transaction
from django.utils import timezone

from syslead.brokering.eligibility import LeaderFacts, RequestFacts, declares_conflict_with
from syslead.brokering.facts import leader_facts_for, request_facts
from syslead.brokering.matching import (
    DISTANCE_HALF_SCORE_KM,
    EXPERIENCE_FULL_YEARS,
    REMAINING_HEADROOM,
    Weights,
    score_leader,
)
from syslead.brokering.models import (
    AllocationRun,
    AllocationRunStatus,
    Commission,
    CommissionStatus,
    DraftMatch,
    SupportRequest,
)
from syslead.brokering.outcomes import NEUTRAL_FRACTION, NEUTRAL_OUTCOME, outcome_evidence
from syslead.brokering.transitions import ALLOCATABLE_STATUSES
from syslead.leaders.models import Association
from syslead.schools.geo import EARTH_RADIUS_KM

#: Candidates kept per request.
DEFAULT_CANDIDATES_PER_REQUEST = 20
#: The time limit for the whole solve, in seconds (CP-SAT gets what the rounding leaves).
DEFAULT_TIME_LIMIT = 6.0
#: CP-SAT searches the whole problem (to prove the optimum) only up to this many pairs.
CP_SAT_MAX_PAIRS = 6000
#: Scores are scaled to integers for the solvers: 87.3 → 873.
SCORE_SCALE = 10
#: Days are scaled to integers for the knapsacks: 7.5 → 75 tenths.
DAY_SCALE = 10

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Pair:
    """A request–leader pair that passes every hard rule, with its score."""

    request: int  # index into Problem.requests
    leader: int  # index into Problem.leaders
    score: float

    @property
    def points(self) -> int:
        return round(self.score * SCORE_SCALE)


@dataclass
class Problem:
    requests: list[RequestFacts]
    leaders: list[LeaderFacts]
    candidates: list[list[Pair]]  # per request, best first, at most K

    def days_units(self, request_index: int) -> int:
        return int(self.requests[request_index].days_requested * DAY_SCALE)

    def capacity_units(self, leader_index: int) -> int:
        remaining = self.leaders[leader_index].remaining_days
        return max(0, math.floor(remaining * DAY_SCALE))


@dataclass
class Solution:
    #: request index → the chosen pair (absent: unmatched)
    matches: dict[int, Pair]
    method: str
    status: str = "optimal"
    upper_bound: float | None = None

    @property
    def total(self) -> float:
        return sum(p.points for p in self.matches.values()) / SCORE_SCALE


@dataclass
class AllocationResult:
    problem: Problem
    best: Solution
    greedy: Solution
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


# --- Candidate lists, computed with arrays --------------------------------------------------------


def _haversine_to(lat: float, lon: float, lats: FloatArray, lons: FloatArray) -> FloatArray:
    phi1 = np.radians(lats)
    phi2 = math.radians(lat)
    d_phi = phi2 - phi1
    d_lambda = np.radians(lon - lons)
    a = np.sin(d_phi / 2) ** 2 + np.cos(phi1) * math.cos(phi2) * np.sin(d_lambda / 2) ** 2
    result: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return result


class _LeaderArrays:
    """The leaders' facts as columns, so one request is checked against all of them at once."""

    def __init__(self, leaders: Sequence[LeaderFacts], outcomes: dict[int, float]) -> None:
        n = len(leaders)
        self.ids: IntArray = np.array([x.id for x in leaders], dtype=np.int64)
        self.lat: FloatArray = np.array(
            [np.nan if x.home_latitude is None else x.home_latitude for x in leaders], dtype=float
        )
        self.lon: FloatArray = np.array(
            [np.nan if x.home_longitude is None else x.home_longitude for x in leaders],
            dtype=float,
        )
        self.remaining: FloatArray = np.array([float(x.remaining_days) for x in leaders])
        self.remaining_dec = [x.remaining_days for x in leaders]
        self.years: FloatArray = np.array([float(x.years_experience) for x in leaders])
        self.deployable: BoolArray = np.array(
            [
                bool(x.active_designations) and x.core_training_completed_on is not None
                for x in leaders
            ],
            dtype=bool,
        )
        self.home_urn: IntArray = np.array([x.home_school_urn for x in leaders], dtype=np.int64)
        self.vocab: dict[str, int] = {}
        self.la_code = self._codes([x.home_local_authority.strip().lower() for x in leaders])
        self.trust_code = self._codes([x.home_trust.strip().lower() for x in leaders])
        self.home_phase_code = self._codes([x.home_phase for x in leaders])
        specialisms = sorted({s for x in leaders for s in x.specialisms})
        self.specialism_index = {s: i for i, s in enumerate(specialisms)}
        self.specialisms: npt.NDArray[np.int8] = np.zeros(
            (n, max(1, len(specialisms))), dtype=np.int8
        )
        phases = sorted({p for x in leaders for p in x.phases})
        self.phase_index = {p: i for i, p in enumerate(phases)}
        self.phases: BoolArray = np.zeros((n, max(1, len(phases))), dtype=bool)
        for row, leader in enumerate(leaders):
            for s in leader.specialisms:
                self.specialisms[row, self.specialism_index[s]] = 1
            for p in leader.phases:
                self.phases[row, self.phase_index[p]] = True
        self.outcome: FloatArray = np.array(
            [outcomes.get(x.id, NEUTRAL_FRACTION) for x in leaders], dtype=float
        )
        self.declaring = [
            i for i, leader in enumerate(leaders) if leader.declared_conflicts.strip()
        ]

    def _codes(self, values: list[str]) -> IntArray:
        """Strings as integer codes shared across columns ("" → -1)."""
        codes = []
        for value in values:
            if not value:
                codes.append(-1)
                continue
            codes.append(self.vocab.setdefault(value, len(self.vocab)))
        return np.array(codes, dtype=np.int64)

    def code_of(self, value: str) -> int:
        return self.vocab.get(value, -2) if value else -2


def _scores_for(
    request: RequestFacts,
    arrays: _LeaderArrays,
    leaders: Sequence[LeaderFacts],
    allowed: BoolArray,
    weights: Weights,
) -> tuple[IntArray, FloatArray, FloatArray]:
    """(leader indexes passing every hard rule, their scores, their distances) for one request."""
    needs = list(dict.fromkeys(request.needs))
    need_columns = [arrays.specialism_index[n] for n in needs if n in arrays.specialism_index]
    if need_columns:
        overlap = arrays.specialisms[:, need_columns].sum(axis=1)
    else:
        overlap = np.zeros(len(leaders), dtype=np.int64)
    phase_column = arrays.phase_index.get(request.phase)
    phase_ok = (
        arrays.phases[:, phase_column]
        if phase_column is not None
        else np.zeros(len(leaders), dtype=bool)
    )
    days = float(request.days_requested)
    mask = (
        allowed
        & arrays.deployable
        & phase_ok
        & (overlap > 0)
        & (arrays.remaining >= days)
        & (arrays.home_urn != request.school_urn)
    )
    trust = request.trust.strip().lower()
    if trust:
        mask &= arrays.trust_code != arrays.code_of(trust)
    for i in arrays.declaring:
        if mask[i] and declares_conflict_with(
            leaders[i].declared_conflicts, request.school_urn, request.school_name
        ):
            mask[i] = False
    index = np.flatnonzero(mask)
    if index.size == 0:
        empty = np.zeros(0)
        return index.astype(np.int64), empty, empty
    spec = overlap[index] / max(1, len(needs))
    phase = np.where(arrays.home_phase_code[index] == arrays.code_of(request.phase), 1.0, 0.5)
    if request.latitude is None or request.longitude is None:
        distance = np.full(index.size, np.nan)
    else:
        distance = _haversine_to(
            request.latitude, request.longitude, arrays.lat[index], arrays.lon[index]
        )
    dist = np.where(np.isnan(distance), 0.0, 1.0 / (1.0 + (distance / DISTANCE_HALF_SCORE_KM) ** 2))
    remaining = np.clip(arrays.remaining[index] / (REMAINING_HEADROOM * days), 0.0, 1.0)
    experience = np.clip(arrays.years[index] / EXPERIENCE_FULL_YEARS, 0.0, 1.0)
    la = request.local_authority.strip().lower()
    same_la = (
        (arrays.la_code[index] == arrays.code_of(la)).astype(float) if la else np.zeros(index.size)
    )
    points = (
        weights.specialism * spec
        + weights.phase * phase
        + weights.distance * dist
        + weights.remaining_days * remaining
        + weights.experience * experience
        + weights.outcomes * arrays.outcome[index]
        + weights.same_local_authority * same_la
    )
    total = weights.total
    scores = 100.0 * points / total if total else np.zeros(index.size)
    return index.astype(np.int64), scores, distance


def candidate_lists(
    requests: Sequence[RequestFacts],
    leaders: Sequence[LeaderFacts],
    weights: Weights,
    *,
    k: int = DEFAULT_CANDIDATES_PER_REQUEST,
    associated: set[int] | None = None,
    commissioned: dict[int, set[int]] | None = None,
    outcomes: dict[int, float] | None = None,
) -> list[list[Pair]]:
    """Each request's best ``k`` candidates passing every hard rule, in the shortlist's order
    (score to one decimal, then distance, then leader id). ``associated`` are the leaders of the
    organisation (all given leaders if None); ``commissioned`` adds, per request id, leaders
    approved through a commission for that request only."""
    arrays = _LeaderArrays(leaders, outcomes or {})
    base_allowed = (
        np.ones(len(leaders), dtype=bool)
        if associated is None
        else np.isin(arrays.ids, np.array(sorted(associated), dtype=np.int64))
    )
    position = {leader.id: i for i, leader in enumerate(leaders)}
    result: list[list[Pair]] = []
    for r, request in enumerate(requests):
        allowed = base_allowed
        extra = (commissioned or {}).get(request.id or -1)
        if extra:
            allowed = base_allowed.copy()
            for leader_id in extra:
                if leader_id in position:
                    allowed[position[leader_id]] = True
        index, scores, distance = _scores_for(request, arrays, leaders, allowed, weights)
        if index.size > k:
            # Keep a margin past k so that ties at the cut are settled by the full order below.
            keep = np.argpartition(-scores, min(index.size - 1, k + 10))[: k + 10]
            index, scores, distance = index[keep], scores[keep], distance[keep]
        order = np.lexsort(
            (
                arrays.ids[index],
                np.where(np.isnan(distance), np.inf, distance),
                -np.round(scores, 1),
            )
        )[:k]
        result.append([Pair(r, int(index[i]), float(scores[i])) for i in order])
    return result


# --- Solvers ------------------------------------------------------------------------------------


def solve_greedy(problem: Problem) -> Solution:
    """Requests in order, each taking its best candidate who still has the days."""
    left = [problem.capacity_units(i) for i in range(len(problem.leaders))]
    matches: dict[int, Pair] = {}
    for r, pairs in enumerate(problem.candidates):
        need = problem.days_units(r)
        for pair in pairs:
            if left[pair.leader] >= need:
                left[pair.leader] -= need
                matches[r] = pair
                break
    return Solution(matches, "greedy")


def uniform_days(problem: Problem) -> bool:
    return len({problem.days_units(r) for r in range(len(problem.requests))}) <= 1


def solve_min_cost_flow(problem: Problem) -> Solution:
    """Exact when every request asks for the same days (see the module docstring)."""
    from ortools.graph.python import min_cost_flow

    n_requests = len(problem.requests)
    pairs = [p for ps in problem.candidates for p in ps]
    if not pairs:
        return Solution({}, "min_cost_flow")
    unit = problem.days_units(0)
    leader_nodes: dict[int, int] = {}
    for pair in pairs:
        leader_nodes.setdefault(pair.leader, n_requests + 1 + len(leader_nodes))
    source, sink = 0, n_requests + 1 + len(leader_nodes)
    bypass = 100 * SCORE_SCALE + 1
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []

    def arc(tail: int, head: int, cap: int, cost: int) -> None:
        tails.append(tail)
        heads.append(head)
        caps.append(cap)
        costs.append(cost)

    for r in range(n_requests):
        arc(source, r + 1, 1, 0)
        arc(r + 1, sink, 1, bypass)
    first_pair_arc = len(tails)
    for pair in pairs:
        arc(pair.request + 1, leader_nodes[pair.leader], 1, bypass - pair.points)
    for leader, node in leader_nodes.items():
        arc(node, sink, problem.capacity_units(leader) // unit if unit else n_requests, 0)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32),
        np.array(heads, dtype=np.int32),
        np.array(caps, dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    flow.set_node_supply(source, n_requests)
    flow.set_node_supply(sink, -n_requests)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"Min-cost flow failed with status {status}.")
    matches: dict[int, Pair] = {}
    for offset, pair in enumerate(pairs):
        if flow.flow(first_pair_arc + offset) > 0:
            matches[pair.request] = pair
    return Solution(matches, "min_cost_flow", "optimal")


def solve_cp_sat(
    problem: Problem, *, time_limit: float = DEFAULT_TIME_LIMIT, hint: Solution | None = None
) -> Solution:
    """The generalised assignment problem with CP-SAT (see the module docstring)."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    variables: list[tuple[Pair, Any]] = []
    by_request: dict[int, list[Any]] = defaultdict(list)
    by_leader: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    for pairs in problem.candidates:
        for pair in pairs:
            var = model.new_bool_var(f"x{pair.request}_{pair.leader}")
            variables.append((pair, var))
            by_request[pair.request].append(var)
            by_leader[pair.leader].append((problem.days_units(pair.request), var))
    if not variables:
        return Solution({}, "cp_sat")
    for vars_ in by_request.values():
        if len(vars_) > 1:
            model.add_at_most_one(vars_)
    for leader, items in by_leader.items():
        capacity = problem.capacity_units(leader)
        if sum(days for days, _ in items) > capacity:
            model.add(sum(days * var for days, var in items) <= capacity)
    model.maximize(sum(pair.points * var for pair, var in variables))
    if hint is not None:
        chosen = {(p.request, p.leader) for p in hint.matches.values()}
        for pair, var in variables:
            model.add_hint(var, 1 if (pair.request, pair.leader) in chosen else 0)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = max(1, min(8, os.cpu_count() or 1))
    solver.parameters.random_seed = 1
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solution({}, "cp_sat", "no solution")
    matches = {pair.request: pair for pair, var in variables if solver.value(var)}
    label = "optimal" if status == cp_model.OPTIMAL else "feasible"
    bound = solver.best_objective_bound / SCORE_SCALE
    return Solution(matches, "cp_sat", label, bound)


def _lp_relaxation(problem: Problem) -> tuple[dict[tuple[int, int], float], float] | None:
    """The linear relaxation with GLOP: each pair's fractional value, and the bound it proves
    (no allocation can score more)."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
        return None
    variables: list[tuple[Pair, Any]] = []
    by_request: dict[int, list[Any]] = defaultdict(list)
    by_leader: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    for pairs in problem.candidates:
        for pair in pairs:
            var = solver.NumVar(0.0, 1.0, "")
            variables.append((pair, var))
            by_request[pair.request].append(var)
            by_leader[pair.leader].append((problem.days_units(pair.request), var))
    for vars_ in by_request.values():
        solver.Add(solver.Sum(vars_) <= 1)
    for leader, items in by_leader.items():
        capacity = problem.capacity_units(leader)
        if sum(days for days, _ in items) > capacity:
            solver.Add(solver.Sum([days * var for days, var in items]) <= capacity)
    solver.Maximize(solver.Sum([pair.points * var for pair, var in variables]))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    values = {(pair.request, pair.leader): var.solution_value() for pair, var in variables}
    return values, solver.Objective().Value() / SCORE_SCALE


def _left(problem: Problem, matches: dict[int, Pair]) -> list[int]:
    left = [problem.capacity_units(i) for i in range(len(problem.leaders))]
    for r, pair in matches.items():
        left[pair.leader] -= problem.days_units(r)
    return left


def improve(problem: Problem, solution: Solution, *, passes: int = 5) -> Solution:
    """Local search, keeping every leader within their days: move a request to a better candidate
    with room; give an unmatched request a leader with room; or make room for it by moving one
    of that leader's requests to another leader with room, when the total gains."""
    matches = dict(solution.matches)
    left = _left(problem, matches)
    days = [problem.days_units(r) for r in range(len(problem.requests))]
    by_leader: dict[int, set[int]] = defaultdict(set)
    for r, pair in matches.items():
        by_leader[pair.leader].add(r)

    def move(r: int, pair: Pair | None) -> None:
        old = matches.pop(r, None)
        if old is not None:
            left[old.leader] += days[r]
            by_leader[old.leader].discard(r)
        if pair is not None:
            matches[r] = pair
            left[pair.leader] -= days[r]
            by_leader[pair.leader].add(r)

    for _ in range(passes):
        changed = False
        for r, pairs in enumerate(problem.candidates):
            current = matches.get(r)
            current_points = current.points if current else 0
            for pair in pairs:  # best first
                if pair.points <= current_points:
                    break
                if left[pair.leader] >= days[r] or (
                    current is not None and current.leader == pair.leader
                ):
                    move(r, pair)
                    changed = True
                    break
                # Make room: move one of this leader's requests elsewhere.
                for other in sorted(by_leader[pair.leader]):
                    if left[pair.leader] + days[other] < days[r]:
                        continue
                    other_pair = matches[other]
                    for alternative in problem.candidates[other]:
                        freed = days[r] if current and current.leader == alternative.leader else 0
                        if (
                            alternative.leader == pair.leader
                            or left[alternative.leader] + freed < days[other]
                        ):
                            continue
                        gain = pair.points - current_points + alternative.points - other_pair.points
                        if gain > 0:
                            move(r, None)
                            move(other, alternative)
                            move(r, pair)
                            changed = True
                            break
                    if matches.get(r) is pair:
                        break
                if matches.get(r) is pair:
                    break
        if not changed:
            break
    return Solution(matches, solution.method, solution.status, solution.upper_bound)


def solve_lp_rounding(problem: Problem) -> Solution:
    """Round the linear relaxation: keep the pairs it sets whole, give the rest greedily (most
    fractional weight first) where days allow, then improve by local search. The relaxation's
    value bounds the optimum, so the gap is known."""
    relaxed = _lp_relaxation(problem)
    if relaxed is None:
        return improve(problem, solve_greedy(problem))
    values, bound = relaxed
    matches: dict[int, Pair] = {}
    left = [problem.capacity_units(i) for i in range(len(problem.leaders))]
    pending: list[tuple[float, int]] = []
    for r, pairs in enumerate(problem.candidates):
        whole = next((p for p in pairs if values[(p.request, p.leader)] > 1 - 1e-6), None)
        if whole is not None and left[whole.leader] >= problem.days_units(r):
            matches[r] = whole
            left[whole.leader] -= problem.days_units(r)
        elif pairs:
            pending.append((max(values[(p.request, p.leader)] for p in pairs), r))
    for _, r in sorted(pending, key=lambda item: (-item[0], item[1])):
        need = problem.days_units(r)
        ordered = sorted(
            problem.candidates[r],
            key=lambda p: (-values[(p.request, p.leader)], -p.points, p.leader),
        )
        for pair in ordered:
            if left[pair.leader] >= need:
                matches[r] = pair
                left[pair.leader] -= need
                break
    rounded = improve(problem, Solution(matches, "lp_rounding", "feasible", bound))
    if round(rounded.total, 1) >= round(bound, 1):
        rounded.status = "optimal"
    return rounded


def solve(problem: Problem, *, time_limit: float = DEFAULT_TIME_LIMIT) -> AllocationResult:
    """The best allocation and greedy's (see the module docstring for the method)."""
    started = time.perf_counter()
    greedy = solve_greedy(problem)
    notes: list[str] = []
    pairs = sum(len(p) for p in problem.candidates)
    if uniform_days(problem):
        best = solve_min_cost_flow(problem)
        notes.append("Every request asks for the same days: min-cost flow, exact.")
    else:
        best = solve_lp_rounding(problem)
        notes.append(
            "Requests ask for different days: linear relaxation rounded and improved by local "
            f"search, {best.status}"
            + (f" (upper bound {best.upper_bound:.1f})" if best.upper_bound is not None else "")
            + "."
        )
        remaining = time_limit - (time.perf_counter() - started)
        if best.status != "optimal" and pairs <= CP_SAT_MAX_PAIRS and remaining > 0.5:
            exact = solve_cp_sat(problem, time_limit=remaining, hint=best)
            if exact.matches and exact.total >= best.total:
                best = exact
                notes.append(f"CP-SAT then searched the whole problem: {exact.status}.")
    if best.total < greedy.total:
        notes.append("Greedy's allocation scored higher and is kept.")
        best = Solution(greedy.matches, "greedy", "feasible", best.upper_bound)
    return AllocationResult(problem, best, greedy, time.perf_counter() - started, notes)


# --- From the database to a problem, and back -----------------------------------------------


def allocatable_requests(
    organisation_id: int, academic_year: str, request_ids: Sequence[int] | None = None
) -> list[SupportRequest]:
    """The round: the organisation's open or waiting-list requests for the year (or those of
    ``request_ids`` among them), oldest first."""
    queryset = SupportRequest.objects.filter(
        organisation_id=organisation_id,
        academic_year=academic_year,
        status__in=ALLOCATABLE_STATUSES,
    )
    if request_ids is not None:
        queryset = queryset.filter(pk__in=list(request_ids))
    return list(queryset.select_related("school").order_by("created_at", "id"))


def build_problem(
    requests: Sequence[SupportRequest],
    organisation_id: int,
    academic_year: str,
    *,
    k: int = DEFAULT_CANDIDATES_PER_REQUEST,
) -> Problem:
    """Load leaders and candidate lists for a round of requests (a fixed number of queries)."""
    facts = [request_facts(r) for r in requests]
    associated_ids = set(
        Association.objects.filter(organisation_id=organisation_id, is_live=True).values_list(
            "leader_id", flat=True
        )
    )
    commissioned: dict[int, set[int]] = defaultdict(set)
    for request_id, leader_id in Commission.objects.filter(
        support_request_id__in=[r.pk for r in requests], status=CommissionStatus.APPROVED
    ).values_list("support_request_id", "leader_id"):
        commissioned[request_id].add(leader_id)
    extra = {leader for leaders in commissioned.values() for leader in leaders}
    live = Association.objects.filter(organisation_id=organisation_id, is_live=True)
    pool: Any = live.values("leader_id")
    if extra:
        pool = sorted(associated_ids | extra)
    leaders = leader_facts_for(pool, academic_year)
    weights = Weights.for_organisation(organisation_id)
    evidence = outcome_evidence([x.id for x in leaders]) if weights.outcomes else {}
    outcomes = {leader_id: e.fraction for leader_id, e in evidence.items()}
    candidates = candidate_lists(
        facts,
        leaders,
        weights,
        k=k,
        associated=associated_ids,
        commissioned=commissioned,
        outcomes=outcomes,
    )
    return Problem(facts, leaders, candidates)


def _save_matches(run: AllocationRun, result: AllocationResult, weights: Weights) -> None:
    problem = result.problem
    evidence = outcome_evidence(
        [problem.leaders[p.leader].id for p in result.best.matches.values()]
    )
    rows = []
    for r, request in enumerate(problem.requests):
        assert request.id is not None
        pair = result.best.matches.get(r)
        if pair is None:
            rows.append(DraftMatch(run=run, support_request_id=request.id, leader=None))
            continue
        leader = problem.leaders[pair.leader]
        candidate = score_leader(leader, request, weights, evidence.get(leader.id, NEUTRAL_OUTCOME))
        rows.append(
            DraftMatch(
                run=run,
                support_request_id=request.id,
                leader_id=leader.id,
                score=candidate.score_shown,
                distance_km=candidate.distance_shown,
                reasons=list(candidate.reasons),
            )
        )
    DraftMatch.objects.bulk_create(rows, batch_size=500)


def allocation_execute(
    run_id: int,
    request_ids: Sequence[int] | None = None,
    *,
    k: int | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> AllocationRun:
    """Compute a run's draft matches and totals; the run shows running, then ready or failed."""
    run = AllocationRun.objects.get(pk=run_id)
    if run.status not in (AllocationRunStatus.QUEUED, AllocationRunStatus.FAILED):
        return run
    run.status = AllocationRunStatus.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    ids = request_ids if request_ids is not None else (run.request_ids or None)
    try:
        with transaction.atomic():
            computing = time.perf_counter()
            requests = allocatable_requests(run.organisation_id, run.academic_year, ids)
            problem = build_problem(
                requests,
                run.organisation_id,
                run.academic_year,
                k=k or run.candidates_per_request,
            )
            result = solve(problem, time_limit=time_limit)
            weights = Weights.for_organisation(run.organisation_id)
            _save_matches(run, result, weights)
            run.total_score = Decimal(str(round(result.best.total, 1)))
            run.greedy_score = Decimal(str(round(result.greedy.total, 1)))
            run.upper_bound = (
                Decimal(str(round(result.best.upper_bound, 1)))
                if result.best.upper_bound is not None
                else None
            )
            run.requests_considered = len(requests)
            run.matched_count = len(result.best.matches)
            run.greedy_matched_count = len(result.greedy.matches)
            run.method = result.best.method
            run.solver_status = result.best.status
            run.duration_ms = round((time.perf_counter() - computing) * 1000)
            run.notes = " ".join(result.notes)
            run.status = AllocationRunStatus.READY
            run.finished_at = timezone.now()
            run.save()
    except Exception as error:  # the run must show that it failed, whatever happened
        run.status = AllocationRunStatus.FAILED
        run.error = f"{type(error).__name__}: {error}"
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    return run


__all__ = [
    "AllocationResult",
    "Pair",
    "Problem",
    "Solution",
    "allocatable_requests",
    "allocation_execute",
    "build_problem",
    "candidate_lists",
    "solve",
    "solve_cp_sat",
    "solve_greedy",
    "solve_min_cost_flow",
]
