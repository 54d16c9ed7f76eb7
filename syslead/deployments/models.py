"""The deployment agreement: the four-party contract that turns a match into support (docs/rules.md:
Deployment agreement, Charging, Capacity)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from syslead.capacity.days import days_of
from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.core.money import DECIMAL_PLACES, MAX_DIGITS, money_field


class FundingRoute(models.TextChoices):
    SCHOOL = "school", "The supported school"
    LOCAL_AUTHORITY = "local_authority", "The local authority"
    BROKER = "broker", "The broker"
    OTHER = "other", "Another commissioner"


class CollectedBy(models.TextChoices):
    """Who invoices the supported school (docs/rules.md, "Charging models")."""

    HOME_SCHOOL = "home_school", "The leader's school invoices the supported school"
    BROKER = "broker", "The broker collects and pays the leader's school"


class DeploymentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGNATURES = "awaiting_signatures", "Waiting for signatures"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    ENDED_EARLY = "ended_early", "Ended early"
    CANCELLED = "cancelled", "Cancelled"
    SUPERSEDED = "superseded", "Replaced by an amended version"


#: Statuses whose days count as committed in the leader's capacity ledger (docs/api.md: "awaiting
#: signatures or active"). A paused agreement is still a signed agreement that will resume, and a
#: completed one used its days: both keep them, so the year's released days are never sold twice
#: and resuming never needs a capacity check. Ended-early and cancelled agreements free theirs.
COMMITTED_STATUSES = (
    DeploymentStatus.AWAITING_SIGNATURES,
    DeploymentStatus.ACTIVE,
    DeploymentStatus.PAUSED,
    DeploymentStatus.COMPLETED,
)
#: Signed agreements: "days committed in signed agreements must never exceed the days released".
SIGNED_STATUSES = (DeploymentStatus.ACTIVE, DeploymentStatus.PAUSED, DeploymentStatus.COMPLETED)
#: Agreements that are over: nothing may change them any more (read-only).
FINISHED_STATUSES = (
    DeploymentStatus.COMPLETED,
    DeploymentStatus.ENDED_EARLY,
    DeploymentStatus.CANCELLED,
    DeploymentStatus.SUPERSEDED,
)
#: Agreements whose work is under way or done: notes of visit's log, feedback, reviews and the
#: final report may be written for them (a paused one waits to resume).
DELIVERY_STATUSES = (
    DeploymentStatus.ACTIVE,
    DeploymentStatus.COMPLETED,
    DeploymentStatus.ENDED_EARLY,
)
#: Agreements not yet over and not yet completed (the leader is still committed to them).
OPEN_STATUSES = (
    DeploymentStatus.DRAFT,
    DeploymentStatus.AWAITING_SIGNATURES,
    DeploymentStatus.ACTIVE,
    DeploymentStatus.PAUSED,
)
#: Agreements still in play (a package has exactly one lead among them).
LIVE_STATUSES = (
    DeploymentStatus.DRAFT,
    DeploymentStatus.AWAITING_SIGNATURES,
    DeploymentStatus.ACTIVE,
    DeploymentStatus.PAUSED,
    DeploymentStatus.COMPLETED,
)


class SipDecision(models.TextChoices):
    """The SIP's answer on a draft of the local authority route (empty: not answered yet)."""

    AGREED = "agreed", "Agreed by the SIP"
    CHANGES_REQUESTED = "changes_requested", "Changes asked for by the SIP"
    NOT_ASKED = "not_asked", "Sent without the SIP's agreement (reason recorded)"


class Party(models.TextChoices):
    """The four parties to the contract, in the order they sign."""

    LEADER = "leader", "System leader"
    HOME_HEADTEACHER = "home_headteacher", "Headteacher of the leader's school"
    CLIENT_HEADTEACHER = "client_headteacher", "Headteacher of the supported school"
    BROKER_LEAD = "broker_lead", "Broker lead"


