"""Outcomes of a leader's earlier deployments, as a matching factor (docs/rules.md, "Matching").

The evidence is the supported headteacher's end-of-support evaluation of each earlier deployment:
its "6. Overall success of support" rating, red, amber or green. The evaluation area feeds those
ratings in (``register_outcome_source``, done in ``syslead.evaluation.apps``), so brokering never
imports evaluation's models: ``fn(leader_ids)`` returns ``{leader id: [the overall-success rating
of each evaluated deployment]}`` in one query.

Each leader's ratings become a fraction with ``evidence_from_ratings``: green 1, amber ½, red 0,
averaged with two neutral "phantom" ratings so that one evaluation cannot swing the score to either
extreme (a small Bayesian prior: 1 green → 0.67, 3 greens → 0.8, 10 greens → 0.92, 1 red → 0.33).
A leader with no evaluated deployment gets the neutral value (½ of the factor's weight): nobody is
rewarded or penalised for a record they do not have yet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from syslead.brokering.eligibility import words

#: RAG value → fraction of the outcomes factor.
RAG_FRACTION = {"green": 1.0, "amber": 0.5, "red": 0.0}
#: Neutral phantom ratings averaged in (the prior's weight).
PRIOR_RATINGS = 2
NEUTRAL_FRACTION = 0.5


@dataclass(frozen=True)
class OutcomeEvidence:
    fraction: float
    description: str
    ratings: tuple[str, ...] = ()


NEUTRAL_OUTCOME = OutcomeEvidence(
    NEUTRAL_FRACTION, "no earlier deployment evaluated yet, counted as neutral"
)

OutcomeSource = Callable[[Sequence[int]], Mapping[int, Sequence[str]]]
_sources: list[OutcomeSource] = []


def register_outcome_source(source: OutcomeSource) -> None:
    """Let an area that records evaluations feed their RAG ratings to matching."""
    if source not in _sources:
        _sources.append(source)


def unregister_outcome_source(source: OutcomeSource) -> None:
    if source in _sources:
        _sources.remove(source)


def evidence_from_ratings(ratings: Iterable[str]) -> OutcomeEvidence:
    """A leader's RAG ratings as a fraction, shrunk towards neutral (see the module docstring)."""
    known = tuple(r for r in (str(x).lower() for x in ratings) if r in RAG_FRACTION)
    if not known:
        return NEUTRAL_OUTCOME
    total = sum(RAG_FRACTION[r] for r in known) + PRIOR_RATINGS * NEUTRAL_FRACTION
    fraction = total / (len(known) + PRIOR_RATINGS)
    counts = [f"{known.count(r)} {r}" for r in ("green", "amber", "red") if known.count(r)]
    deployments = "earlier deployment" if len(known) == 1 else "earlier deployments"
    description = f"{len(known)} {deployments} evaluated, overall success rated {words(counts)}"
    return OutcomeEvidence(fraction, description, known)


def outcome_evidence(leader_ids: Sequence[int]) -> dict[int, OutcomeEvidence]:
    """{leader id: evidence} for leaders with evaluations; others are neutral (absent)."""
    if not _sources or not leader_ids:
        return {}
    ratings: dict[int, list[str]] = {}
    for source in _sources:
        for leader_id, values in source(leader_ids).items():
            ratings.setdefault(leader_id, []).extend(values)
    return {leader_id: evidence_from_ratings(values) for leader_id, values in ratings.items()}
