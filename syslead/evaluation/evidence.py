"""The impact evidence pack: one PDF per deployment with the agreement, notes of visit, the
deployment record, termly feedback, progress reviews, the evaluation and the final report
(product.md "What makes it better" 9). Rendered from HTML by WeasyPrint, synchronously: one
deployment's pack takes a second or two.

Concerns are never in the pack: they are for the people who must act on them only. The final
report is in it once the broker has approved it.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from syslead.core.events import events_for
from syslead.deployments.models import Deployment
from syslead.evaluation.models import FinalReport, FinalReportStatus
from syslead.evaluation.selectors import evaluation_lines, evaluation_of, review_grid
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
)


def evidence_pack_context(deployment: Deployment) -> dict[str, Any]:
    deployment = (
        Deployment.objects.select_related(
            "leader__user", "client_school", "home_school", "organisation", "support_request"
        )
        .prefetch_related("objectives", "signatures__signed_by")
        .get(pk=deployment.pk)
    )
    evaluation = evaluation_of(deployment)
    report = FinalReport.objects.filter(
        deployment=deployment, status=FinalReportStatus.APPROVED
    ).first()
    return {
        "deployment": deployment,
        "sections": SECTIONS,
        "generated_at": timezone.now(),
        "objectives": list(deployment.objectives.all()),
        "signatures": list(deployment.signatures.all()),
        "visits": list(visits_of(deployment).order_by("date", "pk")),
        "logs": [deployment_log(deployment, term) for term in deployment_terms(deployment)],
        "feedback": feedback_schedule_for(deployment),
        "grid": review_grid(deployment),
        "evaluation": evaluation,
        "evaluation_lines": evaluation_lines(evaluation) if evaluation else [],
        "final_report": report,
        "timeline": [e for e in events_for(deployment) if not e.verb.startswith("concern")],
    }


def evidence_pack_html(deployment: Deployment) -> str:
    """The pack as the HTML WeasyPrint lays out (what the tests read)."""
    return render_to_string("evaluation/evidence_pack.html", evidence_pack_context(deployment))


def evidence_pack_pdf(deployment: Deployment) -> bytes:
    """The pack as a PDF document."""
    from weasyprint import HTML

    pdf = HTML(string=evidence_pack_html(deployment)).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def evidence_pack_filename(deployment: Deployment) -> str:
    school = "".join(c if c.isalnum() else "-" for c in deployment.client_school.name.lower())
    return f"evidence-pack-{deployment.pk}-{school.strip('-')[:60]}.pdf"
