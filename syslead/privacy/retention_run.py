"""Applying the retention schedule (``retention.RULES``) on a given day: each rule finds what is
due (its clock started at least its period before ``today``), deletes or anonymises it, and says
how many records it changed; a ``RetentionRun`` row records the day and the counts. What is not
due is never touched: every query is bounded by the rule's cut-off day. Anonymised records get a
``RetentionMark`` so a later run neither counts nor redoes them.

Run daily by ``manage.py apply_retention`` (cron) or the ``apply_retention_task`` background task,
as the reminders are. ``today`` is an argument so tests move the calendar without patching the
clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Max, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks import task

from syslead.accounts.models import User
from syslead.core.exceptions import RuleViolation
from syslead.core.models import Event
from syslead.privacy.erasure import REMOVED, anonymise_person, erasure_blockers
from syslead.privacy.models import (
    AccountDeparture,
    Erasure,
    ReadAudit,
    RetentionMark,
    RetentionRun,
    SubjectAccessExport,
)
from syslead.privacy.retention import RULES, rule

LEAVER_REASON = "Retention schedule: a year after the account was deactivated."


@dataclass
class Outcome:
    done: int = 0
    held: int = 0


@dataclass
class RunResult:
    today: dt.date
    counts: dict[str, int] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)
    run: RetentionRun | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _cutoff(key: str, today: dt.date) -> dt.date:
    return rule(key).period.before(today)


def _unmarked(key: str, ids: Iterable[int]) -> list[int]:
    wanted = set(ids)
    marked = set(
        RetentionMark.objects.filter(rule=key, record_id__in=wanted).values_list(
            "record_id", flat=True
        )
    )
    return sorted(wanted - marked)


def _mark(key: str, ids: Iterable[int]) -> None:
    RetentionMark.objects.bulk_create(
        [RetentionMark(rule=key, record_id=pk) for pk in ids], ignore_conflicts=True
    )


def _clear_event_data(model: type[models.Model], ids: Iterable[Any]) -> None:
    """The timeline of anonymised records keeps what happened, not the text it carried."""
    Event.objects.filter(
        subject_type=ContentType.objects.get_for_model(model),
        subject_id__in=[str(pk) for pk in ids],
    ).update(data={})


def _delete_events(model: type[models.Model], ids: Iterable[Any]) -> None:
    Event.objects.filter(
        subject_type=ContentType.objects.get_for_model(model),
        subject_id__in=[str(pk) for pk in ids],
    ).delete()


# --- Agreements and what hangs off them: the agreement's end plus six years ----------------------


def ended_deployments(key: str, today: dt.date) -> QuerySet[Any]:
    """Agreements over (finished) whose end is on or before the rule's cut-off day."""
    from syslead.deployments.models import FINISHED_STATUSES, Deployment

    return (
        Deployment.objects.filter(status__in=FINISHED_STATUSES)
        .annotate(retention_end=Coalesce("ended_on", "ends_on"))
        .filter(retention_end__lte=_cutoff(key, today))
    )


def _with_their_later_versions(due: set[int]) -> set[int]:
    """A version replaced by an amendment is due only once the version that replaced it is: its
    notes of visit and invoices belong to the same agreement, which goes on."""
    from syslead.deployments.models import Deployment, DeploymentStatus

    replaced_by = dict(
        Deployment.objects.filter(pk__in=due, status=DeploymentStatus.SUPERSEDED).values_list(
            "pk", "next_version"
        )
    )
    kept = set(due)
    changed = True
    while changed:
        changed = False
        for pk, later in replaced_by.items():
            if pk in kept and later is not None and later not in kept:
                kept.discard(pk)
                changed = True
    return kept


def _due_deployments(key: str, today: dt.date) -> set[int]:
    return _with_their_later_versions(
        set(ended_deployments(key, today).values_list("pk", flat=True))
    )


def _due_deployment_ids(key: str, today: dt.date) -> list[int]:
    return _unmarked(key, _due_deployments(key, today))


