"""Adding, downloading and removing documents on a request or an agreement (docs/documents.md).
The record's page lists them (``documents_section``); these pages call the service and the
access module."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from syslead.brokering.access import support_request_for_user
from syslead.brokering.models import SupportRequest
from syslead.core.exceptions import NotAllowed
from syslead.core.http import AuthenticatedHttpRequest
from syslead.core.service_calls import run_service
from syslead.deployments.models import Deployment
from syslead.deployments.selectors import deployment_for_user
from syslead.documents import services
from syslead.documents.access import Owner, document_for_user, may_add
from syslead.documents.forms import DocumentForm


def owner_url(owner: Owner) -> str:
    """The record's page, at its documents."""
    if isinstance(owner, SupportRequest):
        return reverse("brokering:detail", args=[owner.pk]) + "#documents"
    return reverse("deployments:detail", args=[owner.pk]) + "#documents"


def owner_label(owner: Owner) -> str:
    """The record in words, for the page's caption."""
    if isinstance(owner, SupportRequest):
        return f"Request for support: {owner.school.name}"
    return f"Agreement: {owner.client_school.name}"


def safe_filename(name: str, fallback: str = "document") -> str:
    """The person's file name, safe in a ``Content-Disposition`` header and on any disk: no path,
    ASCII letters, digits, dots, dashes and underscores only, at most 100 characters."""
    plain = unicodedata.normalize("NFKD", PurePath(name.replace("\\", "/")).name)
    plain = plain.encode("ascii", "ignore").decode("ascii")
    stem, dot, extension = plain.rpartition(".")
    if not dot:
        stem, extension = plain, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-._")[:90] or fallback
    extension = re.sub(r"[^A-Za-z0-9]+", "", extension)[:8].lower()
    return f"{stem}.{extension}" if extension else stem


def _add(request: AuthenticatedHttpRequest, owner: Owner) -> HttpResponse:
    if not may_add(request.user, owner):
        raise PermissionDenied("Only the record's parties may add documents to it.")
    form = DocumentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        added = run_service(
            form,
            lambda: services.document_add(
                actor=request.user,
                owner=owner,
                kind=data["kind"],
                title=data["title"],
                upload=data["file"],
            ),
        )
        if added is not None:
            messages.success(request, f"“{added.title}” is added to the documents.")
            return redirect(owner_url(owner))
    return render(
        request,
        "documents/add.html",
        {"form": form, "owner_label": owner_label(owner), "back": owner_url(owner)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_add_to_request(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    """Add a document to a support request: its parties."""
    return _add(request, support_request_for_user(request.user, request_id))


@login_required
@require_http_methods(["GET", "POST"])
def document_add_to_agreement(
    request: AuthenticatedHttpRequest, deployment_id: int
) -> HttpResponse:
    """Add a document to an agreement: its parties."""
    return _add(request, deployment_for_user(request.user, deployment_id))


@login_required
def document_download(request: AuthenticatedHttpRequest, document_id: int) -> HttpResponseBase:
    """The file, as an attachment, to whoever may see its record (404 to anyone else)."""
    document = document_for_user(request.user, document_id)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("The document is no longer stored.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=safe_filename(document.original_name),
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def document_remove(request: AuthenticatedHttpRequest, document_id: int) -> HttpResponse:
    """Remove a document: whoever added it or a coordinator (403 to the others who see it)."""
    document = document_for_user(request.user, document_id)
    owner = document.owner
    assert isinstance(owner, SupportRequest | Deployment)
    title = document.title
    try:
        services.document_remove(actor=request.user, document=document)
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from None
    messages.success(request, f"“{title}” is removed from the documents.")
    return redirect(owner_url(owner))
