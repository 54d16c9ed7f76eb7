"""The audit of reads: ``read_record`` is the one helper the views of sensitive records call (a
safeguarding concern, an evaluation, a final report before quality assurance, an evidence pack
download, a subject access export download). Who may read that log: administrators, and for a
concern its named person (the one it was raised with, and the organisation's named person now)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from syslead.accounts.access import is_administrator
from syslead.accounts.models import User
from syslead.privacy.models import ReadAudit, ReadKind


def read_record(reader: Any, kind: ReadKind | str, record_id: int, detail: str = "") -> ReadAudit:
    """Record that ``reader`` read the record (call it from the view, once per read)."""
    user = reader if getattr(reader, "is_authenticated", False) else None
    return ReadAudit.objects.create(
        reader=user, kind=ReadKind(kind), record_id=record_id, detail=detail[:200]
    )


def reads_of(kind: ReadKind | str, record_id: int) -> QuerySet[ReadAudit]:
    """The reads of one record, newest first."""
    return ReadAudit.objects.filter(kind=ReadKind(kind), record_id=record_id).select_related(
        "reader"
    )


def _concern_named_person(user: User, concern_id: int) -> bool:
    from syslead.visits.models import Concern

    concern = (
        Concern.objects.filter(pk=concern_id)
        .select_related("organisation__concern_contact")
        .first()
    )
    if concern is None:
        return False
    if concern.named_person_id == user.pk:
        return True
    contact = getattr(concern.organisation, "concern_contact", None)
    return contact is not None and contact.safeguarding_lead_id == user.pk


def may_see_reads(user: User | AnonymousUser | None, kind: ReadKind | str, record_id: int) -> bool:
    """Administrators see every record's reads; a concern's named person sees the concern's."""
    if not isinstance(user, User):  # nobody, or nobody signed in
        return False
    if is_administrator(user):
        return True
    return ReadKind(kind) == ReadKind.CONCERN and _concern_named_person(user, record_id)


def reads_for_user(user: User, kind: str, record_id: int) -> QuerySet[ReadAudit]:
    """The log, or 404 to anyone who may not see it (and for an unknown kind)."""
    if kind not in ReadKind.values or not may_see_reads(user, kind, record_id):
        raise Http404("No such record.")
    return reads_of(kind, record_id)
