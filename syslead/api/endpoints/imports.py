"""Importing a broker's system leaders from a CSV file (the API contract, version 1.1).

The body is the file itself (``Content-Type: text/csv``), up to 10 MB: this endpoint reads the raw
body itself, so the API's 2.5 MB limit for JSON bodies does not apply to it, and a larger body is
413. All or nothing: 200 with what was created, updated and unchanged when every row is valid;
otherwise 422 listing every bad row, and nothing is written. ``dry_run=true`` answers the same and
writes nothing."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja import Field, Router, Schema

from syslead.api.auth import request_user
from syslead.api.errors import detail_response
from syslead.api.schemas import ErrorOut
from syslead.core.exceptions import NotAllowed
from syslead.imports.files import MAX_IMPORT_BYTES, FileProblem, read_csv
from syslead.imports.leaders import CREATED, UNCHANGED, UPDATED, ImportReport, leaders_import
from syslead.imports.rows import Rejection
from syslead.leaders.permissions import may_coordinate
from syslead.organisations.models import Organisation

router = Router(tags=["Imports"])


class ImportedLeaderOut(Schema):
    line: int = Field(description="The row's line in the file (the header is line 1).")
    id: int | None = Field(description="The leader's id (null in a dry run for a new leader).")
    email: str


class RejectedRowOut(Schema):
    line: int
    reason: str


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    leaders: list[ImportedLeaderOut]
    rejected: list[RejectedRowOut]
    dry_run: bool


class ImportRefusedOut(Schema):
    """422: the bad rows (``rejected``, each with its line), or, for a bad query string, only
    ``errors`` (``rejected`` is then empty or absent)."""

    detail: str
    rejected: list[RejectedRowOut] = Field(default_factory=list)
    errors: dict[str, list[str]]


class _TooLarge(Exception):
    pass


def _raw_body(request: HttpRequest) -> bytes:
    """The body, read here up to the import's own limit (10 MB) rather than the API's."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_IMPORT_BYTES:
        raise _TooLarge
    body = getattr(request, "_body", None)
    if body is None:
        try:
            body = request.read(MAX_IMPORT_BYTES + 1)
        except RawPostDataException:  # pragma: no cover - nothing reads the stream before us
            body = request.body
    if len(body) > MAX_IMPORT_BYTES:
        raise _TooLarge
    return bytes(body)


def _refused(report: ImportReport) -> HttpResponse:
    rejected = [{"line": r.line, "reason": r.reason} for r in report.rejected]
    return detail_response(
        422,
        report.detail,
        rejected=rejected,
        errors={"rows": [f"Line {r.line}: {r.reason}" for r in report.rejected]},
    )


@router.post(
    "/organisations/{organisation_id}/imports/leaders",
    response={
        200: ImportOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        413: ErrorOut,
        422: ImportRefusedOut,
    },
    summary="Import system leaders from a CSV file (a coordinator of the organisation)",
    description=(
        "Send the CSV file as the body (`Content-Type: text/csv`; UTF-8 with or without a byte "
        "order mark, or Windows-1252; at most 10 MB, 413 above). The header row names the "
        "columns `email, first_name, last_name, home_school, job_title, designation, "
        "designated_on, specialisms, phases, release_days, academic_year`. `specialisms` and "
        "`phases` are separated by `;`; `designation` is a type code or empty (with "
        "`designated_on` empty too); `release_days` and `academic_year` are both given or both "
        "empty. A row whose e-mail matches an existing leader updates that leader. Each leader is "
        "associated with the organisation. 422 lists every bad row (the header is line 1) and "
        "nothing is written; `dry_run=true` answers the same and writes nothing."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def import_leaders(request: HttpRequest, organisation_id: int, dry_run: bool = False) -> Any:
    user = request_user(request)
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404("No such organisation.")
    # Who may import is decided before the file is read: a refusal, not the file's faults.
    if not may_coordinate(user, organisation):
        raise NotAllowed(f"Only coordinators of {organisation.name} may import its leaders.")
    try:
        body = _raw_body(request)
    except _TooLarge:
        return detail_response(
            413, "The file is larger than 10 MB: split it into smaller files and import each."
        )
    try:
        table = read_csv(body)
    except FileProblem as problem:
        report = ImportReport(dry_run=dry_run)
        report.rejected.append(_file_rejection(problem))
        return _refused(report)
    report = leaders_import(actor=user, organisation=organisation, table=table, dry_run=dry_run)
    if report.rejected:
        return _refused(report)
    return {
        "created": report.count(CREATED),
        "updated": report.count(UPDATED),
        "unchanged": report.count(UNCHANGED),
        "leaders": [{"line": r.line, "id": r.id, "email": r.email} for r in report.leaders],
        "rejected": [],
        "dry_run": dry_run,
    }


def _file_rejection(problem: FileProblem) -> Any:
    return Rejection(1, problem.message)
