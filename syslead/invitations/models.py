"""Invitations: a person is asked by e-mail to join Syslead with a role, through a single-use link
that lets them set a password. Only a hash of the link's secret is stored."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from syslead.accounts.models import Role


def token_hash(raw: str) -> str:
    """How a link's secret is kept: its SHA-256, never the secret itself."""
    return hashlib.sha256(raw.encode()).hexdigest()


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Sent, not yet joined"
    ACCEPTED = "accepted", "Joined"
    CANCELLED = "cancelled", "Cancelled"
    ROLE_ADDED = "role_added", "Role added to an existing account"


class Invitation(models.Model):
    email = models.EmailField()
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        help_text="The organisation the role is held in (coordinator, broker lead, SIP).",
    )
    school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        help_text="The school the role is held at (headteacher).",
    )
    sent_for = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
        help_text="The organisation whose coordinators sent it and see it in their list.",
    )
    status = models.CharField(
        max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
        help_text="The account that joined, or that the role was added to.",
    )
    sent_count = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "role", "organisation"],
                condition=Q(status="pending", organisation__isnull=False),
                name="one_pending_invitation_in_organisation",
            ),
            models.UniqueConstraint(
                fields=["email", "role", "school"],
                condition=Q(status="pending", school__isnull=False),
                name="one_pending_invitation_at_school",
            ),
            models.UniqueConstraint(
                fields=["email", "role"],
                condition=Q(status="pending", organisation__isnull=True, school__isnull=True),
                name="one_pending_invitation_unattached",
            ),
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(token_hash__isnull=False),
                name="pending_invitation_has_a_link",
            ),
            models.CheckConstraint(
                condition=Q(email=Lower("email")),
                name="invitation_email_lower_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> as {self.get_role_display()}"

    @property
    def is_expired(self) -> bool:
        from django.utils import timezone

        return self.expires_at is not None and self.expires_at < timezone.now()

    @property
    def place(self) -> str:
        """Where the role is held, in words ("" for a role held nowhere in particular)."""
        if self.organisation_id is not None:
            return str(self.organisation)
        if self.school_id is not None:
            return str(self.school)
        return ""
