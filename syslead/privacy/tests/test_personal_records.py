"""The personal records added after the privacy machinery (concerns about or from a leader, the
broker's agreement signatures, the governance record, training invitations and feedback, termly
reviews and training needs, first meetings, package proposals): each is classified, in the
person's subject access export, handled by erasure and under a row of the retention schedule
(docs/privacy.md and docs/retention.md)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from syslead.accounts.models import User
from syslead.brokering.models import (
    Approach,
    ApproachStatus,
    Commission,
    CommissionStatus,
    FirstMeeting,
    ShortlistEntry,
    SupportRequest,
)
from syslead.brokering.tests.factories import support_request as make_support_request
from syslead.core.events import event_record
from syslead.core.exceptions import RuleViolation
from syslead.core.models import Event
from syslead.deployments.models import (
    CloseOut,
    Deployment,
    Dispute,
    PackageProposal,
    ProposalStatus,
    ProposedMember,
    SupportPackage,
)
from syslead.evaluation.models import Evaluation, ProgressReview
from syslead.leaders.models import (
    AgreementSignature,
    BrokerAgreement,
    DirectoryListing,
    Employment,
    GovernancePosition,
    GovernanceRole,
    LeaderProfile,
    TermlyReview,
    TrainingEvent,
    TrainingFeedback,
    TrainingInvitation,
    TrainingKind,
    TrainingNeed,
)
from syslead.privacy.coverage import CLASSIFIED, OLDER_RECORDS
from syslead.privacy.erasure import REMOVED, anonymise_person, erase_person, pseudonym_for
from syslead.privacy.retention import RULES_BY_KEY
from syslead.privacy.retention_run import APPLIERS
from syslead.privacy.subject_access import _rows, person_sections
from syslead.quality.models import (
    ConcernDirection,
    LeaderConcern,
    LeaderConcernAction,
    LeaderConcernStatus,
    PerformanceFeedback,
    QaCheck,
    QaOutcome,
    QaSample,
)
from syslead.visits.models import LogShare, Visit

SIX_YEARS_ON = dt.date(2032, 3, 27)  # six years after the finished agreement ended
EVENT_DAY = dt.date(2026, 2, 10)
REVIEW_DAY = dt.date(2026, 1, 20)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


@dataclass
class Records:
    concern: LeaderConcern
    action: LeaderConcernAction
    agreement: BrokerAgreement
    signature: AgreementSignature
    governance: GovernanceRole
    event: TrainingEvent
    invitation: TrainingInvitation
    feedback: TrainingFeedback
    review: TermlyReview
    need: TrainingNeed
    meeting: FirstMeeting
    proposal: PackageProposal
    member: ProposedMember


@pytest.fixture
def records(finished: Deployment, leader_user: User, coordinator: User) -> Records:
    """One of each new record about Lee, each naming Lee Leader in its free text, on the
    alliance's finished agreement (ended 27 March 2026)."""
    leader = LeaderProfile.objects.get(user=leader_user)
    alliance = finished.organisation
    concern = LeaderConcern.objects.create(
        organisation=alliance,
        leader=leader,
        direction=ConcernDirection.ABOUT_LEADER,
        deployment=finished,
        category="commitments",
        summary="Lee Leader missed two visits",
        description="Lee Leader did not come on 3 and 10 March.",
        raised_by=coordinator,
        status=LeaderConcernStatus.CLOSED,
        raised_at=_at(dt.date(2026, 3, 12)),
        touched_at=_at(dt.date(2026, 3, 30)),
    )
    action = LeaderConcernAction.objects.create(
        concern=concern,
        text="Spoke to Lee Leader; visits rearranged.",
        status=LeaderConcernStatus.CLOSED,
        recorded_by=coordinator,
    )
    agreement = BrokerAgreement.objects.create(
        organisation=alliance,
        version=1,
        title="Code of conduct",
        text="Leaders follow the code.",
        published_at=_at(dt.date(2025, 9, 1)),
        published_by=coordinator,
    )
    signature = AgreementSignature.objects.create(
        agreement=agreement,
        leader=leader,
        signed_name="Lee A. Leader",
        signed_at=_at(dt.date(2025, 9, 3)),
        signed_by=leader_user,
    )
    governance = GovernanceRole.objects.create(
        leader=leader,
        body="Rookery Lane Primary",
        role=GovernancePosition.CHAIR,
        starts_on=dt.date(2018, 9, 1),
        ends_on=dt.date(2023, 8, 31),
        recorded_by=leader_user,
    )
    event_record(
        actor=leader_user,
        subject=leader,
        verb="leader.governance_role_added",
        summary="Chair of governors of Rookery Lane Primary recorded for Lee Leader",
        data={"body": "Rookery Lane Primary"},
    )
    event = TrainingEvent.objects.create(
        organisation=alliance, kind=TrainingKind.NETWORK, title="Network", held_on=EVENT_DAY
    )
    invitation = TrainingInvitation.objects.create(
        event=event, person=leader_user, email=leader_user.email, invited_by=coordinator
    )
    feedback = TrainingFeedback.objects.create(
        event=event,
        leader=leader,
        usefulness=4,
        will_do_differently="I, Lee Leader, will coach more.",
        comments="Good.",
    )
    review = TermlyReview.objects.create(
        leader=leader,
        organisation=alliance,
        held_on=REVIEW_DAY,
        term="2025-26-spring",
        attended_by="Lee Leader and Alice",
        notes="Lee Leader wants coaching training.",
        recorded_by=coordinator,
    )
    need = TrainingNeed.objects.create(
        review=review, leader=leader, description="Coaching for Lee Leader"
    )
    meeting = FirstMeeting.objects.create(
        support_request=finished.support_request,
        leader=leader,
        meeting_on=dt.date(2025, 9, 10),
        held_on=dt.date(2025, 9, 10),
        attendees="Lee Leader, Cara Client-Head",
        place="Ermine Primary",
        notes="Lee Leader will start with maths.",
        agreed_objectives="Maths leadership",
        agreed_days=Decimal("6.0"),
        updated_by=leader_user,
    )
    package = SupportPackage.objects.create(
        organisation=alliance, school=finished.client_school, title="Maths package"
    )
    Deployment.objects.filter(pk=finished.pk).update(package=package)
    proposal = PackageProposal.objects.create(
        package=package,
        status=ProposalStatus.RETURNED,
        note="Lee Leader leads with one SLE.",
        proposed_by=leader_user,
        decided_by=coordinator,
        decided_at=_at(dt.date(2025, 9, 5)),
        return_reason="Ask Lee Leader for fewer days.",
    )
    member = ProposedMember.objects.create(proposal=proposal, leader=leader, days=Decimal("4"))
    return Records(
        concern=concern,
        action=action,
        agreement=agreement,
        signature=signature,
        governance=governance,
        event=event,
        invitation=invitation,
        feedback=feedback,
        review=review,
        need=need,
        meeting=meeting,
        proposal=proposal,
        member=member,
    )


