"""Writes for organisations."""

from __future__ import annotations

from django.db import transaction

from syslead.accounts.access import is_administrator
from syslead.accounts.models import User
from syslead.core.events import event_record
from syslead.core.exceptions import NotAllowed
from syslead.organisations.models import Organisation, OrganisationKind


@transaction.atomic
def organisation_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    local_authority_name: str = "",
    area_names: str = "",
    lead_school_urn: int | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
) -> Organisation:
    """Create a broker organisation of one of the contract's kinds: administrators only (api-v1
    "Who may do what"). ``actor`` None is the server itself (management commands, demo data)."""
    if actor is not None and not is_administrator(actor):
        raise NotAllowed("Only administrators may create organisations.")
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        slug=Organisation.unique_slug_for(name),
        local_authority_name=local_authority_name,
        area_names=area_names,
        lead_school_id=lead_school_urn,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        contact_phone=contact_phone.strip(),
    )
    organisation.full_clean()
    organisation.save()
    event_record(
        actor=actor,
        subject=organisation,
        verb="organisation.created",
        summary=f"Created {organisation.name}",
        data={"name": organisation.name, "kind": kind},
    )
    return organisation


__all__ = ["OrganisationKind", "organisation_create"]
