from django.contrib import admin

from syslead.invitations.models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    """Read-only: invitations are sent, resent and cancelled from the People page (services)."""

    list_display = ["email", "name", "role", "organisation", "school", "status", "expires_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "name"]
    exclude = ["token_hash"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