# --- Classification -------------------------------------------------------------------------


def _linked_to_a_person() -> set[str]:
    person_models = {apps.get_model("accounts", "User"), LeaderProfile}
    return {
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("syslead.")
        and any(
            field.is_relation and field.related_model in person_models
            for field in model._meta.concrete_fields
        )
    }


def test_every_model_linked_to_a_person_is_classified_for_privacy() -> None:
    """docs/privacy.md, "Every record with personal data is classified": a model linked to an
    account or a leader profile is in the classification table or among the older records."""
    unclassified = _linked_to_a_person() - set(CLASSIFIED) - OLDER_RECORDS
    assert not unclassified, f"Classify in syslead/privacy/coverage.py: {unclassified}"
    assert not set(CLASSIFIED) & OLDER_RECORDS
    assert not OLDER_RECORDS - _linked_to_a_person(), "A listed older record no longer exists"


@pytest.mark.django_db
def test_each_classified_record_has_its_export_sections_and_a_retention_rule(
    leader_user: User,
) -> None:
    sections = person_sections(leader_user)
    for label, classification in CLASSIFIED.items():
        model = apps.get_model(label)
        assert classification.subject_access, label
        for name in classification.subject_access:
            assert sections[name].model is model, (label, name)
        assert classification.retention in RULES_BY_KEY, label
        assert classification.retention in APPLIERS, label
        assert classification.erasure, label


# --- Subject access -------------------------------------------------------------------------


def test_the_subject_access_export_holds_the_new_records_about_and_by_the_person(
    records: Records, leader_user: User, coordinator: User
) -> None:
    mine = person_sections(leader_user)
    expected = {
        "concerns_about_or_from_them_as_leader": [records.concern.pk],
        "actions_on_concerns_about_or_from_them": [records.action.pk],
        "broker_agreement_signatures": [records.signature.pk],
        "broker_agreements_signed": [records.agreement.pk],
        "governance_roles": [records.governance.pk],
        "training_invitations": [records.invitation.pk],
        "training_feedback_given": [records.feedback.pk],
        "termly_reviews": [records.review.pk],
        "training_needs": [records.need.pk],
        "first_meetings": [records.meeting.pk],
        "first_meetings_updated": [records.meeting.pk],
        "package_proposals_made": [records.proposal.pk],
        "package_proposals_naming_them": [records.member.pk],
        # Lee raised no concern and recorded no action: those are the coordinator's
        "leader_concerns_raised": [],
        "leader_concern_actions_recorded": [],
    }
    for name, pks in expected.items():
        rows = _rows(mine[name])
        assert [row["pk"] for row in rows] == pks, name
        json.dumps(rows, cls=DjangoJSONEncoder)
    theirs = person_sections(coordinator)
    assert [r.pk for r in theirs["leader_concerns_raised"]] == [records.concern.pk]
    assert [r.pk for r in theirs["leader_concern_actions_recorded"]] == [records.action.pk]
    assert [r.pk for r in theirs["termly_reviews_recorded"]] == [records.review.pk]
    assert [r.pk for r in theirs["broker_agreements_published"]] == [records.agreement.pk]
    assert not theirs["concerns_about_or_from_them_as_leader"].exists()
    assert not theirs["governance_roles"].exists()


# --- Erasure --------------------------------------------------------------------------------


def test_erasure_replaces_the_person_in_concerns_reviews_feedback_meetings_and_proposals(
    records: Records, administrator: User, leader_user: User
) -> None:
    """docs/privacy.md, "Erasure by anonymisation": their name is replaced in the new records'
    free text, which stay as the broker's records linked to the pseudonymous leader."""
    erase_person(actor=administrator, person=leader_user, reason="Asked on 1 May")
    leader_user.refresh_from_db()
    alias = pseudonym_for(leader_user)
    concern = LeaderConcern.objects.get(pk=records.concern.pk)
    assert concern.summary == f"{alias} missed two visits"
    assert concern.description == f"{alias} did not come on 3 and 10 March."
    assert concern.leader.user_id == leader_user.pk
    assert LeaderConcernAction.objects.get(pk=records.action.pk).text == (
        f"Spoke to {alias}; visits rearranged."
    )
    review = TermlyReview.objects.get(pk=records.review.pk)
    assert review.attended_by == f"{alias} and Alice"
    assert review.notes == f"{alias} wants coaching training."
    assert TrainingNeed.objects.get(pk=records.need.pk).description == f"Coaching for {alias}"
    assert TrainingFeedback.objects.get(pk=records.feedback.pk).will_do_differently == (
        f"I, {alias}, will coach more."
    )
    meeting = FirstMeeting.objects.get(pk=records.meeting.pk)
    assert meeting.attendees == f"{alias}, Cara Client-Head"
    assert meeting.notes == f"{alias} will start with maths."
    proposal = PackageProposal.objects.get(pk=records.proposal.pk)
    assert proposal.note == f"{alias} leads with one SLE."
    assert proposal.return_reason == f"Ask {alias} for fewer days."
    assert ProposedMember.objects.filter(pk=records.member.pk).exists()
    assert TrainingInvitation.objects.get(pk=records.invitation.pk).email == leader_user.email
    assert leader_user.email.endswith("@erased.invalid")


