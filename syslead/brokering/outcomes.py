"""Outcomes of a leader's earlier deployments, as a matching factor (docs/rules.md, "Matching").

The evidence is the supported headteacher's end-of-support evaluation of each earlier deployment:
its "6. Overall success of support" rating, red, amber or green. The evaluation area feeds those
ratings in (``register_outcome_source``, done in ``syslead.evaluation.apps``), so brokering never
imports evaluation's models: ``fn()`` returns ``{rating: an expression counting the leader's
evaluated deployments so rated}``, with ``OuterRef("pk")`` the leader. ``syslead.brokering.facts``
annotates its one query of leaders with those counts, so the ratings arrive with every leader's
other facts (``LeaderFacts.outcome_ratings``) at no extra query.

Each leader's ratings become a fraction with ``evidence_from_ratings``: green 1, amber ½, red 0,
averaged with two neutral "phantom" ratings so that one evaluation cannot swing the score to either
extreme (a small Bayesian prior: 1 green → 0.67, 3 greens → 0.8, 10 greens → 0.92, 1 red → 0.33).
A leader with no evaluated deployment gets the neutral value (½ of the factor's weight): nobody is
rewarded or penalised for a record they do not have yet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

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

#: {rating: an expression counting the leader's (``OuterRef("pk")``) deployments so rated}.
OutcomeSource = Callable[[], Mapping[str, Any]]
_sources: list[OutcomeSource] = []
#: The models each source reads: precomputed leader facts are built again when one changes
#: (``syslead.brokering.facts_memo``).
_tables: dict[OutcomeSource, tuple[type[Any], ...]] = {}


def register_outcome_source(source: OutcomeSource, *, tables: Iterable[type[Any]] = ()) -> None:
    """Let an area that records evaluations feed their ratings to matching; ``tables``: the
    models its expressions read."""
    if source not in _sources:
        _sources.append(source)
    _tables[source] = tuple(tables)


def unregister_outcome_source(source: OutcomeSource) -> None:
    if source in _sources:
        _sources.remove(source)
    _tables.pop(source, None)


def outcome_sources() -> tuple[OutcomeSource, ...]:
    """The sources registered, in order."""
    return tuple(_sources)


def outcome_tables() -> list[type[Any]]:
    """The models the registered sources read."""
    return [model for source in _sources for model in _tables.get(source, ())]


def outcome_columns() -> dict[str, tuple[str, Any]]:
    """{column alias: (rating, expression)}: the counts to annotate a query of leaders with, one
    per rating of each registered source (none registered: no column)."""
    return {
        f"outcome_{n}_{rating}": (rating, expression)
        for n, source in enumerate(_sources)
        for rating, expression in source().items()
    }


def evidence_from_ratings(ratings: Iterable[str]) -> OutcomeEvidence:
    """A leader's ratings as a fraction, shrunk towards neutral (see the module docstring)."""
    return _evidence(tuple(str(x).lower() for x in ratings))


@lru_cache(maxsize=1024)
def _evidence(ratings: tuple[str, ...]) -> OutcomeEvidence:
    known = tuple(r for r in ratings if r in RAG_FRACTION)
    if not known:
        return NEUTRAL_OUTCOME
    total = sum(RAG_FRACTION[r] for r in known) + PRIOR_RATINGS * NEUTRAL_FRACTION
    fraction = total / (len(known) + PRIOR_RATINGS)
    counts = [f"{known.count(r)} {r}" for r in ("green", "amber", "red") if known.count(r)]
    deployments = "earlier deployment" if len(known) == 1 else "earlier deployments"
    description = f"{len(known)} {deployments} evaluated, overall success rated {words(counts)}"
    return OutcomeEvidence(fraction, description, known)
