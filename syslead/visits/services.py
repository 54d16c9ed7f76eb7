"""Writes of the delivery records: notes of visit and their action points, the deployment log, and
safeguarding or serious concerns (docs/rules.md: Records: notes of visit, the deployment record, and
safeguarding or other serious concerns raised with the named person immediately).

Each service checks who may act (``NotAllowed``), then the state of things (``RuleViolation``
naming the rule), then the fields (``ValidationError`` keyed by field), writes in one
transaction, records an event and tells whoever must act next (``notify``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.access import is_administrator, organisation_ids_for
from syslead.accounts.models import User
from syslead.core.academic_years import Term, terms_between
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation, field_error
from syslead.deployments.models import DELIVERY_STATUSES, Deployment, DeploymentStatus
from syslead.leaders.models import Association
from syslead.notifications.inbox import notify
from syslead.organisations.models import Organisation
from syslead.visits import recipients
from syslead.visits.access import deployment_roles, may_act_on_concern
from syslead.visits.models import (
    PREPARATION_LEAD_DAYS,
    ActionOwner,
    ActionPoint,
    Concern,
    ConcernAction,
    ConcernContact,
    ConcernKind,
    ConcernStatus,
    LogActivity,
    LogEntry,
    LogShare,
    Session,
    Visit,
    VisitStatus,
    preparation_opens_on,
)
from syslead.visits.transitions import INITIAL, VISIT

#: Agreements whose log may still be written and shared (the work is done or under way).
LOGGABLE_STATUSES = DELIVERY_STATUSES
MAX_HOURS = Decimal("24")


@dataclass(frozen=True)
class ActionPointSpec:
    """An action point as the leader writes it: for the leader or for the school, with a date."""

    owner: str
    action: str
    due_on: dt.date | None


def _when(day: dt.date) -> str:
    return day.strftime("%-d %B %Y")


def _hours(hours: Decimal, errors: FieldErrors) -> Decimal:
    """Hours a form or the API read (a ``Decimal``), held to the rules: more than 0, at most
    ``MAX_HOURS``, to the hundredth."""
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        errors["hours"] = ["Enter between 0.25 and 24 hours."]
    elif hours != hours.quantize(Decimal("0.01")):
        errors["hours"] = ["Enter the hours to at most two decimal places."]
    return hours


def _within_agreement(
    deployment: Deployment, day: dt.date | None, errors: dict[str, list[str]]
) -> None:
    if day is None:
        errors["date"] = ["Enter the date."]
    elif not deployment.starts_on <= day <= deployment.ends_on:
        errors["date"] = [
            f"The date must lie within the agreement, {_when(deployment.starts_on)} to "
            f"{_when(deployment.ends_on)}."
        ]


def _within_preparation_window(
    deployment: Deployment, day: dt.date | None, errors: dict[str, list[str]]
) -> None:
    opens_on = preparation_opens_on(deployment)
    if day is None:
        errors["date"] = ["Enter the date."]
    elif not opens_on <= day <= deployment.ends_on:
        errors["date"] = [
            f"Preparation can be logged from {_when(opens_on)} ({PREPARATION_LEAD_DAYS} days "
            f"before the agreement starts) to its end, {_when(deployment.ends_on)}."
        ]


def _check_actions(actions: Sequence[ActionPointSpec], errors: dict[str, list[str]]) -> None:
    messages = []
    for number, spec in enumerate(actions, start=1):
        if spec.owner not in ActionOwner.values:
            messages.append(
                f"Action point {number}: say whether it is for the leader or the school."
            )
        if not spec.action.strip():
            messages.append(f"Action point {number}: describe the action.")
        if spec.due_on is None:
            messages.append(f"Action point {number}: give the date it is due.")
    if messages:
        errors["actions"] = messages


def _check_note(
    deployment: Deployment,
    *,
    date: dt.date | None,
    session: str,
    hours: Decimal,
    focus: str,
    actions: Sequence[ActionPointSpec],
) -> Decimal:
    errors = FieldErrors()
    _within_agreement(deployment, date, errors)
    if session not in Session.values:
        errors["session"] = ["Choose full day, half day or twilight."]
    parsed_hours = _hours(hours, errors)
    if not focus.strip():
        errors["focus"] = ["Enter the focus of the visit."]
    _check_actions(actions, errors)
    errors.raise_if_any()
    return parsed_hours


def _write_actions(visit: Visit, actions: Sequence[ActionPointSpec]) -> None:
    """Write checked action points (``_check_actions`` has refused any without a date)."""
    rows = []
    for position, spec in enumerate(actions, start=1):
        assert spec.due_on is not None
        rows.append(
            ActionPoint(
                visit=visit,
                position=position,
                owner=spec.owner,
                action=spec.action.strip(),
                due_on=spec.due_on,
            )
        )
    ActionPoint.objects.bulk_create(rows)


def _visit_url(visit: Visit) -> str:
    return reverse("visits:detail", args=[visit.pk])


def _note_snapshot(visit: Visit) -> dict[str, Any]:
    return {
        "visit": visit.pk,
        "date": visit.date.isoformat(),
        "session": visit.session,
        "hours": str(visit.hours),
        "focus": visit.focus,
        "progress": visit.progress,
        "issues": visit.issues,
        "actions": [
            {"owner": a.owner, "action": a.action, "due_on": a.due_on.isoformat()}
            for a in visit.action_points.all()
        ],
    }


def _ask_head_to_agree(visit: Visit, *, again: bool) -> None:
    deployment = visit.deployment
    verb = "visit.resubmitted" if again else "visit.to_agree"
    text = (
        f"{deployment.leader.name} has revised the note of visit of {_when(visit.date)}: agree it "
        "or ask for changes."
        if again
        else f"Agree the note of visit of {_when(visit.date)} by {deployment.leader.name}, or ask "
        "for changes."
    )
    notify(
        users=recipients.client_heads(deployment),
        verb=verb,
        text=text,
        url=reverse("visits:agree", args=[visit.pk]),
        subject=f"Note of visit to agree: {_when(visit.date)}",
    )


# --- Notes of visit ----------------------------------------------------------------------------


@transaction.atomic
def visit_record(
    *,
    actor: User,
    deployment: Deployment,
    date: dt.date | None,
    session: str,
    hours: Decimal,
    focus: str,
    progress: str = "",
    actions: Sequence[ActionPointSpec] = (),
    issues: str = "",
) -> Visit:
    """Record a note of visit for the headteacher to agree: only the deployment's leader, only
    while the agreement is active, dated within it (docs/rules.md, Records: date, focus,
    progress made, action points for the leader and for the school with dates, issues)."""
    roles = deployment_roles(actor, deployment)
    if not (roles.leader or roles.administrator):
        raise NotAllowed("Only the deployment's system leader records notes of visit.")
    if deployment.status != DeploymentStatus.ACTIVE:
        raise RuleViolation(
            "Notes of visit can be recorded only while the agreement is active "
            f"(it is {deployment.get_status_display().lower()}).",
            rule="deployment_not_active",
        )
    parsed_hours = _check_note(
        deployment, date=date, session=session, hours=hours, focus=focus, actions=actions
    )
    assert date is not None  # _check_note refuses a missing date
    visit = Visit(
        deployment=deployment,
        date=date,
        session=session,
        hours=parsed_hours,
        focus=focus.strip(),
        progress=progress.strip(),
        issues=issues.strip(),
        status=INITIAL,
        recorded_by=actor,
        submitted_at=timezone.now(),
    )
    visit.full_clean()
    visit.save()
    _write_actions(visit, actions)
    event_record(
        actor=actor,
        subject=deployment,
        verb="visit.recorded",
        summary=f"Recorded the note of visit of {_when(visit.date)}",
        data=_note_snapshot(visit),
    )
    _ask_head_to_agree(visit, again=False)
    return visit


@transaction.atomic
def visit_revise(
    *,
    actor: User,
    visit: Visit,
    date: dt.date | None,
    session: str,
    hours: Decimal,
    focus: str,
    progress: str = "",
    actions: Sequence[ActionPointSpec] = (),
    issues: str = "",
) -> Visit:
    """Edit a note the headteacher has not agreed yet and send it back to them (South
    Gloucestershire 10.2: drafted together, then agreed)."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    deployment = visit.deployment
    VISIT.require_permitted(
        "revise", actor, visit, "Only the deployment's system leader edits notes of visit."
    )
    VISIT.require_source("revise", visit, "An agreed note of visit cannot be changed.")
    parsed_hours = _check_note(
        deployment, date=date, session=session, hours=hours, focus=focus, actions=actions
    )
    assert date is not None  # _check_note refuses a missing date
    before = _note_snapshot(visit)
    again = visit.status == VisitStatus.CHANGES_REQUESTED
    visit.date = date
    visit.session = session
    visit.hours = parsed_hours
    visit.focus = focus.strip()
    visit.progress = progress.strip()
    visit.issues = issues.strip()
    visit.submitted_at = timezone.now()
    visit.full_clean()
    visit.save()
    visit.action_points.all().delete()
    _write_actions(visit, actions)
    VISIT.apply(
        "revise",
        visit,
        actor=actor,
        subject=deployment,
        summary=f"Revised the note of visit of {_when(visit.date)} and sent it to agree",
        data={"before": before, "after": _note_snapshot(visit)},
    )
    _ask_head_to_agree(visit, again=again)
    return visit