def test_erasure_removes_the_schools_governed_and_signs_the_agreement_with_the_pseudonym(
    records: Records, administrator: User, leader_user: User
) -> None:
    """The governance record keeps the role and years (the NLG criterion reads them) without the
    school that would identify the person; the signature keeps its date and version."""
    erase_person(actor=administrator, person=leader_user, reason="Asked on 1 May")
    role = GovernanceRole.objects.get(pk=records.governance.pk)
    assert role.body == REMOVED
    assert (role.role, role.starts_on, role.ends_on) == (
        GovernancePosition.CHAIR,
        dt.date(2018, 9, 1),
        dt.date(2023, 8, 31),
    )
    signature = AgreementSignature.objects.get(pk=records.signature.pk)
    assert signature.signed_name == pseudonym_for(leader_user)
    assert signature.agreement_id == records.agreement.pk
    assert signature.signed_at == _at(dt.date(2025, 9, 3))
    assert not Event.objects.filter(summary__contains="Rookery Lane").exists()
    assert not Event.objects.filter(data__body="Rookery Lane Primary").exists()


def test_erasure_is_refused_while_a_concern_about_the_leader_is_not_closed(
    records: Records, leader_user: User
) -> None:
    LeaderConcern.objects.filter(pk=records.concern.pk).update(
        status=LeaderConcernStatus.UNDER_REVIEW
    )
    with pytest.raises(RuleViolation, match="concern about their work"):
        anonymise_person(leader_user, actor=None, reason="Left")


# --- Retention ------------------------------------------------------------------------------


def test_a_closed_leader_concern_is_deleted_six_years_after_it_closed_and_not_before(
    records: Records,
) -> None:
    closed_on = dt.date(2026, 3, 30)
    assert APPLIERS["leader_concerns"](dt.date(2032, 3, 29)).done == 0
    assert LeaderConcern.objects.filter(pk=records.concern.pk).exists()
    outcome = APPLIERS["leader_concerns"](closed_on.replace(year=2032))
    assert outcome.done == 1
    assert not LeaderConcern.objects.filter(pk=records.concern.pk).exists()
    assert not LeaderConcernAction.objects.filter(pk=records.action.pk).exists()


def test_a_leader_concern_not_closed_is_never_deleted(records: Records) -> None:
    LeaderConcern.objects.filter(pk=records.concern.pk).update(
        status=LeaderConcernStatus.ACTION_TAKEN
    )
    assert APPLIERS["leader_concerns"](dt.date(2060, 1, 1)).done == 0
    assert LeaderConcern.objects.filter(pk=records.concern.pk).exists()


def test_first_meetings_and_package_proposals_are_anonymised_six_years_after_the_agreement_ends(
    records: Records,
) -> None:
    day_before = SIX_YEARS_ON - dt.timedelta(days=1)
    assert APPLIERS["first_meetings"](day_before).done == 0
    assert APPLIERS["package_proposals"](day_before).done == 0
    assert APPLIERS["first_meetings"](SIX_YEARS_ON).done == 1
    assert APPLIERS["package_proposals"](SIX_YEARS_ON).done == 1
    meeting = FirstMeeting.objects.get(pk=records.meeting.pk)
    assert (meeting.attendees, meeting.notes, meeting.place, meeting.updated_by) == (
        REMOVED,
        "",
        "",
        None,
    )
    assert (meeting.held_on, meeting.agreed_days) == (dt.date(2025, 9, 10), Decimal("6.0"))
    proposal = PackageProposal.objects.get(pk=records.proposal.pk)
    assert (proposal.note, proposal.return_reason, proposal.proposed_by) == ("", REMOVED, None)
    assert proposal.members.get().days == Decimal("4")
    # Marked: the next run neither redoes nor recounts them
    assert APPLIERS["first_meetings"](SIX_YEARS_ON).done == 0
    assert APPLIERS["package_proposals"](SIX_YEARS_ON).done == 0


def test_a_first_meeting_of_a_live_agreement_is_kept_however_old(
    records: Records, finished: Deployment
) -> None:
    Deployment.objects.filter(pk=finished.pk).update(status="active")
    assert APPLIERS["first_meetings"](dt.date(2060, 1, 1)).done == 0
    assert APPLIERS["package_proposals"](dt.date(2060, 1, 1)).done == 0


