"""The small world the access matrix walks: two brokers with a record of every kind each, the
people of one of them (the roles under test), and a person of a third broker.

- Lincolnshire County Council (``own``): a local authority broker. Its coordinator, broker lead
  and SIP are the organisation roles under test; its leader (Lee), Lee's home headteacher and the
  headteacher of the school Lee supports are the school roles under test.
- South Gloucestershire Council (``other``): the other organisation, in another local authority,
  with its own people, leader, schools and records. Every cell of the matrix that is not marked
  "own" looks at one of these records.
- A third broker (KYRA Teaching School Alliance) whose coordinator is "a person of another
  organisation": a stranger to both.
- Forest Hub, a fourth broker with no role under test: it owns the leader offered for the other
  organisation's request (a commission) so that no role under test is party to it.

Rows are made directly (not through the services) so that the world costs a fraction of a second;
the records are those the services would make, in the states whose pages and endpoints open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count
from typing import Any

from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from conftest import PASSWORD, ensure_builtin_vocabularies, make_school, make_user
from syslead.accounts.models import ApiToken, Role, User, UserSession
from syslead.alliances.models import AllianceMember, Meeting
from syslead.boards.models import ActionItem, BoardMember, BoardRole, BudgetLine
from syslead.brokering.models import (
    AllocationRun,
    AllocationRunStatus,
    Approach,
    Commission,
    DraftMatch,
    RequestStatus,
    Route,
    ShortlistEntry,
    SupportRequest,
)
from syslead.calendars.models import DATE_FIELDS, TermDates
from syslead.calendars.services import calendar_feed_reset
from syslead.charging.models import ChargingPolicy
from syslead.core.academic_years import AcademicYear
from syslead.deployments.models import (
    CopiedIn,
    Deployment,
    DeploymentStatus,
    Dispute,
    FundingRoute,
    Objective,
    PackageProposal,
    Party,
    ProposedMember,
    Signature,
    SupportPackage,
)
from syslead.documents.models import Document, DocumentKind
from syslead.evaluation.models import (
    Evaluation,
    EvaluationItem,
    EvaluationRating,
    EvidencePack,
    EvidencePackStatus,
    FeedbackRequest,
    FeedbackStatus,
    FinalReport,
    FinalReportStatus,
    ProgressReview,
)
from syslead.imports.models import Upload, UploadKind
from syslead.invitations.models import Invitation, InvitationStatus
from syslead.invoicing.models import RemittanceAdvice
from syslead.invoicing.services import invoice_draft
from syslead.leaders.models import (
    AgreementSignature,
    Association,
    AssociationReview,
    BrokerAgreement,
    Designation,
    DesignationApplication,
    DesignationRound,
    DesignationStatus,
    DesignationType,
    LeaderPhase,
    LeaderProfile,
    ReleaseAgreement,
    Specialism,
    TermlyReview,
    TrainingEvent,
    TrainingNeed,
)
from syslead.notifications.models import Notification
from syslead.organisations.models import Organisation, OrganisationKind
from syslead.privacy.models import ExportStatus, SubjectAccessExport
from syslead.quality.models import (
    ConcernDirection,
    LeaderConcern,
    LeaderConcernCategory,
    PerformanceFeedback,
    QaCheck,
    QaSample,
)
from syslead.reports.models import AnnualReport, AnnualReportStatus, Audience
from syslead.schools.models import NamedSip, OfstedRating, School
from syslead.visits.models import (
    ActionOwner,
    ActionPoint,
    Concern,
    ConcernContact,
    ConcernKind,
    LogActivity,
    LogEntry,
    LogShare,
    Session,
    Visit,
    VisitStatus,
)

YEAR = AcademicYear.current()
STARTS_ON = YEAR.starts_on + dt.timedelta(days=7)
VISIT_ON = STARTS_ON + dt.timedelta(days=28)
_urns = count(150001)


@dataclass
class Side:
    """One broker's records: the objects a URL's parameters are filled from."""

    organisation: Organisation
    coordinator: User
    broker_lead: User
    sip: User
    leader_user: User
    home_head: User
    client_head: User
    home_school: School
    client_school: School
    leader: LeaderProfile
    objects: dict[str, Any] = field(default_factory=dict)


@dataclass
class World:
    own: Side
    other: Side
    administrator: User
    stranger: User
    #: A person with no role: the user a new leader profile is made for.
    spare: User
    #: A raw API token, and a signed-in session key, per role name.
    tokens: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)

    def user(self, role: str) -> User | None:
        return {
            "admin": self.administrator,
            "coord": self.own.coordinator,
            "blead": self.own.broker_lead,
            "sip": self.own.sip,
            "leader": self.own.leader_user,
            "home": self.own.home_head,
            "client": self.own.client_head,
            "other": self.stranger,
            "anon": None,
        }[role]


def _school(name: str, la: str, town: str, lat: float, lon: float) -> School:
    return make_school(
        next(_urns),
        name,
        local_authority=la,
        town=town,
        latitude=lat,
        longitude=lon,
        ofsted_rating=OfstedRating.GOOD,
    )


def _leader(user: User, home: School, organisation: Organisation) -> LeaderProfile:
    leader = LeaderProfile.objects.create(
        user=user,
        home_school=home,
        job_title="Deputy headteacher",
        years_experience=6,
        core_training_completed_on=YEAR.starts_on - dt.timedelta(days=300),
        pen_portrait="Maths leadership across key stage 2.",
    )
    leader.specialisms.set(Specialism.objects.filter(code__in=["maths"], organisation=None))
    LeaderPhase.objects.create(leader=leader, phase="primary")
    return leader


def _request(side_org: Organisation, school: School, route: str, **extra: Any) -> SupportRequest:
    return SupportRequest.objects.create(
        organisation=side_org,
        school=school,
        route=route,
        academic_year=YEAR.label,
        needs=["maths"],
        phase=school.phase,
        days_requested=Decimal("5"),
        summary="Raise attainment in maths at key stage 2.",
        **extra,
    )


def _deployment(side: Side, request: SupportRequest, route: str) -> Deployment:
    deployment = Deployment.objects.create(
        organisation=side.organisation,
        support_request=request,
        leader=side.leader,
        client_school=request.school,
        home_school=side.home_school,
        status=DeploymentStatus.ACTIVE,
        starts_on=STARTS_ON,
        ends_on=STARTS_ON + dt.timedelta(days=200),
        academic_year=YEAR.label,
        full_days=6,
        half_days=0,
        aims=["Improve the leadership of maths"],
        funding_route=FundingRoute.SCHOOL
        if route == Route.SCHOOL
        else FundingRoute.LOCAL_AUTHORITY,
        full_day_rate=Decimal("350.00"),
        half_day_rate=Decimal("150.00"),
        full_day_broker_fee=Decimal("50.00"),
        half_day_broker_fee=Decimal("25.00"),
        total_cost=Decimal("2100.00"),
        payable_by_school=Decimal("2100.00"),
        to_home_school=Decimal("1800.00"),
        to_broker=Decimal("300.00"),
        activated_at=timezone.now(),
    )
    Objective.objects.create(deployment=deployment, position=1, text="Raise attainment in maths")
    signers = (
        (Party.LEADER, side.leader_user),
        (Party.HOME_HEADTEACHER, side.home_head),
        (Party.CLIENT_HEADTEACHER, side.client_head),
        (Party.BROKER_LEAD, side.broker_lead),
    )
    for party, person in signers:
        Signature.objects.create(deployment=deployment, party=party, signed_by=person)
    return deployment


def _visit(deployment: Deployment, day: dt.date, status: str) -> Visit:
    return Visit.objects.create(
        deployment=deployment,
        date=day,
        session=Session.FULL_DAY,
        hours=Decimal("6"),
        focus="Maths book scrutiny with the maths leader",
        progress="Agreed a feedback policy.",
        status=status,
        recorded_by=deployment.leader.user,
        submitted_at=timezone.now(),
    )


def _document(uploaded_by: User, **owner: Any) -> Document:
    name = default_storage.save("documents/matrix.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    return Document.objects.create(
        **owner,
        kind=DocumentKind.BRIEFING_PAPER,
        title="Briefing paper",
        file=name,
        original_name="briefing.pdf",
        content_type="application/pdf",
        size=14,
        uploaded_by=uploaded_by,
    )


def _term_days(year: AcademicYear) -> list[dt.date]:
    """Twelve days in the order of the term dates' fields, inside the academic year."""
    start = year.starts_on + dt.timedelta(days=3)
    return [start + dt.timedelta(days=25 * n) for n in range(12)]


