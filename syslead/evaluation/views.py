"""Pages for termly feedback, progress reviews, the evaluation, the final report and the evidence
pack, and those records as PDFs laid out like their paper forms. Each fetches through an access
helper (404 to outsiders) and calls a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from syslead.casework.chasing import chase_panel
from syslead.core.http import AuthenticatedHttpRequest
from syslead.deployments.models import Deployment
from syslead.evaluation import documents, evidence_packs, selectors, services
from syslead.evaluation.access import (
    evidence_pack_deployment_for_user,
    feedback_for_user,
    final_report_visible,
)
from syslead.evaluation.documents import pdf_response
from syslead.evaluation.evidence import evidence_pack_filename
from syslead.evaluation.forms import (
    EvaluationForm,
    FeedbackForm,
    FinalReportForm,
    ProgressFilterForm,
    ProgressRatingForm,
    QualityAssuranceForm,
    RevisedMeasuresForm,
)
from syslead.evaluation.models import (
    EvidencePackStatus,
    FeedbackStatus,
    FinalReport,
    FinalReportStatus,
    Viewpoint,
)
from syslead.evaluation.transitions import FINAL_REPORT, writes_report
from syslead.privacy.audit import read_record
from syslead.privacy.models import ReadKind
from syslead.visits.access import deployment_records_for_user
from syslead.visits.selectors import (
    deployment_log,
    deployment_terms,
    term_from_key,
    term_key,
)
from syslead.visits.web import RefusalForm, run_service

#: The htmx poll's interval while an evidence pack is queued or being made.
POLL_SECONDS = 2
#: How many of a deployment's packs the pack's page lists (the newest, then earlier ready ones).
PACKS_SHOWN = 6
PACK_ASKED_MESSAGES = {
    evidence_packs.Asked.STARTED: (
        "The evidence pack is being made: this page shows when it is ready."
    ),
    evidence_packs.Asked.IN_THE_MAKING: "The evidence pack is already being made.",
    evidence_packs.Asked.UP_TO_DATE: (
        "Nothing has changed since the newest pack was made: it is up to date."
    ),
}

# --- Termly feedback ---------------------------------------------------------------------------


@login_required
def feedback_list(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    deployment, roles = deployment_records_for_user(request.user, deployment_id)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "deployment": deployment,
        "roles": roles,
        "schedule": services.feedback_schedule_for(deployment),
        "today": today,
    }
    due = selectors.feedback_due(today, deployment.feedback_requests.all())
    context["chases"] = [
        (item, panel)
        for item in due
        if (panel := chase_panel(request.user, "feedback", item)) is not None
    ]
    return render(request, "evaluation/feedback_list.html", context)


def _feedback_initial(feedback: Any) -> dict[str, Any]:
    """Prefill from the records: days of agreed visits plus logged preparation in the term, and
    the agreement's objectives."""
    deployment = feedback.deployment
    log = deployment_log(deployment, feedback.school_term)
    prep_days = (log.preparation_hours / 6).quantize(1) if log.preparation_hours else 0
    objectives = "\n".join(f"{o.position}. {o.text}" for o in deployment.objectives.all())
    return {"days_in_school": log.delivered_days + prep_days, "objectives": objectives}


@login_required
def feedback(request: AuthenticatedHttpRequest, feedback_id: int) -> HttpResponse:
    item, roles = feedback_for_user(request.user, feedback_id)
    may_give = (roles.client_head or roles.administrator) and item.status == FeedbackStatus.DUE
    form = FeedbackForm(request.POST or None, initial=_feedback_initial(item) if may_give else None)
    if request.method == "POST":
        if not may_give:
            raise PermissionDenied("Only the supported school's headteacher gives this feedback.")
        if form.is_valid():
            done = run_service(
                form,
                lambda: services.feedback_submit(
                    actor=request.user, feedback=item, **form.cleaned_data
                ),
            )
            if done is not None:
                messages.success(request, f"Thank you: feedback for the {item.term_label} sent.")
                return redirect("evaluation:feedback", item.pk)
    context = {
        "feedback": item,
        "deployment": item.deployment,
        "form": form,
        "may_give": may_give,
        "opens": item.opens_on > timezone.localdate(),
    }
    return render(request, "evaluation/feedback.html", context)


