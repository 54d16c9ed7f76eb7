"""Reads of organisations that other areas reuse."""

from __future__ import annotations

from django.db.models import QuerySet

from syslead.organisations.models import Organisation


def organisation_by_id(organisation_id: int) -> Organisation | None:
    """The organisation with this id, or None (organisations' names and kinds are not secret)."""
    return Organisation.objects.filter(pk=organisation_id).first()


def organisations_with_ids(ids: set[int]) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=ids)