def notes_of_visit(today: dt.date) -> Outcome:
    from syslead.visits.models import ActionPoint, LogEntry, LogShare, Visit

    ids = _due_deployment_ids("notes_of_visit", today)
    if not ids:
        return Outcome()
    visits = Visit.objects.filter(deployment__in=ids)
    visit_ids = list(visits.values_list("pk", flat=True))
    done = visits.update(
        focus=REMOVED,
        progress="",
        issues="",
        changes_comment="",
        recorded_by=None,
        agreed_by=None,
    )
    ActionPoint.objects.filter(visit__in=visit_ids).update(action=REMOVED, completed_by=None)
    entries = LogEntry.objects.filter(deployment__in=ids)
    entry_ids = list(entries.values_list("pk", flat=True))
    done += entries.update(actions=REMOVED, outcomes="", comments="", recorded_by=None)
    shares = LogShare.objects.filter(deployment__in=ids)
    shares.exclude(signed_name="").update(signed_name=REMOVED)
    shares.update(shared_by=None, signed_by=None)
    _clear_event_data(Visit, visit_ids)
    _clear_event_data(LogEntry, entry_ids)
    _mark("notes_of_visit", ids)
    return Outcome(done=done)


def agreements(today: dt.date) -> Outcome:
    from syslead.deployments.models import (
        ChangeRecord,
        CloseOut,
        CopiedIn,
        Deployment,
        Dispute,
        Objective,
        Signature,
    )

    ids = _due_deployment_ids("agreements", today)
    if not ids:
        return Outcome()
    done = Deployment.objects.filter(pk__in=ids).update(
        leader_contact="",
        home_headteacher_name="",
        client_headteacher_name="",
        client_headteacher_email="",
        client_contact_name="",
        client_contact_details="",
        managed_by_name="",
        managed_by_email="",
        broker_lead_name="",
        staff_involved="",
        capacity_override_reason="",
        capacity_overridden_by=None,
        end_reason="",
        created_by=None,
    )
    Objective.objects.filter(deployment__in=ids).update(baseline="", actions="")
    # Being copied in on the agreement only kept someone informed while it ran.
    CopiedIn.objects.filter(deployment__in=ids).delete()
    Signature.objects.filter(deployment__in=ids).update(signed_as="")
    ChangeRecord.objects.filter(deployment__in=ids).update(reason=REMOVED, recorded_by=None)
    close_outs = CloseOut.objects.filter(deployment__in=ids)
    close_outs.exclude(not_delivered_reason="").update(not_delivered_reason=REMOVED)
    # Who stated and signed off the delivery: the dates stay, so the close-out still reads done.
    close_outs.update(
        stated_by=None,
        leader_signed_off_by=None,
        head_signed_off_by=None,
        further_support_decided_by=None,
    )
    Dispute.objects.filter(deployment__in=ids).update(
        what=REMOVED, outcome=REMOVED, raised_by=None, resolved_by=None
    )
    _clear_event_data(Deployment, ids)
    _mark("agreements", ids)
    return Outcome(done=done)


def invoices(today: dt.date) -> Outcome:
    from syslead.invoicing.models import Invoice

    ids = _due_deployment_ids("invoices", today)
    if not ids:
        return Outcome()
    rows = Invoice.objects.filter(deployment__in=ids)
    done = rows.count()
    rows.update(created_by=None)
    rows.exclude(cancel_reason="").update(cancel_reason=REMOVED)
    _mark("invoices", ids)
    return Outcome(done=done)