def _for_client_head(actor: User, visit: Visit, step: str, doing: str) -> None:
    VISIT.require_permitted(
        step, actor, visit, f"Only the supported school's headteacher {doing} notes of visit."
    )
    VISIT.require_source(
        step,
        visit,
        f"This note of visit is not waiting to be agreed (it is "
        f"{visit.get_status_display().lower()}).",
    )


@transaction.atomic
def visit_agree(*, actor: User, visit: Visit) -> Visit:
    """The supported school's headteacher agrees the note of visit: its days count as delivered
    (docs/api.md; docs/rules.md, Records: "agreed by the headteacher")."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _for_client_head(actor, visit, "agree", "agrees")
    visit.agreed_by = actor
    visit.agreed_at = timezone.now()
    visit.changes_comment = ""
    deployment = visit.deployment
    VISIT.apply(
        "agree",
        visit,
        actor=actor,
        subject=deployment,
        update_fields=["agreed_by", "agreed_at", "changes_comment"],
        summary=f"Agreed the note of visit of {_when(visit.date)}",
        data={"visit": visit.pk, "days": str(visit.days)},
    )
    notify(
        users=[recipients.leader_user(deployment)],
        verb="visit.to_sign_off",
        text=f"{deployment.client_school.name} agreed your note of visit of {_when(visit.date)}: "
        "sign it off.",
        url=_visit_url(visit),
        subject=f"Note of visit agreed: sign it off ({_when(visit.date)})",
    )
    return visit


@transaction.atomic
def visit_request_changes(*, actor: User, visit: Visit, comment: str) -> Visit:
    """The headteacher asks for changes with a comment; the note goes back to the leader."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _for_client_head(actor, visit, "request_changes", "asks for changes to")
    if not comment.strip():
        raise field_error("comment", "Say what should change.")
    visit.changes_comment = comment.strip()
    deployment = visit.deployment
    VISIT.apply(
        "request_changes",
        visit,
        actor=actor,
        subject=deployment,
        update_fields=["changes_comment"],
        summary=f"Asked for changes to the note of visit of {_when(visit.date)}",
        data={"visit": visit.pk, "comment": visit.changes_comment},
    )
    notify(
        users=[recipients.leader_user(deployment)],
        verb="visit.changes_requested",
        text=f"{deployment.client_school.name} asked for changes to your note of visit of "
        f"{_when(visit.date)}.",
        detail=f"Their comment: {visit.changes_comment}",
        url=reverse("visits:edit", args=[visit.pk]),
        subject=f"Changes asked for: note of visit of {_when(visit.date)}",
    )
    return visit


