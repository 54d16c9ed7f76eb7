"""The shortlist: the leaders for one request, ranked and explained (docs/rules.md, "What makes it
better" item 2; docs/api.md, "Requests and brokering").

Who is considered
    Leaders with a live association with the request's organisation, plus leaders approved for
    this request through a commission (sharing between brokers). Leaders of other organisations
    are never considered, so never shown.

Hard rules
    ``syslead.brokering.eligibility`` lists them: a leader failing any rule is *excluded*, listed
    with every rule they fail. The rules and the score are computed by the matching engine
    (``syslead.brokering.engine``), for every leader considered at once; this module turns its
    arrays into ranked candidates and sentences.

Score (0–100)
    Seven factors, each worth a fraction (0–1) of its weight. Weights come from the
    organisation's ``MatchingWeights`` (defaults 30/10/25/10/10/10/5, which add up to 100); the
    score is the points won divided by the points available, times 100, so weights that do not
    add up to 100 still give a score out of 100.

    ===================  ====================================================================
    specialism           the share of the needs the leader has (2 of 2 needs → 1, 1 of 2 → ½)
    phase                1 if the leader's own school is of the request's phase, ½ otherwise
                         (they support the phase — a hard rule — but work in another)
    distance             1 / (1 + (km / 30)²): smooth and strictly decreasing, so with all else
                         equal a nearer leader always scores higher; 4 km → 0.98, 30 km → ½,
                         60 km → 0.2, 100 km → 0.08; 0 when either school has no location
    remaining days       remaining ÷ (2 × days requested), at most 1: room to spare scores more
    experience           years of experience ÷ 10, at most 1
    outcomes             the overall-success ratings of the end-of-support evaluations of the
                         leader's earlier deployments (``outcomes``); ½ (neutral) with none
    same LA              1 if the leader's school is in the request school's local authority
    ===================  ====================================================================

    Each factor gives one sentence in ``reasons``, e.g. "Specialism: maths and english both match
    (30/30)", "Distance: 4.2 km from Mount Street Academy (24.5/25)".

Order
    Score (as shown, to one decimal) highest first, then distance nearest first (unknown last),
    then leader id: deterministic (``engine.Verdict.ranked``, the batch allocation's order too).

Solver
    None is needed for one request: its shortlist is the eligible leaders sorted, best first. (A
    round of many requests sharing leaders' days is the batch allocation's problem.)
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import numpy as np
import numpy.typing as npt

from syslead.brokering.eligibility import (
    LeaderFacts,
    RequestFacts,
    Rule,
    RuleFailure,
    days_text,
    phase_label,
    words,
)
from syslead.brokering.engine import (
    LeaderTable,
    Verdict,
    Weights,
    shown,
)
from syslead.brokering.facts import (
    commissioned_leader_ids,
    considered_leader_ids,
    considered_leaders,
    leader_facts,
    leader_facts_for,
    request_facts,
)
from syslead.brokering.facts_memo import OrganisationFacts, organisation_facts
from syslead.brokering.models import SupportRequest
from syslead.brokering.outcomes import OutcomeEvidence
from syslead.core.gc_pause import cyclic_gc_paused

#: The default shortlist length (docs/rules.md, Requests: "shortlist three leaders").
DEFAULT_SHORTLIST_LENGTH = 3


@dataclass(frozen=True)
class FactorScore:
    """One factor's share of the score, and the sentence that explains it."""

    factor: str
    fraction: float
    weight: int
    reason: str

    @property
    def points(self) -> float:
        return self.fraction * self.weight


@dataclass(frozen=True, slots=True)
class Fractions:
    """Each factor's fraction (0–1) for one leader and one request, as the engine computed it."""

    specialism: float
    phase: float
    distance: float
    remaining_days: float
    experience: float
    outcomes: float
    same_local_authority: float

    @classmethod
    def arrays(cls, verdict: Verdict) -> list[npt.NDArray[np.float64]]:
        """The verdict's factor columns, in this class's field order."""
        return [
            verdict.specialism,
            verdict.phase,
            verdict.distance,
            verdict.remaining_days,
            verdict.experience,
            verdict.outcomes,
            verdict.same_local_authority,
        ]