def test_termly_reviews_and_feedback_anonymised_six_years_on_invitations_deleted_after_a_year(
    records: Records,
) -> None:
    assert APPLIERS["training_invitations"](dt.date(2027, 2, 9)).done == 0
    assert APPLIERS["training_invitations"](dt.date(2027, 2, 10)).done == 1
    assert not TrainingInvitation.objects.filter(pk=records.invitation.pk).exists()
    assert APPLIERS["termly_reviews"](dt.date(2032, 1, 19)).done == 0
    assert APPLIERS["termly_reviews"](dt.date(2032, 1, 20)).done == 1
    review = TermlyReview.objects.get(pk=records.review.pk)
    assert (review.attended_by, review.notes, review.recorded_by) == (REMOVED, "", None)
    assert review.held_on == REVIEW_DAY
    assert TrainingNeed.objects.get(pk=records.need.pk).description == REMOVED
    assert APPLIERS["training_feedback"](dt.date(2032, 2, 9)).done == 0
    assert APPLIERS["training_feedback"](dt.date(2032, 2, 10)).done == 1
    feedback = TrainingFeedback.objects.get(pk=records.feedback.pk)
    assert (feedback.will_do_differently, feedback.comments, feedback.usefulness) == (
        REMOVED,
        "",
        4,
    )


# --- Quality assurance checks and the annual performance feedback ----------------------------


@dataclass
class Quality:
    sample: QaSample
    visit_check: QaCheck
    evaluation_check: QaCheck
    feedback: PerformanceFeedback


@pytest.fixture
def quality(finished: Deployment, leader_user: User, coordinator: User) -> Quality:
    """The alliance's autumn sample (drawn 1 December 2025) checking one of Lee's notes of visit
    and the evaluation of Lee's finished agreement, and Lee's feedback for 2025-26; each names
    Lee Leader in its text."""
    leader = LeaderProfile.objects.get(user=leader_user)
    sample = QaSample.objects.create(
        organisation=finished.organisation,
        academic_year="2025-26",
        term="autumn",
        population=2,
        evaluation_population=1,
        drawn_by=coordinator,
    )
    QaSample.objects.filter(pk=sample.pk).update(drawn_at=_at(dt.date(2025, 12, 1)))
    visit_check = QaCheck.objects.create(
        sample=sample,
        visit=Visit.objects.filter(deployment=finished).order_by("date").first(),
        outcome=QaOutcome.NEEDS_IMPROVEMENT,
        comment="Lee Leader's actions are not measurable.",
        checked_by=coordinator,
        checked_at=_at(dt.date(2025, 12, 5)),
    )
    evaluation_check = QaCheck.objects.create(
        sample=sample,
        evaluation=Evaluation.objects.get(deployment=finished),
        outcome=QaOutcome.MEETS_STANDARD,
        comment="",
        checked_by=coordinator,
        checked_at=_at(dt.date(2025, 12, 5)),
    )
    feedback = PerformanceFeedback.objects.create(
        leader=leader,
        organisation=finished.organisation,
        academic_year="2025-26",
        strengths="Lee Leader coaches well.",
        areas_to_develop="Lee Leader should write measurable actions.",
        meets_standard=True,
        written_by=coordinator,
        shared_at=_at(dt.date(2026, 7, 10)),
    )
    return Quality(sample, visit_check, evaluation_check, feedback)


def test_the_export_holds_the_performance_feedback_and_qa_checks_of_their_work(
    quality: Quality, leader_user: User, coordinator: User
) -> None:
    """docs/privacy.md, "Subject access": the broker's annual feedback to the leader and the
    quality assurance checks of their notes and agreements are theirs; the coordinator's export
    holds the feedback they wrote, the checks they made and the sample they drew."""
    mine = person_sections(leader_user)
    assert [r["pk"] for r in _rows(mine["performance_feedback_to_them"])] == [quality.feedback.pk]
    assert [r["pk"] for r in _rows(mine["qa_checks_of_their_work"])] == sorted(
        [quality.visit_check.pk, quality.evaluation_check.pk]
    )
    assert not mine["performance_feedback_written"].exists()
    assert not mine["qa_checks_made"].exists()
    assert not mine["qa_samples_drawn"].exists()
    theirs = person_sections(coordinator)
    assert [r.pk for r in theirs["performance_feedback_written"]] == [quality.feedback.pk]
    assert {r.pk for r in theirs["qa_checks_made"]} == {
        quality.visit_check.pk,
        quality.evaluation_check.pk,
    }
    assert [r.pk for r in theirs["qa_samples_drawn"]] == [quality.sample.pk]
    assert not theirs["qa_checks_of_their_work"].exists()
    json.dumps(_rows(mine["qa_checks_of_their_work"]), cls=DjangoJSONEncoder)


def test_erasure_replaces_the_person_in_performance_feedback_and_qa_comments(
    quality: Quality, administrator: User, leader_user: User
) -> None:
    """docs/privacy.md, "Erasure by anonymisation": the feedback and the check stay as the
    broker's records, linked to the pseudonymous leader, with the name replaced."""
    erase_person(actor=administrator, person=leader_user, reason="Asked on 1 May")
    leader_user.refresh_from_db()
    alias = pseudonym_for(leader_user)
    feedback = PerformanceFeedback.objects.get(pk=quality.feedback.pk)
    assert feedback.strengths == f"{alias} coaches well."
    assert feedback.areas_to_develop == f"{alias} should write measurable actions."
    assert (feedback.leader.user_id, feedback.meets_standard) == (leader_user.pk, True)
    check = QaCheck.objects.get(pk=quality.visit_check.pk)
    assert check.comment == f"{alias}'s actions are not measurable."
    assert check.outcome == QaOutcome.NEEDS_IMPROVEMENT


