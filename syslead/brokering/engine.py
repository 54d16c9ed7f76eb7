"""The matching engine: every hard rule and every factor of the score, computed once, for one
request against a whole column of leaders at a time (docs/rules.md, "Matching").

Everything that matches leaders with requests goes through here: the single request's shortlist
(``matching.shortlist``), one leader checked against a request (``eligibility.hard_rule_failures``,
``matching.leader_check``) and the batch allocation's candidate lists (``allocation``). Nothing else
re-implements a rule or a factor: the explanations in words (``matching.Candidate.reasons``,
``Verdict.failures``) are written from the arrays computed here.

``LeaderTable`` holds the leaders' facts as numpy columns (built once, checked against any number of
requests); ``Verdict(request, table, weights)`` is the judgement: one boolean column per
hard rule (True: the leader fails it), the eligible leaders, each factor's fraction (0–1), the
distance and the score (0–100) and the score as shown, in tenths.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from syslead.brokering.eligibility import (
    TRAINING_FAILURE,
    LeaderFacts,
    RequestFacts,
    Rule,
    RuleFailure,
    agreement_failure,
    conflict_messages,
    declares_conflict_with,
    designation_failure,
    phase_failure,
    remaining_days_failure,
    specialism_failure,
)
from syslead.brokering.models import MatchingWeights
from syslead.brokering.outcomes import evidence_from_ratings
from syslead.schools.geo import haversine_km_many

#: The distance at which the distance factor is worth half its weight.
DISTANCE_HALF_SCORE_KM = 30.0
#: Years of experience that earn the experience factor in full.
EXPERIENCE_FULL_YEARS = 10
#: Remaining days of (this many) × the days requested earn the remaining-days factor in full.
REMAINING_HEADROOM = 2

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Weights:
    """The points each factor is worth (an organisation's ``MatchingWeights``)."""

    specialism: int = 30
    phase: int = 10
    distance: int = 25
    remaining_days: int = 10
    experience: int = 10
    outcomes: int = 10
    same_local_authority: int = 5

    @classmethod
    def for_organisation(cls, organisation_id: int) -> Weights:
        """The organisation's weights, or the defaults if it has set none (one query)."""
        row = MatchingWeights.objects.filter(organisation_id=organisation_id).first()
        if row is None:
            return cls()
        return cls(
            specialism=row.specialism,
            phase=row.phase,
            distance=row.distance,
            remaining_days=row.remaining_days,
            experience=row.experience,
            outcomes=row.outcomes,
            same_local_authority=row.same_local_authority,
        )

    @property
    def total(self) -> int:
        return (
            self.specialism
            + self.phase
            + self.distance
            + self.remaining_days
            + self.experience
            + self.outcomes
            + self.same_local_authority
        )


def normalised(text: str) -> str:
    """A local authority or trust name as compared: trimmed, lower case."""
    return text.strip().lower()


class _Codes:
    """Strings as small integers, so a column of them compares with one value at once."""

    def __init__(self, values: Sequence[str]) -> None:
        self.vocabulary: dict[str, int] = {}
        self.column: IntArray = np.array(
            [self.vocabulary.setdefault(v, len(self.vocabulary)) for v in values], dtype=np.int64
        )

    def equal_to(self, value: str) -> BoolArray:
        code = self.vocabulary.get(value)
        if code is None:
            return np.zeros(len(self.column), dtype=bool)
        result: BoolArray = self.column == code
        return result


class _Sets:
    """A column of small sets (specialisms, phases): leaders share a few dozen distinct sets, so
    "does each leader's set hold x" is answered once per distinct set and spread by index."""

    def __init__(self, values: Sequence[frozenset[str]]) -> None:
        distinct: dict[frozenset[str], int] = {}
        self.group: IntArray = np.array(
            [distinct.setdefault(v, len(distinct)) for v in values], dtype=np.int64
        )
        self.distinct = list(distinct)

    def holds(self, item: str) -> BoolArray:
        per_set = np.array([item in s for s in self.distinct], dtype=bool)
        result: BoolArray = per_set[self.group] if len(self.group) else np.zeros(0, dtype=bool)
        return result


class LeaderTable:
    """Leaders' facts as columns (row i is ``leaders[i]``)."""

    def __init__(self, leaders: Sequence[LeaderFacts]) -> None:
        self.leaders = list(leaders)
        rows = self.leaders
        n = len(rows)
        self.size = n
        self.ids: IntArray = np.fromiter((x.id for x in rows), dtype=np.int64, count=n)
        self.latitude: FloatArray = np.array(
            [math.nan if x.home_latitude is None else x.home_latitude for x in rows], dtype=float
        )
        self.longitude: FloatArray = np.array(
            [math.nan if x.home_longitude is None else x.home_longitude for x in rows], dtype=float
        )
        self.remaining: FloatArray = np.array([float(x.remaining_days) for x in rows], dtype=float)
        self.years: FloatArray = np.array([float(x.years_experience) for x in rows], dtype=float)
        self.designated: BoolArray = np.array([bool(x.active_designations) for x in rows], bool)
        lapsed: dict[tuple[str, ...], int] = {}
        #: The leaders' designations revoked or under review, as a number per distinct list.
        self.lapsed: IntArray = np.array(
            [lapsed.setdefault(x.inactive_designations, len(lapsed)) for x in rows],
            dtype=np.int64,
        )
        self.trained: BoolArray = np.array(
            [x.core_training_completed_on is not None for x in rows], dtype=bool
        )
        self.home_urn: IntArray = np.array([x.home_school_urn for x in rows], dtype=np.int64)
        self.local_authority = _Codes([normalised(x.home_local_authority) for x in rows])
        self.trust = _Codes([normalised(x.home_trust) for x in rows])
        self.home_phase = _Codes([x.home_phase for x in rows])
        self.specialisms = _Sets([x.specialisms for x in rows])
        self.phases = _Sets([x.phases for x in rows])
        self.declaring = [i for i, x in enumerate(rows) if x.declared_conflicts.strip()]

        #: Each leader's evidence for the outcomes factor (their evaluated deployments).
        self.evidence = [evidence_from_ratings(x.outcome_ratings) for x in rows]
        self.outcome: FloatArray = np.array([e.fraction for e in self.evidence], dtype=float)
        #: Values its readers derive from the table, per row or whole (the API's JSON of each
        #: leader), kept with it as long as it is kept (``syslead.brokering.facts_memo``).
        self.derived: dict[str, Any] = {}

    @cached_property
    def by_name(self) -> IntArray:
        """Each row's place in the leaders' order by name (case aside), then id: the order of a
        list of excluded leaders (worked out once per table, which a process keeps)."""
        order = sorted(range(self.size), key=lambda i: (self.leaders[i].name.lower(), i))
        place: IntArray = np.empty(self.size, dtype=np.int64)
        place[order] = np.arange(self.size, dtype=np.int64)
        return place


def distance_fraction(km: Any) -> Any:
    """1 / (1 + (km / 30)²): strictly decreasing with distance."""
    return 1.0 / (1.0 + (km / DISTANCE_HALF_SCORE_KM) ** 2)


class Verdict:
    """One request against every leader of a table: each hard rule, each factor, the score."""

    def __init__(
        self,
        request: RequestFacts,
        table: LeaderTable,
        weights: Weights,
        *,
        skip: Collection[Rule] = (),
    ) -> None:
        self.request = request
        self.table = table
        self.weights = weights
        self.skip = frozenset(skip)
        n = table.size
        #: The request's needs, each once, in the request's order.
        self.needs: tuple[str, ...] = tuple(dict.fromkeys(request.needs))
        #: needs_met[i, j]: leader i has need j.
        self.needs_met: BoolArray = (
            np.column_stack([table.specialisms.holds(need) for need in self.needs])
            if self.needs and n
            else np.zeros((n, len(self.needs)), dtype=bool)
        )
        matched = self.needs_met.sum(axis=1)

        # The hard rules (docs/rules.md, "Matching"): True where the leader fails the rule.
        self.no_designation: BoolArray = ~table.designated
        self.untrained: BoolArray = ~table.trained
        self.unsigned: BoolArray = (
            np.isin(table.ids, np.fromiter(request.unsigned_agreement, dtype=np.int64))
            if request.unsigned_agreement
            else np.zeros(n, dtype=bool)
        )
        self.wrong_phase: BoolArray = ~table.phases.holds(request.phase)
        self.no_specialism: BoolArray = matched == 0
        days = float(request.days_requested)
        self.short_of_days: BoolArray = table.remaining < days
        self.own_school: BoolArray = table.home_urn == request.school_urn
        trust = normalised(request.trust)
        self.same_trust: BoolArray = (
            table.trust.equal_to(trust) & ~self.own_school if trust else np.zeros(n, dtype=bool)
        )
        self.declared: BoolArray = np.zeros(n, dtype=bool)
        for i in table.declaring:
            self.declared[i] = declares_conflict_with(
                table.leaders[i].declared_conflicts, request.school_urn, request.school_name
            )
        checks = {
            Rule.ACTIVE_DESIGNATION: self.no_designation,
            Rule.CORE_TRAINING: self.untrained,
            Rule.BROKER_AGREEMENT: self.unsigned,
            Rule.PHASE: self.wrong_phase,
            Rule.SPECIALISM: self.no_specialism,
            Rule.REMAINING_DAYS: self.short_of_days,
            Rule.CONFLICT_OF_INTEREST: self.own_school | self.same_trust | self.declared,
        }
        #: Each hard rule checked (none skipped): True where the leader fails it.
        self.checks: dict[Rule, BoolArray] = {
            rule: fails for rule, fails in checks.items() if rule not in self.skip
        }
        failing = np.zeros(n, dtype=bool)
        for fails in self.checks.values():
            failing |= fails
        #: The leaders passing every hard rule (less the skipped ones).
        self.eligible: BoolArray = ~failing

        # The factors (docs/rules.md, "Matching"), each a fraction 0–1 of its weight.
        self.specialism: FloatArray = matched / len(self.needs) if self.needs else np.zeros(n)
        self.phase: FloatArray = np.where(
            table.home_phase.equal_to(request.phase) if request.phase else np.zeros(n, bool),
            1.0,
            0.5,
        )
        if request.latitude is None or request.longitude is None:
            self.distance_km: FloatArray = np.full(n, math.nan)
        else:
            self.distance_km = haversine_km_many(
                request.latitude, request.longitude, table.latitude, table.longitude
            )
        placed = ~np.isnan(self.distance_km)
        self.distance: FloatArray = np.where(
            placed, distance_fraction(np.where(placed, self.distance_km, 0.0)), 0.0
        )
        self.remaining_days: FloatArray = (
            np.clip(table.remaining / (REMAINING_HEADROOM * days), 0.0, 1.0)
            if days > 0
            else np.ones(n)
        )
        self.experience: FloatArray = np.clip(table.years / EXPERIENCE_FULL_YEARS, 0.0, 1.0)
        self.outcomes: FloatArray = table.outcome
        authority = normalised(request.local_authority)
        self.same_local_authority: FloatArray = (
            table.local_authority.equal_to(authority).astype(float) if authority else np.zeros(n)
        )
        points = (
            weights.specialism * self.specialism
            + weights.phase * self.phase
            + weights.distance * self.distance
            + weights.remaining_days * self.remaining_days
            + weights.experience * self.experience
            + weights.outcomes * self.outcomes
            + weights.same_local_authority * self.same_local_authority
        )
        total = weights.total
        #: The score, 0–100: points won over points available.
        self.score: FloatArray = 100.0 * points / total if total else np.zeros(n)
        #: The score as shown (to one decimal), in tenths: what ranks leaders.
        self.tenths: IntArray = np.rint(self.score * 10).astype(np.int64)
        self._shared: dict[tuple[RuleFailure, ...], tuple[RuleFailure, ...]] = {}

    def ranked(self, rows: BoolArray | None = None) -> IntArray:
        """The eligible leaders' rows (within ``rows`` if given), best first: score as shown
        highest first, then distance nearest first (unknown last), then leader id."""
        chosen = self.eligible if rows is None else self.eligible & rows
        index = np.flatnonzero(chosen)
        distance = np.where(np.isnan(self.distance_km[index]), np.inf, self.distance_km[index])
        order = np.lexsort((self.table.ids[index], distance, -self.tenths[index]))
        result: IntArray = index[order]
        return result

    def failing_counts(self) -> dict[Rule, int]:
        """How many leaders fail each hard rule, in the rules' order, the rules nobody fails left
        out (a leader failing several rules is counted under each)."""
        counts = {rule: int(np.count_nonzero(fails)) for rule, fails in self.checks.items()}
        return {rule: count for rule, count in counts.items() if count}

    def excluded_by_name(self) -> IntArray:
        """The rows of the leaders failing a hard rule, by name (case aside), then id."""
        rows = np.flatnonzero(~self.eligible)
        result: IntArray = rows[np.argsort(self.table.by_name[rows], kind="stable")]
        return result

    def failures_of(self, rows: Sequence[int]) -> list[tuple[RuleFailure, ...]]:
        """``failures`` of many rows: worked out once for the leaders who fail the same rules
        with the same words (a hub's thousand excluded leaders fail in a few dozen ways), found
        with arrays: the rules failed, and where the words depend on the leader, their lapsed
        designations, the phases they support and their remaining days."""
        index = np.asarray(rows, dtype=np.int64)
        if not len(index):
            return []
        flags = [
            (self.no_designation, Rule.ACTIVE_DESIGNATION),
            (self.untrained, Rule.CORE_TRAINING),
            (self.unsigned, Rule.BROKER_AGREEMENT),
            (self.wrong_phase, Rule.PHASE),
            (self.no_specialism, Rule.SPECIALISM),
            (self.short_of_days, Rule.REMAINING_DAYS),
            (self.own_school, Rule.CONFLICT_OF_INTEREST),
            (self.same_trust, Rule.CONFLICT_OF_INTEREST),
            (self.declared, Rule.CONFLICT_OF_INTEREST),
        ]
        code = np.zeros(len(index), dtype=np.int64)
        for bit, (column, rule) in enumerate(flags):
            if rule not in self.skip:
                code |= column[index].astype(np.int64) << bit
        table = self.table
        keys = zip(
            code.tolist(),
            np.where(code & 1, table.lapsed[index], -1).tolist(),
            np.where(code & 8, table.phases.group[index], -1).tolist(),
            np.where(code & 32, table.remaining[index], -math.inf).tolist(),
            strict=True,
        )
        found: dict[tuple[int, int, int, float], tuple[RuleFailure, ...]] = {}
        result = []
        for i, key in zip(index.tolist(), keys, strict=True):
            failures = found.get(key)
            if failures is None:
                failures = found[key] = self.failures(i)
            result.append(failures)
        return result

    def failures(self, i: int) -> tuple[RuleFailure, ...]:
        """Every hard rule leader ``i`` fails, in words, in the rules' order (leaders failing
        alike share one tuple: fewer objects on a list of thousands)."""
        leader = self.table.leaders[i]
        request = self.request
        skip = self.skip
        found: list[RuleFailure] = []
        if self.no_designation[i] and Rule.ACTIVE_DESIGNATION not in skip:
            found.append(designation_failure(leader.inactive_designations))
        if self.untrained[i] and Rule.CORE_TRAINING not in skip:
            found.append(TRAINING_FAILURE)
        if self.unsigned[i] and Rule.BROKER_AGREEMENT not in skip:
            found.append(agreement_failure(request.agreement_words))
        if self.wrong_phase[i] and Rule.PHASE not in skip:
            found.append(phase_failure(request.phase, leader.phases))
        if self.no_specialism[i] and Rule.SPECIALISM not in skip:
            found.append(specialism_failure(request.needs))
        if self.short_of_days[i] and Rule.REMAINING_DAYS not in skip:
            found.append(
                remaining_days_failure(
                    leader.remaining_days, request.days_requested, request.academic_year
                )
            )
        if Rule.CONFLICT_OF_INTEREST not in skip:
            found.extend(
                conflict_messages(
                    request,
                    own_school=bool(self.own_school[i]),
                    same_trust=bool(self.same_trust[i]),
                    declared=bool(self.declared[i]),
                )
            )
        failures = tuple(found)
        return self._shared.setdefault(failures, failures)


def shown(tenths: int) -> Decimal:
    """A score in tenths as shown and stored: 873 → Decimal("87.3"), 870 → Decimal("87.0")."""
    return Decimal(int(tenths)).scaleb(-1)


__all__ = [
    "DISTANCE_HALF_SCORE_KM",
    "EXPERIENCE_FULL_YEARS",
    "REMAINING_HEADROOM",
    "LeaderTable",
    "Verdict",
    "Weights",
    "distance_fraction",
    "shown",
]