class SupportPackage(models.Model):
    """One package may deploy several leaders to a school; one of them leads and compiles the
    final report."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="packages"
    )
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="packages")
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for the coordinator"
    CONFIRMED = "confirmed", "Confirmed"
    RETURNED = "returned", "Returned to the lead"


class PackageProposal(models.Model):
    """The package's lead leader proposes its members and their days from the broker's SLEs; a
    coordinator confirms it (the members' draft agreements are made) or returns it with a reason
    (docs/rules.md, "Packages designed by their lead")."""

    package = models.ForeignKey(SupportPackage, on_delete=models.CASCADE, related_name="proposals")
    status = models.CharField(
        max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    note = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["package"],
                condition=Q(status="proposed"),
                name="one_waiting_proposal_per_package",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="returned_proposal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Proposal for {self.package}"


class ProposedMember(models.Model):
    """A leader the lead proposes for the package, with their days."""

    proposal = models.ForeignKey(PackageProposal, on_delete=models.CASCADE, related_name="members")
    leader = models.ForeignKey(
        "leaders.LeaderProfile", on_delete=models.PROTECT, related_name="package_proposals"
    )
    days = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "leader"], name="leader_once_per_proposal"),
            models.CheckConstraint(condition=Q(days__gt=0), name="proposed_member_has_days"),
        ]

    def __str__(self) -> str:
        return f"{self.leader}: {self.days} days"


class Deployment(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="deployments"
    )
    support_request = models.ForeignKey(
        "brokering.SupportRequest", on_delete=models.PROTECT, related_name="deployments"
    )
    package = models.ForeignKey(
        SupportPackage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deployments",
    )
    is_lead = models.BooleanField(default=True, help_text="The package's lead leader.")
    leader = models.ForeignKey(
        "leaders.LeaderProfile", on_delete=models.PROTECT, related_name="deployments"
    )
    client_school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="deployments_received"
    )
    home_school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        related_name="deployments_given",
        help_text="The leader's school when the agreement was made.",
    )
    status = models.CharField(
        max_length=30,
        choices=DeploymentStatus.choices,
        default=DeploymentStatus.DRAFT,
        db_index=True,
    )
    version = models.PositiveSmallIntegerField(default=1)
    previous_version = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_version"
    )
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replacements",
        help_text="The agreement this one replaces with a new leader (re-brokering).",
    )
    # The parties' details as the paper agreement asks for them (docs/rules.md: Deployment
    # agreement), captured when the agreement is made.
    leader_role = models.CharField(max_length=150, blank=True)
    leader_contact = models.CharField(
        max_length=200, blank=True, help_text="The leader's phone number or e-mail address."
    )
    home_headteacher_name = models.CharField(max_length=150, blank=True)
    client_headteacher_name = models.CharField(max_length=150, blank=True)
    client_headteacher_email = models.EmailField(blank=True)
    client_contact_name = models.CharField(
        max_length=150, blank=True, help_text="The supported school's contact (senior leader)."
    )
    client_contact_role = models.CharField(max_length=150, blank=True)
    client_contact_details = models.CharField(
        max_length=200, blank=True, help_text="The contact's phone number or e-mail address."
    )
    managed_by_name = models.CharField(
        max_length=150, blank=True, help_text="Who manages the work in the supported school."
    )
    managed_by_email = models.EmailField(blank=True)
    broker_lead_name = models.CharField(
        max_length=150, blank=True, help_text="Who signs for the broker (e.g. the TSA lead)."
    )
    # The time commitment
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="Intended end date, as a guide.")
    academic_year = models.CharField(max_length=7, help_text="The academic year of starts_on.")
    full_days = models.PositiveSmallIntegerField(default=0)
    half_days = models.PositiveSmallIntegerField(default=0)
    twilight_sessions = models.PositiveSmallIntegerField(default=0)
    intervals = models.CharField(
        max_length=200, blank=True, help_text="Frequency, e.g. one day a fortnight."
    )
    times_in_school = models.CharField(
        max_length=200, blank=True, help_text="Agreed time(s) in school, e.g. Tuesday mornings."
    )
    length_justification = models.TextField(
        blank=True,
        help_text="Why the agreement is shorter than a term or longer than six.",
        max_length=TEXT_MAX_LENGTH,
    )
    # The substance
    purpose = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    staff_involved = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    aims = models.JSONField(default=list)
    evaluation_strategy = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    monitoring_arrangements = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    exit_arrangements = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    # Money
    funding_route = models.CharField(max_length=20, choices=FundingRoute.choices)
    commissioner_name = models.CharField(max_length=200, blank=True)
    funding_notes = models.TextField(
        blank=True,
        help_text="Funding arrangements in words.",
        max_length=TEXT_MAX_LENGTH,
    )
    full_day_rate = money_field()
    half_day_rate = money_field()
    full_day_broker_fee = money_field()
    half_day_broker_fee = money_field()
    total_cost = money_field()
    payable_by_school = money_field()
    to_home_school = money_field()
    to_broker = money_field()
    payable_by_commissioner = money_field()
    # The charging model (docs/rules.md, "Charging models"): who invoices the supported school.
    collected_by = models.CharField(
        max_length=20, choices=CollectedBy.choices, default=CollectedBy.HOME_SCHOOL
    )
    # A bespoke price agreed for this agreement in place of the policy's rates, with the reason
    # (docs/rules.md, "A bespoke price"): who set it and when.
    bespoke_full_day_rate = models.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True
    )
    bespoke_half_day_rate = models.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True
    )
    bespoke_reason = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    bespoke_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bespoke_set_at = models.DateTimeField(null=True, blank=True)
    # Overrides and changes
    capacity_override_reason = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    capacity_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_reason = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Sending a draft for signature (docs/rules.md, "Sending an agreement for signature").
    sent_for_signature_at = models.DateTimeField(null=True, blank=True)
    # On the local authority route the school's SIP agrees the draft before it is sent: their
    # answer, or the coordinator's reason for sending it without it (``SipDecision``).
    sip_decision = models.CharField(max_length=20, blank=True, choices=SipDecision.choices)
    sip_comments = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    sip_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sip_decided_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["leader", "academic_year", "status"]),
            # The agreements list's order, newest first (docs/operations.md, "Performance").
            models.Index(fields=["-created_at", "-id"], name="agreement_newest_first"),
            # The schools ever supported, read whole by the impact report (docs/impact.md): the
            # database reads them from this index alone, not from every agreement's row.
            models.Index(
                fields=["client_school"],
                condition=~Q(status__in=[DeploymentStatus.DRAFT, DeploymentStatus.CANCELLED]),
                name="agreement_supported_school",
            ),
            # A broker's agreements of one academic year, read by the KPIs and the annual report
            # (docs/operations.md, "Performance"): the year's few hundred rows, not the broker's
            # every agreement of every year.
            models.Index(fields=["organisation", "academic_year"], name="agreement_broker_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="deployment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(full_days__gt=0) | Q(half_days__gt=0) | Q(twilight_sessions__gt=0),
                name="deployment_has_time",
            ),
            # The broker collects only where the supported school pays.
            models.CheckConstraint(
                condition=Q(collected_by="home_school")
                | Q(collected_by="broker", funding_route__in=["school", "local_authority"]),
                name="deployment_collected_by_fits_route",
            ),
            # A bespoke price always has its reason, and both its rates (never negative).
            models.CheckConstraint(
                condition=(
                    Q(bespoke_full_day_rate__isnull=True)
                    & Q(bespoke_half_day_rate__isnull=True)
                    & Q(bespoke_reason="")
                )
                | (
                    Q(bespoke_full_day_rate__gte=0)
                    & Q(bespoke_half_day_rate__gte=0)
                    & ~Q(bespoke_reason="")
                ),
                name="deployment_bespoke_price_has_reason",
            ),
            # One lead per package among its live agreements; superseded versions, ended-early
            # (replaced) and cancelled agreements keep their flag for the record.
            models.UniqueConstraint(
                fields=["package"],
                condition=Q(is_lead=True, status__in=[s.value for s in LIVE_STATUSES]),
                name="one_lead_per_package",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leader} at {self.client_school.name}"

    @property
    def days(self) -> Decimal:
        """Days for capacity: a full day counts 1, a half day or twilight session 0.5."""
        return days_of(self.full_days, self.half_days, self.twilight_sessions)


class Objective(models.Model):
    """An agreed objective and outcome with its review date, and the impact table's row:
    baseline measure → actions → improvement to be made → impact."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="objectives")
    position = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    outcome = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    review_on = models.DateField(null=True, blank=True)
    baseline = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    actions = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    improvement = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    impact = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Signature(models.Model):
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(max_length=30, choices=Party.choices)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures"
    )
    signed_as = models.CharField(
        max_length=150, blank=True, help_text='e.g. "Chair of governors" when signing for a head.'
    )
    signed_at = models.DateTimeField(auto_now_add=True)
    # A signature given on paper and recorded by a coordinator (``signed_by``): who signed, when,
    # why on paper, and a scan of the signed page.
    on_paper = models.BooleanField(default=False)
    paper_signer = models.CharField(max_length=150, blank=True)
    paper_signed_on = models.DateField(null=True, blank=True)
    paper_reason = models.TextField(max_length=TEXT_MAX_LENGTH, blank=True)
    scan = models.FileField(upload_to="signatures/%Y/%m/", max_length=200, blank=True)
    scan_type = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["deployment", "party"], name="one_signature_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.party} signed {self.deployment_id}"


