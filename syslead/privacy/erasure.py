"""Erasure by anonymisation: the person's name and e-mail become a stable pseudonym ("Former user
123"), the free text about them goes, they can never sign in again, and every record that must be
kept stays whole: nothing is deleted that a count, a KPI or an invoice reads (agreements, notes of
visit, ratings, invoices keep their rows, numbers, dates and links).

An administrator erases a person (with the reason: ``erase_person``); the retention schedule
anonymises people who left a year ago the same way (``anonymise_person``). Both refuse while the
person is still needed for live work (``erasure_blockers``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.utils import timezone

from syslead.accounts.access import forget_roles, is_administrator
from syslead.accounts.models import ApiToken, RoleAssignment, User
from syslead.accounts.two_factor import devices_delete
from syslead.core.events import event_record
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.privacy.models import Erasure

#: What replaces free text about an erased person (or a record past its retention period).
REMOVED = "[Removed for data protection]"
#: Names shorter than this are not searched for in free text (too many false matches).
MIN_NAME_TO_REPLACE = 4


def pseudonym_for(person: User) -> str:
    return f"Former user {person.pk}"


def pseudonym_email_for(person: User) -> str:
    return f"former-user-{person.pk}@erased.invalid"


def is_erased(person: User) -> bool:
    return Erasure.objects.filter(person=person).exists()


def erasure_blockers(person: User) -> list[str]:
    """Why the person may not be erased now (empty: they may). Live work needs them by name:
    retention allows erasure once it is over or handed to someone else."""
    from syslead.deployments.models import OPEN_STATUSES, Deployment
    from syslead.visits.models import Concern, ConcernContact, ConcernStatus

    reasons = []
    live = Deployment.objects.filter(
        leader__user=person,
        status__in=OPEN_STATUSES,
    ).count()
    if live:
        reasons.append(
            f"They lead {live} agreement{'s' if live != 1 else ''} still in progress: end or "
            "re-broker them first."
        )
    open_concerns = (
        Concern.objects.filter(Q(raised_by=person) | Q(named_person=person))
        .exclude(status=ConcernStatus.CLOSED)
        .count()
    )
    if open_concerns:
        reasons.append(
            f"They raised or must act on {open_concerns} concern"
            f"{'s' if open_concerns != 1 else ''} not yet closed."
        )
    from syslead.quality.models import LeaderConcern, LeaderConcernStatus

    open_leader_concerns = (
        LeaderConcern.objects.filter(Q(raised_by=person) | Q(leader__user=person))
        .exclude(status=LeaderConcernStatus.CLOSED)
        .count()
    )
    if open_leader_concerns:
        reasons.append(
            f"A concern about their work, or one they raised, is not yet closed "
            f"({open_leader_concerns}): close it first."
        )
    if ConcernContact.objects.filter(safeguarding_lead=person).exists():
        reasons.append("They are an organisation's named person for concerns: name another first.")
    return reasons


def _replace_in(model: type[models.Model], fields: tuple[str, ...], old: str, new: str) -> int:
    """Replace ``old`` with ``new`` in the text fields of every row that mentions it."""
    changed = 0
    for field in fields:
        changed += model._default_manager.filter(**{f"{field}__contains": old}).update(
            **{field: Replace(F(field), Value(old), Value(new))}
        )
    return changed


def _replace_in_rows(rows: QuerySet[Any], field: str, old: str, new: str) -> int:
    return rows.filter(**{f"{field}__contains": old}).update(
        **{field: Replace(F(field), Value(old), Value(new))}
    )


def _free_text_fields() -> list[tuple[type[models.Model], tuple[str, ...]]]:
    """Free text where a person may be named (by whoever wrote it)."""
    from syslead.alliances.models import AllianceMember, BoardDecision
    from syslead.boards.models import ActionItem, BoardMember, BudgetLine
    from syslead.brokering.models import Approach, Commission, FirstMeeting, ShortlistEntry
    from syslead.core.models import Event
    from syslead.deployments.models import (
        ChangeRecord,
        CloseOut,
        Deployment,
        Dispute,
        Objective,
        PackageProposal,
        Signature,
    )
    from syslead.evaluation.models import (
        Evaluation,
        EvaluationRating,
        FeedbackRequest,
        FinalReport,
        ObjectiveRating,
        ProgressReview,
        SelfEvaluation,
    )
    from syslead.leaders.models import (
        AgreementSignature,
        ApplicationDecision,
        AssociationReview,
        BrokerAgreement,
        Employment,
        ReleaseAgreement,
        TermlyReview,
        TrainingFeedback,
        TrainingNeed,
    )
    from syslead.quality.models import (
        LeaderConcern,
        LeaderConcernAction,
        PerformanceFeedback,
        QaCheck,
    )
    from syslead.visits.models import (
        ActionPoint,
        Concern,
        ConcernAction,
        LogEntry,
        LogShare,
        Visit,
    )

    return [
        (Visit, ("focus", "progress", "issues", "changes_comment")),
        (ActionPoint, ("action",)),
        (LogEntry, ("actions", "outcomes", "comments")),
        (LogShare, ("signed_name",)),
        (Concern, ("summary", "details", "action_taken", "outcome")),
        (ConcernAction, ("text",)),
        (
            Deployment,
            (
                "purpose",
                "staff_involved",
                "evaluation_strategy",
                "monitoring_arrangements",
                "exit_arrangements",
                "end_reason",
                "capacity_override_reason",
                "funding_notes",
                "home_headteacher_name",
                "client_headteacher_name",
                "client_contact_name",
                "managed_by_name",
                "broker_lead_name",
            ),
        ),
        (Objective, ("text", "outcome", "baseline", "actions", "improvement", "impact")),
        (Signature, ("signed_as",)),
        (ChangeRecord, ("reason",)),
        (CloseOut, ("not_delivered_reason",)),
        (Dispute, ("what", "outcome", "raised_as")),
        (ReleaseAgreement, ("chair_consent_name",)),
        (
            FeedbackRequest,
            ("work_managed_by", "objectives", "school_actions", "leader_actions", "impact"),
        ),
        (ProgressReview, ("revised_measures",)),
        (ObjectiveRating, ("comment",)),
        (Evaluation, ("future_priorities", "future_support_requested")),
        (EvaluationRating, ("comment",)),
        (FinalReport, ("work_summary", "impact", "next_steps", "qa_comments")),
        (SelfEvaluation, ("went_well", "impact_seen", "do_differently")),
        (ApplicationDecision, ("reason",)),
        (LeaderConcern, ("summary", "description", "raised_as")),
        (LeaderConcernAction, ("text",)),
        (QaCheck, ("comment",)),
        (PerformanceFeedback, ("strengths", "areas_to_develop")),
        (AgreementSignature, ("signed_name",)),
        (BrokerAgreement, ("text",)),
        (TermlyReview, ("attended_by", "notes")),
        (TrainingNeed, ("description",)),
        (TrainingFeedback, ("will_do_differently", "comments")),
        (FirstMeeting, ("attendees", "notes", "place", "agreed_objectives")),
        (PackageProposal, ("note", "return_reason")),
        (ShortlistEntry, ("swap_reason", "judgement_reason")),
        (Approach, ("message", "decline_reason")),
        (Commission, ("note",)),
        (Employment, ("headteacher_name",)),
        (AssociationReview, ("details", "outcome_notes")),
        (AllianceMember, ("contact_name", "mou_signed_by", "leaving_reason", "duties")),
        (BoardDecision, ("notes",)),
        (BoardMember, ("name", "represents")),
        (ActionItem, ("action", "owner")),
        (BudgetLine, ("notes",)),
        (Event, ("summary",)),
    ]


def _end_sessions(person: User) -> int:
    """Delete the person's signed-in sessions (database sessions, decoded one by one) and what
    was kept about each browser (``UserSession``: device and IP address)."""
    from syslead.accounts.models import UserSession

    ended = UserSession.objects.filter(user=person).delete()[1].get(UserSession._meta.label, 0)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(person.pk):
            session.delete()
            ended += 1
    return ended


def _anonymise_profile(person: User) -> dict[str, int]:
    from syslead.leaders.models import (
        AgreementSignature,
        Association,
        AssociationReview,
        Designation,
        DesignationApplication,
        GovernanceRole,
        LeaderProfile,
    )

    changed: dict[str, int] = {}
    profile = LeaderProfile.objects.filter(user=person).first()
    if profile is None:
        return changed
    # The schools they governed would identify them; the roles and years stay, for the
    # designation they back (docs/privacy.md, "Erasure by anonymisation"). The profile's
    # timeline named them too.
    from django.contrib.contenttypes.models import ContentType

    from syslead.core.models import Event

    governed = set(GovernanceRole.objects.filter(leader=profile).values_list("body", flat=True))
    profile_events = Event.objects.filter(
        subject_type=ContentType.objects.get_for_model(LeaderProfile), subject_id=str(profile.pk)
    )
    for body in governed:
        if len(body) >= MIN_NAME_TO_REPLACE:
            _replace_in_rows(profile_events, "summary", body, REMOVED)
    profile_events.filter(verb__startswith="leader.governance_role").update(data={})
    changed["governance_roles"] = GovernanceRole.objects.filter(leader=profile).update(body=REMOVED)
    # The name they typed to sign the broker's agreement (it may differ from the account's).
    changed["broker_agreement_signatures"] = AgreementSignature.objects.filter(
        leader=profile
    ).update(signed_name=pseudonym_for(person))
    LeaderProfile.objects.filter(pk=profile.pk).update(
        pen_portrait="",
        declared_conflicts="",
        job_title="",
        publish_profile=False,
        publish_name=False,
        publish_pen_portrait=False,
    )
    changed["leader_profile"] = 1
    applications = DesignationApplication.objects.filter(leader=profile)
    # The name, e-mail and job title they applied with before they had a profile.
    applications.exclude(applicant_name="").update(applicant_name=pseudonym_for(person))
    applications.exclude(applicant_email="").update(applicant_email=pseudonym_email_for(person))
    changed["applications"] = applications.update(evidence=REMOVED, applicant_job_title="")
    changed["designations"] = (
        Designation.objects.filter(leader=profile)
        .filter(~Q(review_reason="") | ~Q(revoked_reason=""))
        .update(review_reason=REMOVED, revoked_reason=REMOVED)
    )
    changed["association_reviews"] = AssociationReview.objects.filter(
        association__leader=profile
    ).update(details=REMOVED, outcome_notes="")
    Association.objects.filter(leader=profile).exclude(end_reason="").update(end_reason=REMOVED)
    return changed


def _anonymise_agreement_contacts(person: User, old_email: str) -> int:
    """Their contact details captured on agreements: their own (as the leader) and any field
    holding their e-mail address."""
    from syslead.deployments.models import Deployment

    changed = (
        Deployment.objects.filter(leader__user=person)
        .exclude(leader_contact="")
        .update(leader_contact="")
    )
    if old_email:
        changed += Deployment.objects.filter(client_headteacher_email__iexact=old_email).update(
            client_headteacher_email=""
        )
        changed += Deployment.objects.filter(managed_by_email__iexact=old_email).update(
            managed_by_email=""
        )
        changed += Deployment.objects.filter(client_contact_details__icontains=old_email).update(
            client_contact_details=""
        )
    return changed


def _anonymise_alliance_contacts(old_email: str) -> int:
    """Alliance members whose contact is the person, by e-mail: the address goes (the name goes
    with the free text, as on board seats)."""
    from syslead.alliances.models import AllianceMember

    if not old_email:
        return 0
    return AllianceMember.objects.filter(contact_email__iexact=old_email).update(contact_email="")


def _delete_copies(person: User) -> dict[str, int]:
    """Copies that would keep their name: the evidence packs of the agreements they took part
    in (they can be made again, from the anonymised records) and their subject access exports."""
    from syslead.deployments.models import Deployment
    from syslead.evaluation.models import EvidencePack
    from syslead.privacy.models import SubjectAccessExport

    involved = Deployment.objects.filter(
        Q(leader__user=person)
        | Q(signatures__signed_by=person)
        | Q(visits__recorded_by=person)
        | Q(visits__agreed_by=person)
        | Q(feedback_requests__submitted_by=person)
        | Q(evaluation__submitted_by=person)
        | Q(final_report__author=person)
    ).values("pk")
    packs = EvidencePack.objects.filter(deployment__in=involved).delete()[1]
    exports = SubjectAccessExport.objects.filter(person=person).delete()[1]
    return {
        "evidence_packs": packs.get(EvidencePack._meta.label, 0),
        "subject_access_exports": exports.get(SubjectAccessExport._meta.label, 0),
    }


def _clear_own_event_data(person: User) -> int:
    """The data kept with their account's own timeline (e.g. the e-mail it was made with)."""
    from django.contrib.contenttypes.models import ContentType

    from syslead.core.models import Event

    return Event.objects.filter(
        subject_type=ContentType.objects.get_for_model(User), subject_id=str(person.pk)
    ).update(data={})


