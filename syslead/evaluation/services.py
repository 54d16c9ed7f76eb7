"""Writes of feedback and evaluation: the termly feedback schedule and form, termly progress
reviews, the end-of-support evaluation, and the final report with its quality assurance
(docs/rules.md: Feedback and evaluation, Quality assurance: a termly progress review that may agree
revised impact measures).

Each service checks who may act (``NotAllowed``), then the state (``RuleViolation``), then the
fields (``ValidationError`` keyed by field), writes in one transaction, records an event on the
deployment's timeline and tells whoever must act next.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.models import User
from syslead.brokering.models import Route, SupportRequest
from syslead.core.academic_years import Term, terms_between
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation, field_error
from syslead.deployments.models import DELIVERY_STATUSES, Deployment, DeploymentStatus
from syslead.evaluation.models import (
    Evaluation,
    EvaluationItem,
    EvaluationRating,
    FeedbackRequest,
    FeedbackStatus,
    FinalReport,
    ObjectiveRating,
    ProgressReview,
    Rag,
    Viewpoint,
)
from syslead.evaluation.tallies import outcome_tally_refresh
from syslead.evaluation.transitions import FINAL_REPORT, INITIAL, writes_report
from syslead.notifications.inbox import notify
from syslead.visits import recipients
from syslead.visits.access import DeploymentRoles, deployment_roles

#: The evaluation is given once, while the agreement is active or once it has completed.
EVALUATION_STATUSES = (DeploymentStatus.ACTIVE, DeploymentStatus.COMPLETED)
RAG_VALUES = ", ".join(Rag.values)


def _term_label(term: Term) -> str:
    return term.label


def _in_delivery(deployment: Deployment, doing: str) -> None:
    if deployment.status not in DELIVERY_STATUSES:
        raise RuleViolation(
            f"{doing} only once the agreement is active "
            f"(it is {deployment.get_status_display().lower()}).",
            rule="deployment_not_active",
        )


# --- Termly feedback ---------------------------------------------------------------------------


@transaction.atomic
def schedule_feedback(deployment: Deployment) -> list[FeedbackRequest]:
    """Ask for the headteacher's feedback at the end of every school term the agreement spans
    (docs/rules.md: Feedback and evaluation), by the real terms of the supported school's local
    authority: a term counts when the agreement runs into its days (not only its holidays), and
    the feedback is due on the term's last day. Idempotent: call it when the agreement becomes
    active, and again whenever its dates change; terms already scheduled are left alone."""
    local_authority = deployment.client_school.local_authority
    terms = feedback_terms(deployment)
    have = set(deployment.feedback_requests.values_list("academic_year", "term"))
    missing = [term for term in terms if (term.year.label, term.name) not in have]
    if missing:
        FeedbackRequest.objects.bulk_create(
            [
                FeedbackRequest(
                    deployment=deployment,
                    academic_year=term.year.label,
                    term=term.name,
                    due_on=term.dates(local_authority).ends_on,
                )
                for term in missing
            ],
            ignore_conflicts=True,
        )
        event_record(
            actor=None,
            subject=deployment,
            verb="feedback.scheduled",
            summary="Scheduled termly feedback: " + ", ".join(_term_label(t) for t in missing),
            data={"terms": [f"{t.year.label}-{t.name}" for t in missing]},
        )
    return list(deployment.feedback_requests.order_by("due_on", "pk"))


def feedback_terms(deployment: Deployment) -> list[Term]:
    """The school terms whose real dates (in the supported school's local authority) the
    agreement overlaps; an agreement that falls wholly in a holiday has its first term."""
    local_authority = deployment.client_school.local_authority
    terms = terms_between(deployment.starts_on, deployment.ends_on)
    overlapping = [
        term
        for term in terms
        if term.dates(local_authority).starts_on <= deployment.ends_on
        and term.dates(local_authority).ends_on >= deployment.starts_on
    ]
    return overlapping or terms[:1]


def feedback_schedule_for(deployment: Deployment) -> list[FeedbackRequest]:
    """The agreement's termly feedback, scheduling it first if it is under way and not yet
    scheduled (so lists never miss a term, whoever activated the agreement)."""
    if deployment.status in DELIVERY_STATUSES:
        return schedule_feedback(deployment)
    return list(deployment.feedback_requests.order_by("due_on", "pk"))


@transaction.atomic
def feedback_submit(
    *,
    actor: User,
    feedback: FeedbackRequest,
    work_managed_by: str,
    days_in_school: Decimal | None,
    objectives: str,
    school_actions: str,
    leader_actions: str,
    impact: str,
) -> FeedbackRequest:
    """The supported headteacher's termly feedback (docs/rules.md: Feedback and evaluation):
    once per term, from the term's start, while the agreement is under way or just ended."""
    feedback = FeedbackRequest.objects.select_for_update().get(pk=feedback.pk)
    deployment = feedback.deployment
    roles = deployment_roles(actor, deployment)
    if not (roles.client_head or roles.administrator):
        raise NotAllowed("Only the supported school's headteacher gives termly feedback.")
    _in_delivery(deployment, "Feedback can be given")
    if feedback.status == FeedbackStatus.SUBMITTED:
        raise RuleViolation(
            f"Feedback for the {feedback.term_label} has already been given.",
            rule="feedback_already_given",
        )
    if timezone.localdate() < feedback.opens_on:
        raise RuleViolation(
            f"Feedback for the {feedback.term_label} opens when the term starts.",
            rule="feedback_not_open",
        )
    errors = FieldErrors()
    days = days_in_school
    if days is None or not days.is_finite() or days < 0 or days > 200:
        errors["days_in_school"] = ["Enter the days in school, including preparation, e.g. 3.5."]
    if not impact.strip():
        errors["impact"] = ["Say what the impact of the system leader's work has been."]
    errors.raise_if_any()
    feedback.work_managed_by = work_managed_by.strip()
    feedback.days_in_school = days
    feedback.objectives = objectives.strip()
    feedback.school_actions = school_actions.strip()
    feedback.leader_actions = leader_actions.strip()
    feedback.impact = impact.strip()
    feedback.status = FeedbackStatus.SUBMITTED
    feedback.submitted_by = actor
    feedback.submitted_at = timezone.now()
    feedback.full_clean()
    feedback.save()
    event_record(
        actor=actor,
        subject=deployment,
        verb="feedback.submitted",
        summary=f"Gave feedback for the {feedback.term_label}",
        data={"feedback": feedback.pk, "days_in_school": str(days)},
    )
    notify(
        users=recipients.everyone(
            [recipients.leader_user(deployment)], recipients.advisers_for(deployment)
        ),
        verb="feedback.submitted",
        text=f"{deployment.client_school.name} gave feedback for the {feedback.term_label}.",
        url=reverse("evaluation:feedback", args=[feedback.pk]),
    )
    return feedback


# --- Termly progress reviews -------------------------------------------------------------------

_VIEWPOINT_ROLE = {
    Viewpoint.HEADTEACHER: "client_head",
    Viewpoint.LEADER: "leader",
    Viewpoint.COORDINATOR: "coordinator",
    Viewpoint.SIP: "named_sip",
}
#: The viewpoints of the review meeting itself, who also agree revised impact measures (the named
#: SIP gives a view but agrees nothing: docs/rules.md, "The school's named SIP").
MEETING_VIEWPOINTS = (Viewpoint.HEADTEACHER, Viewpoint.LEADER, Viewpoint.COORDINATOR)


def viewpoints_of(roles: DeploymentRoles) -> list[str]:
    """The viewpoints a person may rate from: the supported head, the leader, a coordinator, the
    school's named SIP."""
    if roles.administrator:
        return list(Viewpoint.values)
    return [vp for vp, attr in _VIEWPOINT_ROLE.items() if getattr(roles, attr)]


def may_agree_measures(roles: DeploymentRoles) -> bool:
    """The headteacher, the leader and the coordinators (and administrators) agree revised
    measures; not the named SIP, whose part is their view."""
    return any(vp in MEETING_VIEWPOINTS for vp in viewpoints_of(roles))


def _review_for(deployment: Deployment, term: Term) -> ProgressReview:
    if term not in terms_between(deployment.starts_on, deployment.ends_on):
        raise field_error("term", "Choose a term the agreement spans.")
    review, _ = ProgressReview.objects.get_or_create(
        deployment=deployment, academic_year=term.year.label, term=term.name
    )
    return review


@transaction.atomic
def progress_review_rate(
    *,
    actor: User,
    deployment: Deployment,
    term: Term,
    ratings: Mapping[int, str],
    comments: Mapping[int, str] | None = None,
    viewpoint: str | None = None,
) -> ProgressReview:
    """Rate each agreed objective red, amber or green for one term from your own viewpoint
    (headteacher, leader, coordinator or the school's named SIP); a rating given again replaces
    yours, and the event keeps what it was (docs/rules.md, Feedback and evaluation: each term the
    leader and headteacher review progress against the impact measures)."""
    roles = deployment_roles(actor, deployment)
    allowed = viewpoints_of(roles)
    if not allowed:
        raise NotAllowed(
            "Only the headteacher, the leader, the coordinators and the school's named SIP rate "
            "progress."
        )
    chosen = viewpoint or allowed[0]
    if chosen not in allowed:
        raise NotAllowed("You may not rate from that viewpoint.")
    _in_delivery(deployment, "Progress can be reviewed")
    objectives = {o.pk: o for o in deployment.objectives.all()}
    errors = FieldErrors()
    if not ratings:
        errors.add("ratings", "Rate at least one objective.")
    for objective_id, value in ratings.items():
        if objective_id not in objectives:
            errors.add(
                "ratings", f"Objective {objective_id} is not one of this agreement's objectives."
            )
        elif value not in Rag.values:
            errors.add(
                "ratings", f"Rate objective {objectives[objective_id].position} {RAG_VALUES}."
            )
    errors.raise_if_any()
    review = _review_for(deployment, term)
    existing = {
        r.objective_id: r for r in review.ratings.filter(viewpoint=chosen).select_for_update()
    }
    changes: dict[str, dict[str, str | None]] = {}
    for objective_id, value in ratings.items():
        comment = ((comments or {}).get(objective_id) or "").strip()
        before = existing.get(objective_id)
        previous = before.rating if before is not None else None
        if before is None:
            ObjectiveRating.objects.create(
                review=review,
                objective_id=objective_id,
                viewpoint=chosen,
                rating=value,
                comment=comment,
                rated_by=actor,
            )
        elif before.rating != value or before.comment != comment:
            before.rating, before.comment, before.rated_by = value, comment, actor
            before.save(update_fields=["rating", "comment", "rated_by", "rated_at"])
        else:
            continue
        changes[str(objective_id)] = {"before": previous, "after": value}
    if changes:
        event_record(
            actor=actor,
            subject=deployment,
            verb="progress.rated",
            summary=f"Rated progress for the {term.label} as {Viewpoint(chosen).label.lower()}",
            data={"review": review.pk, "viewpoint": chosen, "ratings": changes},
        )
    return review


@transaction.atomic
def progress_review_agree_measures(
    *, actor: User, deployment: Deployment, term: Term, revised_measures: str
) -> ProgressReview:
    """Record revised or new impact measures agreed at the termly review (docs/rules.md: Feedback
    and evaluation): the headteacher, the leader or a coordinator."""
    roles = deployment_roles(actor, deployment)
    if not may_agree_measures(roles):
        raise NotAllowed("Only the headteacher, the leader and the coordinators agree measures.")
    _in_delivery(deployment, "Measures can be revised")
    if not revised_measures.strip():
        raise field_error("revised_measures", "Write the revised measures agreed.")
    review = _review_for(deployment, term)
    before = review.revised_measures
    review.revised_measures = revised_measures.strip()
    review.revised_measures_agreed_by = actor
    review.revised_measures_agreed_at = timezone.now()
    review.save()
    event_record(
        actor=actor,
        subject=deployment,
        verb="progress.measures_agreed",
        summary=f"Recorded revised impact measures for the {term.label}",
        data={"review": review.pk, "before": before, "after": review.revised_measures},
    )
    return review


# --- End-of-support evaluation -----------------------------------------------------------------


def _check_evaluation_fields(
    ratings: Mapping[str, Any], comments: Mapping[str, Any]
) -> FieldErrors:
    errors = FieldErrors()
    items = EvaluationItem.values
    messages = []
    if not isinstance(ratings, Mapping):
        messages.append(f"Rate each of {', '.join(items)} with {RAG_VALUES}.")
    else:
        for item in items:
            value = ratings.get(item)
            if value is None or value == "":
                messages.append(f"{item}: rate it {RAG_VALUES}.")
            elif value not in Rag.values:
                messages.append(f"{item}: {value!r} is not one of {RAG_VALUES}.")
        messages.extend(
            f"{key}: not an item of the evaluation." for key in ratings if key not in items
        )
    if messages:
        errors["ratings"] = messages
    if not isinstance(comments, Mapping):
        errors["comments"] = ["Give comments as an object keyed by the evaluation's items."]
    else:
        bad = [f"{key}: not an item of the evaluation." for key in comments if key not in items] + [
            f"{key}: comments must be text."
            for key, value in comments.items()
            if key in items and value is not None and not isinstance(value, str)
        ]
        if bad:
            errors["comments"] = bad
    return errors


@transaction.atomic
def evaluation_submit(
    *,
    actor: User,
    deployment: Deployment,
    ratings: Mapping[str, Any],
    comments: Mapping[str, Any] | None = None,
    future_priorities: str = "",
    future_support_requested: str = "",
) -> Evaluation:
    """The supported headteacher's end-of-support evaluation: each of the nine items rated red,
    amber or green with comments and evidence (docs/rules.md: Feedback and evaluation); once per
    agreement, while it is active or completed (docs/api.md)."""
    deployment = Deployment.objects.select_for_update().get(pk=deployment.pk)
    roles = deployment_roles(actor, deployment)
    if not (roles.client_head or roles.administrator):
        raise NotAllowed("Only the supported school's headteacher evaluates the support.")
    if deployment.status not in EVALUATION_STATUSES:
        raise RuleViolation(
            "The evaluation is given while the agreement is active or once it has completed "
            f"(it is {deployment.get_status_display().lower()}).",
            rule="evaluation_not_open",
        )
    if Evaluation.objects.filter(deployment=deployment).exists():
        raise RuleViolation(
            "This agreement has already been evaluated: it is evaluated once.",
            rule="evaluation_already_given",
        )
    comments = comments if comments is not None else {}
    _check_evaluation_fields(ratings, comments).raise_if_any()
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                deployment=deployment,
                future_priorities=future_priorities.strip(),
                future_support_requested=future_support_requested.strip(),
                submitted_by=actor,
            )
    except IntegrityError as exc:
        raise RuleViolation(
            "This agreement has already been evaluated.", rule="evaluation_already_given"
        ) from exc
    EvaluationRating.objects.bulk_create(
        [
            EvaluationRating(
                evaluation=evaluation,
                item=item,
                rating=ratings[item],
                comment=str(comments.get(item) or "").strip(),
            )
            for item in EvaluationItem.values
        ]
    )
    # Matching reads the leader's overall-success counts from the tally (docs/rules.md,
    # "Matching", "The outcomes tally"): recounted here, in the same transaction.
    outcome_tally_refresh([deployment.leader_id])
    event_record(
        actor=actor,
        subject=deployment,
        verb="evaluation.submitted",
        summary="Gave the end-of-support evaluation "
        f"(overall success: {ratings[EvaluationItem.OVERALL_SUCCESS]})",
        data={
            "evaluation": evaluation.pk,
            "ratings": {k: ratings[k] for k in EvaluationItem.values},
        },
    )
    notify(
        users=recipients.everyone(
            [recipients.leader_user(deployment)],
            recipients.coordinators_of(deployment.organisation_id),
        ),
        verb="evaluation.submitted",
        text=f"{deployment.client_school.name} gave its end-of-support evaluation of "
        f"{deployment.leader.name}'s support.",
        url=reverse("evaluation:evaluation", args=[deployment.pk]),
    )
    return evaluation