def feedback_and_evaluation(today: dt.date) -> Outcome:
    from syslead.evaluation.models import (
        Evaluation,
        EvaluationRating,
        FeedbackRequest,
        FinalReport,
        ObjectiveRating,
        ProgressReview,
        SelfEvaluation,
    )

    ids = _due_deployment_ids("feedback_and_evaluation", today)
    if not ids:
        return Outcome()
    done = FeedbackRequest.objects.filter(deployment__in=ids).update(
        work_managed_by="",
        objectives="",
        school_actions="",
        leader_actions="",
        impact="",
        submitted_by=None,
    )
    done += ProgressReview.objects.filter(deployment__in=ids).update(
        revised_measures="", revised_measures_agreed_by=None
    )
    ObjectiveRating.objects.filter(review__deployment__in=ids).update(comment="", rated_by=None)
    done += Evaluation.objects.filter(deployment__in=ids).update(
        future_priorities="", future_support_requested="", submitted_by=None
    )
    EvaluationRating.objects.filter(evaluation__deployment__in=ids).update(comment="")
    # The leader's own self-evaluation: the words go, the rating of their contribution stays.
    done += SelfEvaluation.objects.filter(deployment__in=ids).update(
        went_well=REMOVED, impact_seen=REMOVED, do_differently=REMOVED, written_by=None
    )
    reports = FinalReport.objects.filter(deployment__in=ids)
    _clear_event_data(FinalReport, reports.values_list("pk", flat=True))
    done += reports.update(
        work_summary=REMOVED, impact=REMOVED, next_steps="", qa_comments="", reviewed_by=None
    )
    _mark("feedback_and_evaluation", ids)
    return Outcome(done=done)


def qa_checks(today: dt.date) -> Outcome:
    """Checks of notes of visit and evaluations of due agreements: the comment goes, the outcome
    stays. Then samples drawn on or before the cut-off day with no check left to anonymise lose
    who drew them."""
    from syslead.quality.models import QaCheck, QaSample

    key = "qa_checks"
    due = _due_deployments(key, today)
    found = QaCheck.objects.filter(
        models.Q(visit__deployment__in=due) | models.Q(evaluation__deployment__in=due)
    )
    ids = _unmarked(key, found.values_list("pk", flat=True))
    done = 0
    if ids:
        rows = QaCheck.objects.filter(pk__in=ids)
        rows.exclude(comment="").update(comment=REMOVED)
        done = rows.update(checked_by=None)
        _clear_event_data(QaCheck, ids)
        _mark(key, ids)
    left = QaCheck.objects.exclude(
        pk__in=RetentionMark.objects.filter(rule=key).values("record_id")
    ).values("sample")
    QaSample.objects.filter(
        drawn_at__date__lte=_cutoff(key, today), drawn_by__isnull=False
    ).exclude(pk__in=left).update(drawn_by=None)
    return Outcome(done=done)


def evidence_packs(today: dt.date) -> Outcome:
    from syslead.evaluation.models import EvidencePack

    packs = EvidencePack.objects.filter(deployment__in=_due_deployments("evidence_packs", today))
    return Outcome(done=packs.delete()[1].get(EvidencePack._meta.label, 0))


def documents(today: dt.date) -> Outcome:
    """The documents of due agreements, and of requests whose every agreement is due, with
    their files (deleted from storage once the run commits; a dry run deletes nothing)."""
    from syslead.deployments.models import Deployment
    from syslead.documents.models import Document

    due = _due_deployments("documents", today)
    if not due:
        return Outcome()
    requests = set(
        Deployment.objects.filter(pk__in=due).values_list("support_request_id", flat=True)
    ) - set(Deployment.objects.exclude(pk__in=due).values_list("support_request_id", flat=True))
    found = Document.objects.filter(
        models.Q(deployment__in=due) | models.Q(support_request__in=requests)
    )
    stored = [(document.file.storage, document.file.name) for document in found if document.file]
    deleted = found.delete()[1].get(Document._meta.label, 0)
    for storage, name in stored:
        transaction.on_commit(partial(storage.delete, name))
    return Outcome(done=deleted)