def test_qa_checks_are_anonymised_six_years_after_the_agreement_ends_and_not_before(
    quality: Quality, coordinator: User
) -> None:
    """docs/retention.md, quality assurance checks: the comment and the checker go six years
    after the checked record's agreement ends; the outcome stays. The sample then loses who drew
    it, its counts stay."""
    day_before = SIX_YEARS_ON - dt.timedelta(days=1)
    assert APPLIERS["qa_checks"](day_before).done == 0
    check = QaCheck.objects.get(pk=quality.visit_check.pk)
    assert (check.comment, check.checked_by_id) == (
        "Lee Leader's actions are not measurable.",
        coordinator.pk,
    )
    assert QaSample.objects.get(pk=quality.sample.pk).drawn_by_id == coordinator.pk
    assert APPLIERS["qa_checks"](SIX_YEARS_ON).done == 2
    check = QaCheck.objects.get(pk=quality.visit_check.pk)
    assert (check.comment, check.checked_by, check.outcome) == (
        REMOVED,
        None,
        QaOutcome.NEEDS_IMPROVEMENT,
    )
    assert QaCheck.objects.get(pk=quality.evaluation_check.pk).comment == ""
    sample = QaSample.objects.get(pk=quality.sample.pk)
    assert (sample.drawn_by, sample.population, sample.evaluation_population) == (None, 2, 1)
    assert APPLIERS["qa_checks"](SIX_YEARS_ON).done == 0


def test_a_qa_sample_keeps_who_drew_it_while_a_check_in_it_is_not_due(
    quality: Quality, finished: Deployment, coordinator: User
) -> None:
    Deployment.objects.filter(pk=finished.pk).update(status="active")
    assert APPLIERS["qa_checks"](dt.date(2060, 1, 1)).done == 0
    assert QaSample.objects.get(pk=quality.sample.pk).drawn_by_id == coordinator.pk


def test_performance_feedback_is_anonymised_six_years_after_its_academic_year_ends(
    quality: Quality, coordinator: User
) -> None:
    """docs/retention.md, performance feedback: 2025-26 ends on 31 August 2026, so its text and
    writer go on 31 August 2032 and not the day before; the year and the judgement stay."""
    assert APPLIERS["performance_feedback"](dt.date(2032, 8, 30)).done == 0
    assert PerformanceFeedback.objects.get(pk=quality.feedback.pk).written_by_id == coordinator.pk
    assert APPLIERS["performance_feedback"](dt.date(2032, 8, 31)).done == 1
    feedback = PerformanceFeedback.objects.get(pk=quality.feedback.pk)
    assert (feedback.strengths, feedback.areas_to_develop, feedback.written_by) == (
        REMOVED,
        REMOVED,
        None,
    )
    assert (feedback.academic_year, feedback.meets_standard) == ("2025-26", True)
    assert feedback.shared_at == _at(dt.date(2026, 7, 10))
    assert APPLIERS["performance_feedback"](dt.date(2032, 8, 31)).done == 0


# --- Employment, directory listings and the brokering records naming a leader ---------------


@dataclass
class Brokering:
    employment: Employment
    listing: DirectoryListing
    entry: ShortlistEntry
    approach: Approach
    commission: Commission


@pytest.fixture
def brokering(
    finished: Deployment, leader_user: User, coordinator: User, stranger: User
) -> Brokering:
    """Lee's earlier school (Charlie its headteacher, asked to release Lee), the alliance's
    directory listing of Lee, and how Lee was found for the finished agreement's request: the
    shortlist, the approach and an offer from another broker; each names Lee Leader."""
    leader = LeaderProfile.objects.get(user=leader_user)
    request = finished.support_request
    employment = Employment.objects.create(
        leader=leader,
        school=finished.client_school,
        starts_on=dt.date(2015, 9, 1),
        ends_on=dt.date(2020, 8, 31),
        is_current=False,
        headteacher=stranger,
        headteacher_name="Charlie Stranger",
        recorded_by=coordinator,
    )
    listing = DirectoryListing.objects.create(
        leader=leader, organisation=finished.organisation, listed_by=coordinator
    )
    entry = ShortlistEntry.objects.create(
        support_request=request,
        leader=leader,
        rank=1,
        score=Decimal("82.5"),
        swapped_in=True,
        swap_reason="Lee Leader knows the school.",
        added_by=coordinator,
    )
    approach = Approach.objects.create(
        support_request=request,
        leader=leader,
        status=ApproachStatus.CHOSEN,
        message="Dear Lee Leader, would you support Ermine?",
        sent_by=coordinator,
    )
    commission = Commission.objects.create(
        support_request=request,
        leader=leader,
        owning_organisation=finished.organisation,
        status=CommissionStatus.REFUSED,
        note="Lee Leader is fully booked.",
        proposed_by=coordinator,
        decided_by=coordinator,
        decided_at=_at(dt.date(2025, 9, 2)),
    )
    return Brokering(employment, listing, entry, approach, commission)


def test_the_export_holds_their_employment_listings_and_the_brokering_records_naming_them(
    brokering: Brokering, leader_user: User, coordinator: User, stranger: User
) -> None:
    """docs/privacy.md, "Subject access": where the leader worked, the directories listing them,
    and the shortlists, approaches and commissions naming them; and, in the coordinator's and the
    headteacher's exports, the ones they made or were asked about."""
    mine = person_sections(leader_user)
    expected = {
        "employment_history": [brokering.employment.pk],
        "directory_listings": [brokering.listing.pk],
        "shortlist_entries": [brokering.entry.pk],
        "approaches_to_them": [brokering.approach.pk],
        "commissions_naming_them": [brokering.commission.pk],
        "school_moves_recorded_or_asked_to_release": [],
        "directory_listings_made": [],
        "shortlist_entries_added_or_judged": [],
        "approaches_sent": [],
        "commissions_proposed_or_decided": [],
    }
    for name, pks in expected.items():
        rows = _rows(mine[name])
        assert [row["pk"] for row in rows] == pks, name
        json.dumps(rows, cls=DjangoJSONEncoder)
    theirs = person_sections(coordinator)
    for name, pk in {
        "school_moves_recorded_or_asked_to_release": brokering.employment.pk,
        "directory_listings_made": brokering.listing.pk,
        "shortlist_entries_added_or_judged": brokering.entry.pk,
        "approaches_sent": brokering.approach.pk,
        "commissions_proposed_or_decided": brokering.commission.pk,
    }.items():
        assert [r.pk for r in theirs[name]] == [pk], name
    assert not theirs["employment_history"].exists()
    head = person_sections(stranger)
    assert [r.pk for r in head["school_moves_recorded_or_asked_to_release"]] == [
        brokering.employment.pk
    ]