@transaction.atomic
def visit_sign_off(*, actor: User, visit: Visit) -> Visit:
    """The leader signs off an agreed note; it is then shared with the school, the broker and, on
    the LA route, the SIP (docs/rules.md: Records); the school's named SIP and whoever is copied in
    get it in their inbox and by e-mail (docs/rules.md, "The school's named SIP")."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    deployment = visit.deployment
    VISIT.require_permitted(
        "sign_off", actor, visit, "Only the deployment's system leader signs off notes of visit."
    )
    VISIT.require_source(
        "sign_off", visit, "Only a note of visit the headteacher has agreed can be signed off."
    )
    visit.signed_off_at = timezone.now()
    VISIT.apply(
        "sign_off",
        visit,
        actor=actor,
        subject=deployment,
        update_fields=["signed_off_at"],
        summary=f"Signed off the note of visit of {_when(visit.date)}",
        data={"visit": visit.pk},
    )
    shared = (
        f"Note of visit of {_when(visit.date)} at {deployment.client_school.name} "
        f"by {deployment.leader.name}."
    )
    advisers = recipients.advisers_for(deployment)
    adviser_ids = {a.pk for a in advisers}
    notify(
        users=[s for s in recipients.sips_for(deployment) if s.pk not in adviser_ids],
        verb="visit.shared",
        text=shared,
        url=_visit_url(visit),
        email=False,
    )
    # The school's named SIP and whoever is copied in: in their inbox and by e-mail.
    notify(
        users=advisers,
        verb="visit.shared",
        text=shared,
        url=_visit_url(visit),
        subject=f"Note of visit shared: {deployment.client_school.name}, {_when(visit.date)}",
    )
    return visit


@transaction.atomic
def action_point_complete(
    *, actor: User, action_point: ActionPoint, completed_on: dt.date | None = None
) -> ActionPoint:
    """Mark an action point done: the leader or the supported school's headteacher."""
    point = (
        ActionPoint.objects.select_for_update()
        .select_related("visit__deployment")
        .get(pk=action_point.pk)
    )
    deployment = point.visit.deployment
    roles = deployment_roles(actor, deployment)
    if not (roles.leader or roles.client_head or roles.administrator):
        raise NotAllowed("Only the leader or the school's headteacher tracks action points.")
    if point.completed_on is not None:
        raise RuleViolation("This action point is already done.", rule="action_point_done")
    point.completed_on = completed_on or timezone.localdate()
    point.completed_by = actor
    point.save(update_fields=["completed_on", "completed_by"])
    event_record(
        actor=actor,
        subject=deployment,
        verb="action_point.completed",
        summary=f"Completed an action point: {point.action[:120]}",
        data={"action_point": point.pk, "visit": point.visit_id},
    )
    return point


