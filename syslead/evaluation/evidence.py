"""The impact evidence pack: one PDF per deployment with the agreement, notes of visit, the
deployment record, termly feedback, progress reviews, the evaluation, the final report and a list
of the documents shared on the agreement and its request (docs/rules.md "What makes it better" 9;
docs/documents.md). Rendered from HTML by WeasyPrint in a background task
(``syslead.evaluation.evidence_packs``); the records inside use the same partials as their own
PDFs (``syslead.evaluation.documents``).

Concerns are never in the pack: they are for the people who must act on them only. The final
report is in it once the broker has approved it.

A *snapshot* is the pack's content at one moment: the HTML, a fingerprint of it (the SHA-256 of the
page without the time it was made, so two snapshots of unchanged records match) and which records
it covers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from syslead.core.events import events_for
from syslead.deployments.access import evidence_pack_events
from syslead.deployments.models import Deployment
from syslead.documents.models import Document
from syslead.evaluation.documents import evaluation_form_rows, note_rows, render_pdf
from syslead.evaluation.models import FeedbackStatus, FinalReport, FinalReportStatus
from syslead.evaluation.selectors import evaluation_of, review_grid
from syslead.evaluation.services import feedback_schedule_for
from syslead.visits.selectors import deployment_log, deployment_terms, visits_of

#: Section headings, in order (tests check that each is present).
SECTIONS = (
    "The agreement",
    "Notes of visit",
    "Deployment record",
    "Termly feedback",
    "Progress reviews",
    "End-of-support evaluation",
    "Final report",
    "Documents",
)

TEMPLATE = "evaluation/evidence_pack.html"


def evidence_pack_context(deployment: Deployment) -> dict[str, Any]:
    deployment = (
        Deployment.objects.select_related(
            "leader__user", "client_school", "home_school", "organisation", "support_request"
        )
        .prefetch_related("objectives", "signatures__signed_by")
        .get(pk=deployment.pk)
    )
    evaluation = evaluation_of(deployment)
    report = (
        FinalReport.objects.filter(deployment=deployment, status=FinalReportStatus.APPROVED)
        .select_related("author", "reviewed_by")
        .first()
    )
    logs = [deployment_log(deployment, term) for term in deployment_terms(deployment)]
    return {
        "deployment": deployment,
        "sections": SECTIONS,
        "generated_at": timezone.now(),
        "objectives": list(deployment.objectives.all()),
        "signatures": list(deployment.signatures.all()),
        "note_rows": note_rows(
            visits_of(deployment).select_related("agreed_by").order_by("date", "pk")
        ),
        "logs": logs,
        "feedback": feedback_schedule_for(deployment),
        "grid": review_grid(deployment),
        "evaluation": evaluation,
        "evaluation_rows": evaluation_form_rows(evaluation) if evaluation else [],
        "final_report": report,
        "documents": documents_for_pack(deployment),
        "timeline": evidence_pack_events(events_for(deployment)),
    }


def documents_for_pack(deployment: Deployment) -> list[Document]:
    """The documents shared on the agreement and on the request it answers, listed by title and
    kind (docs/documents.md: the files themselves download from the agreement's page)."""
    return list(
        Document.objects.filter(
            Q(deployment=deployment) | Q(support_request_id=deployment.support_request_id)
        )
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )


def covered_records(context: dict[str, Any]) -> dict[str, Any]:
    """Which records a pack made from ``context`` covers, by kind (stored with the pack)."""
    grid = context["grid"]
    return {
        "agreement_version": context["deployment"].version,
        "visits": [row.visit.pk for row in context["note_rows"]],
        "log_entries": sorted(
            row.entry.pk for log in context["logs"] for row in log.rows if row.entry is not None
        ),
        "feedback": [
            item.pk for item in context["feedback"] if item.status == FeedbackStatus.SUBMITTED
        ],
        "progress_ratings": sum(len(cell.ratings) for row in grid.rows for cell in row.cells),
        "evaluation": context["evaluation"].pk if context["evaluation"] else None,
        "final_report": context["final_report"].pk if context["final_report"] else None,
        "events": len(context["timeline"]),
    }


@dataclass(frozen=True)
class PackSnapshot:
    html: str
    fingerprint: str
    covered: dict[str, Any]
    generated_at: dt.datetime


def evidence_pack_snapshot(deployment: Deployment) -> PackSnapshot:
    """The pack's content now: what the task lays out and what asking again compares with."""
    context = evidence_pack_context(deployment)
    timeless = render_to_string(TEMPLATE, {**context, "generated_at": None})
    return PackSnapshot(
        html=render_to_string(TEMPLATE, context),
        fingerprint=hashlib.sha256(timeless.encode()).hexdigest(),
        covered=covered_records(context),
        generated_at=context["generated_at"],
    )


def evidence_pack_html(deployment: Deployment) -> str:
    """The pack as the HTML WeasyPrint lays out (what the tests read)."""
    return render_to_string(TEMPLATE, evidence_pack_context(deployment))


def evidence_pack_pdf(deployment: Deployment) -> bytes:
    """The pack as a PDF document, made now (the web pages ask the background task instead)."""
    return render_pdf(evidence_pack_html(deployment))


def evidence_pack_filename(deployment: Deployment) -> str:
    school = slugify(deployment.client_school.name)[:60].strip("-")
    return f"evidence-pack-{deployment.pk}-{school}.pdf"
