"""Reads of feedback and evaluation: the RAG grid with disagreement, what is due, and the
evaluation's items in the form's order.

**Disagreement** (docs/rules.md "RAG per objective from several viewpoints with disagreement
flagged"): an objective's ratings for a term are flagged as soon as the viewpoints given (at least
two of headteacher, leader, coordinator) are not all the same; a flag is *wide* when they are more
than one step apart (red against green). Flagging any difference, not only wide ones, is the
simpler rule to explain at a review meeting: "you did not all see it the same way".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from syslead.core.academic_years import Term, terms_between
from syslead.deployments.models import DELIVERY_STATUSES, Deployment, DeploymentStatus, Objective
from syslead.evaluation.models import (
    RAG_STEP,
    Evaluation,
    EvaluationItem,
    FeedbackRequest,
    FeedbackStatus,
    LeaderOutcomeTally,
    ObjectiveRating,
    Rag,
    Viewpoint,
)

#: Feedback is asked for from this many days before the term ends.
FEEDBACK_REMINDER_DAYS = 14
#: The evaluation falls due this long before the agreement's intended end (brief: two weeks).
EVALUATION_DUE_BEFORE_END = dt.timedelta(weeks=2)


class Disagreement(Enum):
    NONE = "none"
    DIFFER = "differ"
    WIDE = "wide"

    @property
    def flagged(self) -> bool:
        return self is not Disagreement.NONE


def disagreement(ratings: Iterable[str]) -> Disagreement:
    """NONE when fewer than two viewpoints rated or all agree; DIFFER when they are one step
    apart; WIDE when red meets green."""
    steps = [RAG_STEP[Rag(r)] for r in ratings]
    if len(steps) < 2:
        return Disagreement.NONE
    spread = max(steps) - min(steps)
    if spread == 0:
        return Disagreement.NONE
    return Disagreement.DIFFER if spread == 1 else Disagreement.WIDE


@dataclass(frozen=True)
class GridCell:
    term: Term
    ratings: dict[str, ObjectiveRating] = field(default_factory=dict)

    @property
    def disagreement(self) -> Disagreement:
        return disagreement(r.rating for r in self.ratings.values())

    def by_viewpoint(self) -> list[tuple[str, ObjectiveRating | None]]:
        return [(vp.label, self.ratings.get(vp.value)) for vp in Viewpoint]


@dataclass(frozen=True)
class GridRow:
    objective: Objective
    cells: list[GridCell]

    @property
    def flagged(self) -> bool:
        return any(cell.disagreement.flagged for cell in self.cells)


@dataclass(frozen=True)
class ReviewGrid:
    terms: list[Term]
    rows: list[GridRow]
    revised_measures: dict[Term, tuple[str, str]]

    @property
    def disagreements(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell.disagreement.flagged)


def review_grid(deployment: Deployment) -> ReviewGrid:
    """Each objective's ratings by term and viewpoint, with disagreement flagged (two queries)."""
    terms = terms_between(deployment.starts_on, deployment.ends_on)
    ratings = ObjectiveRating.objects.filter(review__deployment=deployment).select_related(
        "review", "rated_by"
    )
    by_key: dict[tuple[int, str, str], dict[str, ObjectiveRating]] = {}
    measures: dict[Term, tuple[str, str]] = {}
    for rating in ratings:
        review = rating.review
        key = (rating.objective_id, review.academic_year, review.term)
        by_key.setdefault(key, {})[rating.viewpoint] = rating
    for review in deployment.progress_reviews.exclude(revised_measures="").select_related(
        "revised_measures_agreed_by"
    ):
        agreed_by = str(review.revised_measures_agreed_by or "")
        measures[review.school_term] = (review.revised_measures, agreed_by)
    rows = [
        GridRow(
            objective=objective,
            cells=[
                GridCell(
                    term=term,
                    ratings=by_key.get((objective.pk, term.year.label, term.name), {}),
                )
                for term in terms
            ],
        )
        for objective in deployment.objectives.all()
    ]
    return ReviewGrid(terms=terms, rows=rows, revised_measures=measures)


def deployments_with_disagreement(deployments: QuerySet[Deployment]) -> list[Deployment]:
    """Deployments among these whose latest ratings disagree on some objective and term."""
    ratings = ObjectiveRating.objects.filter(
        review__deployment__in=deployments.filter(status=DeploymentStatus.ACTIVE)
    ).values_list("review__deployment_id", "objective_id", "review_id", "rating")
    grouped: dict[tuple[int, int, int], list[str]] = {}
    for deployment_id, objective_id, review_id, rating in ratings:
        grouped.setdefault((deployment_id, objective_id, review_id), []).append(rating)
    flagged = {key[0] for key, values in grouped.items() if disagreement(values).flagged}
    return list(Deployment.objects.filter(pk__in=flagged).select_related("client_school"))