@transaction.atomic
def evaluation_start_new_request(*, actor: User, evaluation: Evaluation) -> SupportRequest:
    """Turn the evaluation's "future support requested" into a new request for support on the
    school route, through brokering's ``request_create`` (its rules apply)."""
    from syslead.brokering.services import request_create

    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    deployment = evaluation.deployment
    roles = deployment_roles(actor, deployment)
    if not (roles.client_head or roles.administrator):
        raise NotAllowed("Only the supported school's headteacher asks for further support.")
    if evaluation.new_request_id is not None:
        raise RuleViolation(
            "A request for further support has already been made from this evaluation.",
            rule="request_already_made",
        )
    if not evaluation.future_support_requested:
        raise field_error(
            "future_support_requested", "Say what further support the school would like."
        )
    previous = deployment.support_request
    request = request_create(
        actor=actor,
        school_urn=deployment.client_school_id,
        organisation=deployment.organisation,
        route=Route.SCHOOL,
        needs=list(previous.needs),
        days_requested=previous.days_requested,
        summary=evaluation.future_support_requested,
        context=(
            f"Further support after the agreement with {deployment.leader.name} "
            f"({deployment.starts_on:%B %Y} to {deployment.ends_on:%B %Y})."
            + (
                f" Future priorities: {evaluation.future_priorities}"
                if evaluation.future_priorities
                else ""
            )
        ),
    )
    evaluation.new_request = request
    evaluation.save(update_fields=["new_request"])
    event_record(
        actor=actor,
        subject=deployment,
        verb="evaluation.new_request",
        summary="Asked for further support from the evaluation",
        data={"evaluation": evaluation.pk, "support_request": request.pk},
    )
    return request


