"""Writes to the register of schools. Bulk loads (GIAS files, the shipped register) live in
``gias.py`` and ``register.py``; one-off additions and corrections come through here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.db import OperationalError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation, field_error
from syslead.schools import register
from syslead.schools.bulk import BATCH_SIZE, UpsertCounts, upsert_inspections, upsert_schools
from syslead.schools.csvfile import RejectedRow
from syslead.schools.gias import GiasFileError, GiasReader
from syslead.schools.maps import forget_land
from syslead.schools.models import Phase, PostcodeArea, RegisterImport, School
from syslead.schools.ofsted import ofsted_rating_from
from syslead.schools.ofsted_file import OfstedFileError, read_ofsted_file
from syslead.schools.phases import phase_from_label
from syslead.schools.postcodes import is_full_postcode, postcode_compact, postcode_normalised
from syslead.schools.search_text import name_search_for
from syslead.schools.selectors import forget_local_authority_names, schools_editable_by

# Great Britain and Northern Ireland, with a margin: a school placed outside is a typing mistake.
LATITUDE_RANGE: Final = (49.0, 61.0)
LONGITUDE_RANGE: Final = (-8.7, 2.0)


class _Unchanged(Enum):
    UNCHANGED = "unchanged"


UNCHANGED: Final = _Unchanged.UNCHANGED
MAX_LOGGED_REJECTIONS = 1000


def _check_may_edit(actor: User | None) -> None:
    # ``actor=None`` is the system itself (management commands, data loads).
    if actor is not None and not schools_editable_by(actor):
        raise NotAllowed("Only administrators and coordinators may add or change schools.")


def school_fields_clean(
    *,
    name: str,
    phase: str,
    postcode: str,
    latitude: float | None,
    longitude: float | None,
    ofsted_rating: str,
) -> dict[str, Any]:
    """Parse the fields people type; every invalid field is reported together, by name."""
    errors = FieldErrors()
    cleaned: dict[str, Any] = {"name": " ".join((name or "").split())}
    if not cleaned["name"]:
        errors["name"] = ["Enter the school's name."]
    phase_code = phase_from_label(phase)
    if phase_code is None:
        codes = ", ".join(Phase.values)
        errors["phase"] = [
            f"'{phase}' is not a phase: use one of {codes}."
            if phase
            else f"Enter the school's phase: one of {codes}."
        ]
    cleaned["phase"] = phase_code or ""
    if postcode and postcode.strip() and not is_full_postcode(postcode):
        errors["postcode"] = [f"'{postcode}' is not a full UK postcode, like LN1 3JG."]
    cleaned["postcode"] = postcode_normalised(postcode or "")
    cleaned["postcode_compact"] = postcode_compact(postcode or "")
    if (latitude is None) != (longitude is None):
        errors["latitude" if latitude is None else "longitude"] = [
            "Give both latitude and longitude, or neither."
        ]
    if latitude is not None and not LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1]:
        errors["latitude"] = ["The latitude must be in the United Kingdom (49 to 61)."]
    if longitude is not None and not LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]:
        errors["longitude"] = ["The longitude must be in the United Kingdom (-8.7 to 2)."]
    cleaned["latitude"], cleaned["longitude"] = latitude, longitude
    rating = ofsted_rating_from(ofsted_rating)
    if rating is None:
        errors["ofsted_rating"] = [
            f"'{ofsted_rating}' is not an Ofsted grade: use outstanding, good, "
            "requires_improvement, satisfactory, inadequate or leave it empty."
        ]
    cleaned["ofsted_rating"] = rating or ""
    errors.raise_if_any()
    return cleaned


@transaction.atomic
def school_create(
    *,
    actor: User,
    urn: int,
    name: str,
    phase: str,
    local_authority: str,
    postcode: str,
    latitude: float | None,
    longitude: float | None,
    ofsted_rating: str,
    town: str = "",
) -> School:
    """Add a school the register does not hold yet: one school per URN (rule ``school_exists``)."""
    _check_may_edit(actor)
    if not isinstance(urn, int) or isinstance(urn, bool) or urn <= 0:
        raise field_error("urn", "The URN must be a positive whole number.")
    fields = school_fields_clean(
        name=name,
        phase=phase,
        postcode=postcode,
        latitude=latitude,
        longitude=longitude,
        ofsted_rating=ofsted_rating,
    )
    if School.objects.filter(urn=urn).exists():
        raise RuleViolation(
            f"A school with URN {urn} is already in the register.", rule="school_exists"
        )
    school = School(
        urn=urn,
        local_authority=" ".join((local_authority or "").split()),
        town=" ".join((town or "").split()),
        location_source="given" if latitude is not None else "",
        **fields,
    )
    school.name_search = name_search_for(school.name, school.town)
    school.full_clean()
    school.save(force_insert=True)
    transaction.on_commit(forget_local_authority_names)
    transaction.on_commit(forget_land)
    event_record(
        actor=actor,
        subject=school,
        verb="school.created",
        summary=f"Added {school.name} ({school.urn}) to the register",
        data={
            "urn": urn,
            "name": school.name,
            "phase": school.phase,
            "local_authority": school.local_authority,
            "postcode": school.postcode,
            "latitude": school.latitude,
            "longitude": school.longitude,
            "ofsted_rating": school.ofsted_rating,
        },
    )
    return school


@transaction.atomic
def school_update(
    *,
    actor: User,
    urn: int,
    name: str | None = None,
    phase: str | None = None,
    local_authority: str | None = None,
    postcode: str | None = None,
    latitude: float | _Unchanged | None = UNCHANGED,
    longitude: float | _Unchanged | None = UNCHANGED,
    ofsted_rating: str | None = None,
    town: str | None = None,
) -> School:
    """Correct a school's details; fields left out (None) keep their value. The change is logged."""
    _check_may_edit(actor)
    school = get_object_or_404(School.objects.select_for_update(), urn=urn)
    new_latitude = school.latitude if latitude is UNCHANGED else latitude
    new_longitude = school.longitude if longitude is UNCHANGED else longitude
    fields = school_fields_clean(
        name=school.name if name is None else name,
        phase=school.phase if phase is None else phase,
        postcode=school.postcode if postcode is None else postcode,
        latitude=new_latitude,
        longitude=new_longitude,
        ofsted_rating=school.ofsted_rating if ofsted_rating is None else ofsted_rating,
    )
    if local_authority is not None:
        fields["local_authority"] = " ".join(local_authority.split())
    if town is not None:
        fields["town"] = " ".join(town.split())
    changes: dict[str, list[Any]] = {}
    for field, value in fields.items():
        old = getattr(school, field)
        if old != value:
            changes[field] = [old, value]
            setattr(school, field, value)
    if not changes:
        return school
    if "latitude" in changes or "longitude" in changes:
        school.location_source = "given" if school.latitude is not None else ""
        school.easting = school.northing = None
    school.name_search = name_search_for(school.name, school.town)
    school.full_clean()
    school.save()
    transaction.on_commit(forget_local_authority_names)
    transaction.on_commit(forget_land)
    event_record(
        actor=actor,
        subject=school,
        verb="school.updated",
        summary=f"Changed {', '.join(sorted(changes))} of {school.name} ({school.urn})",
        data={"changes": changes},
    )
    return school