@dataclass(frozen=True)
class Candidate:
    """A leader who passes every hard rule, with the score and its explanation (the sentences
    are written when first read: a shortlist ranks hundreds and shows three)."""

    leader_id: int
    leader_name: str
    score: float
    distance_km: float | None
    remaining_days: Decimal
    leader: LeaderFacts = field(repr=False, compare=False)
    request: RequestFacts = field(repr=False, compare=False)
    weights: Weights = field(repr=False, compare=False)
    outcome: OutcomeEvidence = field(repr=False, compare=False)
    fractions: Fractions = field(repr=False, compare=False)
    #: The score as shown, in tenths (what ranks candidates).
    tenths: int = field(default=0, repr=False, compare=False)
    #: For each of the request's needs (each once, in order): whether the leader has it.
    needs_met: tuple[bool, ...] = field(default=(), repr=False, compare=False)

    @property
    def score_shown(self) -> Decimal:
        """The score to one decimal, as shown and stored."""
        return shown(self.tenths)

    @property
    def distance_shown(self) -> Decimal | None:
        return None if self.distance_km is None else Decimal(str(round(self.distance_km, 1)))

    def sort_key(self) -> tuple[int, float, int]:
        """The engine's order (``Verdict.ranked``), for lists merged from several verdicts."""
        distance = math.inf if self.distance_km is None else self.distance_km
        return (-self.tenths, distance, self.leader_id)

    @cached_property
    def factors(self) -> tuple[FactorScore, ...]:
        """One ``FactorScore`` per factor, each with its sentence."""
        leader, request, weights, fr = self.leader, self.request, self.weights, self.fractions
        return (
            FactorScore(
                "specialism",
                fr.specialism,
                weights.specialism,
                _specialism_reason(
                    request, self.needs_met, fr.specialism * weights.specialism, weights
                ),
            ),
            FactorScore(
                "phase",
                fr.phase,
                weights.phase,
                _phase_reason(leader, request, fr.phase, weights),
            ),
            FactorScore(
                "distance",
                fr.distance,
                weights.distance,
                _distance_reason(
                    self.distance_km, request, fr.distance * weights.distance, weights
                ),
            ),
            FactorScore(
                "remaining_days",
                fr.remaining_days,
                weights.remaining_days,
                _remaining_reason(leader, request, fr.remaining_days, weights),
            ),
            FactorScore(
                "experience",
                fr.experience,
                weights.experience,
                f"Experience: {_years(leader.years_experience)} "
                f"{_points_text(fr.experience * weights.experience, weights.experience)}",
            ),
            FactorScore(
                "outcomes",
                fr.outcomes,
                weights.outcomes,
                f"Outcomes: {self.outcome.description} "
                f"{_points_text(fr.outcomes * weights.outcomes, weights.outcomes)}",
            ),
            FactorScore(
                "same_local_authority",
                fr.same_local_authority,
                weights.same_local_authority,
                _local_authority_reason(leader, request, fr.same_local_authority, weights),
            ),
        )

    @cached_property
    def reasons(self) -> tuple[str, ...]:
        """The score explained, one sentence per factor that counts."""
        reasons = [f.reason for f in self.factors if f.weight]
        total = self.weights.total
        if total != 100 and total:
            points = self.score * total / 100
            reasons.append(f"Total: {points:.1f} of {total} points, {self.score:.1f} out of 100")
        return tuple(reasons)