# --- Final report and quality assurance --------------------------------------------------------


def _report_url(deployment: Deployment) -> str:
    return reverse("evaluation:final_report", args=[deployment.pk])


@transaction.atomic
def final_report_save(
    *, actor: User, deployment: Deployment, work_summary: str, impact: str, next_steps: str = ""
) -> FinalReport:
    """Write or revise the final report: the package's lead leader only, while it is a draft or
    has been returned (docs/rules.md, Feedback and evaluation: the lead leader's final report goes
    to the broker)."""
    if not writes_report(actor, deployment):
        raise NotAllowed("Only the lead system leader writes the final report.")
    _in_delivery(deployment, "The final report can be written")
    report = FinalReport.objects.select_for_update().filter(deployment=deployment).first()
    if report is not None:
        FINAL_REPORT.require_source(
            "save",
            report,
            "The final report is with the broker or approved: it cannot be changed now.",
        )
    errors = FieldErrors()
    if not work_summary.strip():
        errors["work_summary"] = ["Summarise the work done."]
    if not impact.strip():
        errors["impact"] = ["Give the evidence of impact achieved."]
    errors.raise_if_any()
    if report is None:
        report = FinalReport(deployment=deployment, author=actor, status=INITIAL)
    before = {"work_summary": report.work_summary, "impact": report.impact}
    report.work_summary = work_summary.strip()
    report.impact = impact.strip()
    report.next_steps = next_steps.strip()
    report.full_clean()
    report.save()
    event_record(
        actor=actor,
        subject=deployment,
        verb=FINAL_REPORT["save"].records,
        summary="Saved the final report",
        data={"final_report": report.pk, "before": before},
    )
    return report