# --- The deployment log ------------------------------------------------------------------------


@transaction.atomic
def log_entry_add(
    *,
    actor: User,
    deployment: Deployment,
    date: dt.date | None,
    hours: Decimal,
    activity: str,
    actions: str,
    outcomes: str = "",
    comments: str = "",
) -> LogEntry:
    """Log time outside visits, preparation included, on the deployment record (docs/rules.md,
    Records: date, hours, actions, outcomes, comments): the deployment's leader, within the
    agreement."""
    roles = deployment_roles(actor, deployment)
    if not (roles.leader or roles.administrator):
        raise NotAllowed("Only the deployment's system leader keeps its log.")
    if deployment.status not in LOGGABLE_STATUSES:
        raise RuleViolation(
            "Time can be logged only on an agreement that is active or has ended.",
            rule="deployment_not_active",
        )
    errors = FieldErrors()
    if activity == LogActivity.PREPARATION:
        _within_preparation_window(deployment, date, errors)
    else:
        _within_agreement(deployment, date, errors)
    parsed_hours = _hours(hours, errors)
    if activity not in LogActivity.values:
        errors["activity"] = ["Choose the kind of activity."]
    if not actions.strip():
        errors["actions"] = ["Describe what you did."]
    errors.raise_if_any()
    assert date is not None
    entry = LogEntry(
        deployment=deployment,
        date=date,
        hours=parsed_hours,
        activity=activity,
        actions=actions.strip(),
        outcomes=outcomes.strip(),
        comments=comments.strip(),
        recorded_by=actor,
    )
    entry.full_clean()
    entry.save()
    event_record(
        actor=actor,
        subject=deployment,
        verb="log.entry_added",
        summary=f"Logged {parsed_hours} hours of {entry.get_activity_display().lower()}",
        data={"log_entry": entry.pk, "date": entry.date.isoformat(), "hours": str(parsed_hours)},
    )
    return entry


