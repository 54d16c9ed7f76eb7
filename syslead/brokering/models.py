"""Requests for support and brokering: from a school's need to an agreed match (docs/rules.md:
Requests, Matching)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from syslead.core.limits import TEXT_MAX_LENGTH


class Route(models.TextChoices):
    SCHOOL = "school", "School route"
    LOCAL_AUTHORITY = "local_authority", "Local authority route"


class LaCriterion(models.TextChoices):
    """How the LA team and the SIP identify a school that could benefit (docs/rules.md:
    Requests)."""

    NEW_OR_ACTING_HEAD = "new_or_acting_head", "New or acting headteacher"
    LEADERSHIP_RI = (
        "leadership_ri",
        "Leadership and management judged requires improvement or satisfactory",
    )
    PUPILS_NOT_PROGRESSING = "pupils_not_progressing", "Many pupils not making progress"
    SIP_OR_HEAD_IDENTIFIED = "sip_or_head_identified", "Identified by the SIP or the headteacher"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    SHORTLISTED = "shortlisted", "Shortlisted"
    APPROACHING = "approaching", "Leaders approached"
    AWAITING_CHOICE = "awaiting_choice", "Waiting for the school to choose"
    MATCHED = "matched", "Leader chosen"
    AGREED = "agreed", "Agreement made"
    WAITING_LIST = "waiting_list", "On the waiting list"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CLOSED = "closed", "Closed"


#: Request statuses in which a request is over (for filters; the steps allowed in each state are
#: in ``brokering.transitions``).
FINISHED_STATUSES = (RequestStatus.AGREED, RequestStatus.WITHDRAWN, RequestStatus.CLOSED)


class SupportRequest(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="support_requests"
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="support_requests"
    )
    route = models.CharField(max_length=20, choices=Route.choices)
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN, db_index=True
    )
    academic_year = models.CharField(max_length=7)
    needs = models.JSONField(default=list, help_text="Specialism codes the school needs.")
    phase = models.CharField(max_length=30, help_text="The school's phase when requested.")
    days_requested = models.DecimalField(
        max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    summary = models.TextField(max_length=TEXT_MAX_LENGTH)
    context = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    preferred_timing = models.CharField(max_length=200, blank=True)
    key_areas = models.TextField(
        blank=True, help_text="Key areas for improvement agreed.", max_length=TEXT_MAX_LENGTH
    )
    la_criteria = models.JSONField(
        default=list, blank=True, help_text="LA route: the identification criteria ticked."
    )
    chair_of_governors_agreed = models.BooleanField(
        default=False, help_text="School route: the chair of governors agrees to the request."
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_leader = models.ForeignKey(
        "leaders.LeaderProfile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chosen_for_requests",
    )
    chosen_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the leader was chosen (the first meeting is due within 10 school days).",
    )
    short_shortlist_reason = models.TextField(
        blank=True,
        help_text="Why the live shortlist has fewer than three leaders (required then).",
        max_length=TEXT_MAX_LENGTH,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        # The requests list's order, newest first (docs/operations.md, "Performance"): walked
        # instead of sorting every request.
        indexes = [models.Index(fields=["-created_at", "-id"], name="request_newest_first")]

    def __str__(self) -> str:
        return f"Request {self.pk} for {self.school.name}"

    @property
    def wanted_term(self) -> str:
        """The term the school asked to start in, read from when it said it would like the
        support ("spring term, a day a fortnight" → "spring"), or "" when it named none."""
        return term_named_in(self.preferred_timing)


_TERM_WORDS = re.compile(r"\b(autumn|spring|summer)\b", re.IGNORECASE)


def term_named_in(text: str) -> str:
    """The first school term a piece of text names ("autumn", "spring", "summer"), or ""."""
    match = _TERM_WORDS.search(text or "")
    return match.group(1).lower() if match else ""


class ShortlistEntry(models.Model):
    """A leader on a request's shortlist, with the score and its explanation at the time."""

    support_request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="shortlist"
    )
    leader = models.ForeignKey(
        "leaders.LeaderProfile", on_delete=models.CASCADE, related_name="shortlist_entries"
    )
    rank = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=5, decimal_places=1)
    distance_km = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    reasons = models.JSONField(default=list)
    is_live = models.BooleanField(default=True)
    swapped_in = models.BooleanField(default=False)
    swap_reason = models.TextField(
        blank=True, help_text="Why the coordinator changed the list.", max_length=TEXT_MAX_LENGTH
    )
    overridden_rules = models.JSONField(
        default=list,
        blank=True,
        help_text="Soft rules set aside by the coordinator's judgement (remaining days only).",
    )
    judgement_reason = models.TextField(
        blank=True,
        help_text="Why the coordinator added this leader by judgement.",
        max_length=TEXT_MAX_LENGTH,
    )
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    judged_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["support_request", "leader"],
                condition=Q(is_live=True),
                name="leader_once_on_a_live_shortlist",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.leader}"


class ApproachStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Provisionally agreed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CHOSEN = "chosen", "Chosen by the school"
    NOT_CHOSEN = "not_chosen", "Not chosen"


class Approach(models.Model):
    """Asking a shortlisted leader for provisional agreement."""

    support_request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="approaches"
    )
    leader = models.ForeignKey(
        "leaders.LeaderProfile", on_delete=models.CASCADE, related_name="approaches"
    )
    status = models.CharField(
        max_length=20, choices=ApproachStatus.choices, default=ApproachStatus.PENDING
    )
    message = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        ordering = ["sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["support_request", "leader"],
                condition=Q(status__in=["pending", "accepted", "chosen"]),
                name="one_open_approach_per_leader_per_request",
            )
        ]

    def __str__(self) -> str:
        return f"Approach to {self.leader} for request {self.support_request_id}"


class MatchingWeights(models.Model):
    """An organisation's weights for the match score's factors (0 switches a factor off)."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="matching_weights"
    )
    specialism = models.PositiveSmallIntegerField(default=30)
    phase = models.PositiveSmallIntegerField(default=10)
    distance = models.PositiveSmallIntegerField(default=25)
    remaining_days = models.PositiveSmallIntegerField(default=10)
    experience = models.PositiveSmallIntegerField(default=10)
    outcomes = models.PositiveSmallIntegerField(default=10)
    same_local_authority = models.PositiveSmallIntegerField(default=5)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "matching weights"

    def __str__(self) -> str:
        return f"Matching weights for {self.organisation}"


class CommissionStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for the owning organisation"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class Commission(models.Model):
    """Sharing between brokers: a leader associated with one organisation offered to another
    organisation's request, with the owning organisation's agreement."""

    support_request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="commissions"
    )
    leader = models.ForeignKey(
        "leaders.LeaderProfile", on_delete=models.CASCADE, related_name="commissions"
    )
    owning_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="commissions_given"
    )
    status = models.CharField(
        max_length=20, choices=CommissionStatus.choices, default=CommissionStatus.PROPOSED
    )
    asked = models.BooleanField(
        default=False,
        help_text="Proposed by the request's organisation, asking the leader's organisation "
        "(which then sees the request to answer); false when the leader's organisation offered "
        "the leader in answer to being asked.",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["support_request", "leader"],
                condition=~Q(status="refused"),
                name="one_live_commission_per_leader_per_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.leader} for request {self.support_request_id}"


class AllocationRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    READY = "ready", "Draft ready"
    APPROVED = "approved", "Approved"
    FAILED = "failed", "Failed"


class AllocationRun(models.Model):
    """A batch allocation of a round of open requests across leaders, with capacities."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="allocation_runs"
    )
    academic_year = models.CharField(max_length=7)
    status = models.CharField(
        max_length=20, choices=AllocationRunStatus.choices, default=AllocationRunStatus.QUEUED
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    total_score = models.DecimalField(max_digits=12, decimal_places=1, default=Decimal("0"))
    greedy_score = models.DecimalField(max_digits=12, decimal_places=1, default=Decimal("0"))
    requests_considered = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # How the run was solved and how it compares (added with the allocation services).
    request_ids = models.JSONField(
        default=list, blank=True, help_text="The requests given; empty: every open request."
    )
    candidates_per_request = models.PositiveSmallIntegerField(default=20)
    started_at = models.DateTimeField(null=True, blank=True)
    method = models.CharField(
        max_length=20,
        blank=True,
        help_text="lp_rounding (min_cost_flow or cp_sat in runs made before it).",
    )
    solver_status = models.CharField(
        max_length=20,
        blank=True,
        help_text="optimal when the total reaches the upper bound, otherwise feasible.",
    )
    upper_bound = models.DecimalField(
        max_digits=12,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="No allocation can score more (CP-SAT's bound).",
    )
    matched_count = models.PositiveIntegerField(default=0)
    greedy_matched_count = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Allocation {self.pk} ({self.academic_year})"


class DraftMatch(models.Model):
    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="matches")
    support_request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="draft_matches"
    )
    leader = models.ForeignKey(
        "leaders.LeaderProfile",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="draft_matches",
        help_text="Empty: no leader could be matched (the request goes on the waiting list).",
    )
    score = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("0"))
    approved = models.BooleanField(default=False)
    edited = models.BooleanField(default=False)
    distance_km = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    edit_reason = models.TextField(
        blank=True, help_text="Why the coordinator changed the match.", max_length=TEXT_MAX_LENGTH
    )

    class Meta:
        ordering = ["support_request_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "support_request"], name="one_draft_match_per_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.support_request_id} → {self.leader_id}"


