"""Chasing: the coordinator's reminder, sent from the page a "Needs attention" item opens.

Six things get stuck in brokering and delivery, and each has one kind of chase in ``CHASE_KINDS``:

========== ================================ ========================== ===========================
kind       what is outstanding              who is reminded            the link they get
========== ================================ ========================== ===========================
approach   a leader has not answered        the leader                 the approach's answer page
visit_note a note of visit is not agreed    the supported school's     the note's agree page
                                            headteacher
feedback   termly feedback is not given     the supported school's     the feedback form
                                            headteacher
no_visit   no visit for six weeks           the leader and the         record a visit (leader);
                                            supported school's head    the delivery page (head)
signature  the agreement is not signed      whoever signs for each     the signing page
                                            party still to sign
first_     the first meeting is not held    the chosen leader          the first meeting's page
meeting    within 10 school days of the
           choice
========== ================================ ========================== ===========================

``chase_send`` is the one service: a coordinator of the record's organisation (or an
administrator) sends it; each person gets it in their inbox and by e-mail; it is recorded on the
timeline (the request's for an approach, the agreement's for the rest) as ``chase.<kind>``; and
the same thing cannot be chased twice within a school day: the last chase's date decides, and the
next chase is allowed from the following school day (``academic_years.add_school_days``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.models import User
from syslead.brokering.access import can_broker
from syslead.brokering.models import Approach, SupportRequest
from syslead.brokering.services.first_meetings import (
    first_meeting_due_by,
    first_meeting_is_overdue,
    first_meeting_of,
)
from syslead.brokering.transitions import APPROACH_TRANSITIONS
from syslead.core.academic_years import add_school_days
from syslead.core.events import event_record
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.models import Event
from syslead.deployments.access import can_manage_deployment
from syslead.deployments.models import Deployment, DeploymentStatus
from syslead.deployments.parties import party_label, signatories
from syslead.deployments.selectors import unsigned_parties
from syslead.deployments.transitions import AGREEMENT
from syslead.evaluation.models import FeedbackRequest, FeedbackStatus
from syslead.notifications.inbox import notify
from syslead.visits import recipients
from syslead.visits.models import Visit
from syslead.visits.selectors import deployments_without_recent_visit
from syslead.visits.transitions import VISIT

#: (person, the link they get)
Recipient = tuple[User, str]


@dataclass(frozen=True)
class ChaseKind:
    """One kind of chase: what is chased, whom, with which link and words."""

    code: str
    #: What the reminder is about, inside a sentence ("an answer to the approach").
    about: str
    model: type[models.Model]
    #: The record whose timeline holds the chase.
    timeline_of: Callable[[Any], models.Model]
    #: Whether the actor may chase it (the record type's own access rule).
    may_chase: Callable[[Any, Any], bool]
    #: None while it is outstanding, else why there is nothing to chase.
    settled: Callable[[Any], str | None]
    recipients: Callable[[Any], list[Recipient]]
    #: (the message, the e-mail's subject)
    wording: Callable[[Any], tuple[str, str]]
    #: The page the "Needs attention" item opens, where the chase button is.
    page: Callable[[Any], str]
    #: Extra data on the timeline event (e.g. the leader, so they read it in full).
    data: Callable[[Any], dict[str, Any]]

    @property
    def verb(self) -> str:
        return f"chase.{self.code}"


def _date(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


# --- The five kinds ----------------------------------------------------------------------------


def _approach_wording(approach: Approach) -> tuple[str, str]:
    school = approach.support_request.school.name
    return (
        f"Reminder: {approach.support_request.organisation.name} asked you on "
        f"{_date(timezone.localdate(approach.sent_at))} whether you could support {school}. "
        "Please answer the approach.",
        f"Reminder: could you support {school}?",
    )


def _visit_note_recipients(visit: Visit) -> list[Recipient]:
    url = reverse("visits:agree", args=[visit.pk])
    return [(user, url) for user in recipients.client_heads(visit.deployment)]


def _feedback_recipients(feedback: FeedbackRequest) -> list[Recipient]:
    url = reverse("evaluation:feedback", args=[feedback.pk])
    return [(user, url) for user in recipients.client_heads(feedback.deployment)]


def _no_visit_recipients(deployment: Deployment) -> list[Recipient]:
    heads = reverse("visits:delivery", args=[deployment.pk])
    return [(deployment.leader.user, reverse("visits:record", args=[deployment.pk]))] + [
        (user, heads) for user in recipients.client_heads(deployment)
    ]


def _signature_recipients(deployment: Deployment) -> list[Recipient]:
    url = reverse("deployments:sign", args=[deployment.pk])
    holders = signatories(deployment)
    people: list[Recipient] = []
    for party in unsigned_parties(deployment):
        people.extend((user, url) for user in holders[party])
    return people


def _no_visit_settled(deployment: Deployment) -> str | None:
    if deployment.status != DeploymentStatus.ACTIVE:
        return f"The agreement is {deployment.get_status_display().lower()}."
    quiet = deployments_without_recent_visit(
        timezone.localdate(), Deployment.objects.filter(pk=deployment.pk)
    )
    return None if quiet else "There has been a visit in the last six weeks."


def _last_visit_text(deployment: Deployment) -> str:
    last = deployment.visits.order_by("-date").values_list("date", flat=True).first()
    return f"since {_date(last)}" if last else f"since it started on {_date(deployment.starts_on)}"


def _first_meeting_settled(support_request: SupportRequest) -> str | None:
    if first_meeting_is_overdue(support_request, first_meeting_of(support_request)):
        return None
    return "The first meeting is held, not yet due, or the request has moved on."


def _first_meeting_wording(support_request: SupportRequest) -> tuple[str, str]:
    school = support_request.school.name
    due = first_meeting_due_by(support_request)
    return (
        f"Reminder: {school} chose you, and the first meeting with its headteacher was due by "
        f"{_date(due) if due else 'now'}. Please contact the headteacher, and record the first "
        "contact and the meeting.",
        f"Reminder: your first meeting with {school}",
    )


CHASE_KINDS: dict[str, ChaseKind] = {
    kind.code: kind
    for kind in (
        ChaseKind(
            code="approach",
            about="an answer to the approach",
            model=Approach,
            timeline_of=lambda a: a.support_request,
            may_chase=lambda actor, a: can_broker(actor, a.support_request),
            settled=lambda a: (
                None
                if APPROACH_TRANSITIONS.in_source("accept", a)  # still to answer
                else f"The approach is {a.get_status_display().lower()}."
            ),
            recipients=lambda a: [(a.leader.user, reverse("brokering:approach", args=[a.pk]))],
            wording=_approach_wording,
            page=lambda a: reverse("brokering:detail", args=[a.support_request_id]) + "#approaches",
            data=lambda a: {"approach": a.pk, "leader": a.leader_id},
        ),
        ChaseKind(
            code="visit_note",
            about="agreeing the note of visit",
            model=Visit,
            timeline_of=lambda v: v.deployment,
            may_chase=lambda actor, v: can_manage_deployment(actor, v.deployment),
            settled=lambda v: (
                None
                if VISIT.in_source("agree", v)
                else f"The note of visit is {v.get_status_display().lower()}."
            ),
            recipients=_visit_note_recipients,
            wording=lambda v: (
                f"Reminder: please agree the note of visit of {_date(v.date)} by "
                f"{v.deployment.leader.name}, or ask for changes.",
                f"Reminder: note of visit to agree ({_date(v.date)})",
            ),
            page=lambda v: reverse("visits:detail", args=[v.pk]),
            data=lambda v: {"visit": v.pk},
        ),
        ChaseKind(
            code="feedback",
            about="termly feedback",
            model=FeedbackRequest,
            timeline_of=lambda f: f.deployment,
            may_chase=lambda actor, f: can_manage_deployment(actor, f.deployment),
            settled=lambda f: (
                None
                if f.status == FeedbackStatus.DUE
                else f"The feedback is {f.get_status_display().lower()}."
            ),
            recipients=_feedback_recipients,
            wording=lambda f: (
                f"Reminder: please give your feedback for the {f.term_label} on "
                f"{f.deployment.leader.name}'s support (due {_date(f.due_on)}).",
                f"Reminder: termly feedback for the {f.term_label}",
            ),
            page=lambda f: reverse("evaluation:feedback_list", args=[f.deployment_id]),
            data=lambda f: {"feedback": f.pk},
        ),
        ChaseKind(
            code="no_visit",
            about="a visit (none for six weeks)",
            model=Deployment,
            timeline_of=lambda d: d,
            may_chase=can_manage_deployment,
            settled=_no_visit_settled,
            recipients=_no_visit_recipients,
            wording=lambda d: (
                f"No visit to {d.client_school.name} by {d.leader.name} "
                f"{_last_visit_text(d)}: please arrange the next visit.",
                f"No visit for six weeks: {d.client_school.name}",
            ),
            page=lambda d: reverse("visits:delivery", args=[d.pk]),
            data=lambda d: {},
        ),
        ChaseKind(
            code="signature",
            about="a signature on the agreement",
            model=Deployment,
            timeline_of=lambda d: d,
            may_chase=can_manage_deployment,
            settled=lambda d: (
                None
                if AGREEMENT.in_source("sign", d)
                else f"The agreement is {d.get_status_display().lower()}."
            ),
            recipients=_signature_recipients,
            wording=lambda d: (
                f"Reminder: the support agreement for {d.leader.name} at {d.client_school.name} "
                "is waiting for your signature.",
                f"Reminder: please sign the agreement for {d.client_school.name}",
            ),
            page=lambda d: reverse("deployments:detail", args=[d.pk]) + "#chase-signature",
            data=lambda d: {
                "waiting_for": [party_label(d, p) for p in unsigned_parties(d)],
            },
        ),
        ChaseKind(
            code="first_meeting",
            about="the first meeting (not held within 10 school days of the choice)",
            model=SupportRequest,
            timeline_of=lambda r: r,
            may_chase=can_broker,
            settled=_first_meeting_settled,
            recipients=lambda r: (
                [(r.chosen_leader.user, reverse("brokering:first_meeting", args=[r.pk]))]
                if r.chosen_leader is not None
                else []
            ),
            wording=_first_meeting_wording,
            page=lambda r: reverse("brokering:first_meeting", args=[r.pk]),
            data=lambda r: {"leader": r.chosen_leader_id},
        ),
    )
}


def chase_kind(code: str) -> ChaseKind:
    """The kind of chase with this code; KeyError for an unknown one."""
    return CHASE_KINDS[code]


# --- When it was last chased -------------------------------------------------------------------


@dataclass(frozen=True)
class ChaseStatus:
    last_on: dt.date | None
    #: The first day it may be chased again (None: never chased).
    again_from: dt.date | None
    today: dt.date

    @property
    def may_chase_now(self) -> bool:
        return self.again_from is None or self.today >= self.again_from


def last_chase(kind: ChaseKind, target: Any) -> Event | None:
    """The most recent chase of this kind about ``target``."""
    subject = kind.timeline_of(target)
    return (
        Event.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=str(subject.pk),
            verb=kind.verb,
            data__target=target.pk,
        )
        .order_by("-created_at", "-id")
        .first()
    )


def _chased_on(event: Event) -> dt.date:
    recorded = event.data.get("on")
    try:
        return dt.date.fromisoformat(recorded) if recorded else timezone.localdate(event.created_at)
    except ValueError:
        return timezone.localdate(event.created_at)


def chase_status(kind: ChaseKind, target: Any, today: dt.date | None = None) -> ChaseStatus:
    """When ``target`` was last chased and from which day it may be chased again: the next
    school day after the last chase."""
    return _status_after(last_chase(kind, target), today or timezone.localdate())


def _status_after(event: Event | None, today: dt.date) -> ChaseStatus:
    if event is None:
        return ChaseStatus(None, None, today)
    last_on = _chased_on(event)
    return ChaseStatus(last_on, add_school_days(last_on, 1), today)


def chased_text(code: str, target: Any) -> str:
    """ "Chased on 3 Dec 2026" for a home page item, or "" when never chased."""
    event = last_chase(CHASE_KINDS[code], target)
    return f"Chased on {_chased_on(event):%-d %b %Y}" if event is not None else ""


# --- The service -------------------------------------------------------------------------------


def _names(people: list[Recipient]) -> str:
    seen: list[str] = []
    for user, _url in people:
        name = user.get_full_name()
        if name not in seen:
            seen.append(name)
    return ", ".join(seen)


@transaction.atomic
def chase_send(*, actor: User, kind: str, target: Any, today: dt.date | None = None) -> Event:
    """Remind the people who must act on ``target`` (in their inbox and by e-mail, each with the
    link to where they act) and record it on the timeline. A coordinator of the record's
    organisation; refused while nothing is outstanding, and within a school day of the last
    chase."""
    spec = CHASE_KINDS[kind]
    if not isinstance(target, spec.model):
        raise TypeError(f"A {kind} chase is about a {spec.model.__name__}.")
    # One chase at a time per record: the second waits, then sees the first's event.
    target = spec.model._default_manager.select_for_update(of=("self",)).get(pk=target.pk)
    if not spec.may_chase(actor, target):
        raise NotAllowed("Only a coordinator of the organisation chases this.")
    why_not = spec.settled(target)
    if why_not:
        raise RuleViolation(f"Nothing to chase: {why_not[:1].lower()}{why_not[1:]}", rule="settled")
    today = today or timezone.localdate()
    status = chase_status(spec, target, today)
    if not status.may_chase_now:
        assert status.last_on is not None
        assert status.again_from is not None
        raise RuleViolation(
            f"Already chased on {_date(status.last_on)}: you can chase again from "
            f"{status.again_from:%A %-d %B %Y}.",
            rule="chased_recently",
        )
    people = spec.recipients(target)
    if not people:
        raise RuleViolation(
            "Nobody who must act has an account on Syslead: contact them another way.",
            rule="no_recipient",
        )
    text, subject = spec.wording(target)
    sender = getattr(actor, "get_full_name", lambda: "")() or "the coordinator"
    for user, url in people:
        notify(
            users=[user],
            verb=spec.verb,
            text=text,
            url=url,
            subject=subject,
            detail=f"Sent by {sender}.",
        )
    return event_record(
        actor=actor,
        subject=spec.timeline_of(target),
        verb=spec.verb,
        summary=f"Reminder sent to {_names(people)} about {spec.about}",
        data={
            "chase": kind,
            "target": target.pk,
            "on": today.isoformat(),
            "to": sorted({user.pk for user, _url in people}),
            **spec.data(target),
        },
    )


# --- What the page shows -----------------------------------------------------------------------


@dataclass(frozen=True)
class ChasePanel:
    """The chase button and its confirmation on a page: what will be sent, and to whom."""

    kind: ChaseKind
    target_id: int
    status: ChaseStatus
    to: str
    text: str
    action: str

    @property
    def code(self) -> str:
        return self.kind.code


def chase_panel(
    user: User, code: str, target: Any, today: dt.date | None = None
) -> ChasePanel | None:
    """The chase panel for ``user`` on the page of ``target``, or None when they may not chase
    it or nothing is outstanding."""
    spec = CHASE_KINDS[code]
    if not spec.may_chase(user, target) or spec.settled(target):
        return None
    people = spec.recipients(target)
    return ChasePanel(
        kind=spec,
        target_id=target.pk,
        status=chase_status(spec, target, today),
        to=_names(people),
        text=spec.wording(target)[0],
        action=reverse("casework:chase", args=[code, target.pk]),
    )


def approach_chase_panels(
    user: User,
    support_request: Any,
    approaches: list[Approach],
    timeline: list[Event],
    today: dt.date | None = None,
) -> list[tuple[Approach, ChasePanel]]:
    """The chase panel of each approach still waiting, for the request page: read from the
    request's timeline already loaded, so the page costs the same however many approaches."""
    spec = CHASE_KINDS["approach"]
    pending = [a for a in approaches if APPROACH_TRANSITIONS.in_source("accept", a)]
    if not pending or not can_broker(user, support_request):
        return []
    latest: dict[int, Event] = {}
    for event in timeline:  # oldest first: the last one wins
        if event.verb == spec.verb and isinstance(event.data.get("target"), int):
            latest[event.data["target"]] = event
    today = today or timezone.localdate()
    panels = []
    for approach in pending:
        approach.support_request = support_request
        panels.append(
            (
                approach,
                ChasePanel(
                    kind=spec,
                    target_id=approach.pk,
                    status=_status_after(latest.get(approach.pk), today),
                    to=_names(spec.recipients(approach)),
                    text=spec.wording(approach)[0],
                    action=reverse("casework:chase", args=[spec.code, approach.pk]),
                ),
            )
        )
    return panels
