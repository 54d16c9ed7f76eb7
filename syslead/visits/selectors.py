"""Reads of the delivery records used by pages, the API, reminders and the evidence pack."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.academic_years import Term, terms_between
from syslead.core.academic_years import school_days_between as _school_days_between
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.visits.access import deployments_with_records_for
from syslead.visits.models import (
    ActionOwner,
    ActionPoint,
    LogActivity,
    LogEntry,
    LogShare,
    Visit,
    VisitStatus,
    preparation_opens_on,
)

#: A note of visit not agreed after this many school days needs chasing (docs/ux.md).
AGREE_WITHIN_SCHOOL_DAYS = 5
#: An active agreement with no visit for this long needs attention (docs/ux.md).
NO_VISIT_ALERT = dt.timedelta(weeks=6)
ZERO = Decimal("0")


def visits_of(deployment: Deployment) -> QuerySet[Visit]:
    """The deployment's notes of visit, newest first, with their action points."""
    return deployment.visits.prefetch_related("action_points")


def overdue_action_points(
    today: dt.date, deployments: QuerySet[Deployment] | None = None
) -> QuerySet[ActionPoint]:
    """Action points not done by their date, oldest first, optionally within some deployments."""
    points = ActionPoint.objects.filter(completed_on__isnull=True, due_on__lt=today).select_related(
        "visit__deployment__client_school", "visit__deployment__leader__user"
    )
    if deployments is not None:
        points = points.filter(visit__deployment__in=deployments)
    return points.order_by("due_on", "id")


def open_action_points_for(user: User) -> QuerySet[ActionPoint]:
    """Open action points on deployments the person may read."""
    return ActionPoint.objects.filter(
        completed_on__isnull=True, visit__deployment__in=deployments_with_records_for(user)
    ).select_related("visit__deployment__client_school")


def visits_waiting_too_long(today: dt.date, visits: QuerySet[Visit] | None = None) -> list[Visit]:
    """Notes of visit still waiting for the headteacher ``AGREE_WITHIN_SCHOOL_DAYS`` school days
    after they were sent (or sent again), in the supported school's calendar."""
    waiting = (visits if visits is not None else Visit.objects.all()).filter(
        status=VisitStatus.AWAITING_AGREEMENT
    )
    # Five school days are at least five calendar days: narrow in the query, then count exactly.
    cutoff = today - dt.timedelta(days=AGREE_WITHIN_SCHOOL_DAYS)
    candidates = waiting.filter(submitted_at__date__lte=cutoff).select_related(
        "deployment__client_school", "deployment__leader__user"
    )
    return [
        visit
        for visit in candidates
        if _school_days_between(
            timezone.localtime(visit.submitted_at).date(),
            today,
            local_authority=visit.deployment.client_school.local_authority,
        )
        >= AGREE_WITHIN_SCHOOL_DAYS
    ]


@dataclass(frozen=True)
class QuietDeployment:
    deployment: Deployment
    last_visit_on: dt.date | None

    @property
    def since(self) -> dt.date:
        return self.last_visit_on or self.deployment.starts_on


def deployments_without_recent_visit(
    today: dt.date, deployments: QuerySet[Deployment] | None = None
) -> list[QuietDeployment]:
    """Active agreements with no visit for six weeks (counting from the start when none yet)."""
    cutoff = today - NO_VISIT_ALERT
    rows = (
        (deployments if deployments is not None else Deployment.objects.all())
        .filter(status=DeploymentStatus.ACTIVE, starts_on__lte=cutoff)
        .annotate(last_visit_on=Max("visits__date"))
        .filter(Q(last_visit_on__isnull=True) | Q(last_visit_on__lte=cutoff))
        .select_related("client_school", "leader__user")
        .order_by("starts_on", "pk")
    )
    return [QuietDeployment(deployment=d, last_visit_on=d.last_visit_on) for d in rows]


# --- The deployment log ------------------------------------------------------------------------