def first_meetings(today: dt.date) -> Outcome:
    """First meetings of requests whose every agreement is due, and of requests that led to no
    agreement, last updated on or before the cut-off day."""
    from syslead.brokering.models import FirstMeeting
    from syslead.deployments.models import Deployment

    key = "first_meetings"
    due = _due_deployments(key, today)
    requests = set(
        Deployment.objects.filter(pk__in=due).values_list("support_request_id", flat=True)
    ) - set(Deployment.objects.exclude(pk__in=due).values_list("support_request_id", flat=True))
    found = FirstMeeting.objects.filter(
        models.Q(support_request__in=requests)
        | models.Q(
            support_request__deployments__isnull=True,
            updated_at__date__lte=_cutoff(key, today),
        )
    )
    ids = _unmarked(key, found.values_list("pk", flat=True))
    if not ids:
        return Outcome()
    done = FirstMeeting.objects.filter(pk__in=ids).update(
        attendees=REMOVED, place="", notes="", agreed_objectives="", updated_by=None
    )
    _clear_event_data(FirstMeeting, ids)
    _mark(key, ids)
    return Outcome(done=done)


def brokering_records(today: dt.date) -> Outcome:
    """Shortlist entries, approaches and commissions of requests whose every agreement is due,
    and of requests that led to no agreement, last updated on or before the cut-off day."""
    from syslead.brokering.models import Approach, Commission, ShortlistEntry, SupportRequest
    from syslead.deployments.models import Deployment

    key = "brokering_records"
    due = _due_deployments(key, today)
    with_agreements_due = set(
        Deployment.objects.filter(pk__in=due).values_list("support_request_id", flat=True)
    ) - set(Deployment.objects.exclude(pk__in=due).values_list("support_request_id", flat=True))
    found = SupportRequest.objects.filter(
        models.Q(pk__in=with_agreements_due)
        | models.Q(deployments__isnull=True, updated_at__date__lte=_cutoff(key, today))
    )
    ids = _unmarked(key, found.values_list("pk", flat=True))
    if not ids:
        return Outcome()
    entries = ShortlistEntry.objects.filter(support_request__in=ids)
    entries.exclude(swap_reason="").update(swap_reason=REMOVED)
    entries.exclude(judgement_reason="").update(judgement_reason=REMOVED)
    done = entries.update(added_by=None, judged_by=None)
    approaches = Approach.objects.filter(support_request__in=ids)
    approaches.exclude(message="").update(message=REMOVED)
    approaches.exclude(decline_reason="").update(decline_reason=REMOVED)
    done += approaches.update(sent_by=None)
    commissions = Commission.objects.filter(support_request__in=ids)
    commissions.exclude(note="").update(note=REMOVED)
    done += commissions.update(proposed_by=None, decided_by=None)
    _mark(key, ids)
    return Outcome(done=done)


def package_proposals(today: dt.date) -> Outcome:
    """Proposals decided (or made) on or before the cut-off day, of packages with no agreement
    that is not due."""
    from syslead.deployments.models import Deployment, PackageProposal

    key = "package_proposals"
    due = _due_deployments(key, today)
    live_packages = (
        Deployment.objects.exclude(pk__in=due)
        .filter(package__isnull=False)
        .values_list("package_id", flat=True)
    )
    found = (
        PackageProposal.objects.annotate(clock=Coalesce("decided_at", "proposed_at"))
        .filter(clock__date__lte=_cutoff(key, today))
        .exclude(package__in=set(live_packages))
    )
    ids = _unmarked(key, found.values_list("pk", flat=True))
    if not ids:
        return Outcome()
    rows = PackageProposal.objects.filter(pk__in=ids)
    rows.exclude(return_reason="").update(return_reason=REMOVED)
    done = rows.update(note="", proposed_by=None, decided_by=None)
    _clear_event_data(PackageProposal, ids)
    _mark(key, ids)
    return Outcome(done=done)


# --- Rules with their own clocks ---------------------------------------------------------------


def concerns(today: dt.date) -> Outcome:
    from syslead.visits.models import Concern

    due = Concern.objects.filter(raised_at__date__lte=_cutoff("concerns", today))
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        return Outcome()
    _delete_events(Concern, ids)
    deleted = Concern.objects.filter(pk__in=ids).delete()[1]
    return Outcome(done=deleted.get(Concern._meta.label, 0))


