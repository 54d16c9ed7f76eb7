"""Feedback and evaluation: termly feedback from the supported headteacher, termly progress reviews
rating each objective red/amber/green from three viewpoints, the end-of-support evaluation, and the
lead leader's final report with the broker's quality assurance (docs/rules.md: Feedback and
evaluation, Quality assurance)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from syslead.core.academic_years import AcademicYear, Term
from syslead.core.limits import TEXT_MAX_LENGTH


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


#: Steps apart on the red → amber → green scale (for disagreement).
RAG_STEP = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


class TermName(models.TextChoices):
    AUTUMN = "autumn", "Autumn"
    SPRING = "spring", "Spring"
    SUMMER = "summer", "Summer"


class TermMixin(models.Model):
    """A row about one school term of an agreement."""

    academic_year = models.CharField(max_length=7)
    term = models.CharField(max_length=10, choices=TermName.choices)

    class Meta:
        abstract = True

    @property
    def school_term(self) -> Term:
        return Term(AcademicYear.parse(self.academic_year), self.term)

    @property
    def term_label(self) -> str:
        return self.school_term.label


class FeedbackStatus(models.TextChoices):
    DUE = "due", "Due"
    SUBMITTED = "submitted", "Submitted"


class FeedbackRequest(TermMixin):
    """One term's "Professional Support Feedback Form", completed at the end of each term by the
    headteacher of the school receiving support."""

    deployment = models.ForeignKey(
        "deployments.Deployment", on_delete=models.CASCADE, related_name="feedback_requests"
    )
    due_on = models.DateField(help_text="The end of the term.")
    status = models.CharField(
        max_length=20, choices=FeedbackStatus.choices, default=FeedbackStatus.DUE, db_index=True
    )
    work_managed_by = models.CharField("Work in school managed by", max_length=200, blank=True)
    days_in_school = models.DecimalField(
        "Days in school (including preparation time)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    objectives = models.TextField(
        "The agreed objectives of the work undertaken by the system leader in the school",
        blank=True,
        max_length=TEXT_MAX_LENGTH,
    )
    school_actions = models.TextField(
        "Agreed action within the school as a result of the work",
        blank=True,
        max_length=TEXT_MAX_LENGTH,
    )
    leader_actions = models.TextField(
        "Agreed action by the system leader as a result of the work",
        blank=True,
        max_length=TEXT_MAX_LENGTH,
    )
    impact = models.TextField(
        "The impact of the system leader's work", blank=True, max_length=TEXT_MAX_LENGTH
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "academic_year", "term"], name="one_feedback_per_term"
            )
        ]

    def __str__(self) -> str:
        return f"Feedback for {self.term_label}"

    @property
    def opens_on(self) -> dt.date:
        """The term's first day in the supported school's local authority: feedback opens then."""
        return self.school_term.dates(self.deployment.client_school.local_authority).starts_on


class Viewpoint(models.TextChoices):
    HEADTEACHER = "headteacher", "Headteacher"
    LEADER = "leader", "System leader"
    COORDINATOR = "coordinator", "Coordinator"
    #: The supported school's named SIP (docs/rules.md, "The school's named SIP").
    SIP = "sip", "School improvement partner"


class ProgressReview(TermMixin):
    """The termly progress meeting: each objective rated by the headteacher, the leader, the
    coordinator and the school's named SIP; revised or new impact measures agreed when
    appropriate."""

    deployment = models.ForeignKey(
        "deployments.Deployment", on_delete=models.CASCADE, related_name="progress_reviews"
    )
    revised_measures = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    revised_measures_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revised_measures_agreed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["academic_year", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "academic_year", "term"], name="one_review_per_term"
            )
        ]

    def __str__(self) -> str:
        return f"Progress review, {self.term_label}"


class ObjectiveRating(models.Model):
    review = models.ForeignKey(ProgressReview, on_delete=models.CASCADE, related_name="ratings")
    objective = models.ForeignKey(
        "deployments.Objective", on_delete=models.CASCADE, related_name="ratings"
    )
    viewpoint = models.CharField(max_length=20, choices=Viewpoint.choices)
    rating = models.CharField(max_length=10, choices=Rag.choices)
    comment = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["objective__position", "viewpoint"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "objective", "viewpoint"], name="one_rating_per_viewpoint"
            ),
            models.CheckConstraint(
                condition=Q(rating__in=[r.value for r in Rag]), name="objective_rating_is_rag"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.viewpoint}: {self.rating}"


class EvaluationItem(models.TextChoices):
    """The nine rated items of the End of Support Evaluation Form, in the form's order."""

    PROGRESS_MADE = "progress_made", "1. Progress made"
    EVIDENCE_OF_IMPACT = "evidence_of_impact", "2. Evidence of impact"
    OBJECTIVES_SET = "objectives_set", "3a. Satisfaction: objectives set for support work"
    INFORMATION_AND_REPORTS = (
        "information_and_reports",
        "3b. Satisfaction: information and reports provided",
    )
    OUTCOMES_AND_PRIORITIES = (
        "outcomes_and_priorities",
        "3c. Satisfaction: outcomes of work and future priorities set",
    )
    HEADTEACHER_EXPERIENCE = (
        "headteacher_experience",
        "4a. Experience of support: from the headteacher's perspective",
    )
    STAFF_EXPERIENCE = "staff_experience", "4b. Experience of support: from supported staff"
    QUALITY_OF_SUPPORT = "quality_of_support", "5. Quality of system leadership support"
    OVERALL_SUCCESS = "overall_success", "6. Overall success of support"