@dataclass(frozen=True)
class LogRow:
    """A row of the Deployment Record: a visit or other logged time."""

    date: dt.date
    hours: Decimal
    kind: str
    actions: str
    outcomes: str
    comments: str
    visit: Visit | None = None
    entry: LogEntry | None = None

    @property
    def is_visit(self) -> bool:
        return self.visit is not None


@dataclass(frozen=True)
class DeploymentLog:
    """One term of a deployment's record: hours and activities, preparation included."""

    deployment: Deployment
    term: Term
    rows: list[LogRow] = field(default_factory=list)
    shares: list[LogShare] = field(default_factory=list)

    @property
    def total_hours(self) -> Decimal:
        return sum((row.hours for row in self.rows), ZERO)

    @property
    def visit_hours(self) -> Decimal:
        return sum((row.hours for row in self.rows if row.is_visit), ZERO)

    @property
    def preparation_hours(self) -> Decimal:
        return sum(
            (
                row.hours
                for row in self.rows
                if row.entry is not None and row.entry.activity == LogActivity.PREPARATION
            ),
            ZERO,
        )

    @property
    def other_hours(self) -> Decimal:
        return self.total_hours - self.visit_hours - self.preparation_hours

    @property
    def delivered_days(self) -> Decimal:
        """Days of agreed notes of visit in the term."""
        return sum(
            (row.visit.days for row in self.rows if row.visit is not None and row.visit.is_agreed),
            ZERO,
        )

    @property
    def visits(self) -> int:
        return sum(1 for row in self.rows if row.is_visit)


def deployment_log(deployment: Deployment, term: Term) -> DeploymentLog:
    """The term's Deployment Record built from the notes of visit plus other logged time, in date
    order (visits first on a day)."""
    start, end = term.starts_on, term.ends_on
    # Preparation logged before the agreement starts belongs to its first term's record.
    entries_from = start
    terms = deployment_terms(deployment)
    if terms and term == terms[0]:
        entries_from = min(start, preparation_opens_on(deployment))
    rows: list[LogRow] = []
    for visit in deployment.visits.filter(date__range=(start, end)).prefetch_related(
        "action_points"
    ):
        actions = "; ".join(
            f"{'Leader' if a.owner == ActionOwner.LEADER else 'School'}: {a.action}"
            for a in visit.action_points.all()
        )
        rows.append(
            LogRow(
                date=visit.date,
                hours=visit.hours,
                kind=f"Visit ({visit.get_session_display().lower()})",
                actions=visit.focus + (f"\nAction points: {actions}" if actions else ""),
                outcomes=visit.progress,
                comments=visit.issues,
                visit=visit,
            )
        )
    for entry in deployment.log_entries.filter(date__range=(entries_from, end)):
        rows.append(
            LogRow(
                date=entry.date,
                hours=entry.hours,
                kind=entry.get_activity_display(),
                actions=entry.actions,
                outcomes=entry.outcomes,
                comments=entry.comments,
                entry=entry,
            )
        )
    rows.sort(key=lambda row: (row.date, 0 if row.is_visit else 1))
    shares = list(
        deployment.log_shares.filter(academic_year=term.year.label, term=term.name).select_related(
            "shared_by"
        )
    )
    return DeploymentLog(deployment=deployment, term=term, rows=rows, shares=shares)


def deployment_terms(deployment: Deployment) -> list[Term]:
    """The school terms the agreement spans."""
    return terms_between(deployment.starts_on, deployment.ends_on)


def term_from_key(deployment: Deployment, key: str | None, today: dt.date) -> Term:
    """A term of the agreement from "2025-26-autumn"; otherwise today's term if the agreement
    spans it, else its last term that has started (else its first)."""
    terms = deployment_terms(deployment)
    if key:
        for term in terms:
            if term.key == key:
                return term
    current = Term.containing(today)
    if current in terms:
        return current
    started = [term for term in terms if term.starts_on <= today]
    return started[-1] if started else terms[0]


def term_key(term: Term) -> str:
    return term.key