class ChangeKind(models.TextChoices):
    LEADER_LEFT_SCHOOL = "leader_left_school", "The leader has left their school"
    CANNOT_PROVIDE = "cannot_provide", "The leader cannot provide the outreach (e.g. sickness)"
    INSUFFICIENT_IMPACT = "insufficient_impact", "Not making sufficient impact"
    MANAGED_EXIT = "managed_exit", "A managed exit was asked for"
    OTHER = "other", "Other"


class ChangeAction(models.TextChoices):
    """What was done about a change (empty: recorded, nothing done yet)."""

    PAUSE = "pause", "Paused"
    RESUME = "resume", "Resumed"
    REPLACE = "replace", "A new leader replaces the leader"
    AMEND = "amend", "Amended: a new version to sign"
    END_EARLY = "end_early", "Ended early"


class ChangeRecord(models.Model):
    """A change to an agreement and what was done about it (pause, replace, amend, end early)."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=30, choices=ChangeKind.choices)
    action = models.CharField(max_length=30, blank=True, choices=ChangeAction.choices)
    reason = models.TextField(max_length=TEXT_MAX_LENGTH)
    resulting_deployment = models.ForeignKey(
        Deployment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The replacement agreement or the amended version the change produced.",
    )
    requested_by_party = models.CharField(max_length=30, choices=Party.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.deployment_id})"


class MoveFlag(models.Model):
    """A live agreement of a leader who moved school (docs/rules.md, "A leader moves school"): the
    coordinator is to record the "leader has left their school" change on it. The flag is open
    while the agreement is active or paused and no such change was recorded on it since the flag
    (``deployments.moves``)."""

    employment = models.ForeignKey(
        "leaders.Employment", on_delete=models.CASCADE, related_name="flags"
    )
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="move_flags")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["employment", "deployment"], name="one_move_flag_per_agreement"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employment} → agreement {self.deployment_id}"


# --- Closing together (docs/rules.md, "Closing an agreement") -------------------------------------


class FurtherSupport(models.TextChoices):
    """What the parties decided at the end: no more support, or further support (a new request)."""

    NONE = "none", "No further support"
    FURTHER = "further", "Further support"


class CloseOut(models.Model):
    """The end of an agreement, done together: the leader's statement (fully delivered or not,
    and why not), the sign-off of the leader and of the supported school's headteacher (in either
    order), and the decision on further support. A coordinator completes the agreement only once
    all of them are recorded (``services.closing``)."""

    deployment = models.OneToOneField(
        Deployment, on_delete=models.CASCADE, related_name="close_out"
    )
    fully_delivered = models.BooleanField(null=True)
    not_delivered_reason = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    stated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stated_at = models.DateTimeField(null=True, blank=True)
    leader_signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    leader_signed_off_at = models.DateTimeField(null=True, blank=True)
    head_signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    head_signed_off_at = models.DateTimeField(null=True, blank=True)
    further_support = models.CharField(max_length=20, choices=FurtherSupport.choices, blank=True)
    further_support_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    further_support_decided_at = models.DateTimeField(null=True, blank=True)
    further_request = models.ForeignKey(
        "brokering.SupportRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The new request for further support this close-out started.",
    )

    def __str__(self) -> str:
        return f"Close-out of agreement {self.deployment_id}"

    @property
    def stated(self) -> bool:
        return self.fully_delivered is not None

    @property
    def signed_off(self) -> bool:
        return self.leader_signed_off_at is not None and self.head_signed_off_at is not None

    @property
    def decided(self) -> bool:
        return bool(self.further_support)

    @property
    def done(self) -> bool:
        return self.stated and self.signed_off and self.decided


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class Dispute(models.Model):
    """A disagreement about an agreement raised by anyone who sees it (what), resolved by the
    broker's coordinator, who records the outcome (docs/rules.md, "Disputes")."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="disputes")
    status = models.CharField(
        max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.OPEN, db_index=True
    )
    what = models.TextField(max_length=TEXT_MAX_LENGTH)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_as = models.CharField(max_length=100, blank=True, help_text="e.g. the system leader")
    raised_at = models.DateTimeField(auto_now_add=True)
    outcome = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at", "pk"]

    def __str__(self) -> str:
        return f"Dispute {self.pk} on agreement {self.deployment_id}"


