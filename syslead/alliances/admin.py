"""The alliance in the admin: to look up, not to edit (changes go through ``services``, which
recount attendance, refer members to the board and write the timeline)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from syslead.alliances.models import AllianceMember, BoardDecision, Meeting, MeetingAttendance


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AllianceMember)
class AllianceMemberAdmin(ReadOnlyAdmin):
    list_display = [
        "school",
        "organisation",
        "joined_on",
        "left_on",
        "mou_signed_on",
        "consecutive_meetings_missed",
        "referred_to_board",
    ]
    list_filter = ["organisation", "referred_to_board", "is_strategic_partner"]
    list_select_related = ["school", "organisation"]
    search_fields = ["school__name", "school__urn"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "held_on", "attendance_recorded_at"]
    list_filter = ["organisation"]


@admin.register(MeetingAttendance)
class MeetingAttendanceAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "member", "status"]
    list_select_related = ["meeting", "member__school"]


@admin.register(BoardDecision)
class BoardDecisionAdmin(ReadOnlyAdmin):
    list_display = ["member", "decided_on", "decision"]
