"""The demo brokers: a real teaching school alliance, a local authority and a teaching school hub,
as the shipped open data describes them."""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

from syslead.accounts.models import User
from syslead.organisations.models import (
    KnownBroker,
    KnownBrokerSource,
    Organisation,
    OrganisationKind,
)
from syslead.organisations.services import organisation_create, organisation_set_up_from_list
from syslead.schools.register import data_file

TEACHING_SCHOOLS_FILE = "teaching_schools_2018-03-12.csv"
HUBS_FILE = "teaching_school_hubs_2025-09-30.csv"

ALLIANCE_NAME = "KYRA Teaching School Alliance"
LOCAL_AUTHORITY_NAME = "South Gloucestershire Council"
LOCAL_AUTHORITY_AREA = "South Gloucestershire"
HUB_NAME = "L.E.A.D. Teaching School Hub Lincolnshire"


class DemoDataError(Exception):
    """The shipped data does not hold what the demo is built on."""


@dataclass(frozen=True)
class DemoOrganisations:
    alliance: Organisation
    local_authority: Organisation
    hub: Organisation

    def all(self) -> list[Organisation]:
        return [self.alliance, self.local_authority, self.hub]


def _rows(data_dir: Path, name: str) -> list[dict[str, str]]:
    path = data_file(data_dir, name)
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def alliance_lead_school_urn(data_dir: Path, alliance_name: str) -> int:
    """The URN of the alliance's teaching school in NCTL's list of March 2018."""
    for row in _rows(data_dir, TEACHING_SCHOOLS_FILE):
        if row["Alliance Name"].strip() == alliance_name:
            return int(row["URN"])
    raise DemoDataError(f"{alliance_name} is not in {TEACHING_SCHOOLS_FILE}.")


def hub_areas(data_dir: Path, hub_name: str) -> str:
    """The local authority districts a hub covers, ``;``-separated, from DfE's list of hubs."""
    for row in _rows(data_dir, HUBS_FILE):
        if row["name"].strip() == hub_name:
            return row["areas"].strip()
    raise DemoDataError(f"{hub_name} is not in {HUBS_FILE}.")


def _existing_or_new(
    *,
    actor: User,
    name: str,
    kind: str,
    local_authority_name: str = "",
    area_names: str = "",
    lead_school_urn: int | None = None,
    contact: tuple[str, str, str] = ("", "", ""),
) -> Organisation:
    existing = Organisation.objects.filter(name=name, kind=kind).first()
    if existing is not None:
        return existing
    entry = _list_entry(kind, name, local_authority_name)
    if entry is not None and not Organisation.objects.filter(known_broker=entry).exists():
        return organisation_set_up_from_list(
            actor=actor,
            entry=entry,
            name=name,
            lead_school_urn=lead_school_urn,
            area=local_authority_name or area_names,
            contact=contact,
        )
    return organisation_create(
        actor=actor,
        name=name,
        kind=kind,
        local_authority_name=local_authority_name,
        area_names=area_names,
        lead_school_urn=lead_school_urn,
        contact_name=contact[0],
        contact_email=contact[1],
        contact_phone=contact[2],
    )


def _list_entry(kind: str, name: str, local_authority_name: str) -> KnownBroker | None:
    """The entry of the lists of brokers (``known_brokers_load``) the demo broker is set up
    from, as an administrator would pick it (docs/going-live.md)."""
    if kind == OrganisationKind.TEACHING_SCHOOL_ALLIANCE:
        return KnownBroker.objects.filter(
            source=KnownBrokerSource.TEACHING_SCHOOL_ALLIANCE, key=name
        ).first()
    if kind == OrganisationKind.TEACHING_SCHOOL_HUB:
        return KnownBroker.objects.filter(
            source=KnownBrokerSource.TEACHING_SCHOOL_HUB, name=name
        ).first()
    return KnownBroker.objects.filter(
        source=KnownBrokerSource.LOCAL_AUTHORITY, key=local_authority_name
    ).first()


#: Who schools contact to ask each demo broker for support (the featured coordinators; telephone
#: numbers from the range Ofcom keeps for drama, which reach no one).
CONTACTS = {
    "alliance": ("Alice Hart, coordinator", "alice.hart@kyra.example", "01632 960101"),
    "local_authority": (
        "Olivia Price, coordinator",
        "olivia.price@southglos.example",
        "01632 960202",
    ),
    "hub": ("Hannah Webb, coordinator", "hannah.webb@leadhub.example", "01632 960303"),
}


def build_organisations(*, actor: User, data_dir: Path) -> DemoOrganisations:
    """The three demo brokers, created once: set up from their entries of the lists of brokers
    where the lists hold them (``organisation_set_up_from_list``), else ``organisation_create``."""
    return DemoOrganisations(
        alliance=_existing_or_new(
            actor=actor,
            name=ALLIANCE_NAME,
            kind=OrganisationKind.TEACHING_SCHOOL_ALLIANCE,
            lead_school_urn=alliance_lead_school_urn(data_dir, ALLIANCE_NAME),
            contact=CONTACTS["alliance"],
        ),
        local_authority=_existing_or_new(
            actor=actor,
            name=LOCAL_AUTHORITY_NAME,
            kind=OrganisationKind.LOCAL_AUTHORITY,
            local_authority_name=LOCAL_AUTHORITY_AREA,
            contact=CONTACTS["local_authority"],
        ),
        hub=_existing_or_new(
            actor=actor,
            name=HUB_NAME,
            kind=OrganisationKind.TEACHING_SCHOOL_HUB,
            area_names=hub_areas(data_dir, HUB_NAME),
            contact=CONTACTS["hub"],
        ),
    )