def build_side(
    key: str, organisation: Organisation, la: str, town: str, lat: float, administrator: User
) -> Side:
    """A broker with its people, a leader and one record of every kind (see the module's doc)."""
    org = organisation
    home_school = _school(f"{town} Home Academy", la, town, lat, -0.5)
    client_school = _school(f"{town} Client Primary", la, town, lat + 0.01, -0.51)
    la_school = _school(f"{town} LA Primary", la, town, lat + 0.02, -0.52)
    side = Side(
        organisation=org,
        coordinator=make_user(f"coord@{key}.test", f"{key} Coordinator", (Role.COORDINATOR, org)),
        broker_lead=make_user(f"lead@{key}.test", f"{key} Broker-Lead", (Role.BROKER_LEAD, org)),
        sip=make_user(f"sip@{key}.test", f"{key} Partner", (Role.SIP, org)),
        leader_user=make_user(f"leader@{key}.test", f"{key} Leader", (Role.SYSTEM_LEADER, None)),
        home_head=make_user(
            f"home@{key}.test", f"{key} Home-Head", (Role.HEADTEACHER, home_school)
        ),
        client_head=make_user(
            f"client@{key}.test", f"{key} Client-Head", (Role.HEADTEACHER, client_school)
        ),
        home_school=home_school,
        client_school=client_school,
        leader=None,  # type: ignore[arg-type]
    )
    make_user(f"lahead@{key}.test", f"{key} LA-Head", (Role.HEADTEACHER, la_school))
    side.leader = _leader(side.leader_user, home_school, org)
    leader = side.leader
    o = side.objects
    o["organisation"] = org
    o["school"] = client_school
    o["leader"] = leader
    o["designation"] = Designation.objects.create(
        leader=leader,
        type=DesignationType.objects.get(code="SLE", organisation=None),
        organisation=org,
        status=DesignationStatus.ACTIVE,
        designated_on=YEAR.starts_on - dt.timedelta(days=365),
    )
    o["association"] = Association.objects.create(
        leader=leader, organisation=org, starts_on=YEAR.starts_on - dt.timedelta(days=365)
    )
    ReleaseAgreement.objects.create(
        leader=leader, academic_year=YEAR.label, days=Decimal("15"), agreed_on=YEAR.starts_on
    )
    # The broker's agreement with its leaders, signed by the side's leader (who stays deployable).
    o["broker_agreement"] = BrokerAgreement.objects.create(
        organisation=org,
        version=1,
        title=f"{key} agreement and code of conduct",
        text="Code of conduct.",
        published_at=timezone.now(),
    )
    AgreementSignature.objects.create(
        agreement=o["broker_agreement"],
        leader=leader,
        signed_name=leader.user.get_full_name(),
        signed_at=timezone.now(),
    )
    o["association_review"] = AssociationReview.objects.create(
        association=o["association"],
        reason="impact",
        opened_by=side.coordinator,
        opened_on=YEAR.starts_on,
    )
    o["round"] = DesignationRound.objects.create(
        organisation=org,
        designation_type=DesignationType.objects.get(code="SLE", organisation=None),
        title=f"{key} SLE round",
        opens_on=YEAR.starts_on,
        closes_on=YEAR.ends_on,
    )
    applicant = _leader(
        make_user(f"applicant@{key}.test", f"{key} Applicant", (Role.SYSTEM_LEADER, None)),
        home_school,
        org,
    )
    o["application"] = DesignationApplication.objects.create(
        round=o["round"],
        leader=applicant,
        years_in_role=3,
        field_of_expertise="Maths",
        evidence="Raised attainment in maths.",
        home_school_ofsted_rating=OfstedRating.GOOD,
    )
    o["training_event"] = TrainingEvent.objects.create(
        organisation=org, kind="network", title=f"{key} network meeting", held_on=YEAR.starts_on
    )
    review = TermlyReview.objects.create(
        leader=leader,
        organisation=org,
        held_on=YEAR.starts_on,
        term=f"{YEAR.label}-autumn",
        attended_by=f"{key} leader and coordinator",
    )
    o["training_need"] = TrainingNeed.objects.create(
        review=review, leader=leader, description=f"{key} coaching", event_kind="enrichment"
    )
    ChargingPolicy.objects.create(organisation=org, academic_year=YEAR.label)
    ConcernContact.objects.create(organisation=org, safeguarding_lead=side.coordinator)

    # Requests: an open one on each route, with a shortlist, an approach and an allocation run.
    request = _request(org, client_school, Route.SCHOOL, raised_by=side.client_head)
    la_request = _request(org, la_school, Route.LOCAL_AUTHORITY, raised_by=side.sip)
    o["request"] = request
    o["la_request"] = la_request
    o["shortlist_entry"] = ShortlistEntry.objects.create(
        support_request=request, leader=leader, rank=1, score=Decimal("80"), reasons=["Maths"]
    )
    o["approach"] = Approach.objects.create(
        support_request=request, leader=leader, sent_by=side.coordinator
    )
    o["allocation_run"] = AllocationRun.objects.create(
        organisation=org,
        academic_year=YEAR.label,
        status=AllocationRunStatus.READY,
        started_by=side.coordinator,
    )
    o["draft_match"] = DraftMatch.objects.create(
        run=o["allocation_run"], support_request=la_request, leader=leader, score=Decimal("70")
    )

    # Agreements: an active one on each route, with a record of every kind on the school route.
    matched = _request(org, client_school, Route.SCHOOL, status=RequestStatus.MATCHED)
    deployment = _deployment(side, matched, Route.SCHOOL)
    la_matched = _request(org, la_school, Route.LOCAL_AUTHORITY, status=RequestStatus.MATCHED)
    la_deployment = _deployment(side, la_matched, Route.LOCAL_AUTHORITY)
    o["deployment"] = deployment
    o["la_deployment"] = la_deployment
    # A request whose leader was chosen, waiting for its first meeting (chosen long ago: overdue).
    o["first_meeting_request"] = _request(
        org,
        client_school,
        Route.SCHOOL,
        status=RequestStatus.MATCHED,
        chosen_leader=leader,
        chosen_at=timezone.now() - dt.timedelta(days=60),
    )
    # The school-route agreement leads a package; its leader proposed a member.
    o["package"] = SupportPackage.objects.create(
        organisation=org, school=client_school, title=f"{key} package"
    )
    Deployment.objects.filter(pk=deployment.pk).update(package=o["package"], is_lead=True)
    deployment.package = o["package"]
    o["package_proposal"] = PackageProposal.objects.create(
        package=o["package"], proposed_by=side.leader_user
    )
    ProposedMember.objects.create(
        proposal=o["package_proposal"], leader=applicant, days=Decimal("2")
    )
    visit = _visit(deployment, VISIT_ON, VisitStatus.AGREED)
    o["visit"] = visit
    # Documents: one on the school-route agreement (added by the leader) and one on the
    # LA-route request (added by the SIP), each with a stored file (MEDIA_ROOT is temporary).
    o["document"] = _document(side.leader_user, deployment=deployment)
    o["la_document"] = _document(side.sip, support_request=la_request)
    o["la_visit"] = _visit(la_deployment, VISIT_ON, VisitStatus.SIGNED_OFF)
    # The side's SIP is the named SIP of the supported school (docs/rules.md, "The school's named
    # SIP"): they read its school-route agreement and records too, read-only. Another SIP of the
    # authority is copied in on the LA-route agreement.
    o["named_sip"] = NamedSip.objects.create(
        school=client_school,
        organisation=org,
        sip=side.sip,
        starts_on=YEAR.starts_on,
        named_by=side.coordinator,
    )
    o["copied_in"] = CopiedIn.objects.create(
        deployment=la_deployment,
        user=make_user(f"sip2@{key}.test", f"{key} Second-Partner", (Role.SIP, org)),
        added_by=side.coordinator,
    )
    o["visit_to_agree"] = _visit(
        deployment, VISIT_ON + dt.timedelta(days=7), VisitStatus.AWAITING_AGREEMENT
    )
    o["action_point"] = ActionPoint.objects.create(
        visit=visit,
        position=1,
        owner=ActionOwner.SCHOOL,
        action="Run a book look in Year 5",
        due_on=VISIT_ON + dt.timedelta(days=14),
    )
    o["log_entry"] = LogEntry.objects.create(
        deployment=deployment,
        date=VISIT_ON - dt.timedelta(days=1),
        hours=Decimal("2"),
        activity=LogActivity.PREPARATION,
        actions="Read the school's data dashboard",
        recorded_by=side.leader_user,
    )
    o["feedback"] = FeedbackRequest.objects.create(
        deployment=deployment,
        academic_year=YEAR.label,
        term="autumn",
        due_on=YEAR.starts_on + dt.timedelta(days=110),
        status=FeedbackStatus.SUBMITTED,
        impact="Marking is now consistent across KS2.",
        submitted_by=side.client_head,
        submitted_at=timezone.now(),
    )
    o["progress_review"] = ProgressReview.objects.create(
        deployment=deployment, academic_year=YEAR.label, term="autumn"
    )
    evaluation = Evaluation.objects.create(deployment=deployment, submitted_by=side.client_head)
    EvaluationRating.objects.bulk_create(
        EvaluationRating(evaluation=evaluation, item=item, rating="green")
        for item in EvaluationItem.values
    )
    o["evaluation"] = evaluation
    # The supported school's governing body (docs/rules.md, "The governing body"): a governor,
    # an invitation the headteacher sent, and a term's deployment record the head signed.
    o["governor"] = make_user(
        f"governor@{key}.test", f"{key} Governor", (Role.GOVERNOR, side.client_school)
    )
    o["governor_member"] = o["governor"].role_assignments.get(role=Role.GOVERNOR)
    o["governor_invitation"] = Invitation.objects.create(
        email=f"governor.invited@{key}.test",
        name=f"{key} Governor-Invited",
        role=Role.GOVERNOR,
        school=side.client_school,
        status=InvitationStatus.PENDING,
        token_hash=f"{key}-matrix-governor".ljust(64, "0"),
        expires_at=timezone.now() + dt.timedelta(days=14),
        invited_by=side.client_head,
        last_sent_at=timezone.now(),
    )
    o["log_share"] = LogShare.objects.create(
        deployment=deployment,
        academic_year=YEAR.label,
        term="autumn",
        shared_by=side.leader_user,
        hours=Decimal("6"),
        signed_by=side.client_head,
        signed_name=side.client_head.name,
        signed_at=timezone.now(),
    )
    o["final_report"] = FinalReport.objects.create(
        deployment=deployment,
        author=side.leader_user,
        status=FinalReportStatus.APPROVED,
        work_summary="Coaching and joint planning.",
        impact="Reasoning scores up.",
        approved_at=timezone.now(),
    )
    o["evidence_pack"] = EvidencePack.objects.create(
        deployment=deployment,
        requested_by=side.coordinator,
        status=EvidencePackStatus.READY,
        pdf=b"%PDF-1.4\n%%EOF\n",
        size=15,
        built_at=timezone.now(),
    )
    o["annual_report"] = AnnualReport.objects.create(
        organisation=org,
        academic_year=YEAR.label,
        audience=Audience.GOVERNORS,
        requested_by=side.coordinator,
        status=AnnualReportStatus.READY,
        pdf=b"%PDF-1.4\n%%EOF\n",
        xlsx=b"PK\x05\x06" + bytes(18),
        built_at=timezone.now(),
    )
    o["invoice"] = invoice_draft(actor=administrator, deployment=deployment)
    o["remittance"] = RemittanceAdvice.objects.create(
        invoice=o["invoice"],
        deployment=deployment,
        home_school=deployment.home_school,
        broker=org,
        days=o["invoice"].days,
        collected=o["invoice"].total,
        amount=o["invoice"].home_school_share,
        broker_retained=o["invoice"].broker_share,
        paid_on=VISIT_ON,
    )
    o["dispute"] = Dispute.objects.create(
        deployment=deployment,
        what="The visits did not match the agreed days",
        raised_by=side.client_head,
        raised_as="the supported school's headteacher",
    )
    o["concern"] = Concern.objects.create(
        organisation=org,
        deployment=deployment,
        kind=ConcernKind.SAFEGUARDING,
        summary="Confidential concern summary",
        details="Confidential concern details",
        raised_by=side.leader_user,
        named_person=side.coordinator,
    )
    o["qa_sample"] = QaSample.objects.create(
        organisation=org, academic_year=YEAR.label, term="autumn", population=1
    )
    o["qa_check"] = QaCheck.objects.create(sample=o["qa_sample"], visit=visit)
    # A concern about the leader's work, raised by the supported head, not shared with the leader.
    o["leader_concern"] = LeaderConcern.objects.create(
        organisation=org,
        leader=leader,
        direction=ConcernDirection.ABOUT_LEADER,
        deployment=deployment,
        category=LeaderConcernCategory.COMMITMENTS,
        summary="Visits cancelled",
        description="Two visits cancelled on the day.",
        raised_by=side.client_head,
    )
    o["performance_feedback"] = PerformanceFeedback.objects.create(
        leader=leader,
        organisation=org,
        academic_year=YEAR.label,
        strengths="Clear coaching.",
        areas_to_develop="Written reports.",
        meets_standard=True,
        written_by=side.coordinator,
    )
    o["term_dates"] = TermDates.objects.create(
        local_authority=la,
        academic_year=YEAR.label,
        **dict(zip(DATE_FIELDS, _term_days(YEAR), strict=True)),
    )
    o["calendar_token"] = calendar_feed_reset(actor=side.leader_user)
    o["notification"] = Notification.objects.create(
        user=side.coordinator, verb="test", text="A record to read", url="/"
    )
    _add_people_and_alliance(key, side, administrator)
    return side