@dataclass(frozen=True, slots=True)
class Excluded:
    """A leader considered and excluded, with every hard rule they fail."""

    leader_id: int
    leader_name: str
    failures: tuple[RuleFailure, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(f.message for f in self.failures)

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(str(f.rule) for f in self.failures)


class Shortlist:
    """The best ``limit`` candidates, every candidate passing the hard rules best first
    (``ranked``, of which ``candidates`` is the head), and every leader excluded with their
    reasons, by name. Built from the engine's verdict, ``ranked`` and ``excluded`` are written
    when first read (the API's shortlist shows three candidates of hundreds, and writes the
    excluded straight from the table's rows: ``excluded_rows``)."""

    def __init__(
        self,
        candidates: list[Candidate],
        excluded: list[Excluded] | None = None,
        ranked: list[Candidate] | None = None,
        *,
        verdict: Verdict | None = None,
        rows: list[int] | None = None,
        specialism_labels: dict[str, str] | None = None,
    ) -> None:
        self.candidates = candidates
        #: The organisation's specialism labels, when kept with its facts (``facts_memo``).
        self.specialism_labels = specialism_labels
        self._excluded = excluded
        self._ranked = ranked
        self._verdict = verdict
        self._rows = rows
        self._excluded_rows: tuple[list[int], list[tuple[RuleFailure, ...]]] | None = None

    @property
    def ranked(self) -> list[Candidate]:
        if self._ranked is None:
            rest = (self._rows or [])[len(self.candidates) :]
            more = _candidates(self._verdict, rest) if self._verdict and rest else []
            self._ranked = [*self.candidates, *more]
        return self._ranked

    def excluded_rows(self) -> tuple[LeaderTable, list[int], list[tuple[RuleFailure, ...]]] | None:
        """The excluded leaders as the table's rows, by name, with their failures (leaders
        failing alike share one tuple); None when the shortlist was not built from a verdict."""
        if self._verdict is None:
            return None
        if self._excluded_rows is None:
            rows = self._verdict.excluded_by_name().tolist()
            self._excluded_rows = (rows, self._verdict.failures_of(rows))
        return self._verdict.table, *self._excluded_rows

    @property
    def excluded(self) -> list[Excluded]:
        if self._excluded is None:
            found = self.excluded_rows()
            if found is None:
                self._excluded = []
            else:
                leaders = found[0].leaders
                self._excluded = [
                    Excluded(leaders[i].id, leaders[i].name, failures)
                    for i, failures in zip(found[1], found[2], strict=True)
                ]
        return self._excluded

    @property
    def considered(self) -> int:
        if self._verdict is not None:
            return self._verdict.table.size  # every leader of the table: eligible or excluded
        return len(self.ranked) + len(self.excluded)

    @property
    def excluded_count(self) -> int:
        """How many leaders are excluded (without writing their reasons)."""
        if self._verdict is not None and self._rows is not None:
            return self._verdict.table.size - len(self._rows)
        return len(self.excluded)

    def failing_counts(self) -> dict[Rule, int]:
        """How many of the excluded fail each hard rule, in the rules' order (a leader failing
        several is counted under each): a summary, from the engine's arrays."""
        if self._verdict is not None:
            return self._verdict.failing_counts()
        counts: dict[Rule, int] = dict.fromkeys(Rule, 0)
        for excluded in self.excluded:
            for rule in dict.fromkeys(f.rule for f in excluded.failures):
                counts[rule] += 1
        return {rule: count for rule, count in counts.items() if count}

    def candidates_of(self, leader_ids: Collection[int]) -> dict[int, Candidate]:
        """The candidates among ``leader_ids`` (those passing every rule), by leader, built for
        those leaders only."""
        if not leader_ids:
            return {}
        if self._verdict is None or self._rows is None:
            return {c.leader_id: c for c in self.ranked if c.leader_id in leader_ids}
        rows = np.asarray(self._rows, dtype=np.int64)
        wanted = np.fromiter(leader_ids, dtype=np.int64)
        found = rows[np.isin(self._verdict.table.ids[rows], wanted)].tolist()
        return {c.leader_id: c for c in _candidates(self._verdict, found)}

    def failures_of_leaders(
        self, leader_ids: Collection[int]
    ) -> dict[int, tuple[RuleFailure, ...]]:
        """The excluded among ``leader_ids`` with the rules they fail, by leader (worked out for
        those leaders only)."""
        if not leader_ids:
            return {}
        verdict = self._verdict
        if verdict is None or self._excluded is not None:
            return {e.leader_id: e.failures for e in self.excluded if e.leader_id in leader_ids}
        wanted = np.fromiter(leader_ids, dtype=np.int64)
        rows = np.flatnonzero(~verdict.eligible & np.isin(verdict.table.ids, wanted)).tolist()
        leaders = verdict.table.leaders
        return {
            leaders[i].id: failures
            for i, failures in zip(rows, verdict.failures_of(rows), strict=True)
        }

    def best(self, length: int, leaving_out: Collection[int] = ()) -> list[Candidate]:
        """The best ``length`` candidates but those ``leaving_out`` (only as many built as that
        needs)."""
        if self._ranked is None and self._verdict is not None and self._rows is not None:
            head = self._rows[: length + len(leaving_out)]
            chosen = [c for c in _candidates(self._verdict, head) if c.leader_id not in leaving_out]
            return chosen[:length]
        return [c for c in self.ranked if c.leader_id not in leaving_out][:length]


def _points_text(points: float, weight: int) -> str:
    shown = round(points, 1)
    text = f"{shown:.0f}" if shown == int(shown) else f"{shown:.1f}"
    return f"({text}/{weight})"


def _years(years: int) -> str:
    return "1 year" if years == 1 else f"{years} years"


def _specialism_reason(
    request: RequestFacts, needs_met: tuple[bool, ...], points: float, weights: Weights
) -> str:
    needs = list(dict.fromkeys(request.needs))
    matched = [n for n, met in zip(needs, needs_met, strict=True) if met]
    missing = [n for n, met in zip(needs, needs_met, strict=True) if not met]
    if not matched:
        text = f"none of {words(needs)} matches"
    elif not missing:
        if len(matched) == 1:
            text = f"{words(matched)} matches"
        elif len(matched) == 2:
            text = f"{words(matched)} both match"
        else:
            text = f"{words(matched)} all match"
    else:
        verb = "matches" if len(matched) == 1 else "match"
        text = f"{words(matched)} {verb}; {words(missing)} not"
    return f"Specialism: {text} {_points_text(points, weights.specialism)}"


def _phase_reason(
    leader: LeaderFacts, request: RequestFacts, fraction: float, weights: Weights
) -> str:
    phase = phase_label(request.phase)
    if fraction == 1.0:
        text = f"works in a {phase} school, like {request.school_name}"
    else:
        own = phase_label(leader.home_phase) if leader.home_phase else "of unknown phase"
        text = f"supports {phase} schools; their own school is {own}"
    return f"Phase: {text} {_points_text(fraction * weights.phase, weights.phase)}"


def _distance_reason(
    km: float | None, request: RequestFacts, points: float, weights: Weights
) -> str:
    if km is None:
        return f"Distance: not known (a school has no location) {_points_text(0, weights.distance)}"
    return (
        f"Distance: {km:.1f} km from {request.school_name} {_points_text(points, weights.distance)}"
    )


def _remaining_reason(
    leader: LeaderFacts, request: RequestFacts, fraction: float, weights: Weights
) -> str:
    weight = weights.remaining_days
    return (
        f"Remaining days: {days_text(leader.remaining_days)} left in {request.academic_year} "
        f"for the {days_text(request.days_requested)} asked "
        f"{_points_text(fraction * weight, weight)}"
    )


def _local_authority_reason(
    leader: LeaderFacts, request: RequestFacts, fraction: float, weights: Weights
) -> str:
    if fraction:
        text = f"both schools are in {request.local_authority}"
    elif leader.home_local_authority and request.local_authority:
        text = f"their school is in {leader.home_local_authority}, not {request.local_authority}"
    else:
        text = "not known to be the same"
    weight = weights.same_local_authority
    return f"Local authority: {text} {_points_text(fraction * weight, weight)}"


def _candidates(verdict: Verdict, rows: list[int]) -> list[Candidate]:
    """Rows of the verdict's table as candidates, from the engine's arrays (only those rows,
    read as plain lists once: a shortlist may rank thousands, or show three)."""
    index = np.asarray(rows, dtype=np.int64)
    columns = [column[index].tolist() for column in Fractions.arrays(verdict)]
    scores, tenths = verdict.score[index].tolist(), verdict.tenths[index].tolist()
    distances = verdict.distance_km[index].tolist()
    needs_met = verdict.needs_met[index].tolist()
    leaders, evidence = verdict.table.leaders, verdict.table.evidence
    found = []
    for n, i in enumerate(rows):
        leader = leaders[i]
        km = distances[n]
        found.append(
            Candidate(
                leader_id=leader.id,
                leader_name=leader.name,
                score=scores[n],
                distance_km=None if math.isnan(km) else km,
                remaining_days=leader.remaining_days,
                leader=leader,
                request=verdict.request,
                weights=verdict.weights,
                outcome=evidence[i],
                fractions=Fractions(*(column[n] for column in columns)),
                tenths=tenths[n],
                needs_met=tuple(needs_met[n]),
            )
        )
    return found


def rank(
    request: RequestFacts,
    leaders: Sequence[LeaderFacts],
    weights: Weights,
    *,
    skip: Collection[Rule] = (),
) -> tuple[list[Candidate], list[Excluded]]:
    """Every leader either ranked as a candidate (best first) or excluded with every reason,
    as the engine judged them (``skip`` leaves hard rules out)."""
    return judge(request, LeaderTable(leaders), weights, skip=skip)


def judge(
    request: RequestFacts,
    table: LeaderTable,
    weights: Weights,
    *,
    skip: Collection[Rule] = (),
) -> tuple[list[Candidate], list[Excluded]]:
    """``rank`` over a table already built."""
    verdict = Verdict(request, table, weights, skip=skip)
    return _candidates(verdict, verdict.ranked().tolist()), _excluded(verdict)


def _excluded(verdict: Verdict) -> list[Excluded]:
    """The leaders failing a hard rule, with every reason, by name (case aside), then id."""
    rows = verdict.excluded_by_name().tolist()
    leaders = verdict.table.leaders
    return [
        Excluded(leaders[i].id, leaders[i].name, failures)
        for i, failures in zip(rows, verdict.failures_of(rows), strict=True)
    ]


def shortlist(
    support_request: SupportRequest,
    limit: int = DEFAULT_SHORTLIST_LENGTH,
    *,
    may_have_lent: bool = True,
) -> Shortlist:
    """The best ``limit`` leaders for a request, and every other leader considered with every
    reason that excluded them. A fixed number of queries, whatever the organisation's size; the
    organisation's leaders come precomputed (``considered_table``). ``may_have_lent=False``: the
    caller knows the request has no commission and no direct commission (one query fewer)."""
    with cyclic_gc_paused():
        kept = organisation_facts(support_request.organisation_id, support_request.academic_year)
        facts = request_facts(support_request, kept.broker)
        table = considered_table(support_request, kept) if may_have_lent else kept.table
        verdict = Verdict(facts, table, kept.weights)
        rows = verdict.ranked().tolist()
        return Shortlist(
            candidates=_candidates(verdict, rows[: max(limit, 0)]),
            verdict=verdict,
            rows=rows,
            specialism_labels=kept.specialism_labels,
        )


def considered_table(support_request: SupportRequest, kept: OrganisationFacts) -> LeaderTable:
    """The leaders the request's matching looks at, as the engine's table: the organisation's
    own, precomputed (``facts_memo``), and those lent or named for this request, read afresh."""
    lent = [i for i in commissioned_leader_ids(support_request) if i not in kept.ids]
    if not lent:
        return kept.table
    leaders = [*kept.table.leaders, *leader_facts_for(lent, support_request.academic_year)]
    return LeaderTable(sorted(leaders, key=_by_id))


def _by_id(leader: LeaderFacts) -> int:
    return leader.id


def fresh_shortlist(
    support_request: SupportRequest, limit: int = DEFAULT_SHORTLIST_LENGTH
) -> Shortlist:
    """``shortlist`` with every leader's facts read afresh, nothing precomputed (what the
    precomputed shortlist must equal)."""
    facts = request_facts(support_request)
    leaders = leader_facts_for(
        considered_leader_ids(support_request), support_request.academic_year
    )
    weights = Weights.for_organisation(support_request.organisation_id)
    ranked, excluded = rank(facts, leaders, weights)
    return Shortlist(candidates=ranked[: max(limit, 0)], excluded=excluded, ranked=ranked)


def leader_check(
    support_request: SupportRequest, leader_id: int, *, skip: Collection[Rule] = ()
) -> tuple[Candidate | None, list[RuleFailure], bool]:
    """One leader against a request: (candidate or None, failures, considered?). ``considered``
    is False when the leader is neither associated with the organisation nor commissioned.
    ``skip`` leaves out rules a coordinator's recorded judgement set aside (remaining days)."""
    queryset = considered_leaders(support_request).filter(id=leader_id)
    found = leader_facts(queryset, support_request.academic_year)
    if not found:
        return None, [], False
    weights = Weights.for_organisation(support_request.organisation_id)
    candidates, excluded = rank(request_facts(support_request), found, weights, skip=skip)
    if excluded:
        return None, list(excluded[0].failures), True
    return candidates[0], [], True


def by_leader(candidates: Sequence[Candidate]) -> dict[int, Candidate]:
    return {c.leader_id: c for c in candidates}
