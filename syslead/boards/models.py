"""A broker's management board (docs/alliances.md, "The board"): who sits on it, the targets it
sets for each academic year, its action plan and its budget. What the year achieved is not
stored here: it is counted from the real records (``syslead.boards.selectors``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from syslead.core.limits import TEXT_MAX_LENGTH
from syslead.core.money import money_field


class BoardRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    MEMBER = "member", "Member"
    CLERK = "clerk", "Clerk"


class BoardMember(models.Model):
    """A person's seat on the board, from ``started_on`` to ``ended_on`` (empty while they sit).
    ``user`` links their Syslead account, when they have one, so that they may read the board."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="board_members"
    )
    name = models.CharField(max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="board_seats",
    )
    role = models.CharField(max_length=20, choices=BoardRole.choices, default=BoardRole.MEMBER)
    represents = models.CharField(
        max_length=200, blank=True, help_text="The school or body the person sits for."
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ended_on", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(role="chair", ended_on__isnull=True),
                name="board_one_current_chair",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="board_member_ends_after_starting",
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in BoardRole]), name="board_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    def sits_on(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


class YearTargets(models.Model):
    """The board's targets for one academic year."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="board_targets"
    )
    academic_year = models.CharField(max_length=7)
    sles_to_designate = models.PositiveSmallIntegerField("SLEs to designate")
    schools_to_support = models.PositiveSmallIntegerField("Schools to support")
    days_of_support = models.DecimalField(
        "Days of support", max_digits=6, decimal_places=1, help_text="In days and half days."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation_id", "academic_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "academic_year"], name="board_targets_once_a_year"
            ),
            models.CheckConstraint(
                condition=Q(days_of_support__gte=Decimal("0")), name="board_days_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Targets {self.academic_year} of {self.organisation_id}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class ActionItem(models.Model):
    """One line of the board's action plan for an academic year."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="board_actions"
    )
    academic_year = models.CharField(max_length=7)
    action = models.TextField(max_length=TEXT_MAX_LENGTH)
    owner = models.CharField(max_length=200, help_text="Who is to do it.")
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    done_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["organisation", "academic_year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ActionStatus]),
                name="board_action_status_known",
            ),
            models.CheckConstraint(
                condition=(Q(status="done") & Q(done_on__isnull=False))
                | (~Q(status="done") & Q(done_on__isnull=True)),
                name="board_action_done_on_when_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action[:40]} (due {self.due_on})"

    def is_overdue(self, today: dt.date) -> bool:
        """Not done and its due date has passed (docs/alliances.md, "The board")."""
        return self.status != ActionStatus.DONE and self.due_on < today


class BudgetLine(models.Model):
    """One heading of the board's budget for an academic year: what is planned, what was spent."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="board_budget"
    )
    academic_year = models.CharField(max_length=7)
    heading = models.CharField(max_length=200)
    planned = money_field()
    actual = money_field()
    notes = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["heading", "id"]
        constraints = [
            # Whatever its capitals (the service says so first, on the field).
            models.UniqueConstraint(
                F("organisation"),
                F("academic_year"),
                Lower("heading"),
                name="board_budget_heading_once_a_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.heading} {self.academic_year}"

    @property
    def difference(self) -> Decimal:
        """Planned less actual: what is left (negative when overspent)."""
        return self.planned - self.actual