@dataclass
class ImportResult:
    """What a bulk load did: counts, every rejected row with its reason, and the logged record."""

    added: int
    updated: int
    unchanged: int
    rejected: list[RejectedRow]
    inspections_added: int
    record: RegisterImport
    #: Every rejected row; ``rejected`` lists the first ``MAX_KEPT_REJECTIONS`` of them.
    rejected_count: int = 0

    def summary(self) -> str:
        return (
            f"Added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {self.rejected_count}; {self.inspections_added} Ofsted inspections added."
        )


def _log_import(
    *,
    actor: User | None,
    source: str,
    file_name: str,
    schools: UpsertCounts,
    inspections: UpsertCounts,
    rejected: list[RejectedRow],
    rejected_count: int | None = None,
) -> ImportResult:
    transaction.on_commit(forget_local_authority_names)
    transaction.on_commit(forget_land)
    if rejected_count is None:
        rejected_count = len(rejected)
    record = RegisterImport.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        source=source,
        file_name=file_name[:255],
        added=schools.added,
        updated=schools.updated,
        unchanged=schools.unchanged,
        rejected=rejected_count,
        inspections_added=inspections.added,
        rejected_rows=[row.as_dict() for row in rejected[:MAX_LOGGED_REJECTIONS]],
    )
    event_record(
        actor=actor,
        subject=record,
        verb="schools.imported",
        summary=f"{record.get_source_display()} {file_name}: {schools.added} added, "
        f"{schools.updated} updated, {rejected_count} rejected",
        data={
            "added": schools.added,
            "updated": schools.updated,
            "unchanged": schools.unchanged,
            "rejected": rejected_count,
            "inspections_added": inspections.added,
        },
    )
    return ImportResult(
        added=schools.added,
        updated=schools.updated,
        unchanged=schools.unchanged,
        rejected=rejected,
        inspections_added=inspections.added,
        record=record,
        rejected_count=rejected_count,
    )


