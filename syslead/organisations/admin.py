"""Administrators set up brokers here."""

from __future__ import annotations

from django.contrib import admin

from syslead.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "local_authority_name", "lead_school", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "local_authority_name", "area_names"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["lead_school"]
    list_select_related = ["lead_school"]