class Evaluation(models.Model):
    """The end-of-support evaluation by the supported school's headteacher: once per agreement."""

    deployment = models.OneToOneField(
        "deployments.Deployment", on_delete=models.CASCADE, related_name="evaluation"
    )
    future_priorities = models.TextField(
        "Future improvement or support priorities", blank=True, max_length=TEXT_MAX_LENGTH
    )
    future_support_requested = models.TextField(
        "Future support requested", blank=True, max_length=TEXT_MAX_LENGTH
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    new_request = models.ForeignKey(
        "brokering.SupportRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The request for further support this evaluation started.",
    )

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"Evaluation of deployment {self.deployment_id}"


class EvaluationRating(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="ratings")
    item = models.CharField(max_length=30, choices=EvaluationItem.choices)
    rating = models.CharField(max_length=10, choices=Rag.choices)
    comment = models.TextField("Comments and evidence", blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "item"], name="one_rating_per_item"),
            models.CheckConstraint(
                condition=Q(rating__in=[r.value for r in Rag]), name="evaluation_rating_is_rag"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.rating}"


class LeaderOutcomeTally(models.Model):
    """How many of a leader's evaluated deployments were rated red, amber and green for overall
    success: a count kept by the service that writes evaluations, so that matching reads one row
    per leader instead of counting every rating of ten years (docs/rules.md, "Matching", "The
    outcomes tally"). ``outcome_tally_refresh`` recounts it from the ratings; no row: none."""

    leader = models.OneToOneField(
        "leaders.LeaderProfile",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    red = models.PositiveIntegerField(default=0)
    amber = models.PositiveIntegerField(default=0)
    green = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Leader {self.leader_id}: {self.green} green, {self.amber} amber, {self.red} red"


class FinalReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_QA = "awaiting_qa", "Waiting for quality assurance"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved"


class FinalReport(models.Model):
    """The lead leader's report at the end of the deployment, summarising the work done and
    evidencing the impact; the broker quality-assures it before the school receives it."""

    deployment = models.OneToOneField(
        "deployments.Deployment", on_delete=models.CASCADE, related_name="final_report"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="final_reports"
    )
    status = models.CharField(
        max_length=20,
        choices=FinalReportStatus.choices,
        default=FinalReportStatus.DRAFT,
        db_index=True,
    )
    work_summary = models.TextField("Summary of the work done", max_length=TEXT_MAX_LENGTH)
    impact = models.TextField("Evidence of impact achieved", max_length=TEXT_MAX_LENGTH)
    next_steps = models.TextField(
        "Next steps and future priorities", blank=True, max_length=TEXT_MAX_LENGTH
    )
    qa_comments = models.TextField(
        blank=True, help_text="The reviewer's latest comments.", max_length=TEXT_MAX_LENGTH
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"Final report on deployment {self.deployment_id}"


class EvidencePackStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


#: Statuses of a pack still in the making (at most one per deployment at a time).
PACK_IN_THE_MAKING = (EvidencePackStatus.QUEUED, EvidencePackStatus.RUNNING)


class EvidencePack(models.Model):
    """One making of a deployment's impact evidence pack, in the background (docs/ux.md: "Long jobs
    ... evidence packs run in the background with visible progress").

    The PDF is kept in the database (``pdf``), not under MEDIA_ROOT: the task worker and the web
    server always share the database, whereas a media directory is shared only if the hosting
    provides a common disk; the bytes and the status change in one transaction; and the file can
    never be reached by a public media URL, only through the access-checked download view. A pack
    is a few hundred kilobytes and a new one is made only when the records have changed."""

    deployment = models.ForeignKey(
        "deployments.Deployment", on_delete=models.CASCADE, related_name="evidence_packs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=20,
        choices=EvidencePackStatus.choices,
        default=EvidencePackStatus.QUEUED,
        db_index=True,
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(
        null=True, blank=True, help_text="When the records were read and the PDF laid out."
    )
    fingerprint = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 of the pack's content: a pack is remade only when it would differ.",
    )
    covered = models.JSONField(
        default=dict, blank=True, help_text="Which records the pack covered (ids by kind)."
    )
    pdf = models.BinaryField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True, help_text="The PDF's bytes.")
    error = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["deployment", "status"], name="evidence_pack_by_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in EvidencePackStatus]),
                name="evidence_pack_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status=EvidencePackStatus.READY) | Q(pdf__isnull=False),
                name="ready_evidence_pack_has_its_pdf",
            ),
            models.UniqueConstraint(
                fields=["deployment"],
                condition=Q(status__in=[s.value for s in PACK_IN_THE_MAKING]),
                name="one_evidence_pack_in_the_making",
            ),
        ]

    def __str__(self) -> str:
        return f"Evidence pack {self.pk} for deployment {self.deployment_id}"

    @property
    def in_the_making(self) -> bool:
        return self.status in PACK_IN_THE_MAKING

    @property
    def covered_phrases(self) -> list[str]:
        """Which records the pack covered, in words ("3 notes of visit", "the evaluation")."""
        covered = self.covered or {}
        if not covered:
            return []

        def count(key: str, one: str, many: str) -> str:
            n = len(covered.get(key) or [])
            return f"{n} {one if n == 1 else many}"

        ratings = int(covered.get("progress_ratings") or 0)
        return [
            f"version {covered.get('agreement_version', 1)} of the agreement",
            count("visits", "note of visit", "notes of visit"),
            count("log_entries", "logged-time entry", "logged-time entries"),
            count("feedback", "term's feedback", "terms' feedback"),
            f"{ratings} progress rating{'' if ratings == 1 else 's'}",
            "the end-of-support evaluation" if covered.get("evaluation") else "no evaluation yet",
            "the approved final report"
            if covered.get("final_report")
            else "no approved final report yet",
        ]