def applications_not_designated(today: dt.date) -> Outcome:
    from syslead.leaders.models import ApplicationStage, DesignationApplication

    due = (
        DesignationApplication.objects.filter(
            stage__in=[ApplicationStage.REJECTED, ApplicationStage.WITHDRAWN]
        )
        .annotate(clock=Coalesce(Max("decisions__decided_at"), "submitted_at"))
        .filter(clock__date__lte=_cutoff("applications_not_designated", today))
    )
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        return Outcome()
    _delete_events(DesignationApplication, ids)
    deleted = DesignationApplication.objects.filter(pk__in=ids).delete()[1]
    return Outcome(done=deleted.get(DesignationApplication._meta.label, 0))


def leader_concerns(today: dt.date) -> Outcome:
    """Closed concerns about or from a leader whose last action is on or before the cut-off."""
    from syslead.quality.models import LeaderConcern, LeaderConcernStatus

    due = LeaderConcern.objects.filter(
        status=LeaderConcernStatus.CLOSED,
        touched_at__date__lte=_cutoff("leader_concerns", today),
    )
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        return Outcome()
    _delete_events(LeaderConcern, ids)
    deleted = LeaderConcern.objects.filter(pk__in=ids).delete()[1]
    return Outcome(done=deleted.get(LeaderConcern._meta.label, 0))


def termly_reviews(today: dt.date) -> Outcome:
    from syslead.leaders.models import TermlyReview, TrainingNeed

    key = "termly_reviews"
    due = TermlyReview.objects.filter(held_on__lte=_cutoff(key, today))
    ids = _unmarked(key, due.values_list("pk", flat=True))
    if not ids:
        return Outcome()
    done = TermlyReview.objects.filter(pk__in=ids).update(
        attended_by=REMOVED, notes="", recorded_by=None
    )
    TrainingNeed.objects.filter(review__in=ids).update(description=REMOVED, marked_met_by=None)
    _clear_event_data(TermlyReview, ids)
    _mark(key, ids)
    return Outcome(done=done)


def performance_feedback(today: dt.date) -> Outcome:
    """Feedback for academic years that ended (31 August) on or before the cut-off day."""
    from syslead.quality.models import PerformanceFeedback

    key = "performance_feedback"
    cutoff = _cutoff(key, today)
    # The last academic year due starts in this calendar year ("2025-26" ends 31 August 2026).
    last_start = cutoff.year - 1 if cutoff >= dt.date(cutoff.year, 8, 31) else cutoff.year - 2
    # Labels start with their first year, so they compare as years ("2025-26" < "2026").
    due = PerformanceFeedback.objects.filter(academic_year__lt=str(last_start + 1))
    ids = _unmarked(key, due.values_list("pk", flat=True))
    if not ids:
        return Outcome()
    done = PerformanceFeedback.objects.filter(pk__in=ids).update(
        strengths=REMOVED, areas_to_develop=REMOVED, written_by=None
    )
    _clear_event_data(PerformanceFeedback, ids)
    _mark(key, ids)
    return Outcome(done=done)


def training_feedback(today: dt.date) -> Outcome:
    from syslead.leaders.models import TrainingFeedback

    key = "training_feedback"
    due = TrainingFeedback.objects.filter(event__held_on__lte=_cutoff(key, today))
    ids = _unmarked(key, due.values_list("pk", flat=True))
    if not ids:
        return Outcome()
    done = TrainingFeedback.objects.filter(pk__in=ids).update(
        will_do_differently=REMOVED, comments=""
    )
    _mark(key, ids)
    return Outcome(done=done)


def training_invitations(today: dt.date) -> Outcome:
    from syslead.leaders.models import TrainingInvitation

    due = TrainingInvitation.objects.filter(
        event__held_on__lte=_cutoff("training_invitations", today)
    )
    return Outcome(done=due.delete()[1].get(TrainingInvitation._meta.label, 0))


