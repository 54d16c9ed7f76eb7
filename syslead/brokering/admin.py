"""Administrators inspect requests and brokering here. Changes go through the services (so that
every rule holds and every step is on the timeline): the admin is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from syslead.brokering.models import (
    AllocationRun,
    Approach,
    Commission,
    DraftMatch,
    MatchingWeights,
    ShortlistEntry,
    SupportRequest,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ShortlistInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ShortlistEntry
    extra = 0
    readonly_fields = (
        "rank",
        "leader",
        "score",
        "distance_km",
        "is_live",
        "swapped_in",
        "swap_reason",
    )
    fields = readonly_fields
    raw_id_fields = ["leader"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ApproachInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Approach
    extra = 0
    readonly_fields = ("leader", "status", "sent_at", "responded_at", "decline_reason")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SupportRequest)
class SupportRequestAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "school",
        "organisation",
        "route",
        "status",
        "academic_year",
        "days_requested",
        "created_at",
    ]
    list_filter = ["status", "route", "academic_year", "organisation"]
    search_fields = ["school__name", "school__urn", "summary"]
    raw_id_fields = ["school", "organisation", "raised_by", "chosen_leader"]
    list_select_related = ["school", "organisation"]
    inlines = [ShortlistInline, ApproachInline]


@admin.register(Commission)
class CommissionAdmin(ReadOnlyAdmin):
    list_display = ["support_request", "leader", "owning_organisation", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["support_request", "leader", "owning_organisation"]


@admin.register(MatchingWeights)
class MatchingWeightsAdmin(ReadOnlyAdmin):
    list_display = [
        "organisation",
        "specialism",
        "phase",
        "distance",
        "remaining_days",
        "experience",
        "outcomes",
        "same_local_authority",
    ]


class DraftMatchInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DraftMatch
    extra = 0
    readonly_fields = ("support_request", "leader", "score", "edited", "edit_reason", "approved")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AllocationRun)
class AllocationRunAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "organisation",
        "academic_year",
        "status",
        "method",
        "solver_status",
        "total_score",
        "greedy_score",
        "matched_count",
        "requests_considered",
        "duration_ms",
        "created_at",
    ]
    list_filter = ["status", "method", "academic_year"]
    inlines = [DraftMatchInline]