def test_erasure_replaces_the_person_in_the_brokering_records_and_employment(
    brokering: Brokering, administrator: User, leader_user: User, stranger: User
) -> None:
    """docs/privacy.md, "Erasure by anonymisation": the shortlist, approach and commission keep
    their link to the pseudonymous leader with the name replaced in their text; an erased
    headteacher's name goes from the leader's employment history."""
    erase_person(actor=administrator, person=leader_user, reason="Asked on 1 May")
    leader_user.refresh_from_db()
    alias = pseudonym_for(leader_user)
    entry = ShortlistEntry.objects.get(pk=brokering.entry.pk)
    assert entry.swap_reason == f"{alias} knows the school."
    assert entry.leader.user_id == leader_user.pk
    assert Approach.objects.get(pk=brokering.approach.pk).message == (
        f"Dear {alias}, would you support Ermine?"
    )
    assert Commission.objects.get(pk=brokering.commission.pk).note == f"{alias} is fully booked."
    erase_person(actor=administrator, person=stranger, reason="Asked on 2 May")
    assert Employment.objects.get(pk=brokering.employment.pk).headteacher_name == pseudonym_for(
        stranger
    )


def test_brokering_records_are_anonymised_six_years_after_the_agreement_ends_and_not_before(
    brokering: Brokering,
) -> None:
    """docs/retention.md, how a leader was found for a request: the reasons, messages and notes
    go, and the people who wrote them are unlinked, once the request's agreement is six years
    over; the leaders, scores and statuses stay."""
    day_before = SIX_YEARS_ON - dt.timedelta(days=1)
    assert APPLIERS["brokering_records"](day_before).done == 0
    assert ShortlistEntry.objects.get(pk=brokering.entry.pk).swap_reason.startswith("Lee Leader")
    assert APPLIERS["brokering_records"](SIX_YEARS_ON).done == 3
    entry = ShortlistEntry.objects.get(pk=brokering.entry.pk)
    assert (entry.swap_reason, entry.added_by, entry.score, entry.rank) == (
        REMOVED,
        None,
        Decimal("82.5"),
        1,
    )
    approach = Approach.objects.get(pk=brokering.approach.pk)
    assert (approach.message, approach.sent_by, approach.status) == (
        REMOVED,
        None,
        ApproachStatus.CHOSEN,
    )
    commission = Commission.objects.get(pk=brokering.commission.pk)
    assert (commission.note, commission.proposed_by, commission.decided_by) == (REMOVED, None, None)
    assert commission.status == CommissionStatus.REFUSED
    assert APPLIERS["brokering_records"](SIX_YEARS_ON).done == 0


def test_brokering_records_of_a_request_with_no_agreement_go_six_years_after_its_last_update(
    brokering: Brokering, finished: Deployment
) -> None:
    """A request with a live agreement is never due; one that led to no agreement is due six
    years after it was last updated."""
    Deployment.objects.filter(pk=finished.pk).update(status="active")
    assert APPLIERS["brokering_records"](dt.date(2060, 1, 1)).done == 0
    request = make_support_request(finished.client_school, finished.organisation)
    for model in (ShortlistEntry, Approach, Commission):
        model.objects.update(support_request=request)
    SupportRequest.objects.filter(pk=request.pk).update(updated_at=_at(dt.date(2026, 5, 4)))
    assert APPLIERS["brokering_records"](dt.date(2032, 5, 3)).done == 0
    assert APPLIERS["brokering_records"](dt.date(2032, 5, 4)).done == 3
    assert Approach.objects.get(pk=brokering.approach.pk).message == REMOVED


def test_erasure_replaces_the_name_and_email_a_leader_applied_for_designation_with(
    finished: Deployment, administrator: User, leader_user: User
) -> None:
    """docs/privacy.md, "Erasure by anonymisation": an application made before the applicant had
    a profile keeps the name, e-mail and job title they applied with; erasure replaces them."""
    from syslead.leaders.models import DesignationApplication, DesignationRound, DesignationType

    round_ = DesignationRound.objects.create(
        organisation=finished.organisation,
        designation_type=DesignationType.objects.get(code="SLE", organisation=None),
        title="Autumn round",
        opens_on=dt.date(2025, 6, 1),
        closes_on=dt.date(2025, 7, 1),
    )
    application = DesignationApplication.objects.create(
        round=round_,
        leader=LeaderProfile.objects.get(user=leader_user),
        applicant_name="Lee Leader",
        applicant_email="lee.leader@home.test",
        applicant_job_title="Deputy head",
        stage="designated",
        years_in_role=3,
        field_of_expertise="Maths",
        evidence="Raised KS2 maths attainment.",
    )
    erase_person(actor=administrator, person=leader_user, reason="Asked on 1 May")
    leader_user.refresh_from_db()
    application.refresh_from_db()
    assert (application.applicant_name, application.applicant_email) == (
        pseudonym_for(leader_user),
        leader_user.email,
    )
    assert (application.applicant_job_title, application.evidence) == ("", REMOVED)
    assert application.field_of_expertise == "Maths"