def start_departure_clocks(now: dt.datetime | None = None) -> int:
    """Inactive accounts with no clock yet (deactivated without a save, e.g. a bulk update):
    the clock starts now."""
    missing = User.objects.filter(is_active=False, departure__isnull=True, erasure__isnull=True)
    rows = [AccountDeparture(user=u, deactivated_at=now or timezone.now()) for u in missing]
    AccountDeparture.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def leavers(today: dt.date) -> Outcome:
    start_departure_clocks()
    due = (
        User.objects.filter(
            is_active=False,
            departure__deactivated_at__date__lte=_cutoff("leavers", today),
        )
        .exclude(pk__in=Erasure.objects.values("person"))
        .order_by("pk")
    )
    outcome = Outcome()
    for person in due:
        if erasure_blockers(person):
            outcome.held += 1
            continue
        try:
            anonymise_person(person, actor=None, reason=LEAVER_REASON)
        except RuleViolation:
            outcome.held += 1
            continue
        outcome.done += 1
    return outcome


def notifications(today: dt.date) -> Outcome:
    from syslead.notifications.models import Notification

    due = Notification.objects.filter(created_at__date__lte=_cutoff("notifications", today))
    return Outcome(done=due.delete()[1].get(Notification._meta.label, 0))


def read_audit(today: dt.date) -> Outcome:
    due = ReadAudit.objects.filter(read_at__date__lte=_cutoff("read_audit", today))
    return Outcome(done=due.delete()[1].get(ReadAudit._meta.label, 0))


def subject_access_exports(today: dt.date) -> Outcome:
    due = SubjectAccessExport.objects.annotate(
        clock=Coalesce("finished_at", "requested_at")
    ).filter(clock__date__lte=_cutoff("subject_access_exports", today))
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        return Outcome()
    deleted = SubjectAccessExport.objects.filter(pk__in=ids).delete()[1]
    return Outcome(done=deleted.get(SubjectAccessExport._meta.label, 0))


#: Each rule's applier, by the rule's key (a test checks every rule of the table has one).
APPLIERS: dict[str, Callable[[dt.date], Outcome]] = {
    "notes_of_visit": notes_of_visit,
    "agreements": agreements,
    "invoices": invoices,
    "feedback_and_evaluation": feedback_and_evaluation,
    "qa_checks": qa_checks,
    "evidence_packs": evidence_packs,
    "documents": documents,
    "concerns": concerns,
    "first_meetings": first_meetings,
    "brokering_records": brokering_records,
    "package_proposals": package_proposals,
    "leader_concerns": leader_concerns,
    "termly_reviews": termly_reviews,
    "performance_feedback": performance_feedback,
    "training_feedback": training_feedback,
    "training_invitations": training_invitations,
    "applications_not_designated": applications_not_designated,
    "leavers": leavers,
    "notifications": notifications,
    "read_audit": read_audit,
    "subject_access_exports": subject_access_exports,
}


class _DryRun(Exception):
    """Raised to roll a dry run's changes back."""


def apply_retention(today: dt.date, *, dry_run: bool = False) -> RunResult:
    """Apply every rule for ``today`` and record the run (a dry run counts, then rolls back)."""
    result = RunResult(today=today)
    try:
        with transaction.atomic():
            for row in RULES:
                with transaction.atomic():
                    outcome = APPLIERS[row.key](today)
                result.counts[row.key] = outcome.done
                if outcome.held:
                    result.held[row.key] = outcome.held
            if dry_run:
                raise _DryRun
            result.run = RetentionRun.objects.create(
                today=today, counts=result.counts, held=result.held
            )
            # This run's marks: the marks it wrote in this transaction have no run yet.
            RetentionMark.objects.filter(run__isnull=True).update(run=result.run)
    except _DryRun:
        result.run = RetentionRun.objects.create(
            today=today, counts=result.counts, held=result.held, dry_run=True
        )
    return result


@task()
def apply_retention_task(today: str | None = None) -> dict[str, int]:
    """The daily retention run in the background (``today`` as YYYY-MM-DD; default: today)."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return apply_retention(day).counts
