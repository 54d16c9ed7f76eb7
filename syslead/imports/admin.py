from django.contrib import admin

from syslead.imports.models import Upload


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin[Upload]):
    """Read-only: uploads are made and confirmed on the import pages."""

    list_display = ["file_name", "kind", "organisation", "uploaded_by", "status", "created_at"]
    list_filter = ["kind", "status"]
    exclude = ["rows"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