def _add_people_and_alliance(key: str, side: Side, administrator: User) -> None:
    """The side's alliance (a member referred to the board, a meeting), an invitation and an
    upload its coordinator sent, a subject access export of its leader, and its coordinator's
    own API token and browser session (each other than the ones the roles use)."""
    org = side.organisation
    o = side.objects
    o["person"] = side.leader_user
    o["alliance_member"] = AllianceMember.objects.create(
        organisation=org,
        school=side.client_school,
        joined_on=YEAR.starts_on - dt.timedelta(days=365),
        mou_signed_on=YEAR.starts_on - dt.timedelta(days=365),
        consecutive_meetings_missed=2,
        referred_to_board=True,
        referred_on=YEAR.starts_on,
    )
    o["meeting"] = Meeting.objects.create(
        organisation=org,
        held_on=YEAR.starts_on + dt.timedelta(days=30),
        title=f"{key} termly meeting",
        created_by=side.coordinator,
    )
    # The side's board: its home headteacher sits on it with an account (a reader of the board).
    o["board_member"] = BoardMember.objects.create(
        organisation=org,
        name=side.home_head.name,
        user=side.home_head,
        role=BoardRole.MEMBER,
        started_on=YEAR.starts_on,
    )
    o["board_action"] = ActionItem.objects.create(
        organisation=org,
        academic_year=YEAR.label,
        action=f"{key} action of the board",
        owner="The chair",
        due_on=YEAR.ends_on,
    )
    o["budget_line"] = BudgetLine.objects.create(
        organisation=org, academic_year=YEAR.label, heading=f"{key} training", planned=100
    )
    o["invitation"] = Invitation.objects.create(
        email=f"invited@{key}.test",
        name=f"{key} Invited",
        role=Role.BROKER_LEAD,
        organisation=org,
        sent_for=org,
        status=InvitationStatus.PENDING,
        token_hash=f"{key}-matrix-invitation".ljust(64, "0"),
        expires_at=timezone.now() + dt.timedelta(days=14),
        invited_by=side.coordinator,
        last_sent_at=timezone.now(),
    )
    o["upload"] = Upload.objects.create(
        kind=UploadKind.LEADERS,
        organisation=org,
        uploaded_by=side.coordinator,
        file_name=f"{key}-leaders.csv",
        rows=[["email", "first_name", "last_name", "home_school", "job_title"]],
    )
    o["subject_access_export"] = SubjectAccessExport.objects.create(
        person=side.leader_user,
        requested_by=administrator,
        status=ExportStatus.READY,
        zip=b"PK\x05\x06" + bytes(18),
        size=22,
        finished_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    o["token"] = ApiToken.issue(side.coordinator, label="matrix")[0]
    store = SessionStore()
    store.create()
    o["session"] = UserSession.objects.create(
        session_id=store.session_key, user=side.coordinator, user_agent="Matrix browser"
    )


def build_world() -> World:
    ensure_builtin_vocabularies()
    administrator = User.objects.create_superuser(email="admin@matrix.test", password=PASSWORD)
    own_org = Organisation.objects.create(
        name="Lincolnshire County Council",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        slug="lincolnshire",
        local_authority_name="Lincolnshire",
    )
    other_org = Organisation.objects.create(
        name="South Gloucestershire Council",
        kind=OrganisationKind.LOCAL_AUTHORITY,
        slug="south-glos",
        local_authority_name="South Gloucestershire",
    )
    third_org = Organisation.objects.create(
        name="KYRA Teaching School Alliance",
        kind=OrganisationKind.TEACHING_SCHOOL_ALLIANCE,
        slug="kyra",
    )
    sharing_org = Organisation.objects.create(
        name="Forest Hub", kind=OrganisationKind.TEACHING_SCHOOL_HUB, slug="forest-hub"
    )
    own = build_side("lincs", own_org, "Lincolnshire", "Lincoln", 53.23, administrator)
    other = build_side("sglos", other_org, "South Gloucestershire", "Yate", 51.54, administrator)
    stranger = make_user("coord@kyra.test", "KYRA Coordinator", (Role.COORDINATOR, third_org))

    # A leader of a fourth broker offered for the other organisation's request (proposed).
    forest_school = _school("Forest Academy", "Gloucestershire", "Cinderford", 51.82, -2.49)
    forest_leader = _leader(
        make_user("leader@forest.test", "Forest Leader", (Role.SYSTEM_LEADER, None)),
        forest_school,
        sharing_org,
    )
    Association.objects.create(
        leader=forest_leader, organisation=sharing_org, starts_on=YEAR.starts_on
    )
    other.objects["commission"] = Commission.objects.create(
        support_request=other.objects["request"],
        leader=forest_leader,
        owning_organisation=sharing_org,
        proposed_by=other.coordinator,
    )
    # Own: the other organisation asks to share Lee (the own leader) for a request of its own,
    # which own's coordinators may then read to decide (a request of its own, so that the other
    # organisation's records in the matrix stay unshared).
    asked_school = _school("Yate Asked Primary", "South Gloucestershire", "Yate", 51.56, -0.5)
    asked = _request(other.organisation, asked_school, Route.SCHOOL)
    own.objects["commission"] = Commission.objects.create(
        support_request=asked,
        leader=own.leader,
        owning_organisation=own.organisation,
        proposed_by=other.coordinator,
        asked=True,  # the request's owner asked: only then may own's coordinators see it
    )
    spare = make_user("spare@matrix.test", "Sam Spare")
    world = World(own=own, other=other, administrator=administrator, stranger=stranger, spare=spare)
    for role in ("admin", "coord", "blead", "sip", "leader", "home", "client", "other"):
        user = world.user(role)
        assert user is not None
        world.tokens[role] = ApiToken.issue(user)[1]
    return world