@transaction.atomic
def final_report_submit(*, actor: User, report: FinalReport) -> FinalReport:
    """Send the final report to the broker to quality-assure; its coordinators are told."""
    report = FinalReport.objects.select_for_update().get(pk=report.pk)
    deployment = report.deployment
    FINAL_REPORT.require_permitted(
        "submit", actor, report, "Only the lead system leader sends the final report."
    )
    FINAL_REPORT.require_source("submit", report, "The final report has already been sent.")
    report.submitted_at = timezone.now()
    FINAL_REPORT.apply(
        "submit",
        report,
        actor=actor,
        subject=deployment,
        update_fields=["submitted_at"],
        summary="Sent the final report for quality assurance",
        data={"final_report": report.pk},
    )
    notify(
        users=[
            u
            for u in recipients.broker_people(deployment.organisation_id)
            if u.pk != report.author_id
        ],
        verb="final_report.to_qa",
        text=f"Quality-assure {deployment.leader.name}'s final report on the support to "
        f"{deployment.client_school.name}.",
        url=_report_url(deployment),
        subject=f"Final report to quality-assure: {deployment.client_school.name}",
    )
    return report


def _locked_for_qa(actor: User, report: FinalReport, step: str) -> FinalReport:
    report = FinalReport.objects.select_for_update().get(pk=report.pk)
    FINAL_REPORT.require_permitted(
        step, actor, report, "Only the broker's coordinators quality-assure final reports."
    )
    FINAL_REPORT.require_source(
        step, report, "The final report is not waiting for quality assurance."
    )
    return report


