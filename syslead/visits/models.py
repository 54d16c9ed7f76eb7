"""Delivery records: notes of visit (the record of support) with their action points, the
deployment log, and safeguarding or serious concerns (docs/rules.md: Records, Quality assurance)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from syslead.capacity.days import FULL_DAY, HALF_DAY
from syslead.core.limits import TEXT_MAX_LENGTH

if TYPE_CHECKING:
    from syslead.deployments.models import Deployment


class Session(models.TextChoices):
    FULL_DAY = "full_day", "Full day"
    HALF_DAY = "half_day", "Half day"
    TWILIGHT = "twilight", "Twilight session"


#: Days each session counts for, as delivered days and on invoices (docs/api.md).
SESSION_DAYS: dict[str, Decimal] = {
    Session.FULL_DAY: FULL_DAY,
    Session.HALF_DAY: HALF_DAY,
    Session.TWILIGHT: HALF_DAY,
}


class VisitStatus(models.TextChoices):
    AWAITING_AGREEMENT = "awaiting_agreement", "Waiting for the headteacher to agree"
    CHANGES_REQUESTED = "changes_requested", "Changes asked for"
    AGREED = "agreed", "Agreed"
    SIGNED_OFF = "signed_off", "Signed off"


#: Statuses of notes of visit the supported school has agreed: their days are delivered.
AGREED_STATUSES = (VisitStatus.AGREED, VisitStatus.SIGNED_OFF)

HOURS_VALIDATORS = [MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))]


class Visit(models.Model):
    """A note of visit / record of support: drafted with the headteacher before the leader leaves,
    agreed by the headteacher, then signed off by the leader."""

    deployment = models.ForeignKey(
        "deployments.Deployment", on_delete=models.PROTECT, related_name="visits"
    )
    date = models.DateField()
    session = models.CharField(max_length=20, choices=Session.choices)
    hours = models.DecimalField(max_digits=4, decimal_places=2, validators=HOURS_VALIDATORS)
    focus = models.TextField("Focus of visit", max_length=TEXT_MAX_LENGTH)
    progress = models.TextField("Progress made", blank=True, max_length=TEXT_MAX_LENGTH)
    issues = models.TextField(
        "Points or issues arising during the visit", blank=True, max_length=TEXT_MAX_LENGTH
    )
    status = models.CharField(
        max_length=30,
        choices=VisitStatus.choices,
        default=VisitStatus.AWAITING_AGREEMENT,
        db_index=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(
        help_text="When the note was last sent to the headteacher to agree."
    )
    changes_comment = models.TextField(
        blank=True, help_text="The headteacher's latest request.", max_length=TEXT_MAX_LENGTH
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["deployment", "date"]),
            models.Index(fields=["status", "submitted_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="visit_hours_in_a_day"
            ),
            models.CheckConstraint(
                condition=Q(session__in=[s.value for s in Session]), name="visit_session_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Note of visit {self.date:%d %b %Y}"

    @property
    def days(self) -> Decimal:
        return SESSION_DAYS[self.session]

    @property
    def is_agreed(self) -> bool:
        return self.status in AGREED_STATUSES


class ActionOwner(models.TextChoices):
    LEADER = "leader", "System leader"
    SCHOOL = "school", "School"


class ActionPoint(models.Model):
    """An action point for the leader or for the school's staff, with its date, tracked to done."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="action_points")
    position = models.PositiveSmallIntegerField(default=1)
    owner = models.CharField(max_length=10, choices=ActionOwner.choices)
    action = models.TextField(max_length=TEXT_MAX_LENGTH)
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "position", "id"]
        indexes = [models.Index(fields=["completed_on", "due_on"])]

    def __str__(self) -> str:
        return self.action[:60]

    def is_overdue(self, today: dt.date) -> bool:
        return self.completed_on is None and self.due_on < today


class LogActivity(models.TextChoices):
    PREPARATION = "preparation", "Preparation"
    MEETING = "meeting", "Meeting"
    COACHING = "coaching", "Coaching or mentoring"
    OBSERVATION = "observation", "Observation or learning walk"
    ANALYSIS = "analysis", "Data analysis"
    TRAINING = "training", "Training or facilitated group"
    REPORTING = "reporting", "Report writing"
    OTHER = "other", "Other"


#: Preparation before the first visit counts: it may be logged this many days before the start.
PREPARATION_LEAD_DAYS = 28


def preparation_opens_on(deployment: Deployment) -> dt.date:
    """The first day preparation may be logged: ``PREPARATION_LEAD_DAYS`` before the start, since
    a leader reads the school's data and plans before the first visit."""
    return deployment.starts_on - dt.timedelta(days=PREPARATION_LEAD_DAYS)


class LogEntry(models.Model):
    """Time the leader spent outside a visit (preparation included): a row of the Deployment
    Record with date, hours, actions, outcomes and comments."""

    deployment = models.ForeignKey(
        "deployments.Deployment", on_delete=models.PROTECT, related_name="log_entries"
    )
    date = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=2, validators=HOURS_VALIDATORS)
    activity = models.CharField(max_length=20, choices=LogActivity.choices)
    actions = models.TextField(max_length=TEXT_MAX_LENGTH)
    outcomes = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    comments = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["deployment", "date"])]
        verbose_name_plural = "log entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="log_entry_hours_in_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_activity_display()} on {self.date}"


class LogShare(models.Model):
    """The Deployment Record of one term shared with the broker and the headteacher."""

    deployment = models.ForeignKey(
        "deployments.Deployment", on_delete=models.CASCADE, related_name="log_shares"
    )
    academic_year = models.CharField(max_length=7)
    term = models.CharField(max_length=10)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(auto_now_add=True)
    hours = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("0"))
    #: The supported school's headteacher signs the shared record (docs/rules.md, Records:
    #: "signed by the head each term"). The name is kept as signed.
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_name = models.CharField(max_length=150, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-shared_at"]

    def __str__(self) -> str:
        return f"{self.term} {self.academic_year} shared"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class ConcernContact(models.Model):
    """The organisation's named person for safeguarding and other serious concerns."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="concern_contact"
    )
    safeguarding_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concern_contacts"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Named person for {self.organisation}"


class ConcernKind(models.TextChoices):
    SAFEGUARDING = "safeguarding", "Safeguarding concern"
    SERIOUS = "serious", "Other serious concern"


class ConcernStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLOSED = "closed", "Closed"


class Concern(models.Model):
    """A safeguarding or other serious concern, raised immediately with the named person. Seen only
    by the raiser, the named person and the organisation's coordinators."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="concerns"
    )
    deployment = models.ForeignKey(
        "deployments.Deployment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concerns",
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns"
    )
    kind = models.CharField(max_length=20, choices=ConcernKind.choices)
    summary = models.CharField(max_length=200)
    details = models.TextField(max_length=TEXT_MAX_LENGTH)
    action_taken = models.TextField(
        blank=True,
        help_text="What you have already done, e.g. told the school's DSL.",
        max_length=TEXT_MAX_LENGTH,
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concerns_raised"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    named_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="concerns_to_act_on",
        help_text="The organisation's named person when the concern was raised.",
    )
    status = models.CharField(
        max_length=20, choices=ConcernStatus.choices, default=ConcernStatus.OPEN, db_index=True
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"


class ConcernAction(models.Model):
    """Something done about a concern, in order."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]
