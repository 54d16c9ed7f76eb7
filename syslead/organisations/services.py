"""Writes for organisations."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from syslead.accounts.access import is_administrator
from syslead.accounts.models import User
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation
from syslead.organisations.broker_lists import ListProblem, read_broker_lists
from syslead.organisations.models import (
    KnownBroker,
    KnownBrokerSource,
    Organisation,
    OrganisationKind,
)
from syslead.schools.models import School


@transaction.atomic
def organisation_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    local_authority_name: str = "",
    area_names: str = "",
    lead_school_urn: int | None = None,
    known_broker: KnownBroker | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
) -> Organisation:
    """Create a broker organisation of one of the contract's kinds: administrators only
    (docs/access.md). ``actor`` None is the server itself (management commands, demo data)."""
    if actor is not None and not is_administrator(actor):
        raise NotAllowed("Only administrators may create organisations.")
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        slug=Organisation.unique_slug_for(name),
        local_authority_name=local_authority_name,
        area_names=area_names,
        lead_school_id=lead_school_urn,
        known_broker=known_broker,
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


ALREADY_SET_UP = "known_broker_once"


def organisation_set_up_from_list(
    *,
    actor: User | None,
    entry: KnownBroker,
    name: str,
    lead_school_urn: int | None,
    area: str,
    contact: tuple[str, str, str] = ("", "", ""),
) -> Organisation:
    """Set up a broker from an entry of the shipped lists (docs/going-live.md): administrators
    only; its kind follows the list (hub, alliance, local authority); the lead school, when
    given, must be a school we hold; an entry is set up at most once (the one-to-one field's
    unique constraint backs this when two administrators press at the same moment). The area is
    a hub's or alliance's ``area_names`` and a local authority's ``local_authority_name``;
    ``contact`` is the broker's (name, e-mail, telephone), when known."""
    if actor is not None and not is_administrator(actor):
        raise NotAllowed("Only administrators may set up organisations.")
    try:
        with transaction.atomic():
            return _set_up(
                actor=actor,
                entry=entry,
                name=name,
                lead_school_urn=lead_school_urn,
                area=area,
                contact=contact,
            )
    except IntegrityError as error:  # the same entry set up at the same moment
        raise RuleViolation(_already_text(entry), rule=ALREADY_SET_UP) from error


def _already_text(entry: KnownBroker) -> str:
    existing = Organisation.objects.filter(known_broker_id=entry.pk).first()
    held = f" as {existing.name}" if existing is not None else ""
    return f"{entry.name} from the list is already set up{held}."


def _set_up(
    *,
    actor: User | None,
    entry: KnownBroker,
    name: str,
    lead_school_urn: int | None,
    area: str,
    contact: tuple[str, str, str],
) -> Organisation:
    locked = KnownBroker.objects.select_for_update().get(pk=entry.pk)
    if Organisation.objects.filter(known_broker=locked).exists():
        raise RuleViolation(_already_text(locked), rule=ALREADY_SET_UP)
    errors = FieldErrors()
    if not name.strip():
        errors.add("name", "Enter the organisation's name.")
    if lead_school_urn is not None and not School.objects.filter(pk=lead_school_urn).exists():
        errors.add(
            "lead_school_urn",
            f"We do not hold a school with URN {lead_school_urn}: check the URN (the school "
            "must be open in the register), or leave it empty.",
        )
    area = ";".join(part.strip() for part in area.split(";") if part.strip())
    is_la = locked.source == KnownBrokerSource.LOCAL_AUTHORITY
    if is_la and not area:
        errors.add("area", "Enter the local authority's area, as the school register names it.")
    errors.raise_if_any()
    try:
        return organisation_create(
            actor=actor,
            name=name,
            kind=locked.kind,
            local_authority_name=area if is_la else "",
            area_names="" if is_la else area,
            lead_school_urn=lead_school_urn,
            known_broker=locked,
            contact_name=contact[0],
            contact_email=contact[1],
            contact_phone=contact[2],
        )
    except ValidationError as error:
        fields = {"local_authority_name": "area", "area_names": "area"}
        if hasattr(error, "error_dict"):
            renamed = FieldErrors()
            for key, messages in error.message_dict.items():
                for message in messages:
                    renamed.add(fields.get(key, key), message)
            renamed.raise_if_any()
        raise


@dataclass(frozen=True)
class BrokerListsLoaded:
    """What loading the lists did, per list: entries added, changed and left as they were."""

    created: int
    updated: int
    unchanged: int
    by_source: dict[str, int]

    def summary(self) -> str:
        per_list = ", ".join(
            f"{count} {KnownBrokerSource(source).label.lower()}"
            for source, count in self.by_source.items()
        )
        return (
            f"Broker lists: {per_list}. {self.created} added, {self.updated} updated, "
            f"{self.unchanged} unchanged."
        )


class BrokerListsRefused(Exception):
    """Some rows of the lists cannot be used: nothing was loaded; ``problems`` names each."""

    def __init__(self, problems: list[ListProblem]) -> None:
        super().__init__(f"{len(problems)} rows of the broker lists cannot be used.")
        self.problems = problems


@transaction.atomic
def known_brokers_load(*, data_dir: Path | None = None) -> BrokerListsLoaded:
    """Load the hubs and alliances shipped in ``data/`` and the local authorities of the school
    register as list entries (docs/going-live.md). Idempotent: an entry is matched on its list
    and key, updated when the list says something else, never duplicated, never deleted (an
    organisation may be set up from it). All or nothing: while any row cannot be used,
    ``BrokerListsRefused`` lists every such row and nothing is written; a file that cannot be
    read raises ``BrokerListError``."""
    directory = Path(data_dir if data_dir is not None else settings.SYSLEAD_DATA_DIR)
    lists = read_broker_lists(directory)
    if lists.problems:
        raise BrokerListsRefused(lists.problems)
    held = {(e.source, e.key): e for e in KnownBroker.objects.all()}
    new: list[KnownBroker] = []
    changed: list[KnownBroker] = []
    by_source: dict[str, int] = {}
    for entry in lists.entries:
        by_source[entry.source] = by_source.get(entry.source, 0) + 1
        known = held.get((entry.source, entry.key))
        if known is None:
            new.append(
                KnownBroker(
                    source=entry.source,
                    key=entry.key,
                    name=entry.name,
                    lead_urn=entry.lead_urn,
                    area=entry.area,
                )
            )
        elif (known.name, known.lead_urn, known.area) != (entry.name, entry.lead_urn, entry.area):
            known.name, known.lead_urn, known.area = entry.name, entry.lead_urn, entry.area
            changed.append(known)
    KnownBroker.objects.bulk_create(new, batch_size=500)
    KnownBroker.objects.bulk_update(changed, ["name", "lead_urn", "area"], batch_size=500)
    unchanged = len(lists.entries) - len(new) - len(changed)
    return BrokerListsLoaded(len(new), len(changed), unchanged, by_source)


__all__ = [
    "BrokerListsLoaded",
    "BrokerListsRefused",
    "OrganisationKind",
    "known_brokers_load",
    "organisation_create",
    "organisation_set_up_from_list",
]
