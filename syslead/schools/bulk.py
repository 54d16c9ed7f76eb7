"""Create-or-update many schools and inspections at once, by URN, in batches.

Used by the GIAS import and the shipped-register loader inside their transaction. Each row is a
dict of the fields the source knows; fields a row leaves out keep the school's current value.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils import timezone

from syslead.schools.models import OfstedInspection, School

BATCH_SIZE = 900  # below SQLite's older 999-variable limit
T = TypeVar("T")

_OFSTED_FIELDS = ("ofsted_rating", "ofsted_inspected_on")


def batched(items: Sequence[T], size: int = BATCH_SIZE) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class UpsertCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def __iadd__(self, other: UpsertCounts) -> UpsertCounts:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


def _existing_schools(urns: Sequence[int]) -> dict[int, School]:
    found: dict[int, School] = {}
    for chunk in batched(urns):
        found.update((s.urn, s) for s in School.objects.filter(urn__in=chunk))
    return found


def _older_ofsted(school: School, row: dict[str, Any]) -> bool:
    """Whether the row's Ofsted grade is older than the one the school already has."""
    new_date: datetime.date | None = row.get("ofsted_inspected_on")
    current = school.ofsted_inspected_on
    return current is not None and (new_date is None or new_date < current)


def upsert_schools(rows: Sequence[dict[str, Any]]) -> UpsertCounts:
    """Create the schools whose URN is new and update the others where a field differs. A row's
    Ofsted grade never replaces a more recent one."""
    counts = UpsertCounts()
    existing = _existing_schools([row["urn"] for row in rows])
    to_create: list[School] = []
    to_update: list[School] = []
    fields: set[str] = set()
    now = timezone.now()
    for row in rows:
        school = existing.get(row["urn"])
        if school is None:
            to_create.append(School(**row))
            continue
        changed = False
        skip_ofsted = _older_ofsted(school, row)
        for field, value in row.items():
            if field == "urn" or (skip_ofsted and field in _OFSTED_FIELDS):
                continue
            if getattr(school, field) != value:
                setattr(school, field, value)
                fields.add(field)
                changed = True
        if changed:
            school.updated_at = now
            to_update.append(school)
        else:
            counts.unchanged += 1
    for chunk in batched(to_create):
        School.objects.bulk_create(chunk)
    if to_update:
        update_fields = sorted(fields | {"updated_at"})
        # Each UPDATE names every changed column, so keep batches small enough for SQLite.
        School.objects.bulk_update(to_update, update_fields, batch_size=200)
    counts.added, counts.updated = len(to_create), len(to_update)
    return counts


def upsert_inspections(items: Iterable[tuple[int, datetime.date, str]]) -> UpsertCounts:
    """Record graded inspections (URN, date, rating), one per school per day: a later source's
    rating for the same day replaces the earlier one."""
    wanted: dict[tuple[int, datetime.date], str] = {}
    for urn, inspected_on, rating in items:
        wanted[(urn, inspected_on)] = rating
    counts = UpsertCounts()
    urns = sorted({urn for urn, _ in wanted})
    existing: dict[tuple[int, datetime.date], OfstedInspection] = {}
    for urn_chunk in batched(urns):
        for inspection in OfstedInspection.objects.filter(school_id__in=urn_chunk):
            existing[(inspection.school_id, inspection.inspected_on)] = inspection
    to_create: list[OfstedInspection] = []
    to_update: list[OfstedInspection] = []
    for (urn, inspected_on), rating in wanted.items():
        found = existing.get((urn, inspected_on))
        if found is None:
            to_create.append(
                OfstedInspection(school_id=urn, inspected_on=inspected_on, rating=rating)
            )
        elif found.rating != rating:
            found.rating = rating
            to_update.append(found)
        else:
            counts.unchanged += 1
    for new_chunk in batched(to_create):
        OfstedInspection.objects.bulk_create(new_chunk)
    OfstedInspection.objects.bulk_update(to_update, ["rating"], batch_size=BATCH_SIZE)
    counts.added, counts.updated = len(to_create), len(to_update)
    return counts