@transaction.atomic
def log_share_term(*, actor: User, deployment: Deployment, term: Term) -> LogShare:
    """Share one term's deployment record with the broker and the headteacher (docs/rules.md,
    Records: "shared each term"), and with the school's named SIP and whoever is copied in
    (docs/rules.md, "The school's named SIP")."""
    from syslead.visits.selectors import deployment_log

    roles = deployment_roles(actor, deployment)
    if not (roles.leader or roles.administrator):
        raise NotAllowed("Only the deployment's system leader shares its log.")
    if deployment.status not in LOGGABLE_STATUSES:
        raise RuleViolation(
            "The log can be shared only once the agreement is active.",
            rule="deployment_not_active",
        )
    if term not in terms_between(deployment.starts_on, deployment.ends_on):
        raise field_error("term", "Choose a term the agreement spans.")
    log = deployment_log(deployment, term)
    share = LogShare.objects.create(
        deployment=deployment,
        academic_year=term.year.label,
        term=term.name,
        shared_by=actor,
        hours=log.total_hours,
    )
    event_record(
        actor=actor,
        subject=deployment,
        verb="log.shared",
        summary=f"Shared the deployment record for the {term.label}",
        data={"academic_year": term.year.label, "term": term.name, "hours": str(log.total_hours)},
    )
    url = reverse("visits:log", args=[deployment.pk]) + f"?term={term.year.label}-{term.name}"
    notify(
        users=recipients.everyone(
            recipients.broker_people(deployment.organisation_id),
            recipients.client_heads(deployment),
            recipients.advisers_for(deployment),
        ),
        verb="log.shared",
        text=f"{deployment.leader.name} shared the deployment record for the {term.label} "
        f"at {deployment.client_school.name} ({log.total_hours} hours).",
        url=url,
        subject=f"Deployment record shared: {term.label}",
    )
    return share


def log_share_to_sign(deployment: Deployment, term: Term) -> LogShare | None:
    """The latest sharing of one term's record: the one the headteacher signs."""
    return (
        deployment.log_shares.filter(academic_year=term.year.label, term=term.name)
        .order_by("-shared_at", "-pk")
        .first()
    )


