"""An upload waiting for the coordinator's confirmation: its rows are kept as read, and nothing is
imported until the coordinator confirms (the import is then tried again, all or nothing)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class UploadKind(models.TextChoices):
    LEADERS = "leaders", "System leaders"
    PEOPLE = "people", "People"


class UploadStatus(models.TextChoices):
    PREVIEWED = "previewed", "Waiting for confirmation"
    IMPORTED = "imported", "Imported"


class Upload(models.Model):
    kind = models.CharField(max_length=20, choices=UploadKind.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="uploads"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads"
    )
    file_name = models.CharField(max_length=255)
    rows = models.JSONField(help_text="The file's cells as read, the header first.")
    status = models.CharField(
        max_length=20, choices=UploadStatus.choices, default=UploadStatus.PREVIEWED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} for {self.organisation}"
