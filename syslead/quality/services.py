"""Quality assurance rules (docs/rules.md: Quality assurance). Coordinators of a broker draw and
check the termly sample of its agreed notes of visit and end-of-support evaluations and write
each leader's annual performance feedback; the broker's leads read both; a leader reads only
their own feedback, once shared. Pages and any other caller go through these functions, which
refuse with ``NotAllowed`` or ``ValidationError``."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear, Term
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, field_error
from syslead.deployments.models import Deployment
from syslead.evaluation.models import Evaluation, EvaluationRating, ObjectiveRating
from syslead.leaders.models import Designation, DesignationStatus, LeaderProfile
from syslead.notifications.inbox import notify
from syslead.organisations.models import Organisation
from syslead.quality.access import (
    may_coordinate_quality,
    may_read_quality,
    require_coordinator,
    require_reader,
)
from syslead.quality.models import PerformanceFeedback, QaCheck, QaOutcome, QaSample
from syslead.visits.models import AGREED_STATUSES, Visit

#: The sample is this share of the term's agreed notes, rounded up ...
SAMPLE_SHARE_PERCENT = 10
#: ... but never fewer than this many (or all of them when there are fewer). The term's
#: end-of-support evaluations are sampled at the same rate, counted on their own
#: (docs/rules.md, Quality assurance, "Sampling evaluations").
SAMPLE_MINIMUM = 3

__all__ = ["may_coordinate_quality", "may_read_quality"]


# --- Who may act: ``syslead.quality.access`` --------------------------------------------------

_require_coordinator = require_coordinator
_require_reader = require_reader


# --- Sampling notes of visit -------------------------------------------------------------------


def sample_size(population: int) -> int:
    """10% of the notes rounded up, at least 3, or all of them when there are fewer than 3."""
    wanted = max(math.ceil(population * SAMPLE_SHARE_PERCENT / 100), SAMPLE_MINIMUM)
    return min(population, wanted)


def agreed_notes_in_term(organisation_id: int, term: Term) -> QuerySet[Visit]:
    """The broker's notes of visit agreed or signed off, dated in the term: the population."""
    return Visit.objects.filter(
        deployment__organisation_id=organisation_id,
        status__in=AGREED_STATUSES,
        date__range=(term.starts_on, term.ends_on),
    ).order_by("pk")


def evaluations_in_term(organisation_id: int, term: Term) -> QuerySet[Evaluation]:
    """The broker's end-of-support evaluations submitted in the term: the second population."""
    return Evaluation.objects.filter(
        deployment__organisation_id=organisation_id,
        submitted_at__date__range=(term.starts_on, term.ends_on),
    ).order_by("pk")


def draw_sample(*, user: User, organisation: Organisation, term: Term) -> QaSample:
    """Draw (once) the term's sample of notes of visit and of evaluations, each at the same rate
    from its own population: reproducible, seeded from the organisation and the term; a second
    draw for the same term returns the sample already stored."""
    _require_coordinator(user, organisation.pk)
    existing = QaSample.objects.filter(
        organisation=organisation, academic_year=term.year.label, term=term.name
    ).first()
    if existing is not None:
        return existing
    ids = list(agreed_notes_in_term(organisation.pk, term).values_list("pk", flat=True))
    chosen = sorted(
        random.Random(f"{organisation.pk}:{term.key}").sample(ids, sample_size(len(ids)))
    )
    evaluation_ids = list(evaluations_in_term(organisation.pk, term).values_list("pk", flat=True))
    chosen_evaluations = sorted(
        random.Random(f"{organisation.pk}:{term.key}:evaluations").sample(
            evaluation_ids, sample_size(len(evaluation_ids))
        )
    )
    try:
        with transaction.atomic():
            sample = QaSample.objects.create(
                organisation=organisation,
                academic_year=term.year.label,
                term=term.name,
                population=len(ids),
                evaluation_population=len(evaluation_ids),
                drawn_by=user,
            )
            QaCheck.objects.bulk_create(
                [QaCheck(sample=sample, visit_id=pk) for pk in chosen]
                + [QaCheck(sample=sample, evaluation_id=pk) for pk in chosen_evaluations]
            )
            event_record(
                actor=user,
                subject=sample,
                verb="qa_sample.drawn",
                summary=f"Drew {len(chosen)} of {len(ids)} notes of visit and "
                f"{len(chosen_evaluations)} of {len(evaluation_ids)} evaluations for the "
                f"{term.label}.",
            )
    except IntegrityError:
        # Someone else drew it at the same moment: theirs is the sample.
        return QaSample.objects.get(
            organisation=organisation, academic_year=term.year.label, term=term.name
        )
    return sample


