"""Administrators manage people, their roles and API tokens here."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from syslead.accounts.models import ApiToken, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["school"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    ordering = ["name", "email"]
    list_display = ["email", "name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "role_assignments__role"]
    search_fields = ["email", "name"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),
    )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "role", "organisation", "school", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__name", "organisation__name", "school__name"]
    autocomplete_fields = ["user", "organisation"]
    raw_id_fields = ["school"]
    list_select_related = ["user", "organisation", "school"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["prefix", "user", "label", "created_at", "expires_at", "last_used_at"]
    search_fields = ["user__email", "prefix", "label"]
    readonly_fields = ["key_hash", "prefix", "created_at", "last_used_at"]
    list_select_related = ["user"]

    def has_add_permission(self, request: object) -> bool:
        # Tokens are issued from the account page or ``manage.py issue_token``, so the raw value
        # is shown once.
        return False