def _ran_out(what: str, error: BaseException) -> str:
    """The message for a bulk load stopped by the machine (memory, disk, database)."""
    if isinstance(error, MemoryError):
        cause = "the server ran out of memory"
    elif isinstance(error, OperationalError):
        cause = f"the database could not store it ({error}); if its disk is full, free some space"
    else:
        cause = f"the file could not be read ({error})"
    return f"Nothing was imported from {what}: {cause}. The register is unchanged; try again."


def schools_import_gias(*, actor: User | None, path: str | Path) -> ImportResult:
    """Create or update schools by URN from a GIAS download as DfE publishes it: valid rows in one
    transaction, each bad row rejected with its line and reason; a bad file imports nothing.

    The file is streamed and written in batches inside that one transaction, so memory stays
    bounded; if the file turns out to be bad part-way, or the machine runs out of memory, disk or
    database, the transaction is rolled back and ``GiasFileError`` says what happened."""
    _check_may_edit(actor)
    name = Path(path).name
    try:
        reader = GiasReader(path)  # decides the encoding: refuses the file before any write
        with transaction.atomic():
            schools, inspections = UpsertCounts(), UpsertCounts()
            for batch in reader.batches():
                schools += upsert_schools(batch.schools)
                inspections += upsert_inspections(batch.inspections)
            return _log_import(
                actor=actor,
                source=RegisterImport.Source.GIAS,
                file_name=name,
                schools=schools,
                inspections=inspections,
                rejected=reader.rejected,
                rejected_count=reader.rejected_count,
            )
    except (MemoryError, OperationalError, OSError) as error:
        raise GiasFileError(_ran_out(name, error)) from error


@dataclass
class OfstedImportResult:
    """What an Ofsted file's import did: inspections added, updated (a new grade for the same
    day) and unchanged; rows kept apart (no single overall grade) and rejected, with reasons."""

    layout: str
    added: int
    updated: int
    unchanged: int
    schools_updated: int
    rejected: list[RejectedRow]
    rejected_count: int
    kept_apart: list[RejectedRow]
    kept_apart_count: int
    record: RegisterImport

    def summary(self) -> str:
        return (
            f"Inspections added {self.added}, updated {self.updated}, unchanged "
            f"{self.unchanged}, kept apart {self.kept_apart_count} (no single overall grade), "
            f"rejected {self.rejected_count}; {self.schools_updated} schools' latest grade "
            "updated."
        )


def schools_import_ofsted(*, actor: User | None, path: str | Path) -> OfstedImportResult:
    """Add or correct graded Ofsted inspections from a file as Ofsted publishes it (its
    management information CSV, or the shipped history's layout; ``ofsted_file``), and bring each
    school's latest grade up to date. All or nothing: the file is read and checked in full before
    anything is written, and everything is written in one transaction; a bad file, or a failure
    while writing, imports nothing (``OfstedFileError``). Bad rows are rejected with their line
    and reason, rows without a single overall grade are kept apart, and the rest are imported."""
    _check_may_edit(actor)
    name = Path(path).name
    try:
        register_urns = set(School.objects.values_list("urn", flat=True))
        rows = read_ofsted_file(path, register_urns, timezone.localdate())
        latest: dict[int, tuple[dt.date, str]] = {}
        for urn, inspected_on, rating in rows.inspections:
            if urn not in latest or inspected_on >= latest[urn][0]:
                latest[urn] = (inspected_on, rating)
        with transaction.atomic():
            inspections = upsert_inspections(rows.inspections)
            schools = upsert_schools(
                [
                    {"urn": urn, "ofsted_rating": rating, "ofsted_inspected_on": inspected_on}
                    for urn, (inspected_on, rating) in latest.items()
                ]
            )
            record = RegisterImport.objects.create(
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                source=RegisterImport.Source.OFSTED,
                file_name=name[:255],
                added=inspections.added,
                updated=inspections.updated,
                unchanged=inspections.unchanged,
                rejected=rows.rejected_count,
                inspections_added=inspections.added,
                kept_apart=rows.kept_apart_count,
                rejected_rows=[row.as_dict() for row in rows.rejected[:MAX_LOGGED_REJECTIONS]],
            )
            event_record(
                actor=actor,
                subject=record,
                verb="ofsted.imported",
                summary=f"Ofsted inspections {name}: {inspections.added} added, "
                f"{inspections.updated} updated, {rows.kept_apart_count} kept apart, "
                f"{rows.rejected_count} rejected",
                data={
                    "layout": rows.layout,
                    "added": inspections.added,
                    "updated": inspections.updated,
                    "unchanged": inspections.unchanged,
                    "kept_apart": rows.kept_apart_count,
                    "rejected": rows.rejected_count,
                    "schools_updated": schools.updated,
                },
            )
    except (MemoryError, OperationalError) as error:
        raise OfstedFileError(_ran_out(name, error)) from error
    return OfstedImportResult(
        layout=rows.layout,
        added=inspections.added,
        updated=inspections.updated,
        unchanged=inspections.unchanged,
        schools_updated=schools.updated,
        rejected=rows.rejected,
        rejected_count=rows.rejected_count,
        kept_apart=rows.kept_apart,
        kept_apart_count=rows.kept_apart_count,
        record=record,
    )