def sample_for_user(user: User, sample_id: int) -> QaSample:
    """The sample, for the broker's coordinators and leads; to anyone else it does not exist
    (QaSample.DoesNotExist, a 404: a sample is a record of the broker's, not public)."""
    sample = QaSample.objects.select_related("organisation", "drawn_by").get(pk=sample_id)
    if not may_read_quality(user, sample.organisation_id):
        raise QaSample.DoesNotExist("No such sample.")
    return sample


def sample_checks(sample: QaSample) -> QuerySet[QaCheck]:
    return sample.checks.select_related(
        "visit__deployment__leader__user",
        "visit__deployment__client_school",
        "evaluation__deployment__leader__user",
        "evaluation__deployment__client_school",
        "checked_by",
    )


@transaction.atomic
def record_check(*, user: User, check: QaCheck, outcome: str, comment: str) -> QaCheck:
    """Judge one sampled note of visit or evaluation; "needs improvement" must say why, and tells
    the leader."""
    _require_coordinator(user, check.sample.organisation_id)
    comment = (comment or "").strip()
    if outcome not in QaOutcome.values:
        raise field_error("outcome", "Say whether it meets the standard.")
    if outcome == QaOutcome.NEEDS_IMPROVEMENT and not comment:
        if check.evaluation_id:
            raise field_error("comment", "Say what the leader's work needs to improve.")
        raise field_error("comment", "Say what the note of visit needs to improve.")
    check.outcome = outcome
    check.comment = comment
    check.checked_by = user
    check.checked_at = timezone.now()
    check.save(update_fields=["outcome", "comment", "checked_by", "checked_at"])
    visit, evaluation = check.visit, check.evaluation
    if visit is not None:
        summary = f"Note of visit of {visit.date:%-d %b %Y}: {check.get_outcome_display()}."
        data = {"visit": visit.pk, "outcome": outcome}
        what = f"Your note of visit of {visit.date:%-d %b %Y}"
        url = reverse("visits:detail", args=[visit.pk])
    else:
        assert evaluation is not None
        summary = (
            f"Evaluation of the support at {evaluation.deployment.client_school.name}: "
            f"{check.get_outcome_display()}."
        )
        data = {"evaluation": evaluation.pk, "outcome": outcome}
        what = "The work the school's end-of-support evaluation describes"
        url = reverse("evaluation:evaluation", args=[evaluation.deployment_id])
    event_record(
        actor=user, subject=check.sample, verb="qa_check.recorded", summary=summary, data=data
    )
    if outcome == QaOutcome.NEEDS_IMPROVEMENT:
        deployment = check.deployment
        notify(
            users=[deployment.leader.user],
            verb="qa_check.needs_improvement",
            text=f"{what} at {deployment.client_school.name} needs improvement: {comment}",
            url=url,
            detail=comment,
        )
    return check


# --- Annual performance feedback ---------------------------------------------------------------


def leaders_of(organisation_id: int, year: AcademicYear) -> QuerySet[LeaderProfile]:
    """Leaders associated with the broker during the year, or deployed by it in the year."""
    return (
        LeaderProfile.objects.filter(
            Q(
                associations__organisation_id=organisation_id,
                associations__starts_on__lte=year.ends_on,
            )
            & (Q(associations__ends_on__isnull=True) | Q(associations__ends_on__gte=year.starts_on))
            | Q(
                deployments__organisation_id=organisation_id,
                deployments__starts_on__lte=year.ends_on,
                deployments__ends_on__gte=year.starts_on,
            )
        )
        .select_related("user")
        .distinct()
        .order_by("user__name", "pk")
    )