@transaction.atomic
def final_report_approve(*, actor: User, report: FinalReport, comments: str = "") -> FinalReport:
    """The broker approves the final report after quality assurance; the supported school then
    receives it."""
    report = _locked_for_qa(actor, report, "approve")
    deployment = report.deployment
    now = timezone.now()
    report.qa_comments = comments.strip()
    report.reviewed_by = actor
    report.reviewed_at = now
    report.approved_at = now
    FINAL_REPORT.apply(
        "approve",
        report,
        actor=actor,
        subject=deployment,
        update_fields=["qa_comments", "reviewed_by", "reviewed_at", "approved_at"],
        summary="Approved the final report after quality assurance",
        data={"final_report": report.pk, "comments": report.qa_comments},
    )
    notify(
        users=recipients.client_heads(deployment),
        verb="final_report.received",
        text=f"{deployment.leader.name}'s final report on the support to your school is ready "
        "to read.",
        url=_report_url(deployment),
        subject="Final report on your school's support",
    )
    notify(
        users=[recipients.leader_user(deployment)],
        verb="final_report.approved",
        text="Your final report was approved and sent to the school.",
        url=_report_url(deployment),
        email=False,
    )
    return report


@transaction.atomic
def final_report_return(*, actor: User, report: FinalReport, comments: str) -> FinalReport:
    """The broker returns the final report with comments; the lead leader revises it."""
    report = _locked_for_qa(actor, report, "return")
    if not comments.strip():
        raise field_error("comments", "Say what the leader should change.")
    deployment = report.deployment
    report.qa_comments = comments.strip()
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    FINAL_REPORT.apply(
        "return",
        report,
        actor=actor,
        subject=deployment,
        update_fields=["qa_comments", "reviewed_by", "reviewed_at"],
        summary="Returned the final report with comments",
        data={"final_report": report.pk, "comments": report.qa_comments},
    )
    notify(
        users=[report.author],
        verb="final_report.returned",
        text=f"Your final report on {deployment.client_school.name} was returned: revise it.",
        detail=f"Comments: {report.qa_comments}",
        url=_report_url(deployment),
        subject=f"Final report returned: {deployment.client_school.name}",
    )
    return report