@dataclass
class RegisterLoadCounts:
    """What ``schools_load_register`` did."""

    schools_added: int
    schools_updated: int
    schools_unchanged: int
    schools_rejected: int
    inspections_added: int
    inspections_updated: int
    inspections_not_in_register: int
    inspections_same_day_duplicates: int
    postcode_areas_added: int
    postcode_areas_updated: int
    record: RegisterImport

    def summary(self) -> str:
        return (
            f"Schools: {self.schools_added} added, {self.schools_updated} updated, "
            f"{self.schools_unchanged} unchanged, {self.schools_rejected} rejected. "
            f"Ofsted inspections: {self.inspections_added} added, {self.inspections_updated} "
            f"updated, {self.inspections_not_in_register} of schools not in the register and "
            f"{self.inspections_same_day_duplicates} same-day repeats ignored. "
            f"Postcode areas: {self.postcode_areas_added} added, {self.postcode_areas_updated} "
            "updated."
        )


def _upsert_postcode_areas(areas: list[dict[str, Any]]) -> UpsertCounts:
    existing = {area.outward: area for area in PostcodeArea.objects.all()}
    to_create: list[PostcodeArea] = []
    to_update: list[PostcodeArea] = []
    for fields in areas:
        area = existing.get(fields["outward"])
        if area is None:
            to_create.append(PostcodeArea(**fields))
            continue
        if any(getattr(area, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(area, name, value)
            to_update.append(area)
    PostcodeArea.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    PostcodeArea.objects.bulk_update(
        to_update, ["latitude", "longitude", "easting", "northing"], batch_size=BATCH_SIZE
    )
    return UpsertCounts(
        added=len(to_create),
        updated=len(to_update),
        unchanged=len(areas) - len(to_create) - len(to_update),
    )


def schools_load_register(
    *, data_dir: str | Path | None = None, actor: User | None = None
) -> RegisterLoadCounts:
    """Load the shipped register (open schools, Ofsted history, outward-code centroids) from
    ``data_dir`` (default ``settings.SYSLEAD_DATA_DIR``): create or update by URN, never twice."""
    _check_may_edit(actor)
    directory = Path(data_dir if data_dir is not None else settings.SYSLEAD_DATA_DIR)
    schools_path = register.data_file(directory, register.SCHOOLS_FILE)
    inspections_path = register.data_file(directory, register.INSPECTIONS_FILE)
    areas_path = register.data_file(directory, register.POSTCODE_AREAS_FILE)
    try:
        return _load_register(actor, schools_path, inspections_path, areas_path)
    except (MemoryError, OperationalError) as error:
        raise register.RegisterFileError(_ran_out(str(directory), error)) from error


def _load_register(
    actor: User | None, schools_path: Path, inspections_path: Path, areas_path: Path
) -> RegisterLoadCounts:
    # Read and check every file before writing anything.
    unusable: list[RejectedRow] = []
    school_rows = register.read_school_rows(schools_path, unusable)
    inspection_rows = register.read_inspections(
        inspections_path, register.register_urns(school_rows)
    )
    built = register.build_schools(
        school_rows, register.latest_by_school(inspection_rows.inspections)
    )
    built.rejected[:0] = unusable
    areas = register.read_postcode_areas(areas_path)
    with transaction.atomic():
        areas_counts = _upsert_postcode_areas(areas)
        schools = upsert_schools(built.schools)
        inspections = upsert_inspections(inspection_rows.inspections)
        result = _log_import(
            actor=actor,
            source=RegisterImport.Source.REGISTER,
            file_name=schools_path.name,
            schools=schools,
            inspections=inspections,
            rejected=built.rejected + inspection_rows.rejected,
        )
    return RegisterLoadCounts(
        schools_added=schools.added,
        schools_updated=schools.updated,
        schools_unchanged=schools.unchanged,
        schools_rejected=len(built.rejected),
        inspections_added=inspections.added,
        inspections_updated=inspections.updated,
        inspections_not_in_register=inspection_rows.not_in_register,
        inspections_same_day_duplicates=inspection_rows.same_day_duplicates,
        postcode_areas_added=areas_counts.added,
        postcode_areas_updated=areas_counts.updated,
        record=result.record,
    )
