"""Data protection records: who read what, subject access exports, erasures, the retention runs
and the clock of people who left."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from syslead.core.limits import TEXT_MAX_LENGTH


class ReadKind(models.TextChoices):
    CONCERN = "concern", "Safeguarding or serious concern"
    EVALUATION = "evaluation", "End-of-support evaluation"
    FINAL_REPORT = "final_report", "Final report before quality assurance"
    EVIDENCE_PACK = "evidence_pack", "Impact evidence pack"
    SUBJECT_ACCESS_EXPORT = "subject_access_export", "Subject access export"


class ReadAudit(models.Model):
    """One read of a sensitive record: who, when, what (the record's kind and id) and how (the
    page, its PDF, a download). Writes are on the timeline (``core.Event``); reads are here."""

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reads"
    )
    read_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=30, choices=ReadKind.choices)
    record_id = models.PositiveIntegerField()
    detail = models.CharField(max_length=200, blank=True, help_text='e.g. "page", "PDF".')

    class Meta:
        ordering = ["-read_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "record_id", "read_at"], name="read_audit_by_record")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ReadKind]), name="read_audit_kind_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reader_id} read {self.kind} {self.record_id}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


EXPORT_IN_THE_MAKING = (ExportStatus.QUEUED, ExportStatus.RUNNING)


class SubjectAccessExport(models.Model):
    """One subject access export: a ZIP of everything Syslead holds about ``person``, made in the
    background, kept in the database (never a public media file) until ``expires_at``."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED, db_index=True
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True, help_text="What it is doing now.")
    contents = models.JSONField(default=dict, blank=True, help_text="Files by kind: counts.")
    zip = models.BinaryField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, max_length=TEXT_MAX_LENGTH)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ExportStatus.READY) | Q(zip__isnull=False),
                name="ready_export_has_its_zip",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=[s.value for s in EXPORT_IN_THE_MAKING]),
                name="one_export_in_the_making_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Subject access export {self.pk}"

    @property
    def in_the_making(self) -> bool:
        return self.status in EXPORT_IN_THE_MAKING

    @property
    def percent(self) -> int:
        if not self.steps_total:
            return 0
        return min(100, round(100 * self.steps_done / self.steps_total))


class Erasure(models.Model):
    """A person erased by anonymisation: by an administrator (with the reason) or by the
    retention schedule (no one, reason given by the schedule)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="erasure"
    )
    pseudonym = models.CharField(max_length=60)
    reason = models.TextField(max_length=TEXT_MAX_LENGTH)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    erased_at = models.DateTimeField(auto_now_add=True)
    changed = models.JSONField(default=dict, blank=True, help_text="Rows changed, by kind.")

    class Meta:
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return self.pseudonym


class AccountDeparture(models.Model):
    """When an account was seen deactivated: the clock of the leavers' retention rule. Removed
    when the account is made active again."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="departure"
    )
    deactivated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id} left {self.deactivated_at:%Y-%m-%d}"


class RetentionRun(models.Model):
    """One application of the retention schedule: the day it acted for and what it did."""

    ran_at = models.DateTimeField(auto_now_add=True)
    today = models.DateField(help_text="The day the schedule was applied for.")
    counts = models.JSONField(default=dict, help_text="Rows deleted or anonymised, by rule.")
    held = models.JSONField(default=dict, blank=True, help_text="Due but held, by rule.")
    dry_run = models.BooleanField(default=False)

    class Meta:
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"Retention run {self.today}"

    @property
    def total(self) -> int:
        return sum(int(v) for v in (self.counts or {}).values())


class RetentionMark(models.Model):
    """A record a rule has already anonymised (so a later run neither counts nor redoes it)."""

    rule = models.CharField(max_length=40)
    record_id = models.PositiveIntegerField()
    run = models.ForeignKey(RetentionRun, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "record_id"], name="one_mark_per_record")
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.record_id}"
