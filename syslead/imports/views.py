"""The leaders import pages: upload a CSV or Excel file, see what would be created, updated and
left unchanged and every bad row, then confirm. Nothing is written before the confirmation, and
nothing at all while any row is bad."""

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
from syslead.core.academic_years import AcademicYear
from syslead.core.http import AuthenticatedHttpRequest
from syslead.imports.files import (
    LEADER_COLUMNS,
    XLSX_CONTENT_TYPE,
    FileProblem,
    read_table,
    template_csv,
    template_xlsx,
)
from syslead.imports.forms import LeaderUploadForm
from syslead.imports.leaders import CREATED, UNCHANGED, UPDATED, ImportReport, leaders_import
from syslead.imports.models import LeaderUpload, UploadStatus
from syslead.organisations.models import Organisation


def _organisations(user: Any) -> QuerySet[Organisation]:
    if is_administrator(user):
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(pk__in=coordinated_organisation_ids(user)).order_by("name")


def _require_coordinator(user: Any) -> QuerySet[Organisation]:
    organisations = _organisations(user)
    if not organisations.exists():
        raise PermissionDenied("Only a broker's coordinators import its leaders.")
    return organisations


@login_required
@require_http_methods(["GET", "POST"])
def leaders_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = _require_coordinator(request.user)
    form = LeaderUploadForm(
        request.POST or None, request.FILES or None, organisations=organisations
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload.read(), upload.name or "")
        except FileProblem as problem:
            form.add_error("file", problem.message)
        else:
            saved = LeaderUpload.objects.create(
                organisation=form.cleaned_data["organisation"],
                uploaded_by=request.user,
                file_name=(upload.name or "upload")[:255],
                rows=table,
            )
            return redirect("imports:leaders_preview", saved.pk)
    context = {
        "form": form,
        "columns": LEADER_COLUMNS,
        "current_year": AcademicYear.current().label,
    }
    return render(request, "imports/leaders_upload.html", context)


def _upload_for(user: Any, upload_id: int) -> LeaderUpload:
    """An upload of an organisation the user coordinates, or 404."""
    upload = (
        LeaderUpload.objects.select_related("organisation")
        .filter(pk=upload_id, organisation__in=_organisations(user))
        .first()
    )
    if upload is None:
        raise Http404("No such upload.")
    return upload


def _preview_context(upload: LeaderUpload, report: ImportReport) -> dict[str, Any]:
    return {
        "upload": upload,
        "report": report,
        "created": report.count(CREATED),
        "updated": report.count(UPDATED),
        "unchanged": report.count(UNCHANGED),
    }


@login_required
def leaders_preview(request: AuthenticatedHttpRequest, upload_id: int) -> HttpResponse:
    """What the import would do, from a dry run of the rows as uploaded."""
    upload = _upload_for(request.user, upload_id)
    if upload.status == UploadStatus.IMPORTED:
        return render(request, "imports/leaders_done.html", {"upload": upload})
    report = leaders_import(
        actor=request.user, organisation=upload.organisation, table=upload.rows, dry_run=True
    )
    return render(request, "imports/leaders_preview.html", _preview_context(upload, report))


@login_required
@require_POST
def leaders_confirm(request: AuthenticatedHttpRequest, upload_id: int) -> HttpResponse:
    """Import the rows for real, all or nothing (they are checked again: records may have changed
    since the preview)."""
    upload = _upload_for(request.user, upload_id)
    if upload.status == UploadStatus.IMPORTED:
        return redirect("imports:leaders_preview", upload.pk)
    report = leaders_import(
        actor=request.user, organisation=upload.organisation, table=upload.rows, dry_run=False
    )
    if report.rejected:
        context = _preview_context(upload, report)
        context["changed_since_preview"] = True
        return render(request, "imports/leaders_preview.html", context)
    upload.status = UploadStatus.IMPORTED
    upload.imported_at = timezone.now()
    upload.save(update_fields=["status", "imported_at"])
    messages.success(
        request,
        f"Imported {len(report.leaders)} system leaders: {report.count(CREATED)} added, "
        f"{report.count(UPDATED)} updated, {report.count(UNCHANGED)} unchanged.",
    )
    return redirect("imports:leaders_preview", upload.pk)


@login_required
def leaders_template(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """The blank template with the exact columns, as CSV or Excel."""
    _require_coordinator(request.user)
    if kind == "csv":
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="syslead-leaders-template.csv"'
        return response
    if kind == "xlsx":
        response = HttpResponse(template_xlsx(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="syslead-leaders-template.xlsx"'
        return response
    raise Http404("No such template.")
