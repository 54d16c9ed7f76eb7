"""The annual report, made in the background (docs/annual-report.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from syslead.core.limits import TEXT_MAX_LENGTH


class Audience(models.TextChoices):
    """Who the report is for: the same figures under different headings (docs/annual-report.md,
    "Two audiences")."""

    GOVERNORS = "governors", "Summary for members' governing bodies and the board"
    NATIONAL = "national", "Report of impact to the national body"


class AnnualReportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


#: Statuses of a report still in the making (at most one per broker, year and audience).
REPORT_IN_THE_MAKING = (AnnualReportStatus.QUEUED, AnnualReportStatus.RUNNING)


class AnnualReport(models.Model):
    """One making of a broker's annual report for an academic year, as a PDF and a workbook.

    Both files are kept in the database, like the impact evidence pack (docs/annual-report.md,
    "Asking for the report"): the worker and the web server share the database, and the files
    are reached only through the access-checked download views, never a media URL."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="annual_reports"
    )
    academic_year = models.CharField(max_length=7)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=20,
        choices=AnnualReportStatus.choices,
        default=AnnualReportStatus.QUEUED,
        db_index=True,
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    xlsx = models.BinaryField(null=True, blank=True)
    pdf_size = models.PositiveIntegerField(null=True, blank=True)
    xlsx_size = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in AnnualReportStatus]),
                name="annual_report_status_known",
            ),
            models.CheckConstraint(
                condition=Q(audience__in=[a.value for a in Audience]),
                name="annual_report_audience_known",
            ),
            models.CheckConstraint(
                condition=~Q(status=AnnualReportStatus.READY)
                | (Q(pdf__isnull=False) & Q(xlsx__isnull=False)),
                name="ready_annual_report_has_its_files",
            ),
            models.UniqueConstraint(
                fields=["organisation", "academic_year", "audience"],
                condition=Q(status__in=[s.value for s in REPORT_IN_THE_MAKING]),
                name="one_annual_report_in_the_making",
            ),
        ]

    def __str__(self) -> str:
        return f"Annual report {self.academic_year} ({self.audience}) of {self.organisation_id}"

    @property
    def in_the_making(self) -> bool:
        return self.status in REPORT_IN_THE_MAKING