# --- What is due -------------------------------------------------------------------------------


def feedback_due(
    today: dt.date, requests: QuerySet[FeedbackRequest] | None = None
) -> QuerySet[FeedbackRequest]:
    """Feedback not yet given whose term ends within ``FEEDBACK_REMINDER_DAYS`` or has ended, on
    agreements under way or just ended, oldest first."""
    base = requests if requests is not None else FeedbackRequest.objects.all()
    return (
        base.filter(
            status=FeedbackStatus.DUE,
            due_on__lte=today + dt.timedelta(days=FEEDBACK_REMINDER_DAYS),
            deployment__status__in=DELIVERY_STATUSES,
        )
        .exclude(deployment__starts_on__gt=today)
        .select_related("deployment__client_school", "deployment__leader__user")
        .order_by("due_on", "pk")
    )


def sip_views_due(
    today: dt.date, deployments: QuerySet[Deployment] | None = None
) -> QuerySet[FeedbackRequest]:
    """The terms (one feedback request each) of active agreements with objectives for which the
    school's named SIP has not given their view on the progress review yet, from
    ``FEEDBACK_REMINDER_DAYS`` before the term's end until given, oldest first (docs/rules.md,
    "The school's named SIP"). Whether the school has a named SIP is the caller's to ask
    (``schools.sips.school_sip``); ``deployments`` narrows to some agreements (a SIP's own)."""
    base = FeedbackRequest.objects.all()
    if deployments is not None:
        base = base.filter(deployment__in=deployments)
    given = ObjectiveRating.objects.filter(
        review__deployment_id=OuterRef("deployment_id"),
        review__academic_year=OuterRef("academic_year"),
        review__term=OuterRef("term"),
        viewpoint=Viewpoint.SIP,
    )
    return (
        base.filter(
            due_on__lte=today + dt.timedelta(days=FEEDBACK_REMINDER_DAYS),
            deployment__status=DeploymentStatus.ACTIVE,
            deployment__objectives__isnull=False,
        )
        .exclude(deployment__starts_on__gt=today)
        .exclude(Exists(given))
        .distinct()
        .select_related("deployment__client_school", "deployment__leader__user")
        .order_by("due_on", "pk")
    )


def feedback_overdue(
    today: dt.date, requests: QuerySet[FeedbackRequest] | None = None
) -> QuerySet[FeedbackRequest]:
    return feedback_due(today, requests).filter(due_on__lt=today)


def evaluations_due(
    today: dt.date, deployments: QuerySet[Deployment] | None = None
) -> QuerySet[Deployment]:
    """Agreements to evaluate: active within two weeks of their intended end (or past it), or
    completed, and not yet evaluated."""
    base = deployments if deployments is not None else Deployment.objects.all()
    return (
        base.filter(
            Q(status=DeploymentStatus.ACTIVE, ends_on__lte=today + EVALUATION_DUE_BEFORE_END)
            | Q(status=DeploymentStatus.COMPLETED)
        )
        .filter(evaluation__isnull=True)
        .select_related("client_school", "leader__user")
        .order_by("ends_on", "pk")
    )


# --- The evaluation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationLine:
    item: str
    label: str
    rating: str
    comment: str


def evaluation_lines(evaluation: Evaluation) -> list[EvaluationLine]:
    """The nine rated items in the form's order."""
    by_item = {r.item: r for r in evaluation.ratings.all()}
    return [
        EvaluationLine(
            item=item.value,
            label=item.label,
            rating=by_item[item.value].rating if item.value in by_item else "",
            comment=by_item[item.value].comment if item.value in by_item else "",
        )
        for item in EvaluationItem
    ]


def evaluation_of(deployment: Deployment) -> Evaluation | None:
    return Evaluation.objects.filter(deployment=deployment).prefetch_related("ratings").first()


def overall_success_counts() -> dict[str, Any]:
    """{rating: an expression giving how many evaluated deployments of the leader of the row
    (``OuterRef("pk")``) had their "overall success of support" so rated}: the evidence of
    matching's outcomes factor (docs/rules.md, "Matching"; registered in
    ``syslead.evaluation.apps``), read from the leader's row of the outcomes tally (one lookup by
    key, however many years of ratings; "The outcomes tally")."""
    return {
        rating: Coalesce(
            Subquery(
                LeaderOutcomeTally.objects.filter(leader_id=OuterRef("pk")).values(rating)[:1],
                output_field=IntegerField(),
            ),
            0,
        )
        for rating in Rag.values
    }
