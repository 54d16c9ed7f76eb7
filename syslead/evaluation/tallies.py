"""The outcomes tally: each leader's evaluated deployments counted by their overall-success
rating (docs/rules.md, "Matching", "The outcomes tally").

Matching's outcomes factor reads those counts for every leader it weighs. Counting them from the
ratings each time grows with the years of history (one correlated count per leader over every
rating ever given); the tally is one row per leader, read by its key. It is exact because the one
service that writes evaluation ratings (``evaluation_submit``) recounts the leader's row in the
same transaction, and ratings are never changed afterwards; deleting a leader deletes the row.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

from syslead.evaluation.models import EvaluationItem, EvaluationRating, LeaderOutcomeTally, Rag


def outcome_tallies(leader_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    """{leader id: {rating: evaluated deployments so rated}} counted from the ratings themselves
    (every leader with an evaluated deployment when ``leader_ids`` is None)."""
    ratings = EvaluationRating.objects.filter(item=EvaluationItem.OVERALL_SUCCESS)
    if leader_ids is not None:
        ratings = ratings.filter(evaluation__deployment__leader_id__in=list(leader_ids))
    rows = (
        ratings.order_by()
        .values("evaluation__deployment__leader_id")
        .annotate(**{r: Count("pk", filter=Q(rating=r)) for r in Rag.values})
    )
    return {
        row["evaluation__deployment__leader_id"]: {r: row[r] for r in Rag.values} for row in rows
    }


def outcome_tally_refresh(leader_ids: Iterable[int] | None = None) -> None:
    """Recount the tally of these leaders (of everyone when None) from their ratings."""
    ids = None if leader_ids is None else sorted(set(leader_ids))
    counted = outcome_tallies(ids)
    stale = LeaderOutcomeTally.objects.all()
    if ids is not None:
        stale = stale.filter(leader_id__in=ids)
    stale.delete()
    LeaderOutcomeTally.objects.bulk_create(
        [LeaderOutcomeTally(leader_id=leader_id, **n) for leader_id, n in counted.items()],
        batch_size=2000,
    )
