"""A deployment's notes of visit and its deployment record (one term) downloaded as CSV or Excel:
the pages' access rule (404 to anyone who may not see the agreement) and selectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBase
from django.utils import timezone

from syslead.core import exports as x
from syslead.core.http import AuthenticatedHttpRequest
from syslead.visits import selectors
from syslead.visits.access import deployment_records_for_user
from syslead.visits.models import ActionOwner, Visit, VisitStatus
from syslead.visits.selectors import LogRow

#: Rows read from the database at a time (with their action points) while a download streams.
CHUNK = 500

#: A note's status in the words the delivery page uses.
STATUS_WORDS: dict[str, str] = {
    VisitStatus.SIGNED_OFF: "Signed off",
    VisitStatus.AGREED: "Agreed",
    VisitStatus.CHANGES_REQUESTED: "Changes asked for",
}


def _action_points(visit: Visit) -> list[str]:
    return [
        f"{'Leader' if a.owner == ActionOwner.LEADER else 'School'}: {a.action} "
        f"(by {a.due_on.isoformat()})"
        for a in visit.action_points.all()
    ]


VISIT_COLUMNS: list[x.Column[Visit]] = [
    x.date("Date", lambda v: v.date),
    x.text("Session", lambda v: v.get_session_display()),
    x.number("Hours", lambda v: v.hours),
    x.number("Days", lambda v: v.days),
    x.text("Focus", lambda v: v.focus, width=40),
    x.text("Progress made", lambda v: v.progress, width=40),
    x.text("Points or issues arising", lambda v: v.issues, width=40),
    x.text("Action points", _action_points, width=40),
    x.text("Status", lambda v: STATUS_WORDS.get(v.status, "Waiting to be agreed")),
    x.date("Agreed", lambda v: v.agreed_at),
]

LOG_COLUMNS: list[x.Column[LogRow]] = [
    x.date("Date", lambda r: r.date),
    x.number("Time (hours)", lambda r: r.hours),
    x.text("Activity", lambda r: r.kind),
    x.text("Actions", lambda r: r.actions, width=40),
    x.text("Outcomes", lambda r: r.outcomes, width=40),
    x.text("Comments", lambda r: r.comments, width=40),
]


@login_required
def visits_export(
    request: AuthenticatedHttpRequest, deployment_id: int, fmt: str
) -> HttpResponseBase:
    """The notes of visit the delivery page lists, newest first."""
    deployment, _roles = deployment_records_for_user(request.user, deployment_id)
    rows = selectors.visits_of(deployment).iterator(chunk_size=CHUNK)
    sheet = x.Sheet("Notes of visit", VISIT_COLUMNS, rows)
    return x.export_response(x.Export(f"notes-of-visit-agreement-{deployment.pk}", [sheet]), fmt)


@login_required
def log_export(request: AuthenticatedHttpRequest, deployment_id: int, fmt: str) -> HttpResponseBase:
    """The deployment record of the term the page shows (``?term=``, else the page's default)."""
    deployment, _roles = deployment_records_for_user(request.user, deployment_id)
    term = selectors.term_from_key(deployment, request.GET.get("term"), timezone.localdate())
    log = selectors.deployment_log(deployment, term)
    sheet = x.Sheet(term.label, LOG_COLUMNS, log.rows)
    name = f"deployment-record-agreement-{deployment.pk}-{selectors.term_key(term)}"
    return x.export_response(x.Export(name, [sheet]), fmt)
