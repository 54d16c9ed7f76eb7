"""The training network beyond the register: invitations e-mailed with the event as a calendar
invitation, delegates' feedback, and termly reviews with the training needs they identify
(docs/rules.md: "Training invitations", "Delegates' feedback", "Termly reviews and training
needs")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from syslead.accounts.models import Role, User
from syslead.core.academic_years import Term
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation
from syslead.leaders.models import (
    Association,
    LeaderProfile,
    TermlyReview,
    TrainingAttendance,
    TrainingEvent,
    TrainingFeedback,
    TrainingInvitation,
    TrainingKind,
    TrainingNeed,
)
from syslead.leaders.permissions import may_coordinate
from syslead.leaders.services._helpers import json_value, require_text
from syslead.leaders.training_ics import training_event_ics, training_event_ics_filename
from syslead.leaders.wording import date_in_words
from syslead.notifications.services import email_enqueue
from syslead.organisations.models import Organisation

#: The iTIP method of an invitation's calendar file (RFC 5546): a request to attend.
INVITATION_MIMETYPE = "text/calendar; method=REQUEST"


# --- Invitations ---------------------------------------------------------------------------------


@dataclass
class InvitationsSent:
    """What inviting did: the new invitations, and the people skipped and why."""

    sent: list[TrainingInvitation] = field(default_factory=list)
    already_invited: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)


def lle_group_officers(organisation: Organisation | int) -> list[User]:
    """The local-authority lead officers who meet an organisation's LLE group: its broker leads
    with an active account (docs/rules.md, "Training invitations")."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return list(
        User.objects.filter(
            role_assignments__role=Role.BROKER_LEAD,
            role_assignments__organisation_id=org_id,
            is_active=True,
        )
        .distinct()
        .order_by("name")
    )


def _invitation_email(
    *, address: str, subject: str, context: dict[str, object], attachment: tuple[str, str, str]
) -> Callable[[], None]:
    """The queuing of one invitation e-mail, to run once the invitation is saved."""

    def enqueue() -> None:
        email_enqueue(
            to=address,
            subject=subject,
            template="leaders/email/training_invitation",
            context=context,
            attachments=[attachment],
        )

    return enqueue


