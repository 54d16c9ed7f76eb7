"""What delivery asks of each person on the home page (docs/ux.md "Home page by role"): notes of
visit to agree or sign off, feedback and evaluations due, final reports to quality-assure, open
concerns and quiet agreements, each a link to where to act; and a section listing the person's
agreements with their delivery pages. ``syslead.core.home.HOME_SOURCES`` names these sources.

Each source first reads the person's live agreements (one query) and stops there when there are
none, so the home page of someone without delivery work costs one query per source.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.access import (
    coordinated_organisation_ids,
    headteacher_school_urns,
    organisation_ids_for,
)
from syslead.accounts.models import Role, User
from syslead.brokering.models import Route
from syslead.casework.chasing import chased_text
from syslead.core.home import AttentionItem, Block, Link, Section
from syslead.deployments.models import DELIVERY_STATUSES, Deployment, DeploymentStatus
from syslead.evaluation import selectors as evaluation_selectors
from syslead.evaluation.models import FeedbackRequest, FinalReport, FinalReportStatus
from syslead.schools.sips import named_sip_pairs
from syslead.visits.access import concerns_visible_to
from syslead.visits.models import (
    ActionOwner,
    ActionPoint,
    ConcernStatus,
    LogShare,
    Visit,
    VisitStatus,
)
from syslead.visits.selectors import (
    AGREE_WITHIN_SCHOOL_DAYS,
    deployments_without_recent_visit,
    visits_waiting_too_long,
)

#: Agreements whose delivery is under way or just finished.
LIVE = DELIVERY_STATUSES
SECTION_ROWS = 20


def _live(deployments: QuerySet[Deployment]) -> QuerySet[Deployment]:
    return deployments.filter(status__in=LIVE).select_related("client_school", "leader__user")


def _when(day: Any) -> str:
    return f"{day:%-d %b %Y}"


def _delivery_section(title: str, deployments: list[Deployment]) -> Section:
    rows = [
        (d, reverse("visits:delivery", args=[d.pk]), d.status == DeploymentStatus.ACTIVE)
        for d in deployments[:SECTION_ROWS]
    ]
    return Section(
        title=title,
        template="visits/home/deployments.html",
        context={"rows": rows, "more": max(len(deployments) - SECTION_ROWS, 0)},
        links=(Link("Inbox", reverse("notifications:inbox")),),
    )


# --- System leader -----------------------------------------------------------------------------


def system_leader_delivery(user: User) -> Iterable[Block]:
    """Notes to revise or sign off, my overdue action points, reports returned, quiet agreements;
    then my agreements."""
    mine = list(_live(Deployment.objects.filter(leader__user=user)))
    if not mine:
        return
    today = timezone.localdate()
    ids = [d.pk for d in mine]
    notes = Visit.objects.filter(
        deployment_id__in=ids, status__in=[VisitStatus.CHANGES_REQUESTED, VisitStatus.AGREED]
    ).select_related("deployment__client_school")
    for visit in notes:
        school = visit.deployment.client_school.name
        if visit.status == VisitStatus.CHANGES_REQUESTED:
            yield AttentionItem(
                f"Revise your note of visit of {_when(visit.date)} at {school}",
                reverse("visits:edit", args=[visit.pk]),
                "The headteacher asked for changes.",
            )
        else:
            yield AttentionItem(
                f"Sign off your note of visit of {_when(visit.date)} at {school}",
                reverse("visits:sign_off", args=[visit.pk]),
            )
    overdue = ActionPoint.objects.filter(
        visit__deployment_id__in=ids,
        owner=ActionOwner.LEADER,
        completed_on__isnull=True,
        due_on__lt=today,
    ).select_related("visit")
    for point in overdue:
        yield AttentionItem(
            f"Action point overdue: {point.action[:80]}",
            reverse("visits:detail", args=[point.visit_id]),
            f"Due {_when(point.due_on)}",
        )
    for report in FinalReport.objects.filter(
        deployment_id__in=ids, status=FinalReportStatus.RETURNED
    ).select_related("deployment__client_school"):
        yield AttentionItem(
            f"Revise your final report on {report.deployment.client_school.name}",
            reverse("evaluation:final_report", args=[report.deployment_id]),
            "Returned by the broker with comments.",
        )
    for quiet in deployments_without_recent_visit(today, Deployment.objects.filter(pk__in=ids)):
        yield AttentionItem(
            f"No visit to {quiet.deployment.client_school.name} since {_when(quiet.since)}",
            reverse("visits:record", args=[quiet.deployment.pk]),
            "Record a note of visit.",
        )
    yield _delivery_section("My deployments: visits and records", mine)


# --- Headteacher of a supported school ---------------------------------------------------------


def headteacher_delivery(user: User) -> Iterable[Block]:
    """Notes to agree, feedback and the evaluation due, final reports received; then the support
    my school receives and gives (its leaders' deployments)."""
    urns = headteacher_school_urns(user)
    involved = list(
        _live(Deployment.objects.filter(Q(client_school__in=urns) | Q(home_school__in=urns)))
    )
    if not involved:
        return
    today = timezone.localdate()
    ids = Deployment.objects.filter(pk__in=[d.pk for d in involved if d.client_school_id in urns])
    for visit in Visit.objects.filter(
        deployment__in=ids, status=VisitStatus.AWAITING_AGREEMENT
    ).select_related("deployment__leader__user"):
        yield AttentionItem(
            f"Agree the note of visit of {_when(visit.date)} by {visit.deployment.leader.name}",
            reverse("visits:agree", args=[visit.pk]),
        )
    for feedback in evaluation_selectors.feedback_due(
        today, FeedbackRequest.objects.filter(deployment__in=ids)
    ):
        yield AttentionItem(
            f"Give your feedback for the {feedback.term_label}",
            reverse("evaluation:feedback", args=[feedback.pk]),
            f"Due {_when(feedback.due_on)}",
        )
    for deployment in evaluation_selectors.evaluations_due(today, ids):
        yield AttentionItem(
            f"Give the end-of-support evaluation of {deployment.leader.name}'s support",
            reverse("evaluation:evaluation", args=[deployment.pk]),
        )
    for report in FinalReport.objects.filter(
        deployment__in=ids, status=FinalReportStatus.APPROVED
    ).select_related("deployment__leader__user"):
        yield AttentionItem(
            f"Read {report.deployment.leader.name}'s final report",
            reverse("evaluation:final_report", args=[report.deployment_id]),
        )
    yield from _records_to_sign(ids)
    yield _delivery_section("Support at and from my school: visits and records", involved)


def _records_to_sign(deployments: QuerySet[Deployment]) -> Iterator[AttentionItem]:
    """Each term's shared deployment record whose latest sharing the head has not yet signed
    (docs/rules.md, Records: "signed by the head each term")."""
    latest: dict[tuple[int, str, str], LogShare] = {}
    for share in (
        LogShare.objects.filter(deployment__in=deployments)
        .order_by("shared_at", "pk")
        .select_related("deployment__leader__user")
    ):
        latest[(share.deployment_id, share.academic_year, share.term)] = share
    for (deployment_id, year, term), share in sorted(latest.items()):
        if share.is_signed:
            continue
        label = f"{term.capitalize()} term {year}"
        yield AttentionItem(
            f"Sign {share.deployment.leader.name}'s deployment record for the {label}",
            reverse("visits:log_sign", args=[deployment_id]) + f"?term={year}-{term}",
            f"Shared {_when(share.shared_at)}",
        )


# --- Coordinators and broker leads -------------------------------------------------------------


def _reports_to_qa(user: User, org_ids: set[int]) -> Iterator[AttentionItem]:
    for report in (
        FinalReport.objects.filter(
            deployment__organisation__in=org_ids, status=FinalReportStatus.AWAITING_QA
        )
        .exclude(author=user)
        .select_related("deployment__client_school", "deployment__leader__user")
    ):
        yield AttentionItem(
            f"Quality-assure {report.deployment.leader.name}'s final report on "
            f"{report.deployment.client_school.name}",
            reverse("evaluation:final_report", args=[report.deployment_id]),
        )


def coordinator_delivery(user: User) -> Iterable[Block]:
    """Open concerns, notes not agreed after five school days, feedback overdue, evaluations due,
    final reports to quality-assure, agreements with no visit for six weeks, ratings that
    disagree."""
    org_ids = coordinated_organisation_ids(user)
    open_concerns = concerns_visible_to(user).exclude(status=ConcernStatus.CLOSED).count()
    if open_concerns:
        yield AttentionItem(
            f"{open_concerns} open safeguarding or serious concern"
            f"{'s' if open_concerns != 1 else ''}",
            reverse("visits:concerns"),
        )
    ids = Deployment.objects.filter(organisation__in=org_ids, status__in=LIVE)
    if not ids.exists():
        return
    today = timezone.localdate()
    for visit in visits_waiting_too_long(today, Visit.objects.filter(deployment__in=ids)):
        yield AttentionItem(
            f"Note of visit of {_when(visit.date)} at {visit.deployment.client_school.name} not "
            f"agreed after {AGREE_WITHIN_SCHOOL_DAYS} school days",
            reverse("visits:detail", args=[visit.pk]),
            chased_text("visit_note", visit),
        )
    for feedback in evaluation_selectors.feedback_overdue(
        today, FeedbackRequest.objects.filter(deployment__in=ids)
    ):
        yield AttentionItem(
            f"Termly feedback overdue: {feedback.deployment.client_school.name}, "
            f"{feedback.term_label}",
            reverse("evaluation:feedback_list", args=[feedback.deployment_id]),
            chased_text("feedback", feedback),
        )
    for deployment in evaluation_selectors.evaluations_due(today, ids):
        yield AttentionItem(
            f"Evaluation due: {deployment.client_school.name}",
            reverse("visits:delivery", args=[deployment.pk]),
        )
    yield from _reports_to_qa(user, org_ids)
    for quiet in deployments_without_recent_visit(today, ids):
        yield AttentionItem(
            f"No visit to {quiet.deployment.client_school.name} by "
            f"{quiet.deployment.leader.name} since {_when(quiet.since)}",
            reverse("visits:delivery", args=[quiet.deployment.pk]),
            chased_text("no_visit", quiet.deployment),
        )
    for deployment in evaluation_selectors.deployments_with_disagreement(ids):
        yield AttentionItem(
            f"Progress ratings disagree: {deployment.client_school.name}",
            reverse("evaluation:progress", args=[deployment.pk]),
        )


def broker_lead_delivery(user: User) -> Iterable[Block]:
    """Final reports to approve (broker leads quality-assure too)."""
    org_ids = organisation_ids_for(user, [Role.BROKER_LEAD]) - coordinated_organisation_ids(user)
    if org_ids:
        yield from _reports_to_qa(user, org_ids)


# --- SIP ---------------------------------------------------------------------------------------


def sip_notes_of_visit(user: User) -> Iterable[Block]:
    """The named SIP's views due on their schools' termly progress reviews; then notes of visit
    from the schools the SIP's organisations support on the LA route, and from the schools whose
    named SIP they are (docs/rules.md, "The school's named SIP")."""
    org_ids = organisation_ids_for(user, [Role.SIP])
    named = Q()
    for org_id, urn in sorted(named_sip_pairs(user)):
        named |= Q(organisation_id=org_id, client_school_id=urn)
    if named:
        today = timezone.localdate()
        for term in evaluation_selectors.sip_views_due(today, Deployment.objects.filter(named)):
            yield AttentionItem(
                f"Give your view on progress at {term.deployment.client_school.name} for the "
                f"{term.term_label}",
                reverse("evaluation:progress", args=[term.deployment_id])
                + f"?term={term.academic_year}-{term.term}",
                f"{term.deployment.leader.name}'s support",
            )
    seen = Q(
        deployment__organisation__in=org_ids,
        deployment__support_request__route=Route.LOCAL_AUTHORITY,
    )
    for org_id, urn in sorted(named_sip_pairs(user)):
        seen |= Q(deployment__organisation_id=org_id, deployment__client_school_id=urn)
    notes = list(
        Visit.objects.filter(seen, status__in=[VisitStatus.AGREED, VisitStatus.SIGNED_OFF])
        .select_related("deployment__client_school", "deployment__leader__user")
        .order_by("-date", "-pk")[:10]
    )
    if notes:
        yield Section(
            title="Notes of visit from my schools",
            template="visits/home/notes.html",
            context={"notes": [(v, reverse("visits:detail", args=[v.pk])) for v in notes]},
        )