# --- The close-out, disputes, the shared deployment record and progress reviews -------------


@dataclass
class Delivery:
    close_out: CloseOut
    dispute: Dispute
    share: LogShare
    review: ProgressReview


@pytest.fixture
def delivery(
    finished: Deployment, leader_user: User, client_head: User, coordinator: User
) -> Delivery:
    """Lee stated and signed off the finished agreement's delivery, Cara signed it off and
    signed the shared deployment record, Lee raised a dispute the coordinator resolved, and
    Cara agreed revised measures at a progress review."""
    moment = _at(dt.date(2026, 3, 20))
    close_out = CloseOut.objects.create(
        deployment=finished,
        fully_delivered=False,
        not_delivered_reason="Lee Leader was ill for a week.",
        stated_by=leader_user,
        stated_at=moment,
        leader_signed_off_by=leader_user,
        leader_signed_off_at=moment,
        head_signed_off_by=client_head,
        head_signed_off_at=moment,
        further_support_decided_by=coordinator,
        further_support_decided_at=moment,
    )
    dispute = Dispute.objects.create(
        deployment=finished,
        what="Lee Leader disputes the days counted.",
        raised_by=leader_user,
        raised_as="Lee Leader, the system leader",
        outcome="Agreed.",
        resolved_by=coordinator,
    )
    share = LogShare.objects.create(
        deployment=finished,
        academic_year="2025-26",
        term="autumn",
        shared_by=leader_user,
        signed_by=client_head,
        signed_name="Cara Client-Head",
        signed_at=moment,
    )
    review = ProgressReview.objects.create(
        deployment=finished,
        academic_year="2025-26",
        term="autumn",
        revised_measures="Cara Client-Head asks for termly data.",
        revised_measures_agreed_by=client_head,
        revised_measures_agreed_at=moment,
    )
    return Delivery(close_out, dispute, share, review)


def test_the_export_holds_the_close_outs_disputes_records_and_reviews_they_took_part_in(
    delivery: Delivery, leader_user: User, client_head: User, coordinator: User
) -> None:
    """docs/privacy.md, "Subject access": the close-outs they stated or signed off, the
    disputes they raised or resolved, the deployment records they shared or signed and the
    revised measures they agreed."""
    lee, cara, alice = (person_sections(p) for p in (leader_user, client_head, coordinator))
    expected = {
        "close_outs_stated_or_signed_off": ([delivery.close_out.pk],) * 3,
        "disputes_raised_or_resolved": ([delivery.dispute.pk], [], [delivery.dispute.pk]),
        "deployment_records_shared_or_signed": ([delivery.share.pk], [delivery.share.pk], []),
        "progress_reviews_revised_measures_agreed": ([], [delivery.review.pk], []),
    }
    for name, pks in expected.items():
        for sections, wanted in zip((lee, cara, alice), pks, strict=True):
            rows = _rows(sections[name])
            assert [row["pk"] for row in rows] == wanted, name
            json.dumps(rows, cls=DjangoJSONEncoder)


def test_erasure_replaces_the_name_a_deployment_record_was_signed_with_and_in_disputes(
    delivery: Delivery, administrator: User, leader_user: User, client_head: User
) -> None:
    erase_person(actor=administrator, person=client_head, reason="Asked on 1 May")
    client_head.refresh_from_db()
    alias = pseudonym_for(client_head)
    share = LogShare.objects.get(pk=delivery.share.pk)
    assert (share.signed_name, share.signed_by_id) == (alias, client_head.pk)
    assert ProgressReview.objects.get(pk=delivery.review.pk).revised_measures == (
        f"{alias} asks for termly data."
    )
    erase_person(actor=administrator, person=leader_user, reason="Asked on 1 May")
    leader_user.refresh_from_db()
    lee = pseudonym_for(leader_user)
    dispute = Dispute.objects.get(pk=delivery.dispute.pk)
    assert (dispute.what, dispute.raised_as) == (
        f"{lee} disputes the days counted.",
        f"{lee}, the system leader",
    )


def test_six_years_on_the_close_out_and_the_signed_record_lose_the_people_not_the_dates(
    delivery: Delivery,
) -> None:
    """docs/retention.md, agreements and notes of visit: who stated and signed off the delivery
    and the name the deployment record was signed with go six years after the agreement ends;
    the close-out still reads stated and signed off, the record signed."""
    day_before = SIX_YEARS_ON - dt.timedelta(days=1)
    APPLIERS["agreements"](day_before)
    APPLIERS["notes_of_visit"](day_before)
    assert CloseOut.objects.get(pk=delivery.close_out.pk).head_signed_off_by_id is not None
    assert LogShare.objects.get(pk=delivery.share.pk).signed_name == "Cara Client-Head"
    APPLIERS["agreements"](SIX_YEARS_ON)
    APPLIERS["notes_of_visit"](SIX_YEARS_ON)
    close_out = CloseOut.objects.get(pk=delivery.close_out.pk)
    assert (
        close_out.stated_by,
        close_out.leader_signed_off_by,
        close_out.head_signed_off_by,
        close_out.further_support_decided_by,
    ) == (None, None, None, None)
    assert close_out.stated
    assert close_out.head_signed_off_at is not None
    share = LogShare.objects.get(pk=delivery.share.pk)
    assert (share.signed_name, share.signed_by, share.shared_by) == (REMOVED, None, None)
    assert share.is_signed


# --- Browsers, calendar feed, copied in, named SIP, release agreements ----------------------


