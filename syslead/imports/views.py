"""The import pages, for system leaders and for people: upload a CSV or Excel file, see what would
happen to each row and every bad row, then confirm. Nothing is written before the confirmation,
and nothing at all while any row is bad. Imported people are invited once the import is
confirmed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from syslead.accounts.access import coordinated_organisation_ids, is_administrator
from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.queries import one_or_none
from syslead.imports import leaders, people
from syslead.imports.files import (
    LEADER_COLUMNS,
    PEOPLE_COLUMNS,
    XLSX_CONTENT_TYPE,
    FileProblem,
    read_table,
    template_csv,
    template_xlsx,
)
from syslead.imports.forms import UploadForm
from syslead.imports.models import Upload, UploadKind, UploadStatus
from syslead.organisations.models import Organisation

COLUMNS = {UploadKind.LEADERS: LEADER_COLUMNS, UploadKind.PEOPLE: PEOPLE_COLUMNS}


def _kind(value: str) -> UploadKind:
    try:
        return UploadKind(value)
    except ValueError:
        raise Http404("No such import.") from None


def _organisations(user: User) -> QuerySet[Organisation]:
    if is_administrator(user):
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(pk__in=coordinated_organisation_ids(user)).order_by("name")


def _require_coordinator(user: User) -> QuerySet[Organisation]:
    organisations = _organisations(user)
    if not organisations.exists():
        raise PermissionDenied("Only a broker's coordinators import its records.")
    return organisations


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    what = _kind(kind)
    organisations = _require_coordinator(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            table = read_table(file.read(), file.name or "")
        except FileProblem as problem:
            form.add_error("file", problem.message)
        else:
            saved = Upload.objects.create(
                kind=what,
                organisation=form.cleaned_data["organisation"],
                uploaded_by=request.user,
                file_name=(file.name or "upload")[:255],
                rows=table,
            )
            return redirect("imports:preview", what.value, saved.pk)
    context = {
        "form": form,
        "kind": what,
        "columns": COLUMNS[what],
        "current_year": AcademicYear.current().label,
    }
    return render(request, f"imports/{what.value}_upload.html", context)


def _upload_for(user: User, kind: str, upload_id: int) -> Upload:
    """An upload of an organisation the user coordinates, or 404."""
    found = one_or_none(
        Upload.objects.select_related("organisation").filter(
            pk=upload_id, kind=_kind(kind), organisation__in=_organisations(user)
        )
    )
    if found is None:
        raise Http404("No such upload.")
    return found


def _run(request: AuthenticatedHttpRequest, saved: Upload, *, dry_run: bool) -> dict[str, Any]:
    """The import of the saved rows (a dry run for the preview), and the page's figures."""
    user = request.user
    if saved.kind == UploadKind.PEOPLE:
        people_report = people.people_import(
            actor=user,
            organisation=saved.organisation,
            table=saved.rows,
            dry_run=dry_run,
            site_url=request.build_absolute_uri("/").rstrip("/"),
        )
        return {
            "report": people_report,
            "rows": people_report.people,
            "rejected": people_report.rejected,
            "counts": [
                ("To invite", people_report.count(people.INVITE)),
                ("Role to add to an existing account", people_report.count(people.ROLE_ADDED)),
                ("Already invited or holding the role", people_report.count(people.UNCHANGED)),
            ],
        }
    leaders_report = leaders.leaders_import(
        actor=user, organisation=saved.organisation, table=saved.rows, dry_run=dry_run
    )
    return {
        "report": leaders_report,
        "rows": leaders_report.leaders,
        "rejected": leaders_report.rejected,
        "counts": [
            ("To add", leaders_report.count(leaders.CREATED)),
            ("To update", leaders_report.count(leaders.UPDATED)),
            ("Unchanged", leaders_report.count(leaders.UNCHANGED)),
        ],
    }


@login_required
def preview(request: AuthenticatedHttpRequest, kind: str, upload_id: int) -> HttpResponse:
    """What the import would do, from a dry run of the rows as uploaded."""
    saved = _upload_for(request.user, kind, upload_id)
    if saved.status == UploadStatus.IMPORTED:
        return render(request, "imports/done.html", {"upload": saved})
    context = {"upload": saved, **_run(request, saved, dry_run=True)}
    return render(request, "imports/preview.html", context)


@login_required
@require_POST
def confirm(request: AuthenticatedHttpRequest, kind: str, upload_id: int) -> HttpResponse:
    """Import the rows for real, all or nothing (they are checked again: records may have changed
    since the preview)."""
    saved = _upload_for(request.user, kind, upload_id)
    if saved.status == UploadStatus.IMPORTED:
        return redirect("imports:preview", saved.kind, saved.pk)
    result = _run(request, saved, dry_run=False)
    if result["rejected"]:
        context = {"upload": saved, "changed_since_preview": True, **result}
        return render(request, "imports/preview.html", context)
    saved.status = UploadStatus.IMPORTED
    saved.imported_at = timezone.now()
    saved.save(update_fields=["status", "imported_at"])
    figures = ", ".join(f"{label.lower()}: {count}" for label, count in result["counts"])
    noun = "system leaders" if saved.kind == UploadKind.LEADERS else "people"
    messages.success(request, f"Imported {len(result['rows'])} {noun} ({figures}).")
    return redirect("imports:preview", saved.kind, saved.pk)


@login_required
def template(request: AuthenticatedHttpRequest, kind: str, extension: str) -> HttpResponse:
    """The blank template with the exact columns, as CSV or Excel."""
    what = _kind(kind)
    _require_coordinator(request.user)
    name = f"syslead-{what.value}-template.{extension}"
    if extension == "csv":
        response = HttpResponse(template_csv(COLUMNS[what]), content_type="text/csv; charset=utf-8")
    elif extension == "xlsx":
        response = HttpResponse(
            template_xlsx(COLUMNS[what], title=str(what.label)), content_type=XLSX_CONTENT_TYPE
        )
    else:
        raise Http404("No such template.")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
