"""System leaders: profiles, designations and rounds, association with brokers, release days, policy
and training (docs/rules.md: Designations, Association, Capacity, Training)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from syslead.core.limits import TEXT_MAX_LENGTH


class Specialism(models.Model):
    """A field of expertise. Built-in ones (organisation empty) come from the API contract; an
    organisation may add its own."""

    code = models.SlugField(max_length=50)
    label = models.CharField(max_length=100)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="specialisms",
    )

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(organisation__isnull=True), name="builtin_specialism"
            ),
            models.UniqueConstraint(
                fields=["organisation", "code"],
                condition=Q(organisation__isnull=False),
                name="organisation_specialism",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class LeaderProfile(models.Model):
    """A system leader: a user with a home school, expertise and a pen portrait."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leader_profile"
    )
    home_school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="leaders"
    )
    job_title = models.CharField(max_length=150)
    is_headteacher = models.BooleanField(
        default=False, help_text="The leader is the headteacher of their home school (as LLEs are)."
    )
    years_experience = models.PositiveSmallIntegerField(default=0)
    specialisms = models.ManyToManyField(Specialism, related_name="leaders", blank=True)
    pen_portrait = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    core_training_completed_on = models.DateField(null=True, blank=True)
    # Consent to publish each part of the profile in the public directory (two-tier directory).
    publish_profile = models.BooleanField(default=False)
    publish_name = models.BooleanField(default=True)
    publish_school = models.BooleanField(default=True)
    publish_specialisms = models.BooleanField(default=True)
    publish_pen_portrait = models.BooleanField(default=False)
    declared_conflicts = models.TextField(
        blank=True,
        help_text="Schools or interests the leader has declared a conflict with.",
        max_length=TEXT_MAX_LENGTH,
    )
    created_by_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_leaders",
        help_text="The organisation whose coordinator added the leader: its coordinators may see "
        "and edit the profile even before any designation or association.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__name"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def name(self) -> str:
        return self.user.get_full_name()

    @property
    def has_core_training(self) -> bool:
        return self.core_training_completed_on is not None


class LeaderPhase(models.Model):
    """A phase the leader can support (the contract's phase vocabulary)."""

    leader = models.ForeignKey(LeaderProfile, on_delete=models.CASCADE, related_name="phase_rows")
    phase = models.CharField(max_length=30)

    class Meta:
        ordering = ["phase"]
        constraints = [
            models.UniqueConstraint(fields=["leader", "phase"], name="unique_leader_phase")
        ]

    def __str__(self) -> str:
        return self.phase