# --- Progress reviews --------------------------------------------------------------------------


@login_required
def progress(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The RAG grid per objective over the terms, and this person's ratings for one term."""
    deployment, roles = deployment_records_for_user(request.user, deployment_id)
    viewpoints = services.viewpoints_of(roles)
    # The term and viewpoint come from the query string, or a POST's hidden fields.
    choice = ProgressFilterForm(
        request.POST if request.method == "POST" else request.GET,
        terms=deployment_terms(deployment),
        default=term_from_key(deployment, None, timezone.localdate()),
        viewpoints=[(vp, Viewpoint(vp).label) for vp in viewpoints],
    )
    term = choice.term_chosen()
    viewpoint = choice.chosen("viewpoint")
    objectives = list(deployment.objectives.all())
    do = request.POST.get("do")
    rating_form = ProgressRatingForm(request.POST if do == "rate" else None, objectives=objectives)
    measures_form = RevisedMeasuresForm(request.POST if do == "measures" else None)
    if request.method == "POST":
        if not viewpoints:
            raise PermissionDenied(
                "Only the headteacher, the leader, the coordinators and the school's named SIP "
                "review progress."
            )
        done: Any = None
        if do == "rate" and rating_form.is_valid():
            done = run_service(
                rating_form,
                lambda: services.progress_review_rate(
                    actor=request.user,
                    deployment=deployment,
                    term=term,
                    ratings=rating_form.ratings(),
                    comments=rating_form.comments(),
                    viewpoint=viewpoint,
                ),
            )
        elif do == "measures" and measures_form.is_valid():
            done = run_service(
                measures_form,
                lambda: services.progress_review_agree_measures(
                    actor=request.user,
                    deployment=deployment,
                    term=term,
                    revised_measures=measures_form.cleaned_data["revised_measures"],
                ),
            )
        if done is not None:
            messages.success(request, "Progress review saved.")
            return redirect(f"{request.path}?term={term_key(term)}")
    context = {
        "deployment": deployment,
        "roles": roles,
        "grid": selectors.review_grid(deployment),
        "term": term,
        "term_key": term_key(term),
        "choice": choice,
        "viewpoints": viewpoints,
        "may_agree_measures": services.may_agree_measures(roles),
        "viewpoint": viewpoint,
        "rating_form": rating_form,
        "measures_form": measures_form,
    }
    return render(request, "evaluation/progress.html", context)


# --- End-of-support evaluation -----------------------------------------------------------------


@login_required
def evaluation(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The evaluation: the headteacher fills the form, checks the answers, then sends it; everyone
    else who may read the records reads it."""
    deployment, roles = deployment_records_for_user(request.user, deployment_id)
    existing = selectors.evaluation_of(deployment)
    if existing is not None:
        read_record(request.user, ReadKind.EVALUATION, existing.pk, "page")
        context = {
            "deployment": deployment,
            "roles": roles,
            "evaluation": existing,
            "lines": selectors.evaluation_lines(existing),
        }
        return render(request, "evaluation/evaluation_detail.html", context)
    if not (roles.client_head or roles.administrator):
        raise Http404("This agreement has not been evaluated yet.")
    form = EvaluationForm(request.POST or None)
    template = "evaluation/evaluation_form.html"
    if request.method == "POST" and form.is_valid():
        if request.POST.get("step") == "confirm":
            done = run_service(
                form,
                lambda: services.evaluation_submit(
                    actor=request.user,
                    deployment=deployment,
                    ratings=form.ratings(),
                    comments=form.comments(),
                    future_priorities=form.cleaned_data["future_priorities"],
                    future_support_requested=form.cleaned_data["future_support_requested"],
                ),
            )
            if done is not None:
                messages.success(request, "Thank you: your evaluation has been sent.")
                return redirect("evaluation:evaluation", deployment.pk)
        elif request.POST.get("step") == "check":
            template = "evaluation/evaluation_check.html"
    return render(request, template, {"deployment": deployment, "form": form})


@login_required
@require_POST
def evaluation_new_request(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    deployment, _ = deployment_records_for_user(request.user, deployment_id)
    existing = selectors.evaluation_of(deployment)
    if existing is None:
        raise Http404("This agreement has not been evaluated yet.")
    form = RefusalForm()
    done = run_service(
        form, lambda: services.evaluation_start_new_request(actor=request.user, evaluation=existing)
    )
    if done is None:
        for message in form.non_field_errors():
            messages.error(request, str(message))
    else:
        messages.success(request, "Your request for further support has been sent to the broker.")
    return redirect("evaluation:evaluation", deployment.pk)


# --- Final report ------------------------------------------------------------------------------


@login_required
def final_report(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The lead leader writes and sends it; the broker quality-assures it; the schools read it
    once approved."""
    deployment, roles = deployment_records_for_user(request.user, deployment_id)
    report = (
        FinalReport.objects.filter(deployment=deployment)
        .select_related("author", "reviewed_by")
        .first()
    )
    # What this person may do now: the final report's transition table.
    may_write = writes_report(request.user, deployment)
    steps = FINAL_REPORT.allowed(request.user, report) if report is not None else frozenset()
    editable = may_write if report is None else "save" in steps
    may_qa = "approve" in steps
    if not (may_write or final_report_visible(roles, report)):
        raise Http404("No final report to show yet.")
    if request.method == "GET" and report is not None:
        _read_final_report(request, report, "page")
    do = request.POST.get("do")
    initial = (
        {
            "work_summary": report.work_summary,
            "impact": report.impact,
            "next_steps": report.next_steps,
        }
        if report
        else None
    )
    write_form = FinalReportForm(
        request.POST if do in ("save", "submit") else None, initial=initial
    )
    qa_form = QualityAssuranceForm(request.POST if do == "qa" else None)
    if request.method == "POST":
        done = _final_report_post(
            request,
            deployment=deployment,
            report=report,
            do=do,
            write_form=write_form,
            qa_form=qa_form,
            editable=editable,
            may_qa=may_qa,
        )
        if done:
            return redirect("evaluation:final_report", deployment.pk)
    context = {
        "deployment": deployment,
        "report": report,
        "editable": editable,
        "may_qa": may_qa,
        "write_form": write_form,
        "qa_form": qa_form,
    }
    return render(request, "evaluation/final_report.html", context)


def _read_final_report(request: AuthenticatedHttpRequest, report: FinalReport, how: str) -> None:
    """Reads of a final report are recorded until the broker has approved it."""
    if report.status != FinalReportStatus.APPROVED:
        read_record(request.user, ReadKind.FINAL_REPORT, report.pk, how)


def _final_report_post(
    request: AuthenticatedHttpRequest,
    *,
    deployment: Any,
    report: FinalReport | None,
    do: str | None,
    write_form: FinalReportForm,
    qa_form: QualityAssuranceForm,
    editable: bool,
    may_qa: bool,
) -> bool:
    if do in ("save", "submit"):
        if not editable:
            raise PermissionDenied("You may not change this report now.")
        if not write_form.is_valid():
            return False
        saved = run_service(
            write_form,
            lambda: services.final_report_save(
                actor=request.user, deployment=deployment, **write_form.cleaned_data
            ),
        )
        if saved is None:
            return False
        if do == "submit":
            if (
                run_service(
                    write_form,
                    lambda: services.final_report_submit(actor=request.user, report=saved),
                )
                is None
            ):
                return False
            messages.success(request, "Final report sent to the broker for quality assurance.")
        else:
            messages.success(request, "Final report saved.")
        return True
    if do == "qa" and report is not None:
        if not may_qa:
            raise PermissionDenied("Only the broker's coordinators quality-assure final reports.")
        if not qa_form.is_valid():
            return False
        decision, comments = qa_form.cleaned_data["decision"], qa_form.cleaned_data["comments"]
        done = run_service(
            qa_form,
            lambda: (
                services.final_report_approve(actor=request.user, report=report, comments=comments)
                if decision == "approve"
                else services.final_report_return(
                    actor=request.user, report=report, comments=comments
                )
            ),
        )
        if done is not None:
            messages.success(
                request,
                "Final report approved and sent to the school."
                if decision == "approve"
                else "Final report returned to the leader.",
            )
            return True
    return False


# --- Evidence pack -----------------------------------------------------------------------------


def _pack_context(deployment: Deployment, *, check_current: bool = True) -> dict[str, Any]:
    packs = list(evidence_packs.packs_of(deployment)[:PACKS_SHOWN])
    latest = packs[0] if packs else None
    ready = next((p for p in packs if p.status == EvidencePackStatus.READY), None)
    working = latest is not None and latest.in_the_making
    return {
        "deployment": deployment,
        "pack": latest,
        "ready_pack": ready,
        "earlier": [p for p in packs if p.status == EvidencePackStatus.READY and p != ready],
        "working": working,
        "stalled": latest is not None and evidence_packs.is_stalled(latest),
        "poll_seconds": POLL_SECONDS,
        # Whether the records changed since the newest ready pack: worth a render of the pack's
        # page only once nothing is in the making (not on every poll).
        "up_to_date": (
            evidence_packs.is_up_to_date(ready, deployment)
            if ready is not None and not working and check_current
            else None
        ),
    }


@login_required
@require_http_methods(["GET", "POST"])
def evidence_pack_page(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """Ask for the impact evidence pack and watch it being made (htmx asks for the progress part
    every 2 s while it is queued or being made), then download it: the parties and the broker."""
    deployment = evidence_pack_deployment_for_user(request.user, deployment_id)
    if request.method == "POST":
        asked = evidence_packs.evidence_pack_request(actor=request.user, deployment=deployment)
        messages.info(request, PACK_ASKED_MESSAGES[asked.outcome])
        return redirect("evaluation:evidence_pack_page", deployment.pk)
    if getattr(request, "htmx", False):
        context = _pack_context(deployment)
        return render(request, "evaluation/includes/evidence_pack_progress.html", context)
    return render(request, "evaluation/evidence_pack_page.html", _pack_context(deployment))


@login_required
def evidence_pack_download(
    request: AuthenticatedHttpRequest, deployment_id: int, pack_id: int
) -> HttpResponse:
    """A ready pack's PDF, access-checked on every request (packs are never media files)."""
    deployment = evidence_pack_deployment_for_user(request.user, deployment_id)
    pack = evidence_packs.pack_pdf(deployment, pack_id)
    if pack is None or pack.pdf is None:
        raise Http404("No such evidence pack.")
    read_record(request.user, ReadKind.EVIDENCE_PACK, deployment.pk, f"Pack {pack.pk} (PDF)")
    return pdf_response(bytes(pack.pdf), evidence_pack_filename(deployment))


@login_required
def evidence_pack(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The pack's first address (it used to make the PDF in the request): now the pack's page."""
    deployment = evidence_pack_deployment_for_user(request.user, deployment_id)
    return redirect("evaluation:evidence_pack_page", deployment.pk)


# --- The records as PDFs laid out like their paper forms ---------------------------------------


@login_required
def feedback_pdf(request: AuthenticatedHttpRequest, feedback_id: int) -> HttpResponse:
    """A term's Professional Support Feedback Form (blank answers until it is given)."""
    item, _ = feedback_for_user(request.user, feedback_id)
    return pdf_response(documents.feedback_pdf(item), documents.feedback_filename(item))


@login_required
def evaluation_pdf(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The End of Support Evaluation Form as given: whoever may read the evaluation."""
    deployment, _ = deployment_records_for_user(request.user, deployment_id)
    existing = selectors.evaluation_of(deployment)
    if existing is None:
        raise Http404("This agreement has not been evaluated yet.")
    read_record(request.user, ReadKind.EVALUATION, existing.pk, "PDF")
    return pdf_response(documents.evaluation_pdf(existing), documents.evaluation_filename(existing))


@login_required
def final_report_pdf(request: AuthenticatedHttpRequest, deployment_id: int) -> HttpResponse:
    """The final report: the leader's side and the broker at any stage, the schools and the SIP
    once the broker has approved it (the same rule as its page)."""
    deployment, roles = deployment_records_for_user(request.user, deployment_id)
    report = FinalReport.objects.filter(deployment=deployment).first()
    if report is None or not final_report_visible(roles, report):
        raise Http404("No final report to show yet.")
    _read_final_report(request, report, "PDF")
    return pdf_response(documents.final_report_pdf(report), documents.final_report_filename(report))