@dataclass(frozen=True)
class YearEvidence:
    deployments: list[Deployment]
    evaluation_ratings: list[EvaluationRating]
    qa_checks: list[QaCheck]
    progress_ratings: list[ObjectiveRating]
    designations: list[Designation]

    @property
    def key_ratings(self) -> list[EvaluationRating]:
        """Quality of system leadership support and overall success: the two that weigh most."""
        return [r for r in self.evaluation_ratings if r.item in KEY_ITEMS]


KEY_ITEMS = ("quality_of_support", "overall_success")


def year_evidence(leader: LeaderProfile, organisation_id: int, year: AcademicYear) -> YearEvidence:
    deployments = list(
        Deployment.objects.filter(
            leader=leader,
            organisation_id=organisation_id,
            starts_on__lte=year.ends_on,
            ends_on__gte=year.starts_on,
        )
        .select_related("client_school")
        .order_by("starts_on", "pk")
    )
    ids = [d.pk for d in deployments]
    return YearEvidence(
        deployments=deployments,
        evaluation_ratings=list(
            EvaluationRating.objects.filter(evaluation__deployment_id__in=ids)
            .select_related("evaluation__deployment__client_school")
            .order_by("evaluation__deployment_id", "id")
        ),
        qa_checks=list(
            QaCheck.objects.filter(
                Q(visit__deployment__leader=leader) | Q(evaluation__deployment__leader=leader),
                sample__organisation_id=organisation_id,
                sample__academic_year=year.label,
            )
            .exclude(outcome="")
            .select_related(
                "visit__deployment__client_school",
                "evaluation__deployment__client_school",
                "sample",
            )
        ),
        progress_ratings=list(
            ObjectiveRating.objects.filter(
                review__deployment_id__in=ids, review__academic_year=year.label
            )
            .select_related("review__deployment__client_school", "objective")
            .order_by("review__deployment_id", "review__created_at", "objective__position")
        ),
        designations=list(
            Designation.objects.filter(leader=leader, organisation_id=organisation_id)
            .exclude(status=DesignationStatus.REVOKED)
            .select_related("type")
        ),
    )


def feedback_for_coordinator(
    user: User, leader: LeaderProfile, organisation_id: int, year: AcademicYear
) -> PerformanceFeedback | None:
    _require_reader(user, organisation_id)
    return PerformanceFeedback.objects.filter(
        leader=leader, organisation_id=organisation_id, academic_year=year.label
    ).first()


@transaction.atomic
def save_feedback(
    *,
    user: User,
    leader: LeaderProfile,
    organisation: Organisation,
    year: AcademicYear,
    strengths: str,
    areas_to_develop: str,
    meets_standard: bool,
    share: bool,
) -> PerformanceFeedback:
    """Write (or rewrite) the year's feedback; sharing it tells the leader."""
    _require_coordinator(user, organisation.pk)
    if not leaders_of(organisation.pk, year).filter(pk=leader.pk).exists():
        raise NotAllowed("That leader was not associated with or deployed by the broker that year.")
    errors = FieldErrors()
    if not (strengths or "").strip():
        errors.add("strengths", "Write the leader's strengths.")
    if not (areas_to_develop or "").strip():
        errors.add("areas_to_develop", "Write the areas to develop.")
    errors.raise_if_any()
    feedback, _ = PerformanceFeedback.objects.update_or_create(
        leader=leader,
        organisation=organisation,
        academic_year=year.label,
        defaults={
            "strengths": strengths.strip(),
            "areas_to_develop": areas_to_develop.strip(),
            "meets_standard": meets_standard,
            "written_by": user,
        },
    )
    if share:
        feedback.shared_at = timezone.now()
        feedback.save(update_fields=["shared_at"])
        notify(
            users=[leader.user],
            verb="performance_feedback.shared",
            text=f"{organisation.name} shared your performance feedback for {year.label}.",
            url=reverse("quality:my_feedback"),
        )
    return feedback


def feedback_for_leader(user: User) -> QuerySet[PerformanceFeedback]:
    """The person's own feedback, once shared: nobody else's."""
    return (
        PerformanceFeedback.objects.filter(leader__user=user, shared_at__isnull=False)
        .select_related("organisation")
        .order_by("-academic_year", "organisation__name")
        if getattr(user, "is_authenticated", False)
        else PerformanceFeedback.objects.none()
    )