def training_invitations_send(
    *,
    actor: User,
    event: TrainingEvent,
    leaders: Iterable[LeaderProfile] = (),
    officers: Iterable[User] = (),
    url: str = "",
) -> InvitationsSent:
    """Invite leaders associated with the event's organisation (and, to an LLE group meeting,
    its local-authority lead officers) by e-mail, each with the event attached as a calendar
    invitation (``METHOD:REQUEST``). A coordinator of the organisation, for an event still to
    come. Someone already invited is not invited again; someone with no active account or
    address is reported, not invited. The e-mails are queued when the transaction commits."""
    organisation = event.organisation
    if not may_coordinate(actor, organisation):
        raise NotAllowed(f"Only coordinators of {organisation.name} may invite to its training.")
    if event.held_on < timezone.localdate():
        raise RuleViolation(
            f"{event.title} was held on {date_in_words(event.held_on)}: invitations are for "
            "events still to come.",
            rule="training_invitation_for_past_event",
        )
    leaders = list(leaders)
    officers = list(officers)
    errors = FieldErrors()
    if not leaders and not officers:
        errors.add("people", "Choose at least one person to invite.")
    associated = set(
        Association.objects.filter(
            organisation=organisation, is_live=True, leader__in=leaders
        ).values_list("leader_id", flat=True)
    )
    strangers = [leader.name for leader in leaders if leader.pk not in associated]
    if strangers:
        errors.add(
            "people",
            f"{', '.join(strangers)} {'is' if len(strangers) == 1 else 'are'} not associated "
            f"with {organisation.name}.",
        )
    if officers:
        if event.kind != TrainingKind.LLE_GROUP:
            errors.add(
                "people", "The local-authority lead officer is invited to LLE group meetings."
            )
        else:
            allowed = {user.pk for user in lle_group_officers(organisation)}
            if any(user.pk not in allowed for user in officers):
                errors.add(
                    "people",
                    f"Only {organisation.name}'s broker leads are invited as the lead officer.",
                )
    errors.raise_if_any()

    invited = set(
        TrainingInvitation.objects.filter(event=event).values_list("person_id", flat=True)
    )
    people: list[tuple[User, bool]] = [(leader.user, False) for leader in leaders]
    people += [(user, True) for user in officers]
    result = InvitationsSent()
    with transaction.atomic():
        for person, as_officer in people:
            name = person.get_full_name() or person.email
            if person.pk in invited:
                result.already_invited.append(name)
                continue
            if not person.is_active or not person.email:
                result.unreachable.append(name)
                continue
            invitation = TrainingInvitation.objects.create(
                event=event,
                person=person,
                email=person.email,
                as_officer=as_officer,
                invited_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            invited.add(person.pk)
            result.sent.append(invitation)
            ics = training_event_ics(event, url=url, invite=(name, person.email)).decode()
            attachment = (training_event_ics_filename(event), ics, INVITATION_MIMETYPE)
            context = {
                "event": event,
                "organisation": organisation,
                "name": name,
                "as_officer": as_officer,
                "url": url,
            }
            transaction.on_commit(
                _invitation_email(
                    address=person.email,
                    subject=f"Invitation: {event.title}, {event.held_on:%-d %B %Y}",
                    context=context,
                    attachment=attachment,
                )
            )
        if result.sent:
            count = len(result.sent)
            event_record(
                actor=actor,
                subject=event,
                verb="training.invited",
                summary=f"{count} {'person' if count == 1 else 'people'} invited to {event.title}",
                data={
                    "invited": [i.person_id for i in result.sent],
                    "organisation": organisation.pk,
                },
            )
    return result


# --- Delegates' feedback -------------------------------------------------------------------------


def may_give_feedback(user: User, event: TrainingEvent) -> bool:
    """A delegate recorded as having attended the event (docs/rules.md, "Delegates'
    feedback")."""
    return TrainingAttendance.objects.filter(
        event=event, leader__user_id=user.pk, attended=True
    ).exists()


@transaction.atomic
def training_feedback_give(
    *,
    actor: User,
    event: TrainingEvent,
    usefulness: int | None,
    will_do_differently: str,
    comments: str = "",
) -> TrainingFeedback:
    """A delegate's feedback on an event they attended, once the event has been held: how useful
    it was (1–5), what they will do differently, and any comments. Given once."""
    leader = LeaderProfile.objects.filter(user_id=actor.pk).first()
    if leader is None or not may_give_feedback(actor, event):
        raise NotAllowed("Only delegates recorded as attending the event give feedback on it.")
    if event.held_on > timezone.localdate():
        raise RuleViolation(
            f"{event.title} is on {date_in_words(event.held_on)}: give feedback after it.",
            rule="training_feedback_after_event",
        )
    if TrainingFeedback.objects.filter(event=event, leader=leader).exists():
        raise RuleViolation(
            f"You have already given feedback on {event.title}.", rule="training_feedback_once"
        )
    errors = FieldErrors()
    if usefulness is None or not 1 <= int(usefulness) <= 5:
        errors.add("usefulness", "Choose how useful the event was, from 1 to 5.")
    will_do_differently = require_text(
        will_do_differently,
        "will_do_differently",
        "Say what you will do differently after the event.",
        errors,
    )
    errors.raise_if_any()
    assert usefulness is not None
    try:
        with transaction.atomic():
            feedback = TrainingFeedback.objects.create(
                event=event,
                leader=leader,
                usefulness=int(usefulness),
                will_do_differently=will_do_differently,
                comments=(comments or "").strip(),
            )
    except IntegrityError as error:  # given at the same moment in another request
        raise RuleViolation(
            f"You have already given feedback on {event.title}.", rule="training_feedback_once"
        ) from error
    event_record(
        actor=actor,
        subject=event,
        verb="training.feedback_given",
        summary=f"{leader.name} gave feedback on {event.title}",
        data={"usefulness": int(usefulness), "organisation": event.organisation_id},
    )
    return feedback


@dataclass(frozen=True)
class FeedbackSummary:
    """Delegates' feedback on one event: how many gave it, the average and spread of the
    usefulness ratings, and what each said."""

    count: int
    average: float | None
    by_rating: list[tuple[int, int]]
    entries: list[TrainingFeedback]


def training_feedback_summary(event: TrainingEvent) -> FeedbackSummary:
    """One query: every delegate's feedback on the event, with the leader's name."""
    entries = list(
        TrainingFeedback.objects.filter(event=event)
        .select_related("leader__user")
        .order_by("given_at", "id")
    )
    ratings = [entry.usefulness for entry in entries]
    return FeedbackSummary(
        count=len(entries),
        average=round(sum(ratings) / len(ratings), 1) if ratings else None,
        by_rating=[(n, ratings.count(n)) for n in range(5, 0, -1)],
        entries=entries,
    )


# --- Termly reviews and training needs ----------------------------------------------------------


def review_organisations(actor: User, leader: LeaderProfile) -> list[Organisation]:
    """The organisations in whose name the actor may record the leader's termly review: those the
    leader is associated with now that the actor coordinates."""
    return [
        association.organisation
        for association in Association.objects.filter(leader=leader, is_live=True)
        .select_related("organisation")
        .order_by("organisation__name")
        if may_coordinate(actor, association.organisation_id)
    ]


@transaction.atomic
def termly_review_record(
    *,
    actor: User,
    leader: LeaderProfile,
    organisation: Organisation,
    held_on: dt.date | None,
    attended_by: str,
    notes: str = "",
    needs: Sequence[tuple[str, str]] = (),
) -> TermlyReview:
    """Record a termly review meeting between the leader and the broker: when it was held (the
    school term follows from the date), who attended, notes, and the training needs identified,
    each with the kind of event that would meet it where there is one. A coordinator of an
    organisation the leader is associated with."""
    if not any(o.pk == organisation.pk for o in review_organisations(actor, leader)):
        raise NotAllowed(
            f"Only coordinators of an organisation {leader.name} is associated with record their "
            "termly reviews."
        )
    errors = FieldErrors()
    if held_on is None:
        errors.add("held_on", "Give the date of the review meeting.")
    elif held_on > timezone.localdate():
        errors.add("held_on", "The review's date must be today or in the past.")
    attended_by = require_text(
        attended_by, "attended_by", "Say who attended the review meeting.", errors
    )
    wanted: list[tuple[str, str]] = []
    for number, (given_description, given_kind) in enumerate(needs, start=1):
        description = (given_description or "").strip()
        kind = (given_kind or "").strip()
        if not description:
            if kind:
                errors.add(f"need_{number}", f"Describe training need {number}.")
            continue
        if kind and kind not in TrainingKind.values:
            errors.add(f"need_{number}_kind", f"Choose a kind of event for need {number}.")
            continue
        wanted.append((description, kind))
    errors.raise_if_any()
    assert held_on is not None
    review = TermlyReview.objects.create(
        leader=leader,
        organisation=organisation,
        held_on=held_on,
        term=Term.containing(held_on).key,
        attended_by=attended_by,
        notes=(notes or "").strip(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    TrainingNeed.objects.bulk_create(
        TrainingNeed(review=review, leader=leader, description=description, event_kind=kind)
        for description, kind in wanted
    )
    event_record(
        actor=actor,
        subject=leader,
        verb="leader.termly_review_recorded",
        summary=f"Termly review on {date_in_words(held_on)}"
        + (
            f": {len(wanted)} training need{'s' if len(wanted) != 1 else ''} identified"
            if wanted
            else ""
        ),
        data={
            "review": review.pk,
            "held_on": json_value(held_on),
            "organisation": organisation.pk,
            "needs": len(wanted),
        },
    )
    return review


@transaction.atomic
def training_need_mark_met(*, actor: User, need: TrainingNeed) -> TrainingNeed:
    """A coordinator of the review's organisation marks a leader's training need met."""
    need = (
        TrainingNeed.objects.select_for_update()
        .select_related("review", "leader__user")
        .get(pk=need.pk)
    )
    if not may_coordinate(actor, need.review.organisation_id):
        raise NotAllowed("Only coordinators of the review's organisation mark its needs met.")
    if need.met_on is not None:
        raise RuleViolation(
            f"{need.description} was already met on {date_in_words(need.met_on)}.",
            rule="training_need_already_met",
        )
    need.met_on = timezone.localdate()
    need.marked_met_by = actor if getattr(actor, "is_authenticated", False) else None
    need.save(update_fields=["met_on", "marked_met_by"])
    event_record(
        actor=actor,
        subject=need.leader,
        verb="leader.training_need_met",
        summary=f"Training need met: {need.description}",
        data={"need": need.pk, "organisation": need.review.organisation_id},
    )
    return need


def training_needs_follow_attendance(
    *, actor: User, event: TrainingEvent, leader: LeaderProfile, attended: bool
) -> int:
    """Attending an event meets the leader's open training needs of its kind identified at a
    review held on or before the event; recording that the leader did not attend reopens the
    needs that event had met. Returns how many needs changed."""
    if attended:
        needs = TrainingNeed.objects.filter(
            leader=leader,
            met_on__isnull=True,
            event_kind=event.kind,
            review__held_on__lte=event.held_on,
        )
        changed = needs.update(met_on=event.held_on, met_by_event=event)
        verb, summary = "leader.training_need_met", f"Training needs met by attending {event.title}"
    else:
        changed = TrainingNeed.objects.filter(leader=leader, met_by_event=event).update(
            met_on=None, met_by_event=None
        )
        verb, summary = "leader.training_need_reopened", f"Training needs reopened: {event.title}"
    if changed:
        event_record(
            actor=actor,
            subject=leader,
            verb=verb,
            summary=f"{summary} ({changed})",
            data={"event": event.pk, "needs": changed, "organisation": event.organisation_id},
        )
    return changed