def test_the_export_holds_their_browsers_feed_release_consents_and_copied_in_never_secrets(
    finished: Deployment, leader_user: User, client_head: User, coordinator: User
) -> None:
    """docs/privacy.md, "Subject access": the browsers they are signed in on (device, IP
    address), their calendar feed without its token, the release agreements they consented to or
    recorded and the agreements they are copied in on."""
    from django.contrib.sessions.models import Session

    from syslead.accounts.models import UserSession
    from syslead.calendars.models import CalendarFeed
    from syslead.deployments.models import CopiedIn
    from syslead.leaders.models import ReleaseAgreement

    session = Session.objects.create(
        session_key="k" * 32, session_data="", expire_date=_at(dt.date(2030, 1, 1))
    )
    browser = UserSession.objects.create(
        session=session, user=client_head, user_agent="Firefox", ip_address="192.0.2.7"
    )
    feed = CalendarFeed.objects.create(user=client_head, token_hash="f" * 64)
    release = ReleaseAgreement.objects.create(
        leader=LeaderProfile.objects.get(user=leader_user),
        academic_year="2025-26",
        days=Decimal("15"),
        agreed_on=dt.date(2025, 9, 1),
        headteacher_consent_by=client_head,
        chair_consent_name="Cara Client-Head",
        recorded_by=coordinator,
    )
    copied = CopiedIn.objects.create(deployment=finished, user=client_head, added_by=coordinator)
    cara = person_sections(client_head)
    for name, pk in {
        "signed_in_browsers": browser.pk,
        "calendar_feed": feed.pk,
        "release_agreements_consented_or_recorded": release.pk,
        "agreements_they_are_copied_in_on": copied.pk,
    }.items():
        rows = _rows(cara[name])
        assert [row["pk"] for row in rows] == [pk], name
        assert "token_hash" not in json.dumps(rows, cls=DjangoJSONEncoder)
    assert _rows(cara["signed_in_browsers"])[0]["fields"]["ip_address"] == "192.0.2.7"
    assert [r.pk for r in person_sections(leader_user)["release_agreements"]] == [release.pk]
    assert [
        r.pk for r in person_sections(coordinator)["release_agreements_consented_or_recorded"]
    ] == [release.pk]


def test_erasure_deletes_their_browsers_and_replaces_the_chairs_name_on_a_release(
    finished: Deployment, administrator: User, leader_user: User, client_head: User
) -> None:
    from django.contrib.sessions.models import Session

    from syslead.accounts.models import UserSession
    from syslead.leaders.models import ReleaseAgreement

    session = Session.objects.create(
        session_key="k" * 32, session_data="", expire_date=_at(dt.date(2020, 1, 1))
    )
    UserSession.objects.create(session=session, user=client_head, user_agent="Firefox")
    release = ReleaseAgreement.objects.create(
        leader=LeaderProfile.objects.get(user=leader_user),
        academic_year="2025-26",
        days=Decimal("15"),
        agreed_on=dt.date(2025, 9, 1),
        chair_consent_name="Cara Client-Head",
    )
    erase_person(actor=administrator, person=client_head, reason="Asked on 1 May")
    client_head.refresh_from_db()
    assert not UserSession.objects.filter(user=client_head).exists()
    release.refresh_from_db()
    assert release.chair_consent_name == pseudonym_for(client_head)
    assert release.days == Decimal("15")


def test_six_years_after_the_agreement_ends_the_people_copied_in_are_removed(
    finished: Deployment, client_head: User, coordinator: User
) -> None:
    """docs/retention.md, agreements: being copied in kept someone informed while it ran."""
    from syslead.deployments.models import CopiedIn

    CopiedIn.objects.create(deployment=finished, user=client_head, added_by=coordinator)
    APPLIERS["agreements"](SIX_YEARS_ON - dt.timedelta(days=1))
    assert CopiedIn.objects.filter(deployment=finished).exists()
    APPLIERS["agreements"](SIX_YEARS_ON)
    assert not CopiedIn.objects.filter(deployment=finished).exists()


def test_the_export_holds_packs_documents_concern_settings_departure_and_earlier_exports(
    finished: Deployment, coordinator: User, administrator: User
) -> None:
    """docs/privacy.md, "Subject access": the evidence packs they asked for and documents they
    uploaded, their being an organisation's named person for concerns, their account's
    departure and the exports made of them (never an export's ZIP or a pack's PDF)."""
    from syslead.documents.models import Document
    from syslead.evaluation.models import EvidencePack
    from syslead.privacy.models import AccountDeparture, SubjectAccessExport
    from syslead.visits.models import ConcernContact

    pack = EvidencePack.objects.create(deployment=finished, requested_by=coordinator, pdf=b"PDF")
    document = Document.objects.create(
        deployment=finished,
        kind="other",
        title="Plan",
        file="documents/plan.pdf",
        original_name="plan.pdf",
        content_type="application/pdf",
        size=8,
        uploaded_by=coordinator,
    )
    contact, _ = ConcernContact.objects.update_or_create(
        organisation=finished.organisation, defaults={"safeguarding_lead": coordinator}
    )
    departure = AccountDeparture.objects.create(
        user=coordinator, deactivated_at=_at(dt.date(2026, 4, 1))
    )
    export = SubjectAccessExport.objects.create(
        person=coordinator, requested_by=administrator, zip=b"ZIP"
    )
    alice = person_sections(coordinator)
    for name, pk in {
        "evidence_packs_requested": pack.pk,
        "documents_uploaded": document.pk,
        "named_person_for_concerns_settings": contact.pk,
        "account_departure": departure.pk,
        "subject_access_exports_of_them": export.pk,
    }.items():
        rows = _rows(alice[name])
        assert [row["pk"] for row in rows] == [pk], name
        assert "zip" not in rows[0]["fields"]
        assert "pdf" not in rows[0]["fields"]
        json.dumps(rows, cls=DjangoJSONEncoder)
