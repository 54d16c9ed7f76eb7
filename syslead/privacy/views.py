"""Pages of the privacy area: the public privacy notice, and for administrators the person's page
(subject access exports with their progress, erasure), the retention runs, and the log of who
read a sensitive record (administrators, and a concern's named person). Administrator pages are
404 to everyone else, as records are to outsiders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from syslead.accounts.access import is_administrator
from syslead.accounts.models import User
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import run_service
from syslead.privacy import erasure, subject_access
from syslead.privacy.audit import read_record, reads_for_user
from syslead.privacy.forms import ErasureForm, PersonSearchForm
from syslead.privacy.models import Erasure, ReadKind, RetentionRun, SubjectAccessExport
from syslead.privacy.notice import CONCERNS_SEEN_BY, PUBLIC_DIRECTORY, ROLE_ACCESS
from syslead.privacy.retention import RULES

#: The htmx poll's interval while an export is queued or being made.
POLL_SECONDS = 2
PEOPLE_SHOWN = 50


def _administrators_only(request: AuthenticatedHttpRequest) -> None:
    if not is_administrator(request.user):
        raise Http404("No such page.")


# --- The privacy notice (public) ---------------------------------------------------------------


def notice(request: HttpRequest) -> HttpResponse:
    """What Syslead holds, who sees it and for how long: generated from the retention table and
    the roles, readable without signing in."""
    context = {
        "rules": RULES,
        "roles": ROLE_ACCESS,
        "concerns_seen_by": CONCERNS_SEEN_BY,
        "public_directory": PUBLIC_DIRECTORY,
        "is_administrator": is_administrator(request.user),
    }
    return render(request, "privacy/notice.html", context)


# --- People: subject access and erasure (administrators) ---------------------------------------


@login_required
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    _administrators_only(request)
    form = PersonSearchForm(request.GET or None)
    found: Any = User.objects.none()
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        found = User.objects.filter(Q(name__icontains=q) | Q(email__icontains=q)).order_by(
            "name", "email"
        )[:PEOPLE_SHOWN]
    return render(request, "privacy/people.html", {"form": form, "found": found})


@login_required
def person(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    _administrators_only(request)
    someone = get_object_or_404(User, pk=user_id)
    context = {
        "person": someone,
        "exports": subject_access.exports_of(someone)[:10],
        "erasure": Erasure.objects.filter(person=someone).select_related("erased_by").first(),
        "blockers": erasure.erasure_blockers(someone),
    }
    return render(request, "privacy/person.html", context)


@login_required
@require_POST
def export_start(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    _administrators_only(request)
    someone = get_object_or_404(User, pk=user_id)
    export = subject_access.export_request(actor=request.user, person=someone)
    messages.info(request, "The export is being made: this page shows when it is ready.")
    return redirect("privacy:export", export.pk)


def _export_context(export: SubjectAccessExport) -> dict[str, Any]:
    return {
        "export": export,
        "working": export.in_the_making,
        "stalled": subject_access.is_stalled(export),
        "expired": subject_access.is_expired(export),
        "poll_seconds": POLL_SECONDS,
    }


@login_required
def export_page(request: AuthenticatedHttpRequest, export_id: int) -> HttpResponse:
    """Watch the export being made (htmx asks for the progress part every 2 s), then download."""
    _administrators_only(request)
    export = get_object_or_404(
        SubjectAccessExport.objects.defer("zip").select_related("person", "requested_by"),
        pk=export_id,
    )
    context = _export_context(export)
    if getattr(request, "htmx", False):
        return render(request, "privacy/includes/export_progress.html", context)
    return render(request, "privacy/export.html", context)


@login_required
def export_download(request: AuthenticatedHttpRequest, export_id: int) -> HttpResponse:
    """The ZIP, to administrators only, until it expires; every download is recorded."""
    _administrators_only(request)
    export = get_object_or_404(SubjectAccessExport.objects.defer("zip"), pk=export_id)
    data = subject_access.export_zip(export)
    if data is None:
        raise Http404("This export is not ready, or it has expired.")
    read_record(request.user, ReadKind.SUBJECT_ACCESS_EXPORT, export.pk, "ZIP download")
    response = HttpResponse(data, content_type="application/zip")
    filename = subject_access.export_filename(export)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def erase(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """Erase a person by anonymisation: the reason, a confirmation, then the service."""
    _administrators_only(request)
    someone = get_object_or_404(User, pk=user_id)
    if erasure.is_erased(someone):
        messages.info(request, f"{someone} has already been erased.")
        return redirect("privacy:person", someone.pk)
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: erasure.erase_person(
                actor=request.user, person=someone, reason=form.cleaned_data["reason"]
            ),
            rule_field="reason",
        )
        if done is not None:
            messages.success(request, f"Erased: the person is now {done.pseudonym}.")
            return redirect("privacy:person", someone.pk)
    context = {"person": someone, "form": form, "blockers": erasure.erasure_blockers(someone)}
    return render(request, "privacy/erase.html", context)


@login_required
def retention_runs(request: AuthenticatedHttpRequest) -> HttpResponse:
    _administrators_only(request)
    runs = list(RetentionRun.objects.all()[:30])
    labels = {row.key: row.record_type for row in RULES}
    rows = [
        {
            "run": run,
            "changes": [
                (labels.get(key, key), count, (run.held or {}).get(key, 0))
                for key, count in (run.counts or {}).items()
                if count or (run.held or {}).get(key)
            ],
        }
        for run in runs
    ]
    return render(request, "privacy/retention_runs.html", {"rows": rows, "rules": RULES})


# --- Who read a record -------------------------------------------------------------------------


def record_link(kind: str, record_id: int) -> tuple[str, str]:
    """The record's title and address (empty when it no longer exists)."""
    from syslead.evaluation.models import Evaluation, FinalReport
    from syslead.visits.models import Concern

    if kind == ReadKind.CONCERN:
        concern = Concern.objects.filter(pk=record_id).first()
        if concern is not None:
            return str(concern), reverse("visits:concern", args=[record_id])
    elif kind == ReadKind.EVALUATION:
        evaluation = Evaluation.objects.filter(pk=record_id).first()
        if evaluation is not None:
            url = reverse("evaluation:evaluation", args=[evaluation.deployment_id])
            return "End-of-support evaluation", url
    elif kind == ReadKind.FINAL_REPORT:
        report = FinalReport.objects.filter(pk=record_id).first()
        if report is not None:
            return "Final report", reverse("evaluation:final_report", args=[report.deployment_id])
    elif kind == ReadKind.EVIDENCE_PACK:
        url = reverse("evaluation:evidence_pack_page", args=[record_id])
        return f"Impact evidence packs of agreement {record_id}", url
    elif (
        kind == ReadKind.SUBJECT_ACCESS_EXPORT
        and SubjectAccessExport.objects.filter(pk=record_id).exists()
    ):
        return f"Subject access export {record_id}", reverse("privacy:export", args=[record_id])
    return f"{ReadKind(kind).label} {record_id} (no longer held)", ""


@login_required
def reads(request: AuthenticatedHttpRequest, kind: str, record_id: int) -> HttpResponse:
    """Who read the record and when: administrators, and a concern's named person."""
    rows = reads_for_user(request.user, kind, record_id)
    title, url = record_link(kind, record_id)
    context = {
        "kind_label": ReadKind(kind).label,
        "title": title,
        "record_url": url,
        "reads": rows[:500],
        "count": rows.count(),
    }
    return render(request, "privacy/reads.html", context)