class DesignationType(models.Model):
    """SLE, LLE, NLE and NLG are built in (organisation empty); an organisation may add its own."""

    code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="designation_types",
    )
    criteria = models.TextField(
        blank=True, help_text="Eligibility criteria, in words.", max_length=TEXT_MAX_LENGTH
    )
    min_years_experience = models.PositiveSmallIntegerField(default=0)
    requires_headteacher = models.BooleanField(default=False)
    excludes_headteacher = models.BooleanField(default=False)
    requires_good_or_outstanding_school = models.BooleanField(default=False)
    is_exclusive = models.BooleanField(
        default=False,
        help_text="A holder may be associated with only one organisation at a time (LLE).",
    )
    requires_annual_training = models.BooleanField(
        default=False, help_text="Holders attend one mandatory training session a year (LLE)."
    )
    min_years_as_chair = models.PositiveSmallIntegerField(
        default=0,
        help_text="Years as a chair of governors the governance record must show (NLG: 3).",
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(organisation__isnull=True),
                name="builtin_designation_type",
            ),
            models.UniqueConstraint(
                fields=["organisation", "code"],
                condition=Q(organisation__isnull=False),
                name="organisation_designation_type",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class DesignationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    UNDER_REVIEW = "under_review", "Under review"
    REVOKED = "revoked", "Revoked"


class Designation(models.Model):
    leader = models.ForeignKey(LeaderProfile, on_delete=models.CASCADE, related_name="designations")
    type = models.ForeignKey(DesignationType, on_delete=models.PROTECT, related_name="designations")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="designations",
        help_text="The designating organisation (empty for a national designation).",
    )
    status = models.CharField(
        max_length=20, choices=DesignationStatus.choices, default=DesignationStatus.ACTIVE
    )
    designated_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    review_reason = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    revoked_on = models.DateField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    application = models.OneToOneField(
        "DesignationApplication",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="designation",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-designated_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["leader", "type"],
                condition=~Q(status="revoked"),
                name="one_live_designation_per_type",
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | Q(revoked_on__isnull=False),
                name="revoked_designation_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type.code} {self.leader}"


class DesignationRound(models.Model):
    """An application round with an open window (e.g. 13 Oct – 15 Dec 2014)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="designation_rounds"
    )
    designation_type = models.ForeignKey(
        DesignationType, on_delete=models.PROTECT, related_name="rounds"
    )
    title = models.CharField(max_length=200)
    opens_on = models.DateField()
    closes_on = models.DateField()
    target = models.PositiveSmallIntegerField(
        default=0, help_text="How many designations the round aims for (the KPI target)."
    )
    priorities = models.TextField(
        blank=True, help_text="Specialisms, phases and areas sought.", max_length=TEXT_MAX_LENGTH
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ApplicationStage(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    SHORTLISTED = "shortlisted", "Shortlisted"
    INTERVIEWED = "interviewed", "Interviewed"
    RECOMMENDED = "recommended", "Recommended"
    DESIGNATED = "designated", "Designated"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DesignationApplication(models.Model):
    """An application for designation in a round: by a leader on Syslead, or by a pending
    applicant (no leader yet: their name, e-mail and school are kept here until they accept the
    invitation sent when they are designated; docs/rules.md: Designations)."""

    round = models.ForeignKey(
        DesignationRound, on_delete=models.CASCADE, related_name="applications"
    )
    leader = models.ForeignKey(
        LeaderProfile,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="applications",
    )
    # A pending applicant (not on Syslead when applying from the broker's public page).
    applicant_name = models.CharField(max_length=150, blank=True)
    applicant_email = models.EmailField(max_length=254, blank=True)
    applicant_school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pending_applications",
    )
    applicant_job_title = models.CharField(max_length=150, blank=True)
    applicant_is_headteacher = models.BooleanField(default=False)
    invitation = models.ForeignKey(
        "invitations.Invitation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="designation_applications",
        help_text="The invitation sent to a pending applicant on designation.",
    )
    pending_designated_on = models.DateField(
        null=True,
        blank=True,
        help_text="A pending applicant's designation date, made into a designation when they "
        "accept the invitation.",
    )
    stage = models.CharField(
        max_length=20, choices=ApplicationStage.choices, default=ApplicationStage.SUBMITTED
    )
    years_in_role = models.PositiveSmallIntegerField()
    field_of_expertise = models.CharField(max_length=200)
    evidence = models.TextField(
        help_text="Evidence of impact against the eligibility criteria.", max_length=TEXT_MAX_LENGTH
    )
    home_school_ofsted_rating = models.CharField(
        max_length=30, blank=True, help_text="Looked up from the register when applying."
    )
    home_school_ofsted_on = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "leader"], name="one_application_per_round"),
            models.UniqueConstraint(
                fields=["round", "applicant_email"],
                condition=~Q(applicant_email=""),
                name="one_application_per_email_per_round",
            ),
            models.CheckConstraint(
                condition=Q(leader__isnull=False) | ~Q(applicant_email=""),
                name="application_has_an_applicant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant_display_name} → {self.round}"

    @property
    def is_pending_applicant(self) -> bool:
        """Applied from the public page and has no account on Syslead yet."""
        return self.leader_id is None

    @property
    def applicant_display_name(self) -> str:
        return self.leader.name if self.leader is not None else self.applicant_name

    @property
    def applicant_home_school(self) -> Any:
        return self.leader.home_school if self.leader is not None else self.applicant_school


class ApplicationDecision(models.Model):
    """Each move between stages, with who, when and why."""

    application = models.ForeignKey(
        DesignationApplication, on_delete=models.CASCADE, related_name="decisions"
    )
    from_stage = models.CharField(max_length=20, choices=ApplicationStage.choices)
    to_stage = models.CharField(max_length=20, choices=ApplicationStage.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    feedback = models.TextField(
        blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="The panel's feedback to the applicant, sent with the outcome.",
    )

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class Association(models.Model):
    """A leader's association with a broker. While ``exclusive`` (the leader holds an exclusive
    designation, e.g. LLE) at most one may be live: a database constraint holds it."""

    leader = models.ForeignKey(LeaderProfile, on_delete=models.CASCADE, related_name="associations")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="associations"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    is_live = models.BooleanField(default=True)
    exclusive = models.BooleanField(default=False)
    automatic = models.BooleanField(
        default=False, help_text="Made by designation (leaders designated by a broker)."
    )
    end_reason = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    notice_given_on = models.DateField(
        null=True, blank=True, help_text="Date of the written notice of ending."
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The leader's named contact at the broker (a member of its staff).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["leader"],
                condition=Q(is_live=True, exclusive=True),
                name="one_exclusive_live_association",
            ),
            models.UniqueConstraint(
                fields=["leader", "organisation"],
                condition=Q(is_live=True),
                name="one_live_association_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(is_live=True) | Q(ends_on__isnull=False),
                name="ended_association_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leader} ↔ {self.organisation}"


class AssociationReviewReason(models.TextChoices):
    IMPACT = "impact", "Lack of evidence of impact"
    CRITERIA = "criteria", "No longer meets the criteria"
    CONDUCT = "conduct", "Inappropriate conduct"


class AssociationReviewOutcome(models.TextChoices):
    OPEN = "open", "Open"
    CONTINUED = "continued", "Association continues"
    TERMINATED = "terminated", "Association terminated"


class AssociationReview(models.Model):
    association = models.ForeignKey(Association, on_delete=models.CASCADE, related_name="reviews")
    reason = models.CharField(max_length=20, choices=AssociationReviewReason.choices)
    details = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_on = models.DateField()
    outcome = models.CharField(
        max_length=20,
        choices=AssociationReviewOutcome.choices,
        default=AssociationReviewOutcome.OPEN,
    )
    outcome_notes = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_on"]

    def __str__(self) -> str:
        return f"Review of {self.association}"


class CapacityPolicy(models.Model):
    """An organisation's release policy: the cap on days released a year (15 in one alliance,
    "normally not more than 20" in an LA) and the minimum an associated LLE commits (6)."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="capacity_policy"
    )
    max_release_days = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("15"))
    min_lle_days = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("6"))

    class Meta:
        verbose_name_plural = "capacity policies"

    def __str__(self) -> str:
        return f"{self.organisation}: up to {self.max_release_days} days"