class ContributionRating(models.TextChoices):
    """How the leader rates their own contribution to one deployment (docs/rules.md, "A leader's
    portfolio")."""

    STRONG = "strong", "Strong: the support made a clear difference"
    GOOD = "good", "Good: most of what was agreed was achieved"
    MIXED = "mixed", "Mixed: some aims met, others not"
    LIMITED = "limited", "Limited: little of what was hoped for"


class SelfEvaluation(models.Model):
    """The leader's own evaluation of one deployment, kept in their portfolio: written and
    changed by the leader only, read by the leader's coordinators, shown beside the annual
    performance feedback and the designation review (docs/rules.md, "A leader's portfolio")."""

    deployment = models.OneToOneField(
        "deployments.Deployment", on_delete=models.CASCADE, related_name="self_evaluation"
    )
    went_well = models.TextField("What went well", max_length=TEXT_MAX_LENGTH)
    impact_seen = models.TextField("The impact you saw", max_length=TEXT_MAX_LENGTH)
    do_differently = models.TextField("What you would do differently", max_length=TEXT_MAX_LENGTH)
    contribution = models.CharField(
        "Your own contribution", max_length=10, choices=ContributionRating.choices
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-deployment__starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contribution__in=ContributionRating.values),
                name="self_evaluation_contribution_known",
            )
        ]

    def __str__(self) -> str:
        return f"Self-evaluation of deployment {self.deployment_id}"
