"""Deployment agreements in the admin: to look up, not to edit. Every change goes through the
services (``deployments.services``), which check the rules and write the timeline."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from syslead.deployments.models import (
    ChangeRecord,
    Deployment,
    Objective,
    Signature,
    SupportPackage,
)


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ObjectiveInline(ReadOnlyInline):
    model = Objective
    fields = [
        "position",
        "text",
        "outcome",
        "review_on",
        "baseline",
        "actions",
        "improvement",
        "impact",
    ]


class SignatureInline(ReadOnlyInline):
    model = Signature
    fields = ["party", "signed_by", "signed_as", "signed_at"]
    readonly_fields = ["signed_at"]


class ChangeInline(ReadOnlyInline):
    model = ChangeRecord
    fk_name = "deployment"
    fields = [
        "kind",
        "action",
        "reason",
        "requested_by_party",
        "recorded_by",
        "recorded_at",
        "resolved_at",
        "resulting_deployment",
    ]
    readonly_fields = ["recorded_at"]


@admin.register(Deployment)
class DeploymentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "id",
        "leader",
        "client_school",
        "organisation",
        "status",
        "version",
        "starts_on",
        "ends_on",
        "academic_year",
        "total_cost",
    ]
    list_filter = ["status", "academic_year", "funding_route", "organisation"]
    search_fields = ["leader__user__name", "client_school__name", "home_school__name"]
    list_select_related = ["leader__user", "client_school", "organisation"]
    raw_id_fields = [
        "leader",
        "client_school",
        "home_school",
        "support_request",
        "package",
        "previous_version",
        "replaces",
        "capacity_overridden_by",
        "created_by",
    ]
    inlines = [ObjectiveInline, SignatureInline, ChangeInline]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SupportPackage)
class SupportPackageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "school", "organisation", "created_at"]
    search_fields = ["title", "school__name"]
    list_select_related = ["school", "organisation"]
    raw_id_fields = ["school"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