class CopiedIn(models.Model):
    """A person of the agreement's local authority copied in on it by a coordinator (docs/rules.md,
    "The school's named SIP"): they receive what the school's named SIP receives (notes of visit,
    the deployment record, the termly review) and read the agreement's records as the named SIP
    does, until removed. One row per person and agreement; removing deletes the row (the timeline
    keeps both steps)."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="copied_in")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="copied_in_on"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["deployment", "user"], name="copied_in_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} copied in on {self.deployment_id}"


class PreparedInvitation(models.Model):
    """An invitation to sign prepared on a draft agreement for a party no one with an account
    holds (docs/rules.md, "Sending an agreement for signature"): the name and e-mail address the
    coordinator gave. Sending the agreement for signature sends it through the invitations
    service and links the invitation made (``invitation``); until then nothing is e-mailed."""

    deployment = models.ForeignKey(
        Deployment, on_delete=models.CASCADE, related_name="prepared_invitations"
    )
    party = models.CharField(max_length=30, choices=Party.choices)
    email = models.EmailField()
    name = models.CharField(max_length=150)
    invitation = models.ForeignKey(
        "invitations.Invitation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The invitation sent when the agreement was sent for signature.",
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "party"], name="one_prepared_invitation_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} for {self.party} ({self.deployment_id})"