class DirectCommission(models.Model):
    """A school named the leader it wants (docs/rules.md, "Direct commissioning"): the request it
    made on the school route with the named leader, who named whom and when, the leader's broker
    when named (told, and holding the case) and the broker's recording of it.

    A leader not yet on Syslead is named by name and e-mail with their school: they are invited
    when the broker records the commission, and asked once they join. ``leader_broker`` empty:
    the leader had no broker, so the agreement takes the school route's charging with no broker
    fee."""

    support_request = models.OneToOneField(
        SupportRequest, on_delete=models.CASCADE, related_name="direct_commission"
    )
    leader = models.ForeignKey(
        "leaders.LeaderProfile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="direct_commissions",
        help_text="Empty while a leader named by e-mail has not joined Syslead.",
    )
    invited_name = models.CharField(max_length=150, blank=True)
    invited_email = models.EmailField(blank=True)
    invited_job_title = models.CharField(max_length=150, blank=True)
    invited_school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    invitation = models.ForeignKey(
        "invitations.Invitation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leader_broker = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="direct_commissions_of_its_leaders",
        help_text="The leader's broker when the school named them (told, and holding the case); "
        "empty: the leader had no broker (no broker fee on the agreement).",
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    named_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-named_at"]

    def __str__(self) -> str:
        return f"Direct commission for request {self.support_request_id}"

    @property
    def leader_name(self) -> str:
        return self.leader.user.get_full_name() if self.leader is not None else self.invited_name

    @property
    def waives_broker_fee(self) -> bool:
        """The leader had no broker: the school route's charging with no broker fee."""
        return self.leader_broker_id is None


class FirstMeeting(models.Model):
    """After the choice, the chosen leader's first contact with the supported school's
    headteacher and their first meeting, and what they agreed there, from which the agreement is
    drafted (docs/rules.md, "The first meeting")."""

    support_request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="first_meetings"
    )
    leader = models.ForeignKey(
        "leaders.LeaderProfile", on_delete=models.CASCADE, related_name="first_meetings"
    )
    contacted_on = models.DateField(
        null=True, blank=True, help_text="The leader's first contact with the headteacher."
    )
    meeting_on = models.DateField(null=True, blank=True)
    meeting_time = models.TimeField(null=True, blank=True)
    attendees = models.TextField(
        blank=True, help_text="Who attends the meeting.", max_length=TEXT_MAX_LENGTH
    )
    place = models.CharField(max_length=200, blank=True, help_text="Where, if in person.")
    online = models.BooleanField(default=False)
    held_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    agreed_objectives = models.TextField(
        blank=True, help_text="The objectives agreed, one a line.", max_length=TEXT_MAX_LENGTH
    )
    agreed_days = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    agreed_starts_on = models.DateField(null=True, blank=True)
    agreed_ends_on = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["support_request", "leader"], name="one_first_meeting_per_leader_request"
            ),
            models.CheckConstraint(
                condition=Q(held_on__isnull=True) | Q(meeting_on__isnull=False),
                name="first_meeting_held_was_scheduled",
            ),
            models.CheckConstraint(
                condition=Q(agreed_ends_on__isnull=True)
                | Q(agreed_starts_on__isnull=True)
                | Q(agreed_ends_on__gte=models.F("agreed_starts_on")),
                name="first_meeting_agreed_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"First meeting for request {self.support_request_id}"

    @property
    def is_held(self) -> bool:
        return self.held_on is not None

    @property
    def is_scheduled(self) -> bool:
        return self.meeting_on is not None


class LeaderFactsVersion(models.Model):
    """One row per table that matching's leader facts are read from, with a random token that a
    database trigger replaces, in the writing transaction, whenever a statement changes that table
    (``syslead.brokering.facts_memo``; docs/rules.md, "Matching", "Precomputed leader facts").
    The tokens together are the version of every organisation's facts: a process keeps the facts
    it built under the version it read first, and builds them again once any token has changed."""

    source = models.CharField(max_length=63, primary_key=True)
    token = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.source}: {self.token}"


class LeaderFactsChange(models.Model):
    """On PostgreSQL, the facts version is a log, not a row per table: each statement that writes a
    watched table appends a row with a random weight (a database trigger, in the writing
    transaction), and the version is the sum of the weights committed, modulo 2**62
    (``syslead.brokering.facts_memo``; docs/rules.md, "Precomputed leader facts"). Writers only
    append, so two transactions writing watched tables never wait for each other, whatever order
    they write them in. The log is folded into one row of the same sum once it grows long.
    SQLite, which lets one writer at a time, keeps ``LeaderFactsVersion``."""

    weight = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.pk}: {self.weight}"
