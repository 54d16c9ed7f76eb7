"""Subject access: an administrator asks for a ZIP of everything Syslead holds about one person
(their profile, roles, the records they wrote, the records about them, their timeline) as JSON,
with the PDFs of their records laid out as the pages people download. It is made in the
background, as the impact evidence pack is: the export shows queued, being made (with how far it
has got), then ready (or failed, with the reason). The ZIP is kept in the database, downloaded
only by administrators through an access-checked view, and expires after ``EXPIRES_AFTER``; the
retention schedule then deletes it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from syslead.accounts.access import is_administrator
from syslead.accounts.models import User
from syslead.core.events import event_record
from syslead.core.exceptions import NotAllowed
from syslead.privacy.models import EXPORT_IN_THE_MAKING, ExportStatus, SubjectAccessExport

logger = logging.getLogger(__name__)

#: A ready export can be downloaded for this long; the retention schedule then deletes it.
EXPIRES_AFTER = dt.timedelta(days=7)
#: An export queued or being made for longer than this has stalled (asking again restarts it).
STALLS_AFTER = dt.timedelta(minutes=30)
FAILED_MESSAGE = "The export could not be made."
#: Fields never exported (secrets, not data about the person).
SECRET_FIELDS = {"password", "key_hash", "token_hash"}


@dataclass(frozen=True)
class PdfJob:
    path: str
    render: Callable[[], bytes]


# --- What Syslead holds about a person ---------------------------------------------------------


def _rows(queryset: QuerySet[Any]) -> list[dict[str, Any]]:
    """Every field of every row (Django's serialiser: model, primary key, fields)."""
    model = queryset.model
    fields = [
        f.name
        for f in model._meta.concrete_fields
        if f.name not in SECRET_FIELDS
        and not isinstance(f, models.BinaryField)
        and not f.primary_key
    ]
    return list(serializers.serialize("python", queryset.order_by("pk"), fields=fields))


def _events_about(subjects: list[models.Model]) -> Q:
    query = Q(pk__in=[])
    for subject in subjects:
        query |= Q(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
        )
    return query


def person_sections(person: User) -> dict[str, QuerySet[Any]]:
    """The person's data, section by section (each a JSON file in the ZIP)."""
    from syslead.accounts.models import ApiToken, RoleAssignment, UserSession
    from syslead.brokering.models import Approach, Commission, FirstMeeting, ShortlistEntry
    from syslead.calendars.models import CalendarFeed
    from syslead.core.models import Event
    from syslead.deployments.models import (
        ChangeRecord,
        CloseOut,
        CopiedIn,
        Deployment,
        Dispute,
        PackageProposal,
        ProposedMember,
        Signature,
    )
    from syslead.documents.models import Document
    from syslead.evaluation.models import (
        Evaluation,
        EvaluationRating,
        EvidencePack,
        FeedbackRequest,
        FinalReport,
        LeaderOutcomeTally,
        ObjectiveRating,
        ProgressReview,
        SelfEvaluation,
    )
    from syslead.invoicing.models import Invoice
    from syslead.leaders.models import (
        AgreementSignature,
        ApplicationDecision,
        Association,
        AssociationReview,
        BrokerAgreement,
        Designation,
        DesignationApplication,
        DirectoryListing,
        Employment,
        GovernanceRole,
        LeaderPhase,
        LeaderProfile,
        ReleaseAgreement,
        TermlyReview,
        TrainingAttendance,
        TrainingFeedback,
        TrainingInvitation,
        TrainingNeed,
    )
    from syslead.notifications.models import Notification
    from syslead.privacy.models import AccountDeparture, ReadAudit
    from syslead.quality.models import (
        LeaderConcern,
        LeaderConcernAction,
        PerformanceFeedback,
        QaCheck,
        QaSample,
    )
    from syslead.schools.models import NamedSip
    from syslead.visits.models import (
        ActionPoint,
        Concern,
        ConcernAction,
        ConcernContact,
        LogEntry,
        LogShare,
        Visit,
    )

    profile = LeaderProfile.objects.filter(user=person).first()
    subjects: list[models.Model] = [person] + ([profile] if profile else [])
    return {
        "profile": User.objects.filter(pk=person.pk),
        "roles": RoleAssignment.objects.filter(user=person),
        "api_tokens": ApiToken.objects.filter(user=person),
        "signed_in_browsers": UserSession.objects.filter(user=person),
        "account_departure": AccountDeparture.objects.filter(user=person),
        "subject_access_exports_of_them": SubjectAccessExport.objects.filter(person=person),
        "calendar_feed": CalendarFeed.objects.filter(user=person),
        "leader_profile": LeaderProfile.objects.filter(user=person),
        "leader_phases": LeaderPhase.objects.filter(leader__user=person),
        "designations": Designation.objects.filter(leader__user=person),
        "designation_applications": DesignationApplication.objects.filter(leader__user=person),
        "application_decisions": ApplicationDecision.objects.filter(
            application__leader__user=person
        ),
        "associations": Association.objects.filter(leader__user=person),
        "association_reviews": AssociationReview.objects.filter(association__leader__user=person),
        "release_agreements": ReleaseAgreement.objects.filter(leader__user=person),
        "training_attendance": TrainingAttendance.objects.filter(leader__user=person),
        "training_invitations": TrainingInvitation.objects.filter(person=person),
        "training_feedback_given": TrainingFeedback.objects.filter(leader__user=person),
        "termly_reviews": TermlyReview.objects.filter(leader__user=person),
        "training_needs": TrainingNeed.objects.filter(leader__user=person),
        "governance_roles": GovernanceRole.objects.filter(leader__user=person),
        "broker_agreement_signatures": AgreementSignature.objects.filter(
            Q(leader__user=person) | Q(signed_by=person)
        ),
        # The version each signature is of (its text, as they signed it)
        "broker_agreements_signed": BrokerAgreement.objects.filter(
            signatures__leader__user=person
        ).distinct(),
        "employment_history": Employment.objects.filter(leader__user=person),
        "directory_listings": DirectoryListing.objects.filter(leader__user=person),
        "first_meetings": FirstMeeting.objects.filter(leader__user=person),
        # How they were found for requests: shortlists, approaches, offers between brokers
        "shortlist_entries": ShortlistEntry.objects.filter(leader__user=person),
        "approaches_to_them": Approach.objects.filter(leader__user=person),
        "commissions_naming_them": Commission.objects.filter(leader__user=person),
        "package_proposals_naming_them": ProposedMember.objects.filter(leader__user=person),
        # Records about them
        "agreements_as_leader": Deployment.objects.filter(leader__user=person),
        "concerns_they_were_named_person_for": Concern.objects.filter(named_person=person),
        "schools_they_are_or_were_named_sip_for": NamedSip.objects.filter(sip=person),
        "agreements_they_are_copied_in_on": CopiedIn.objects.filter(user=person),
        "named_person_for_concerns_settings": ConcernContact.objects.filter(
            Q(safeguarding_lead=person) | Q(updated_by=person)
        ),
        # Concerns about their work, or raised by them as a leader, with every action taken on
        # them (docs/privacy.md, "Subject access": the organisation decides on any exemption)
        "concerns_about_or_from_them_as_leader": LeaderConcern.objects.filter(leader__user=person),
        "actions_on_concerns_about_or_from_them": LeaderConcernAction.objects.filter(
            concern__leader__user=person
        ),
        # The broker's annual feedback to them, and the quality assurance checks of the notes
        # of visit they wrote and of the agreements they led (docs/privacy.md, "Subject access")
        "performance_feedback_to_them": PerformanceFeedback.objects.filter(leader__user=person),
        "qa_checks_of_their_work": QaCheck.objects.filter(
            Q(visit__recorded_by=person)
            | Q(visit__deployment__leader__user=person)
            | Q(evaluation__deployment__leader__user=person)
        ),
        # Records they wrote
        "agreements_created": Deployment.objects.filter(created_by=person),
        "signatures": Signature.objects.filter(signed_by=person),
        "agreement_changes_recorded": ChangeRecord.objects.filter(recorded_by=person),
        "notes_of_visit_recorded": Visit.objects.filter(recorded_by=person),
        "notes_of_visit_agreed": Visit.objects.filter(agreed_by=person),
        "action_points_of_their_notes": ActionPoint.objects.filter(visit__recorded_by=person),
        "deployment_log_entries": LogEntry.objects.filter(recorded_by=person),
        "deployment_records_shared_or_signed": LogShare.objects.filter(
            Q(shared_by=person) | Q(signed_by=person)
        ),
        "close_outs_stated_or_signed_off": CloseOut.objects.filter(
            Q(stated_by=person)
            | Q(leader_signed_off_by=person)
            | Q(head_signed_off_by=person)
            | Q(further_support_decided_by=person)
        ),
        "disputes_raised_or_resolved": Dispute.objects.filter(
            Q(raised_by=person) | Q(resolved_by=person)
        ),
        "progress_reviews_revised_measures_agreed": ProgressReview.objects.filter(
            revised_measures_agreed_by=person
        ),
        "concerns_raised": Concern.objects.filter(raised_by=person),
        "concern_actions_recorded": ConcernAction.objects.filter(recorded_by=person),
        "feedback_given": FeedbackRequest.objects.filter(submitted_by=person),
        "progress_ratings_given": ObjectiveRating.objects.filter(rated_by=person),
        "evaluations_given": Evaluation.objects.filter(submitted_by=person),
        "evaluation_ratings_given": EvaluationRating.objects.filter(
            evaluation__submitted_by=person
        ),
        "final_reports_written": FinalReport.objects.filter(author=person),
        "self_evaluations_written": SelfEvaluation.objects.filter(written_by=person),
        "outcome_tally": LeaderOutcomeTally.objects.filter(leader__user=person),
        "invoices_created": Invoice.objects.filter(created_by=person),
        "leader_concerns_raised": LeaderConcern.objects.filter(raised_by=person),
        "leader_concern_actions_recorded": LeaderConcernAction.objects.filter(recorded_by=person),
        "package_proposals_made": PackageProposal.objects.filter(proposed_by=person),
        "broker_agreements_published": BrokerAgreement.objects.filter(published_by=person),
        "termly_reviews_recorded": TermlyReview.objects.filter(recorded_by=person),
        "first_meetings_updated": FirstMeeting.objects.filter(updated_by=person),
        "performance_feedback_written": PerformanceFeedback.objects.filter(written_by=person),
        "qa_checks_made": QaCheck.objects.filter(checked_by=person),
        "qa_samples_drawn": QaSample.objects.filter(drawn_by=person),
        "evidence_packs_requested": EvidencePack.objects.filter(requested_by=person),
        "documents_uploaded": Document.objects.filter(uploaded_by=person),
        "release_agreements_consented_or_recorded": ReleaseAgreement.objects.filter(
            Q(headteacher_consent_by=person) | Q(recorded_by=person)
        ),
        "school_moves_recorded_or_asked_to_release": Employment.objects.filter(
            Q(recorded_by=person) | Q(headteacher=person)
        ),
        "directory_listings_made": DirectoryListing.objects.filter(listed_by=person),
        "shortlist_entries_added_or_judged": ShortlistEntry.objects.filter(
            Q(added_by=person) | Q(judged_by=person)
        ),
        "approaches_sent": Approach.objects.filter(sent_by=person),
        "commissions_proposed_or_decided": Commission.objects.filter(
            Q(proposed_by=person) | Q(decided_by=person)
        ),
        # What happened
        "timeline_what_they_did": Event.objects.filter(actor=person),
        "timeline_about_them": Event.objects.filter(_events_about(subjects)),
        "inbox": Notification.objects.filter(user=person),
        "sensitive_records_they_read": ReadAudit.objects.filter(reader=person),
    }


def pdf_jobs(person: User) -> list[PdfJob]:
    """The PDFs of the person's records, rendered by the same code as the pages' downloads."""
    from syslead.deployments.models import Deployment
    from syslead.deployments.pdf import agreement_filename, agreement_pdf
    from syslead.evaluation import documents
    from syslead.evaluation.models import Evaluation, FeedbackRequest, FinalReport
    from syslead.invoicing.models import Invoice
    from syslead.invoicing.pdf import invoice_filename, invoice_pdf
    from syslead.visits.models import Visit

    jobs: list[PdfJob] = []
    deployments = (
        Deployment.objects.filter(
            Q(leader__user=person) | Q(signatures__signed_by=person) | Q(created_by=person)
        )
        .distinct()
        .order_by("pk")
    )
    for d in deployments:
        jobs.append(
            PdfJob(f"pdf/agreements/{d.pk}-{agreement_filename(d)}", partial(agreement_pdf, d))
        )
    for v in Visit.objects.filter(recorded_by=person).order_by("pk"):
        jobs.append(
            PdfJob(
                f"pdf/notes-of-visit/{v.pk}-{documents.note_of_visit_filename(v)}",
                partial(documents.note_of_visit_pdf, v),
            )
        )
    for f in FeedbackRequest.objects.filter(submitted_by=person).order_by("pk"):
        jobs.append(
            PdfJob(
                f"pdf/feedback/{f.pk}-{documents.feedback_filename(f)}",
                partial(documents.feedback_pdf, f),
            )
        )
    for e in Evaluation.objects.filter(submitted_by=person).order_by("pk"):
        jobs.append(
            PdfJob(
                f"pdf/evaluations/{e.pk}-{documents.evaluation_filename(e)}",
                partial(documents.evaluation_pdf, e),
            )
        )
    for r in FinalReport.objects.filter(author=person).order_by("pk"):
        jobs.append(
            PdfJob(
                f"pdf/final-reports/{r.pk}-{documents.final_report_filename(r)}",
                partial(documents.final_report_pdf, r),
            )
        )
    for i in Invoice.objects.filter(created_by=person).order_by("pk"):
        jobs.append(PdfJob(f"pdf/invoices/{i.pk}-{invoice_filename(i)}", partial(invoice_pdf, i)))
    return jobs


README = """Everything Syslead holds about {name} (account {pk}), exported {when} for a subject
access request (UK GDPR article 15).

data/*.json   one file per kind of record: the person's profile, roles and API tokens (never
              their secrets), their leader profile, designations and applications, governance
              record, training, termly reviews, signatures of the broker's agreement, the
              records they wrote, the records about them (including concerns about their work,
              performance feedback and quality assurance checks, their employment history,
              directory listings, the shortlists, approaches and commissions naming them,
              and the first meetings and package proposals they were part of), their
              timeline (what they did and what was
              done to their account), their inbox and the sensitive records they read.
              Each row: "model", "pk" and "fields" (links to other records are their ids).
pdf/          their records as the PDFs Syslead lays out: agreements, notes of visit, feedback,
              evaluations, final reports, invoices.

Other people's records that mention the person in passing are not included in full; ask the
organisation's data protection officer if the person asks for them.
"""


def export_filename(export: SubjectAccessExport) -> str:
    who = slugify(export.person.name if export.person else "") or f"person-{export.person_id}"
    return f"subject-access-{who}-{export.pk}.zip"


# --- Reads -------------------------------------------------------------------------------------


def exports_of(person: User) -> QuerySet[SubjectAccessExport]:
    return (
        SubjectAccessExport.objects.filter(person=person)
        .defer("zip")
        .select_related("requested_by", "person")
    )


def is_stalled(export: SubjectAccessExport, now: dt.datetime | None = None) -> bool:
    if not export.in_the_making:
        return False
    since = export.started_at or export.requested_at
    return (now or timezone.now()) - since > STALLS_AFTER


def is_expired(export: SubjectAccessExport, now: dt.datetime | None = None) -> bool:
    return export.expires_at is not None and export.expires_at <= (now or timezone.now())


def export_for_user(user: User, export_id: int) -> SubjectAccessExport:
    """The export (without its ZIP), or NotAllowed unless the user is an administrator, or
    ``DoesNotExist``."""
    if not is_administrator(user):
        raise NotAllowed("Only administrators see subject access exports.")
    return (
        SubjectAccessExport.objects.defer("zip")
        .select_related("person", "requested_by")
        .get(pk=export_id)
    )


def export_zip(export: SubjectAccessExport, now: dt.datetime | None = None) -> bytes | None:
    """The ZIP of a ready export not yet expired (None otherwise)."""
    if export.status != ExportStatus.READY or is_expired(export, now):
        return None
    data = SubjectAccessExport.objects.filter(pk=export.pk).values_list("zip", flat=True).first()
    return bytes(data) if data is not None else None


# --- Writes ------------------------------------------------------------------------------------


def _fail(export: SubjectAccessExport, reason: str) -> None:
    SubjectAccessExport.objects.filter(pk=export.pk, status__in=EXPORT_IN_THE_MAKING).update(
        status=ExportStatus.FAILED, error=reason[:2000], finished_at=timezone.now()
    )


@transaction.atomic
def export_request(*, actor: User, person: User) -> SubjectAccessExport:
    """An administrator asks for a person's subject access export; one in the making per person
    (asking again while one is being made returns it, unless it stalled)."""
    if not is_administrator(actor):
        raise NotAllowed("Only administrators make subject access exports.")
    User.objects.select_for_update().filter(pk=person.pk).first()
    making = exports_of(person).filter(status__in=EXPORT_IN_THE_MAKING).first()
    if making is not None:
        if not is_stalled(making):
            return making
        _fail(making, "It stopped before it was finished.")
    export = SubjectAccessExport.objects.create(person=person, requested_by=actor)
    event_record(
        actor=actor,
        subject=person,
        verb="subject_access.requested",
        summary="Asked for a subject access export",
        data={"export": export.pk},
    )
    from syslead.privacy.tasks import build_subject_access_export

    transaction.on_commit(lambda: build_subject_access_export.enqueue(export.pk))
    return export


def _progress(export_id: int, done: int, step: str) -> None:
    SubjectAccessExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(
        steps_done=done, step=step[:200]
    )


def export_build(export_id: int) -> SubjectAccessExport:
    """Make a queued export (the background task), updating how far it has got after every
    file; a failure leaves it failed with the reason (and is raised again for the worker's log)."""
    claimed = SubjectAccessExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now(), step="Gathering the records"
    )
    export = SubjectAccessExport.objects.defer("zip").select_related("person").get(pk=export_id)
    if not claimed:
        return export
    try:
        if export.person is None:
            raise ValueError("The person's account no longer exists.")
        person = export.person
        sections = person_sections(person)
        jobs = pdf_jobs(person)
        total = len(sections) + len(jobs) + 1
        SubjectAccessExport.objects.filter(pk=export_id).update(steps_total=total)
        buffer = io.BytesIO()
        contents: dict[str, int] = {}
        done = 0
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            now = timezone.now()
            archive.writestr(
                "README.txt",
                README.format(
                    name=person.get_full_name(), pk=person.pk, when=f"{now:%Y-%m-%d %H:%M}"
                ),
            )
            for name, queryset in sections.items():
                rows = _rows(queryset)
                archive.writestr(
                    f"data/{name}.json",
                    json.dumps(rows, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
                )
                contents[name] = len(rows)
                done += 1
                _progress(export_id, done, f"Gathered {name.replace('_', ' ')}")
            for job in jobs:
                archive.writestr(job.path, job.render())
                done += 1
                _progress(export_id, done, f"Laid out {job.path.split('/')[1].replace('-', ' ')}")
            contents["pdfs"] = len(jobs)
        data = buffer.getvalue()
    except Exception as error:  # the export must show that it failed, whatever happened
        logger.exception("Subject access export %s could not be made", export_id)
        _fail(export, f"{FAILED_MESSAGE} ({type(error).__name__}: {error})")
        raise
    finished = timezone.now()
    with transaction.atomic():
        made = SubjectAccessExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(
            status=ExportStatus.READY,
            zip=data,
            size=len(data),
            contents=contents,
            steps_done=total,
            step="Ready",
            finished_at=finished,
            expires_at=finished + EXPIRES_AFTER,
            error="",
        )
        if made:
            event_record(
                actor=None,
                subject=person,
                verb="subject_access.ready",
                summary="The subject access export is ready",
                data={"export": export_id, "size": len(data)},
            )
    export.refresh_from_db(
        fields=["status", "size", "contents", "steps_done", "steps_total", "expires_at", "error"]
    )
    return export
