"""The privacy records in the admin: to look up, never to edit (the audit must not be changed,
and erasures and exports go through the privacy pages, which check and record them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from syslead.privacy.models import Erasure, ReadAudit, RetentionRun


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReadAudit)
class ReadAuditAdmin(ReadOnlyAdmin):
    list_display = ["read_at", "reader", "kind", "record_id", "detail"]
    list_filter = ["kind"]
    date_hierarchy = "read_at"


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ["today", "ran_at", "total", "dry_run"]


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdmin):
    list_display = ["pseudonym", "erased_at", "erased_by"]