@transaction.atomic
def log_share_sign(*, actor: User, deployment: Deployment, term: Term, confirm: bool) -> LogShare:
    """The supported school's headteacher signs the term's shared deployment record (docs/rules.md,
    Records: "signed by the head each term"). Only the client head signs; the record must have
    been shared; a record is signed once; the declaration must be ticked."""
    roles = deployment_roles(actor, deployment)
    if not roles.client_head:
        raise NotAllowed("Only the headteacher of the supported school signs the record.")
    if not confirm:
        raise field_error("confirm", "Tick the box to confirm the record is accurate.")
    share = (
        LogShare.objects.select_for_update()
        .filter(deployment=deployment, academic_year=term.year.label, term=term.name)
        .order_by("-shared_at", "-pk")
        .first()
    )
    if share is None:
        raise RuleViolation(
            "The record for this term has not been shared yet, so there is nothing to sign.",
            rule="log_not_shared",
        )
    if share.is_signed:
        raise RuleViolation(
            "The record for this term is already signed.", rule="log_already_signed"
        )
    share.signed_by = actor
    share.signed_name = actor.get_full_name() or actor.get_username()
    share.signed_at = timezone.now()
    share.save(update_fields=["signed_by", "signed_name", "signed_at"])
    event_record(
        actor=actor,
        subject=deployment,
        verb="log.signed",
        summary=f"Signed the deployment record for the {term.label}",
        data={"academic_year": term.year.label, "term": term.name, "log_share": share.pk},
    )
    url = reverse("visits:log", args=[deployment.pk]) + f"?term={term.year.label}-{term.name}"
    notify(
        users=recipients.everyone(
            [recipients.leader_user(deployment)],
            recipients.broker_people(deployment.organisation_id),
        ),
        verb="log.signed",
        text=f"{share.signed_name} signed the deployment record for the {term.label} "
        f"at {deployment.client_school.name}.",
        url=url,
        subject=f"Deployment record signed: {term.label}",
    )
    return share


# --- Safeguarding and serious concerns ---------------------------------------------------------


def _may_raise_for(actor: User, organisation: Organisation) -> bool:
    if is_administrator(actor) or organisation.pk in organisation_ids_for(actor):
        return True
    return Association.objects.filter(
        leader__user=actor, organisation=organisation, is_live=True
    ).exists()


