"""A teaching school alliance's members and its termly meetings, as Hillmorton's memorandum of
understanding (MOU) governs them: a school joins when its headteacher signs the MOU, the MOU is
reviewed every year, every member is invited to a termly meeting, and a member that does not
attend two consecutive meetings is referred to the management board, which decides whether it
continues."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from syslead.core.academic_years import Term
from syslead.core.limits import TEXT_MAX_LENGTH


def one_year_after(day: dt.date) -> dt.date:
    """The same day a year later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def one_year_before(day: dt.date) -> dt.date:
    """The same day a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


#: Meetings missed in a row (latest first, until one attended) that refer a member to the board.
REFERRAL_THRESHOLD = 2


class AllianceMember(models.Model):
    """A school's membership of an organisation's alliance, from joining to leaving. A school
    is a *current* member while ``left_on`` is empty, and at most once per organisation."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="alliance_members"
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="alliance_memberships"
    )
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    leaving_reason = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    mou_signed_on = models.DateField(
        "MOU signed on", null=True, blank=True, help_text="When the headteacher signed the MOU."
    )
    mou_version = models.CharField("MOU version", max_length=40, blank=True)
    mou_signed_by = models.CharField(
        "MOU signed by", max_length=200, blank=True, help_text="The headteacher who signed."
    )
    is_strategic_partner = models.BooleanField(
        "Strategic partner", default=False, help_text="Strategic partners form the board."
    )
    duties = models.TextField(
        blank=True, max_length=TEXT_MAX_LENGTH, help_text="What the member has agreed to do."
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    consecutive_meetings_missed = models.PositiveSmallIntegerField(
        default=0,
        help_text="Kept by the attendance service: meetings missed in a row, latest first.",
    )
    referred_to_board = models.BooleanField(default=False)
    referred_on = models.DateField(null=True, blank=True)
    board_told = models.BooleanField(
        default=False,
        help_text="The broker leads were told of the referral; cleared when the board decides.",
    )
    count_after_meeting = models.ForeignKey(
        "Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="After the board lets the member continue, only later meetings count.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school__name", "joined_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "school"],
                condition=Q(left_on__isnull=True),
                name="one_current_membership_per_school",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="alliance_member_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"Membership of {self.school_id} in {self.organisation_id}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    @property
    def mou_review_due_on(self) -> dt.date | None:
        """The MOU is reviewed each year: one year after it was signed (None while unsigned)."""
        return one_year_after(self.mou_signed_on) if self.mou_signed_on else None

    def was_member_on(self, day: dt.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)


class Meeting(models.Model):
    """A termly meeting to which every member of the alliance is invited."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="alliance_meetings"
    )
    held_on = models.DateField()
    title = models.CharField(max_length=200)
    starts_at = models.TimeField(null=True, blank=True)
    ends_at = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    invitations_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]
        indexes = [models.Index(fields=["organisation", "held_on"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"

    @property
    def term(self) -> Term:
        return Term.containing(self.held_on)


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    REPRESENTATIVE = "representative", "Sent a representative"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Absent"


#: Statuses that count as attending: apologies are still a missed meeting.
ATTENDED = frozenset({AttendanceStatus.PRESENT.value, AttendanceStatus.REPRESENTATIVE.value})


class MeetingAttendance(models.Model):
    """Whether one member attended one meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(AllianceMember, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)

    class Meta:
        ordering = ["meeting__held_on", "meeting_id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in AttendanceStatus]),
                name="alliance_attendance_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} at {self.meeting_id}: {self.status}"

    @property
    def attended(self) -> bool:
        return self.status in ATTENDED


class BoardDecisionKind(models.TextChoices):
    CONTINUE = "continue", "The member continues"
    END_MEMBERSHIP = "end_membership", "The membership ends"


class BoardDecision(models.Model):
    """The board's decision on a member referred for missing two consecutive meetings."""

    member = models.ForeignKey(
        AllianceMember, on_delete=models.CASCADE, related_name="board_decisions"
    )
    decided_on = models.DateField()
    decision = models.CharField(max_length=20, choices=BoardDecisionKind.choices)
    notes = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    meetings_missed = models.PositiveSmallIntegerField(
        default=0, help_text="Consecutive meetings missed when the board decided."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=[d.value for d in BoardDecisionKind]),
                name="alliance_board_decision_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} for {self.member_id}"
