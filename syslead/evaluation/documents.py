"""The delivery records as documents laid out like the paper forms they replace (docs/ux.md: "Every
form and record downloads as a PDF laid out like the paper form it replaces"):

- a note of visit (docs/rules.md: Records): the record of support (date, focus of visit,
  progress made, action points for the system leader and for school personnel with dates, points
  or issues arising), agreed by the headteacher,
  then signed off by the leader;
- termly feedback: the "Professional Support Feedback Form", question by question;
- the end-of-support evaluation: the "End of Support Evaluation Form", its nine items numbered as
  on paper (1, 2, 3a–c, 4a–b, 5, 6) with the comments and evidence and a tick under Red, Amber or
  Green;
- the final report: the protocol's "report at the end of the deployment summarising work done and
  evidencing impact achieved", with the broker's quality assurance.

Each renders an HTML page that WeasyPrint lays out; the impact evidence pack includes the same
partials (``evaluation/pdf/_*.html``), so a record reads the same in the pack and on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from syslead.deployments.models import Deployment
from syslead.evaluation.models import (
    Evaluation,
    EvaluationItem,
    FeedbackRequest,
    FinalReport,
)
from syslead.visits.models import ActionOwner, ActionPoint, Visit


def render_pdf(html: str) -> bytes:
    """Lay out an HTML document as a PDF (WeasyPrint, imported here: it is slow to load)."""
    from weasyprint import HTML

    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A PDF to read in the browser or save; never cached by a shared cache (records are
    confidential to the parties)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _school_slug(deployment: Deployment) -> str:
    return slugify(deployment.client_school.name)[:60].strip("-")


# --- Note of visit -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteRow:
    """One visit as a row of the Record of Support form: its action points split by owner."""

    visit: Visit
    leader_actions: list[ActionPoint]
    school_actions: list[ActionPoint]


def note_rows(visits: Iterable[Visit]) -> list[NoteRow]:
    """Rows of the Record of Support form (pass visits with their action points prefetched)."""
    rows = []
    for visit in visits:
        points = list(visit.action_points.all())
        rows.append(
            NoteRow(
                visit=visit,
                leader_actions=[p for p in points if p.owner == ActionOwner.LEADER],
                school_actions=[p for p in points if p.owner == ActionOwner.SCHOOL],
            )
        )
    return rows


def note_of_visit_html(visit: Visit) -> str:
    visit = (
        Visit.objects.select_related(
            "agreed_by",
            "deployment__leader__user",
            "deployment__client_school",
            "deployment__home_school",
            "deployment__organisation",
            "deployment__support_request",
        )
        .prefetch_related("action_points")
        .get(pk=visit.pk)
    )
    context = {
        "visit": visit,
        "deployment": visit.deployment,
        "note_rows": note_rows([visit]),
        "generated_at": timezone.now(),
    }
    return render_to_string("evaluation/pdf/note_of_visit.html", context)


def note_of_visit_pdf(visit: Visit) -> bytes:
    return render_pdf(note_of_visit_html(visit))


def note_of_visit_filename(visit: Visit) -> str:
    return f"note-of-visit-{visit.date:%Y-%m-%d}-{visit.pk}-{_school_slug(visit.deployment)}.pdf"


# --- Termly feedback ---------------------------------------------------------------------------


def feedback_html(feedback: FeedbackRequest) -> str:
    feedback = FeedbackRequest.objects.select_related(
        "submitted_by",
        "deployment__leader__user",
        "deployment__client_school",
        "deployment__home_school",
        "deployment__organisation",
    ).get(pk=feedback.pk)
    context = {
        "item": feedback,
        "deployment": feedback.deployment,
        "generated_at": timezone.now(),
    }
    return render_to_string("evaluation/pdf/feedback.html", context)


def feedback_pdf(feedback: FeedbackRequest) -> bytes:
    return render_pdf(feedback_html(feedback))


def feedback_filename(feedback: FeedbackRequest) -> str:
    return (
        f"feedback-{feedback.deployment_id}-{feedback.academic_year}-{feedback.term}-"
        f"{_school_slug(feedback.deployment)}.pdf"
    )


# --- End-of-support evaluation -----------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationFormRow:
    """A row of the End of Support Evaluation Form: a heading (3, 4) or a rated item."""

    number: str
    label: str
    item: str = ""
    rating: str = ""
    comment: str = ""

    @property
    def is_heading(self) -> bool:
        return not self.item


#: The form's rows in its order and numbering, with the item each rated row records.
EVALUATION_FORM: tuple[tuple[str, str, str], ...] = (
    ("1", "Progress made", EvaluationItem.PROGRESS_MADE),
    ("2", "Evidence of impact", EvaluationItem.EVIDENCE_OF_IMPACT),
    ("3", "Satisfaction with support", ""),
    ("a", "Objectives set for support work", EvaluationItem.OBJECTIVES_SET),
    ("b", "Information and reports provided", EvaluationItem.INFORMATION_AND_REPORTS),
    ("c", "Outcomes of work and future priorities set", EvaluationItem.OUTCOMES_AND_PRIORITIES),
    ("4", "Experience of support", ""),
    ("a", "From headteacher's perspective", EvaluationItem.HEADTEACHER_EXPERIENCE),
    ("b", "From supported staff perspective", EvaluationItem.STAFF_EXPERIENCE),
    ("5", "Quality of system leadership support", EvaluationItem.QUALITY_OF_SUPPORT),
    ("6", "Overall success of support", EvaluationItem.OVERALL_SUCCESS),
)


def evaluation_form_rows(evaluation: Evaluation) -> list[EvaluationFormRow]:
    """The evaluation's ratings laid out as the paper form's rows (ratings prefetched)."""
    by_item = {r.item: r for r in evaluation.ratings.all()}
    rows = []
    for number, label, item in EVALUATION_FORM:
        rating = by_item.get(item) if item else None
        rows.append(
            EvaluationFormRow(
                number=number,
                label=label,
                item=str(item),
                rating=rating.rating if rating else "",
                comment=rating.comment if rating else "",
            )
        )
    return rows


def evaluation_context(evaluation: Evaluation) -> dict[str, Any]:
    return {"evaluation": evaluation, "evaluation_rows": evaluation_form_rows(evaluation)}


def evaluation_html(evaluation: Evaluation) -> str:
    evaluation = (
        Evaluation.objects.select_related(
            "submitted_by",
            "deployment__leader__user",
            "deployment__client_school",
            "deployment__home_school",
            "deployment__organisation",
        )
        .prefetch_related("ratings")
        .get(pk=evaluation.pk)
    )
    context = {
        **evaluation_context(evaluation),
        "deployment": evaluation.deployment,
        "generated_at": timezone.now(),
    }
    return render_to_string("evaluation/pdf/evaluation.html", context)


def evaluation_pdf(evaluation: Evaluation) -> bytes:
    return render_pdf(evaluation_html(evaluation))


def evaluation_filename(evaluation: Evaluation) -> str:
    deployment = evaluation.deployment
    return f"evaluation-{deployment.pk}-{_school_slug(deployment)}.pdf"


# --- Final report ------------------------------------------------------------------------------


def final_report_html(report: FinalReport) -> str:
    report = FinalReport.objects.select_related(
        "author",
        "reviewed_by",
        "deployment__leader__user",
        "deployment__client_school",
        "deployment__home_school",
        "deployment__organisation",
    ).get(pk=report.pk)
    context = {
        "final_report": report,
        "deployment": report.deployment,
        "generated_at": timezone.now(),
    }
    return render_to_string("evaluation/pdf/final_report.html", context)


def final_report_pdf(report: FinalReport) -> bytes:
    return render_pdf(final_report_html(report))


def final_report_filename(report: FinalReport) -> str:
    deployment = report.deployment
    return f"final-report-{deployment.pk}-{_school_slug(deployment)}.pdf"
