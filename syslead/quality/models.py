"""Quality assurance of the leaders' work (docs/rules.md: Quality assurance): a termly sample of
each broker's agreed notes of visit, each checked against the standard, and the annual performance
feedback a broker gives each of its leaders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from syslead.core.academic_years import AcademicYear, Term
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.evaluation.models import TermName


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
    """One sampled note of visit and the coordinator's judgement of it (blank until checked)."""

    sample = models.ForeignKey(QaSample, on_delete=models.CASCADE, related_name="checks")
    visit = models.ForeignKey("visits.Visit", on_delete=models.PROTECT, related_name="qa_checks")
    outcome = models.CharField(max_length=20, choices=QaOutcome.choices, blank=True)
    comment = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["visit__date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "visit"], name="one_check_per_sampled_visit"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=[o.value for o in QaOutcome]),
                name="qa_check_outcome_known",
            ),
        ]

    def __str__(self) -> str:
        return f"QA check of visit {self.visit_id}"


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
