"""Charging policies in the admin: to look up, not to edit (changes go through
``services.charging_policy_set``, which checks fees and keeps the history)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from syslead.charging.models import ChargingPolicy, ChargingPolicyRevision


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RevisionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ChargingPolicyRevision
    extra = 0
    can_delete = False
    fields = [
        "changed_at",
        "changed_by",
        "full_day_rate",
        "half_day_rate",
        "full_day_broker_fee",
        "half_day_broker_fee",
    ]
    readonly_fields = [
        "changed_at",
        "changed_by",
        "full_day_rate",
        "half_day_rate",
        "full_day_broker_fee",
        "half_day_broker_fee",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ChargingPolicy)
class ChargingPolicyAdmin(ReadOnlyAdmin):
    list_display = [
        "organisation",
        "academic_year",
        "full_day_rate",
        "half_day_rate",
        "full_day_broker_fee",
        "half_day_broker_fee",
        "updated_by",
        "updated_at",
    ]
    list_filter = ["academic_year"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation", "updated_by"]
    inlines = [RevisionInline]