class ReleaseAgreement(models.Model):
    """The days a home school releases a leader in one academic year, with consent recorded."""

    leader = models.ForeignKey(LeaderProfile, on_delete=models.CASCADE, related_name="releases")
    academic_year = models.CharField(max_length=7, help_text='e.g. "2025-26"')
    days = models.DecimalField(
        max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0"))]
    )
    agreed_on = models.DateField()
    headteacher_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    headteacher_consent_at = models.DateTimeField(null=True, blank=True)
    chair_consent_name = models.CharField(
        max_length=150, blank=True, help_text="Chair of governors who consented."
    )
    chair_consent_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    below_minimum = models.BooleanField(
        default=False, help_text="Below the minimum availability an associated LLE commits to."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-academic_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["leader", "academic_year"], name="one_release_per_leader_per_year"
            ),
            models.CheckConstraint(condition=Q(days__gte=0), name="release_days_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.leader} {self.academic_year}: {self.days} days"


class TrainingKind(models.TextChoices):
    CORE = "core", "Core training"
    LLE_ANNUAL = "lle_annual", "Annual mandatory LLE training"
    NETWORK = "network", "Leaders' network meeting"
    LLE_GROUP = "lle_group", "LLE group meeting with the local-authority officer"
    ENRICHMENT = "enrichment", "Enrichment session (optional)"
    TERMLY_REVIEW = "termly_review", "Termly review meeting"


class TrainingEvent(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="training_events"
    )
    kind = models.CharField(max_length=20, choices=TrainingKind.choices)
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    location = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"


class TrainingAttendance(models.Model):
    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="attendances")
    leader = models.ForeignKey(
        LeaderProfile, on_delete=models.CASCADE, related_name="training_attendances"
    )
    attended = models.BooleanField(default=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event__held_on"]
        constraints = [
            models.UniqueConstraint(fields=["event", "leader"], name="one_attendance_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.leader} at {self.event}"


class TrainingInvitation(models.Model):
    """Someone invited to a training event by e-mail, with the event as a calendar invitation
    (docs/rules.md, "Training invitations"): one per person and event, so inviting again sends
    nothing twice."""

    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_invitations"
    )
    email = models.EmailField(max_length=254)
    #: Invited as the local-authority lead officer who meets the LLE group, not as a delegate.
    as_officer = models.BooleanField(default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"], name="one_training_invitation_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} invited to {self.event}"


#: A delegate rates how useful an event was from 1 (not useful) to 5 (very useful).
USEFULNESS_CHOICES = [
    (1, "1 – not useful"),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, "5 – very useful"),
]


class TrainingFeedback(models.Model):
    """A delegate's feedback on a training event they attended, given once (docs/rules.md,
    "Delegates' feedback")."""

    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="feedback")
    leader = models.ForeignKey(
        LeaderProfile, on_delete=models.CASCADE, related_name="training_feedback"
    )
    usefulness = models.PositiveSmallIntegerField(choices=USEFULNESS_CHOICES)
    will_do_differently = models.TextField(max_length=TEXT_MAX_LENGTH)
    comments = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    given_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["given_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "leader"], name="one_feedback_per_delegate"),
            models.CheckConstraint(
                condition=Q(usefulness__gte=1, usefulness__lte=5),
                name="training_feedback_usefulness_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leader} on {self.event}: {self.usefulness}"


class TermlyReview(models.Model):
    """A termly review meeting between a leader and the broker (docs/rules.md, "Termly reviews
    and training needs")."""

    leader = models.ForeignKey(
        LeaderProfile, on_delete=models.CASCADE, related_name="termly_reviews"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="termly_reviews"
    )
    held_on = models.DateField()
    #: The school term the meeting was held in ("2026-27-autumn"), from its date.
    term = models.CharField(max_length=20)
    attended_by = models.TextField(max_length=TEXT_MAX_LENGTH)
    notes = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Termly review of {self.leader} on {self.held_on}"


class TrainingNeed(models.Model):
    """A training need identified at a termly review: open until the leader attends an event of
    its kind held on or after the review, or a coordinator marks it met."""

    review = models.ForeignKey(TermlyReview, on_delete=models.CASCADE, related_name="needs")
    leader = models.ForeignKey(
        LeaderProfile, on_delete=models.CASCADE, related_name="training_needs"
    )
    description = models.CharField(max_length=300)
    event_kind = models.CharField(max_length=20, choices=TrainingKind.choices, blank=True)
    met_on = models.DateField(null=True, blank=True)
    met_by_event = models.ForeignKey(
        TrainingEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="needs_met"
    )
    marked_met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["leader", "met_on"], name="training_need_open_idx")]

    def __str__(self) -> str:
        return self.description

    @property
    def is_open(self) -> bool:
        return self.met_on is None


