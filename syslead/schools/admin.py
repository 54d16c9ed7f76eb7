"""The register in the Django admin. Schools are corrected through the same services as the API
(validated, logged); the register's own columns and the Ofsted history are read-only here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from syslead.core.http import signed_in_user
from syslead.schools.models import OfstedInspection, PostcodeArea, RegisterImport, School
from syslead.schools.services import school_create, school_fields_clean, school_update

#: The fields an administrator may correct; the rest come from GIAS and the shipped data.
EDITABLE = [
    "name",
    "phase",
    "local_authority",
    "town",
    "postcode",
    "latitude",
    "longitude",
    "ofsted_rating",
]


class SchoolAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = School
        fields = ["urn", *EDITABLE]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            school_fields_clean(
                name=data.get("name") or "",
                phase=data.get("phase") or "",
                postcode=data.get("postcode") or "",
                latitude=data.get("latitude"),
                longitude=data.get("longitude"),
                ofsted_rating=data.get("ofsted_rating") or "",
            )
        except ValidationError as error:
            raise ValidationError(error.message_dict) from error
        return data


class OfstedInspectionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OfstedInspection
    fields = ["inspected_on", "rating"]
    readonly_fields = ["inspected_on", "rating"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = SchoolAdminForm
    list_display = [
        "name",
        "urn",
        "phase",
        "local_authority",
        "postcode",
        "ofsted_rating",
        "is_open",
    ]
    list_filter = ["phase", "is_open", "local_authority"]
    search_fields = ["name", "=urn", "postcode", "postcode_compact", "town"]
    readonly_fields = [
        "establishment_type",
        "type_group",
        "is_open",
        "la_code",
        "district",
        "region",
        "postcode_compact",
        "easting",
        "northing",
        "location_source",
        "age_low",
        "age_high",
        "religious_character",
        "trust_name",
        "ofsted_inspected_on",
        "name_search",
        "updated_at",
    ]
    inlines = [OfstedInspectionInline]
    list_per_page = 50
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*self.readonly_fields, "urn"] if obj is not None else list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: School, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data.get(name) for name in EDITABLE}
        text = {
            name: values[name] or "" for name in EDITABLE if name not in ("latitude", "longitude")
        }
        if change:
            school_update(
                actor=signed_in_user(request),
                urn=obj.urn,
                latitude=values["latitude"],
                longitude=values["longitude"],
                **text,
            )
        else:
            school_create(
                actor=signed_in_user(request),
                urn=form.cleaned_data["urn"],
                latitude=values["latitude"],
                longitude=values["longitude"],
                **text,
            )


@admin.register(PostcodeArea)
class PostcodeAreaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["outward", "latitude", "longitude"]
    search_fields = ["=outward"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RegisterImport)
class RegisterImportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "source", "file_name", "added", "updated", "rejected", "actor"]
    list_filter = ["source"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
