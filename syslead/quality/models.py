"""Quality assurance of the leaders' work (docs/rules.md: Quality assurance): a termly sample of
each broker's agreed notes of visit and end-of-support evaluations, each checked against the
standard; the annual performance feedback a broker gives each of its leaders; and the concerns
about a leader's work, or raised by a leader, that the broker logs and acts on (docs/rules.md,
"Concerns about or from a leader")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from syslead.core.academic_years import AcademicYear, Term
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.evaluation.models import TermName

if TYPE_CHECKING:
    from syslead.deployments.models import Deployment


class QaSample(models.Model):
    """The notes of visit drawn for checking from one broker's agreed notes of one school term."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="qa_samples"
    )
    academic_year = models.CharField(max_length=7)
    term = models.CharField(max_length=10, choices=TermName.choices)
    population = models.PositiveIntegerField(
        default=0, help_text="How many agreed notes of visit the sample was drawn from."
    )
    evaluation_population = models.PositiveIntegerField(
        default=0, help_text="How many end-of-support evaluations the sample was drawn from."
    )
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-academic_year", "-drawn_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "academic_year", "term"], name="one_qa_sample_per_term"
            )
        ]

    def __str__(self) -> str:
        return f"QA sample, {self.term_label}"

    @property
    def school_term(self) -> Term:
        return Term(AcademicYear.parse(self.academic_year), self.term)

    @property
    def term_label(self) -> str:
        return self.school_term.label


class QaOutcome(models.TextChoices):
    MEETS_STANDARD = "meets_standard", "Meets the standard"
    NEEDS_IMPROVEMENT = "needs_improvement", "Needs improvement"


class QaCheck(models.Model):
    """One sampled note of visit or end-of-support evaluation (exactly one of the two) and the
    coordinator's judgement of it (blank until checked)."""

    sample = models.ForeignKey(QaSample, on_delete=models.CASCADE, related_name="checks")
    visit = models.ForeignKey(
        "visits.Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="qa_checks"
    )
    evaluation = models.ForeignKey(
        "evaluation.Evaluation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="qa_checks",
    )
    outcome = models.CharField(max_length=20, choices=QaOutcome.choices, blank=True)
    comment = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["visit__date", "evaluation__submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "visit"], name="one_check_per_sampled_visit"),
            models.UniqueConstraint(
                fields=["sample", "evaluation"], name="one_check_per_sampled_evaluation"
            ),
            models.CheckConstraint(
                condition=Q(visit__isnull=False, evaluation__isnull=True)
                | Q(visit__isnull=True, evaluation__isnull=False),
                name="qa_check_of_a_note_or_an_evaluation",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=[o.value for o in QaOutcome]),
                name="qa_check_outcome_known",
            ),
        ]

    def __str__(self) -> str:
        if self.evaluation_id:
            return f"QA check of evaluation {self.evaluation_id}"
        return f"QA check of visit {self.visit_id}"

    @property
    def deployment(self) -> Deployment:
        """The agreement the sampled note or evaluation belongs to."""
        record = self.visit if self.visit_id else self.evaluation
        assert record is not None
        return record.deployment

    @property
    def what(self) -> str:
        """The sampled record in words: "note of visit of 6 October 2025" or "evaluation"."""
        if self.visit is not None:
            return f"note of visit of {self.visit.date:%-d %B %Y}"
        return "end-of-support evaluation"


class PerformanceFeedback(models.Model):
    """A broker's annual performance feedback to one of its leaders, from the year's evidence."""

    leader = models.ForeignKey(
        "leaders.LeaderProfile", on_delete=models.CASCADE, related_name="performance_feedback"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="performance_feedback",
    )
    academic_year = models.CharField(max_length=7)
    strengths = models.TextField(max_length=TEXT_MAX_LENGTH)
    areas_to_develop = models.TextField("Areas to develop", max_length=TEXT_MAX_LENGTH)
    meets_standard = models.BooleanField("Meets the standard")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-academic_year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["leader", "organisation", "academic_year"],
                name="one_performance_feedback_per_year",
            )
        ]

    def __str__(self) -> str:
        return f"Performance feedback {self.academic_year}"


# --- Concerns about or from a leader (docs/rules.md, "Concerns about or from a leader") ---------


class ConcernDirection(models.TextChoices):
    ABOUT_LEADER = "about_leader", "About the leader's work"
    FROM_LEADER = "from_leader", "Raised by the leader"


class LeaderConcernCategory(models.TextChoices):
    QUALITY = "quality", "Quality or impact of the support"
    CONDUCT = "conduct", "Conduct"
    COMMITMENTS = "commitments", "Commitments not kept (visits, records, days)"
    CRITERIA = "criteria", "No longer meets the criteria"
    PARTNERSHIP = "partnership", "The partnership with the school is in difficulty"
    BROKER_SUPPORT = "broker_support", "Support from the broker"
    WORKLOAD = "workload", "Workload or release from the home school"
    OTHER = "other", "Something else"


class LeaderConcernStatus(models.TextChoices):
    OPEN = "open", "Open"
    UNDER_REVIEW = "under_review", "Under review"
    ACTION_TAKEN = "action_taken", "Action taken"
    CLOSED = "closed", "Closed"


class LeaderConcern(models.Model):
    """A concern about a leader's work, or one a leader raises, logged with the broker and acted
    on by its coordinators. Not a safeguarding concern (``visits.Concern`` is that route)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="leader_concerns"
    )
    leader = models.ForeignKey(
        "leaders.LeaderProfile",
        on_delete=models.PROTECT,
        related_name="concerns",
        help_text="The leader the concern is about, or who raised it.",
    )
    direction = models.CharField(max_length=20, choices=ConcernDirection.choices)
    deployment = models.ForeignKey(
        "deployments.Deployment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leader_concerns",
    )
    category = models.CharField(max_length=20, choices=LeaderConcernCategory.choices)
    summary = models.CharField(max_length=200)
    description = models.TextField(max_length=TEXT_MAX_LENGTH)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="leader_concerns_raised"
    )
    raised_as = models.CharField(max_length=100, blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=20,
        choices=LeaderConcernStatus.choices,
        default=LeaderConcernStatus.OPEN,
        db_index=True,
    )
    #: When anything last happened to the concern (raised, an action, shared, linked, a review).
    touched_at = models.DateTimeField(default=timezone.now)
    shared_with_leader_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    qa_check = models.ForeignKey(
        QaCheck,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="concerns",
        help_text="The sampled note or evaluation the concern is linked to.",
    )
    designation_review = models.ForeignKey(
        "leaders.Designation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="concerns",
        help_text="The designation whose review (de-designation) was started from the concern.",
    )
    association_review = models.ForeignKey(
        "leaders.AssociationReview",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="concerns",
        help_text="The association review started from the concern.",
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status", "touched_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in LeaderConcernStatus]),
                name="leader_concern_status_known",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=[d.value for d in ConcernDirection]),
                name="leader_concern_direction_known",
            ),
            models.CheckConstraint(
                condition=Q(direction="about_leader") | Q(shared_with_leader_at__isnull=True),
                name="only_a_concern_about_a_leader_is_shared_with_them",
            ),
        ]

    def __str__(self) -> str:
        return f"Concern: {self.summary}"

    @property
    def is_closed(self) -> bool:
        return self.status == LeaderConcernStatus.CLOSED


class LeaderConcernAction(models.Model):
    """One entry of a concern's actions log: who did what, when, and the status it left."""

    concern = models.ForeignKey(LeaderConcern, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    status = models.CharField(max_length=20, choices=LeaderConcernStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]
