"""A document uploaded to a support request or to a deployment agreement (docs/documents.md): the
local authority's data pack, a SIP's report, the client headteacher's briefing paper, the school's
development plan, or anything else the parties share. The file is kept through Django's storage
API under a random name; the name the person gave it is kept only as ``original_name``."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DocumentKind(models.TextChoices):
    DATA_PACK = "data_pack", "Local authority data pack"
    SIP_REPORT = "sip_report", "School improvement partner's report"
    BRIEFING_PAPER = "briefing_paper", "Headteacher's briefing paper"
    DEVELOPMENT_PLAN = "development_plan", "School development plan"
    OTHER = "other", "Other"


class Document(models.Model):
    """One uploaded file on exactly one record: a request or an agreement."""

    support_request = models.ForeignKey(
        "brokering.SupportRequest",
        on_delete=models.CASCADE,
        related_name="documents",
        null=True,
        blank=True,
    )
    deployment = models.ForeignKey(
        "deployments.Deployment",
        on_delete=models.CASCADE,
        related_name="documents",
        null=True,
        blank=True,
    )
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="documents/%Y/%m/", max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-uploaded_at", "-id")
        constraints = [
            models.CheckConstraint(
                name="document_has_one_owner",
                condition=(
                    models.Q(support_request__isnull=False, deployment__isnull=True)
                    | models.Q(support_request__isnull=True, deployment__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner(self) -> models.Model:
        """The request or the agreement the document belongs to."""
        owner = self.support_request if self.support_request_id else self.deployment
        assert owner is not None
        return owner