class Employment(models.Model):
    """Where the leader works, from when to when (docs/rules.md, "A leader moves school"). Rows are
    written only by ``leaders.services.moves.leader_move_school``: the school the leader worked at
    before the first move Syslead recorded (its start unknown, ``starts_on`` empty), then one row
    per move. At most one row is current per leader (a database constraint), and it names the same
    school as ``LeaderProfile.home_school``."""

    leader = models.ForeignKey(LeaderProfile, on_delete=models.CASCADE, related_name="employments")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(
        null=True, blank=True, help_text="Empty for the school before the first recorded move."
    )
    ends_on = models.DateField(null=True, blank=True)
    is_current = models.BooleanField(default=True)
    headteacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The school's headteacher when the move was recorded, asked to agree release.",
    )
    headteacher_name = models.CharField(max_length=150, blank=True)
    release_asked_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_current", "-starts_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["leader"],
                condition=Q(is_current=True),
                name="one_current_employment_per_leader",
            ),
            models.CheckConstraint(
                condition=Q(is_current=True) | Q(ends_on__isnull=False),
                name="past_employment_has_end",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="employment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leader} at {self.school}"


class DirectoryListing(models.Model):
    """A broker lists a leader who has no broker in its public directory (docs/rules.md,
    "Association": association is optional, and an unassociated leader who consented to a public
    profile can be found through the directory of any broker that lists them). Shown only while
    the leader has no live association and keeps their consent to publish."""

    leader = models.ForeignKey(
        LeaderProfile, on_delete=models.CASCADE, related_name="directory_listings"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="directory_listings"
    )
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    listed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-listed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["leader", "organisation"], name="one_listing_per_leader_and_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.leader} listed by {self.organisation}"


class BrokerAgreement(models.Model):
    """One version of a broker's agreement and code of conduct with its associated leaders
    (docs/rules.md, "The broker's agreement and code of conduct"). Versions are never edited: the
    broker's staff publish a new one, which becomes the current version (the highest number), and
    signatures of earlier versions stop counting."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="leader_agreements"
    )
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organisation_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="one_agreement_version_per_number"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="agreement_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class AgreementSignature(models.Model):
    """A leader's signature of one version of their broker's agreement: the name they typed, their
    confirmation, when."""

    agreement = models.ForeignKey(
        BrokerAgreement, on_delete=models.PROTECT, related_name="signatures"
    )
    leader = models.ForeignKey(
        LeaderProfile, on_delete=models.CASCADE, related_name="agreement_signatures"
    )
    signed_name = models.CharField(max_length=150)
    signed_at = models.DateTimeField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "leader"], name="one_signature_per_agreement_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.leader} signed {self.agreement}"


class GovernancePosition(models.TextChoices):
    CHAIR = "chair", "Chair of governors"
    VICE_CHAIR = "vice_chair", "Vice-chair of governors"
    GOVERNOR = "governor", "Governor"
    TRUSTEE = "trustee", "Trustee"


class GovernanceRole(models.Model):
    """A role a person held on a school's governing body (or a trust's board), from when to when
    (empty: still held). The NLG criterion "an experienced chair of governors" is checked from
    these rows (docs/rules.md, "Designations": the governance record)."""

    leader = models.ForeignKey(
        LeaderProfile, on_delete=models.CASCADE, related_name="governance_roles"
    )
    body = models.CharField(max_length=200, help_text="The school or trust governed.")
    role = models.CharField(max_length=20, choices=GovernancePosition.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="governance_role_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.leader}: {self.get_role_display()} of {self.body}"