def named_person_for(organisation: Organisation | int) -> Any:
    """The organisation's named person for safeguarding and serious concerns, or None."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    contact = (
        ConcernContact.objects.select_related("safeguarding_lead")
        .filter(organisation_id=org_id)
        .first()
    )
    return contact.safeguarding_lead if contact else None


@transaction.atomic
def concern_raise(
    *,
    actor: User,
    kind: str,
    summary: str,
    details: str,
    action_taken: str = "",
    deployment: Deployment | None = None,
    visit: Visit | None = None,
    organisation: Organisation | None = None,
) -> Concern:
    """Raise a safeguarding or other serious concern: the organisation's named person is told at
    once, and only those who must act see it (docs/rules.md: Records)."""
    if visit is not None:
        deployment = visit.deployment
    if deployment is not None:
        if not deployment_roles(actor, deployment).can_see_records:
            raise NotAllowed("You are not involved in this deployment.")
        organisation = deployment.organisation
    if organisation is None:
        raise field_error("organisation", "Say which organisation should act on it.")
    if deployment is None and not _may_raise_for(actor, organisation):
        raise NotAllowed("You do not work with this organisation.")
    errors = FieldErrors()
    if kind not in ConcernKind.values:
        errors["kind"] = ["Choose safeguarding or another serious concern."]
    if not summary.strip():
        errors["summary"] = ["Give the concern a short summary."]
    if not details.strip():
        errors["details"] = ["Describe the concern."]
    errors.raise_if_any()
    named = named_person_for(organisation)
    concern = Concern(
        organisation=organisation,
        deployment=deployment,
        visit=visit,
        kind=kind,
        summary=summary.strip(),
        details=details.strip(),
        action_taken=action_taken.strip(),
        raised_by=actor,
        named_person=named,
    )
    concern.full_clean()
    concern.save()
    event_record(
        actor=actor,
        subject=concern,
        verb="concern.raised",
        summary=f"Raised a {concern.get_kind_display().lower()}",
        data={"organisation": organisation.pk, "kind": kind},
    )
    # The named person acts; without one, the organisation's coordinators must.
    to_tell = [named] if named is not None else recipients.coordinators_of(organisation)
    where = f" at {deployment.client_school.name}" if deployment is not None else ""
    notify(
        users=[u for u in to_tell if u.pk != actor.pk] or to_tell,
        verb="concern.raised",
        text=f"Act now: {actor} raised a {concern.get_kind_display().lower()}{where}.",
        url=reverse("visits:concern", args=[concern.pk]),
        subject=f"Act now: {concern.get_kind_display().lower()} raised",
    )
    return concern


def _locked_concern(actor: User, concern: Concern) -> Concern:
    concern = Concern.objects.select_for_update().select_related("organisation").get(pk=concern.pk)
    if not may_act_on_concern(actor, concern):
        raise NotAllowed("Only the named person and the coordinators act on concerns.")
    return concern


@transaction.atomic
def concern_acknowledge(*, actor: User, concern: Concern) -> Concern:
    """The named person or a coordinator acknowledges an open concern; the raiser is told."""
    concern = _locked_concern(actor, concern)
    if concern.status != ConcernStatus.OPEN:
        raise RuleViolation("Only an open concern can be acknowledged.", rule="concern_not_open")
    concern.status = ConcernStatus.ACKNOWLEDGED
    concern.acknowledged_by = actor
    concern.acknowledged_at = timezone.now()
    concern.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    event_record(actor=actor, subject=concern, verb="concern.acknowledged", summary="Acknowledged")
    notify(
        users=[concern.raised_by] if concern.raised_by_id != actor.pk else [],
        verb="concern.acknowledged",
        text=f"{actor} acknowledged the concern you raised: {concern.summary}",
        url=reverse("visits:concern", args=[concern.pk]),
    )
    return concern


@transaction.atomic
def concern_add_action(*, actor: User, concern: Concern, text: str) -> ConcernAction:
    """Record something done about a concern that is not closed."""
    concern = _locked_concern(actor, concern)
    if concern.status == ConcernStatus.CLOSED:
        raise RuleViolation("This concern is closed.", rule="concern_closed")
    if not text.strip():
        raise field_error("text", "Describe the action.")
    action = ConcernAction.objects.create(concern=concern, text=text.strip(), recorded_by=actor)
    event_record(
        actor=actor,
        subject=concern,
        verb="concern.action_added",
        summary="Recorded an action",
        data={"action": action.pk},
    )
    return action


@transaction.atomic
def concern_close(*, actor: User, concern: Concern, outcome: str) -> Concern:
    """Close a concern with its outcome; the raiser is told."""
    concern = _locked_concern(actor, concern)
    if concern.status == ConcernStatus.CLOSED:
        raise RuleViolation("This concern is already closed.", rule="concern_closed")
    if not outcome.strip():
        raise field_error("outcome", "Record the outcome before closing the concern.")
    concern.status = ConcernStatus.CLOSED
    concern.outcome = outcome.strip()
    concern.closed_by = actor
    concern.closed_at = timezone.now()
    concern.save(update_fields=["status", "outcome", "closed_by", "closed_at"])
    event_record(actor=actor, subject=concern, verb="concern.closed", summary="Closed")
    notify(
        users=[concern.raised_by] if concern.raised_by_id != actor.pk else [],
        verb="concern.closed",
        text=f"The concern you raised has been closed: {concern.summary}",
        url=reverse("visits:concern", args=[concern.pk]),
    )
    return concern


@transaction.atomic
def concern_contact_set(
    *, actor: User, organisation: Organisation, safeguarding_lead: User
) -> ConcernContact:
    """Name the organisation's person for safeguarding and serious concerns: a coordinator of the
    organisation names someone who holds a role in it."""
    if not (
        is_administrator(actor) or organisation.pk in organisation_ids_for(actor, ["coordinator"])
    ):
        raise NotAllowed("Only the organisation's coordinators name its safeguarding person.")
    if organisation.pk not in organisation_ids_for(safeguarding_lead):
        raise field_error(
            "safeguarding_lead", "Choose someone who holds a role in the organisation."
        )
    contact, _ = ConcernContact.objects.update_or_create(
        organisation=organisation,
        defaults={"safeguarding_lead": safeguarding_lead, "updated_by": actor},
    )
    event_record(
        actor=actor,
        subject=organisation,
        verb="concern_contact.set",
        summary=f"Named {safeguarding_lead} as the person for safeguarding concerns",
        data={"organisation": organisation.pk, "user": safeguarding_lead.pk},
    )
    return contact
