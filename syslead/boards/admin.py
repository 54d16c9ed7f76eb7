"""The board in the admin: to look up, not to edit (changes go through ``services``, which check
the rules and write the timeline)."""

from __future__ import annotations

from django.contrib import admin

from syslead.alliances.admin import ReadOnlyAdmin
from syslead.boards.models import ActionItem, BoardMember, BudgetLine, YearTargets


@admin.register(BoardMember)
class BoardMemberAdmin(ReadOnlyAdmin):
    list_display = ["name", "role", "organisation", "started_on", "ended_on"]
    list_filter = ["role"]
    search_fields = ["name", "organisation__name"]


@admin.register(YearTargets)
class YearTargetsAdmin(ReadOnlyAdmin):
    list_display = [
        "organisation",
        "academic_year",
        "sles_to_designate",
        "schools_to_support",
        "days_of_support",
    ]


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyAdmin):
    list_display = ["action", "owner", "due_on", "status", "organisation", "academic_year"]
    list_filter = ["status", "academic_year"]


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadOnlyAdmin):
    list_display = ["heading", "planned", "actual", "organisation", "academic_year"]
    list_filter = ["academic_year"]