@transaction.atomic
def anonymise_person(person: User, *, actor: User | None, reason: str) -> Erasure:
    """Erase ``person`` by anonymisation (see the module's docstring); RuleViolation while live
    work needs them, or when they are erased already."""
    person = User.objects.select_for_update().get(pk=person.pk)
    if is_erased(person):
        raise RuleViolation(f"{person} has already been erased.", rule="already_erased")
    blockers = erasure_blockers(person)
    if blockers:
        raise RuleViolation(" ".join(blockers), rule="needed_for_live_work")
    old_name, old_email = person.name.strip(), person.email
    pseudonym = pseudonym_for(person)
    changed: dict[str, int] = {}

    person.name = pseudonym
    person.email = pseudonym_email_for(person)
    person.set_unusable_password()
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.save()
    person.groups.clear()
    person.user_permissions.clear()

    from syslead.calendars.models import CalendarFeed
    from syslead.notifications.models import Notification

    changed["api_tokens"] = ApiToken.objects.filter(user=person).delete()[0]
    changed["calendar_feed"] = CalendarFeed.objects.filter(user=person).delete()[0]
    changed["two_factor_devices"] = devices_delete(person)
    changed["sessions"] = _end_sessions(person)
    changed["roles"] = RoleAssignment.objects.filter(user=person).delete()[0]
    changed["inbox"] = Notification.objects.filter(user=person).delete()[0]
    forget_roles(person)
    changed.update(_anonymise_profile(person))
    changed["agreement_contacts"] = _anonymise_agreement_contacts(person, old_email)
    changed["alliance_contacts"] = _anonymise_alliance_contacts(old_email)
    from syslead.leaders.models import TrainingInvitation

    changed["training_invitations"] = TrainingInvitation.objects.filter(person=person).update(
        email=person.email
    )
    mentions = 0
    for needle in (old_name, old_email):
        if len(needle) >= MIN_NAME_TO_REPLACE:
            for model, fields in _free_text_fields():
                mentions += _replace_in(model, fields, needle, pseudonym)
    changed["mentions_replaced"] = mentions
    changed["timeline_details"] = _clear_own_event_data(person)
    changed.update(_delete_copies(person))

    erasure = Erasure.objects.create(
        person=person,
        pseudonym=pseudonym,
        reason=reason,
        erased_by=actor if getattr(actor, "is_authenticated", False) else None,
        changed={k: v for k, v in changed.items() if v},
    )
    event_record(
        actor=actor,
        subject=person,
        verb="user.erased",
        summary=f"Erased by anonymisation: now {pseudonym}",
        data={"reason": reason[:500]},
    )
    return erasure


def erase_person(*, actor: User, person: User, reason: str) -> Erasure:
    """An administrator erases a person, saying why (recorded with the erasure)."""
    if not is_administrator(actor):
        raise NotAllowed("Only administrators erase people.")
    if actor.pk == person.pk:
        raise RuleViolation("You cannot erase yourself.", rule="erase_self")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Say why the person is being erased.", rule="reason_required")
    return anonymise_person(person, actor=actor, reason=reason)
