"""Concerns about a leader's work, or raised by a leader (docs/rules.md, "Concerns about or from a
leader"): logged with the broker, acted on by its coordinators, shared with the leader they are
about only when a coordinator decides, linked to quality assurance and to the review of the
leader's designation or association. Safeguarding and other serious concerns are not these: they
go to the named person (``visits.services.concern_raise``).

Pages and any other caller go through these functions, which refuse with ``NotAllowed``,
``ValidationError`` or ``RuleViolation``; who may see a concern is ``quality.access``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.models import User
from syslead.core.academic_years import AcademicYear, school_days_between
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation, field_error
from syslead.deployments.access import deployment_roles
from syslead.deployments.models import Deployment
from syslead.leaders import services as leader_services
from syslead.leaders.models import (
    Association,
    AssociationReviewOutcome,
    AssociationReviewReason,
    Designation,
    DesignationStatus,
    LeaderProfile,
)
from syslead.notifications.inbox import notify
from syslead.organisations.models import Organisation
from syslead.quality.access import (
    may_act_on_leader_concern,
    may_coordinate_quality,
    may_read_quality,
)
from syslead.quality.models import (
    ConcernDirection,
    LeaderConcern,
    LeaderConcernAction,
    LeaderConcernCategory,
    LeaderConcernStatus,
    QaCheck,
)
from syslead.quality.services import leaders_of
from syslead.visits.recipients import coordinators_of

#: An open concern nobody has touched (no action, status change, sharing, QA link or review) for
#: this many school days needs the coordinators' attention (docs/rules.md, "Concerns about or
#: from a leader": no source sets a period; ten school days is two school weeks).
UNTOUCHED_SCHOOL_DAYS = 10
#: Ten school days always span at least fourteen calendar days: older concerns are the candidates.
_AT_LEAST_CALENDAR_DAYS = 14

#: The statuses a coordinator may move a concern to when recording an action.
ACTION_STATUSES = (
    LeaderConcernStatus.UNDER_REVIEW,
    LeaderConcernStatus.ACTION_TAKEN,
    LeaderConcernStatus.CLOSED,
)

#: The association review's reason for a concern's category (the others: lack of impact).
_ASSOCIATION_REASON: dict[str, str] = {
    LeaderConcernCategory.CONDUCT: AssociationReviewReason.CONDUCT,
    LeaderConcernCategory.CRITERIA: AssociationReviewReason.CRITERIA,
}


def _url(concern: LeaderConcern) -> str:
    return reverse("quality:concern", args=[concern.pk])


def _raised_as(actor: User, deployment: Deployment | None, organisation: Organisation) -> str:
    """In which capacity the person raised it, in words."""
    if deployment is not None:
        roles = deployment_roles(actor, deployment)
        for flag, words in (
            (roles.leader, "the leader"),
            (roles.client_head, "the supported school's headteacher"),
            (roles.home_head, "the leader's home school's headteacher"),
            (roles.coordinator, "a coordinator"),
            (roles.broker_lead, "a broker lead"),
            (roles.sip or roles.named_sip, "a school improvement partner"),
        ):
            if flag:
                return words
        return "an administrator"
    if may_coordinate_quality(actor, organisation.pk):
        return "a coordinator"
    if may_read_quality(actor, organisation.pk):
        return "a broker lead"
    return "the leader"


def _touch(concern: LeaderConcern, *fields: str) -> None:
    concern.touched_at = timezone.now()
    concern.save(update_fields=["touched_at", *fields])


def _log(concern: LeaderConcern, actor: User, text: str) -> LeaderConcernAction:
    return LeaderConcernAction.objects.create(
        concern=concern, text=text, status=concern.status, recorded_by=actor
    )


def _locked(actor: User, concern: LeaderConcern) -> LeaderConcern:
    """The concern, locked, once the actor is known to act on it (a coordinator of its broker)."""
    if not may_act_on_leader_concern(actor, concern):
        raise NotAllowed("Only a coordinator of the broker acts on a concern.")
    return (
        LeaderConcern.objects.select_for_update(of=("self",))
        .select_related("organisation", "leader__user", "raised_by")
        .get(pk=concern.pk)
    )


def _require_not_closed(concern: LeaderConcern) -> None:
    if concern.is_closed:
        raise RuleViolation("This concern is closed.", rule="leader_concern_closed")


# --- Raising ----------------------------------------------------------------------------------


def may_raise_on_deployment(user: User, deployment: Deployment) -> bool:
    """Everyone who sees the agreement raises a concern from it: the leader (then it is theirs),
    both headteachers, the broker and the SIPs who read it."""
    return deployment_roles(user, deployment).can_see_records


def leaders_to_raise_about(user: User, organisation: Organisation) -> QuerySet[LeaderProfile]:
    """The leaders a coordinator or broker lead may name in a concern not tied to an agreement:
    those associated with or deployed by the broker this academic year."""
    if not may_read_quality(user, organisation.pk):
        return LeaderProfile.objects.none()
    return leaders_of(organisation.pk, AcademicYear.current())


def may_raise_as_leader(user: User, organisation: Organisation) -> LeaderProfile | None:
    """The person's own leader profile, when they are associated with or deployed by the broker
    this year (a leader raises a concern with their broker)."""
    profile = getattr(user, "leader_profile", None)
    if not isinstance(profile, LeaderProfile):
        return None
    if not leaders_of(organisation.pk, AcademicYear.current()).filter(pk=profile.pk).exists():
        return None
    return profile


@transaction.atomic
def concern_raise(
    *,
    actor: User,
    category: str,
    summary: str,
    description: str,
    deployment: Deployment | None = None,
    organisation: Organisation | None = None,
    leader: LeaderProfile | None = None,
) -> LeaderConcern:
    """Log a concern about a leader's work, or one a leader raises, with the broker; its
    coordinators are told. From an agreement, the agreement's leader raises their own concern
    and anyone else who sees it raises one about the leader. Without an agreement, the broker's
    coordinators and leads raise one about a leader of theirs, and a leader of the broker raises
    their own."""
    if deployment is not None:
        if not may_raise_on_deployment(actor, deployment):
            raise NotAllowed("You are not involved in this agreement.")
        organisation = deployment.organisation
        leader = deployment.leader
        direction = (
            ConcernDirection.FROM_LEADER
            if leader.user_id == actor.pk
            else ConcernDirection.ABOUT_LEADER
        )
    else:
        if organisation is None:
            raise field_error("organisation", "Say which broker the concern is for.")
        own = may_raise_as_leader(actor, organisation)
        if leader is None and own is not None:
            leader, direction = own, ConcernDirection.FROM_LEADER
        elif leader is not None and own is not None and leader.pk == own.pk:
            direction = ConcernDirection.FROM_LEADER
        elif may_read_quality(actor, organisation.pk):
            if leader is None:
                raise field_error("leader", "Choose the leader the concern is about.")
            if not leaders_to_raise_about(actor, organisation).filter(pk=leader.pk).exists():
                raise field_error(
                    "leader", f"Choose a leader associated with or deployed by {organisation}."
                )
            direction = ConcernDirection.ABOUT_LEADER
        else:
            raise NotAllowed(
                "Only the broker's coordinators and leads, and its leaders, raise a concern here."
            )
    errors = FieldErrors()
    if category not in LeaderConcernCategory.values:
        errors.add("category", "Choose what the concern is about.")
    if not (summary or "").strip():
        errors.add("summary", "Give the concern a short summary.")
    if not (description or "").strip():
        errors.add("description", "Describe the concern.")
    errors.raise_if_any()
    assert leader is not None
    concern = LeaderConcern.objects.create(
        organisation=organisation,
        leader=leader,
        direction=direction,
        deployment=deployment,
        category=category,
        summary=summary.strip(),
        description=description.strip(),
        raised_by=actor,
        raised_as=_raised_as(actor, deployment, organisation),
    )
    event_record(
        actor=actor,
        subject=concern,
        verb="leader_concern.raised",
        summary=f"{concern.get_direction_display()}: {concern.summary}",
        data={"category": category, "direction": direction},
    )
    about = (
        f"about {leader.name}'s work"
        if direction == ConcernDirection.ABOUT_LEADER
        else f"from {leader.name}"
    )
    notify(
        users=[u for u in coordinators_of(organisation) if u.pk != actor.pk],
        verb="leader_concern.raised",
        text=f"A concern {about} was raised: {concern.summary}",
        url=_url(concern),
    )
    return concern


# --- Acting on it -----------------------------------------------------------------------------


@transaction.atomic
def concern_record_action(
    *, actor: User, concern: LeaderConcern, text: str, status: str
) -> LeaderConcernAction:
    """Log what was done (who, when, what) and where that leaves the concern: under review,
    action taken or closed. The raiser is told when the status changes, and so is the leader it
    is about once it was shared with them."""
    concern = _locked(actor, concern)
    _require_not_closed(concern)
    errors = FieldErrors()
    if not (text or "").strip():
        errors.add("text", "Describe what was done.")
    if status not in ACTION_STATUSES:
        errors.add("status", "Choose where this leaves the concern.")
    errors.raise_if_any()
    changed = status != concern.status
    concern.status = status
    _touch(concern, "status")
    action = _log(concern, actor, text.strip())
    event_record(
        actor=actor,
        subject=concern,
        verb="leader_concern.action",
        summary=f"Action recorded; the concern is {concern.get_status_display().lower()}",
        data={"action": action.pk, "status": status},
    )
    if changed:
        told = [concern.raised_by]
        if concern.shared_with_leader_at is not None:
            told.append(concern.leader.user)
        notify(
            users=[u for u in told if u.pk != actor.pk],
            verb="leader_concern.status",
            text=f"The concern “{concern.summary}” is now {concern.get_status_display().lower()}.",
            url=_url(concern),
        )
    return action


@transaction.atomic
def concern_share_with_leader(*, actor: User, concern: LeaderConcern) -> LeaderConcern:
    """A coordinator shares a concern about a leader with that leader, who then reads it and its
    actions (not who raised it) and is told. Once shared it stays shared."""
    concern = _locked(actor, concern)
    if concern.direction != ConcernDirection.ABOUT_LEADER:
        raise RuleViolation(
            "The leader raised this concern: there is nothing to share with them.",
            rule="leader_concern_from_leader",
        )
    if concern.shared_with_leader_at is not None:
        raise RuleViolation(
            "This concern is already shared with the leader.", rule="leader_concern_shared"
        )
    concern.shared_with_leader_at = timezone.now()
    concern.shared_by = actor
    _touch(concern, "shared_with_leader_at", "shared_by")
    _log(concern, actor, f"Shared with {concern.leader.name}.")
    event_record(
        actor=actor, subject=concern, verb="leader_concern.shared", summary="Shared with the leader"
    )
    notify(
        users=[concern.leader.user],
        verb="leader_concern.shared",
        text=f"{concern.organisation.name} shared a concern about your work with you: "
        f"{concern.summary}",
        url=_url(concern),
    )
    return concern


# --- Quality assurance ------------------------------------------------------------------------


def linkable_qa_checks(concern: LeaderConcern) -> QuerySet[QaCheck]:
    """The broker's sampled notes of visit and evaluations of the concern's leader."""
    return (
        QaCheck.objects.filter(sample__organisation_id=concern.organisation_id)
        .filter(
            Q(visit__deployment__leader_id=concern.leader_id)
            | Q(evaluation__deployment__leader_id=concern.leader_id)
        )
        .select_related(
            "sample",
            "visit__deployment__client_school",
            "evaluation__deployment__client_school",
        )
        .order_by("-sample__academic_year", "-sample__drawn_at", "id")
    )


@transaction.atomic
def concern_link_qa_check(*, actor: User, concern: LeaderConcern, check: QaCheck) -> LeaderConcern:
    """Link the concern to a QA check of the same broker and leader (a sampled note of visit or
    evaluation), so each shows the other."""
    concern = _locked(actor, concern)
    _require_not_closed(concern)
    if not linkable_qa_checks(concern).filter(pk=check.pk).exists():
        raise field_error("qa_check", "Choose a QA check of this leader's work for this broker.")
    concern.qa_check = check
    _touch(concern, "qa_check")
    _log(concern, actor, f"Linked to the QA check of the {check.what} ({check.sample.term_label}).")
    event_record(
        actor=actor,
        subject=concern,
        verb="leader_concern.qa_linked",
        summary="Linked to a QA check",
        data={"qa_check": check.pk},
    )
    return concern


def open_concerns_by_leader(
    organisation_id: int, leader_ids: Iterable[int]
) -> dict[int, list[LeaderConcern]]:
    """The broker's concerns about or from each of these leaders that are not closed, for the
    quality assurance pages."""
    found: dict[int, list[LeaderConcern]] = {}
    for concern in LeaderConcern.objects.filter(
        organisation_id=organisation_id, leader_id__in=list(leader_ids)
    ).exclude(status=LeaderConcernStatus.CLOSED):
        found.setdefault(concern.leader_id, []).append(concern)
    return found


# --- Review of designation or association -------------------------------------------------------


def review_targets(concern: LeaderConcern) -> list[tuple[str, str]]:
    """What a coordinator may put under review from the concern: the leader's active
    designations made by the broker (the route to de-designation), and the leader's live
    association with the broker when no review of it is open."""
    targets = [
        (f"designation:{d.pk}", f"Review the {d.type.code} designation (it may be revoked)")
        for d in Designation.objects.filter(
            leader_id=concern.leader_id,
            organisation_id=concern.organisation_id,
            status=DesignationStatus.ACTIVE,
        ).select_related("type")
    ]
    targets += [
        (f"association:{a.pk}", f"Review the association with {concern.organisation.name}")
        for a in Association.objects.filter(
            leader_id=concern.leader_id, organisation_id=concern.organisation_id, is_live=True
        ).exclude(reviews__outcome=AssociationReviewOutcome.OPEN)
    ]
    return targets


@transaction.atomic
def concern_start_review(
    *, actor: User, concern: LeaderConcern, target: str, reason: str
) -> LeaderConcern:
    """Start the review of the leader's designation (which may end in de-designation) or of
    their association with the broker from the concern, through the leaders area's own services;
    the concern records the link and is under review."""
    concern = _locked(actor, concern)
    _require_not_closed(concern)
    errors = FieldErrors()
    if target not in dict(review_targets(concern)):
        errors.add("target", "Choose the designation or association to review.")
    if not (reason or "").strip():
        errors.add("reason", "Say why it is being reviewed.")
    errors.raise_if_any()
    kind, _, pk = target.partition(":")
    text = f"{reason.strip()} (concern: {concern.summary})"
    if kind == "designation":
        designation = Designation.objects.get(pk=int(pk))
        leader_services.designation_review_open(actor=actor, designation=designation, reason=text)
        concern.designation_review = designation
        done = f"Started the review of the {designation.type.code} designation: {reason.strip()}"
        field = "designation_review"
    else:
        association = Association.objects.get(pk=int(pk))
        review = leader_services.association_review_open(
            actor=actor,
            association=association,
            reason=_ASSOCIATION_REASON.get(concern.category, AssociationReviewReason.IMPACT),
            details=text,
        )
        concern.association_review = review
        done = f"Started the review of the association: {reason.strip()}"
        field = "association_review"
    concern.status = LeaderConcernStatus.UNDER_REVIEW
    _touch(concern, field, "status")
    _log(concern, actor, done)
    event_record(
        actor=actor,
        subject=concern,
        verb="leader_concern.review_started",
        summary=done,
        data={"target": target},
    )
    return concern


# --- Needs attention --------------------------------------------------------------------------


def untouched_concerns(
    organisation_ids: Iterable[int], today: dt.date | None = None
) -> list[LeaderConcern]:
    """Concerns of these brokers, not closed, that nobody touched for ``UNTOUCHED_SCHOOL_DAYS``
    school days (in the broker's local authority's calendar, or the default one), oldest first."""
    today = today or timezone.localdate()
    candidates = (
        LeaderConcern.objects.filter(
            organisation_id__in=list(organisation_ids),
            touched_at__date__lte=today - dt.timedelta(days=_AT_LEAST_CALENDAR_DAYS),
        )
        .exclude(status=LeaderConcernStatus.CLOSED)
        .select_related("organisation", "leader__user")
        .order_by("touched_at", "pk")
    )
    return [
        concern
        for concern in candidates
        if school_days_untouched(concern, today) >= UNTOUCHED_SCHOOL_DAYS
    ]


def school_days_untouched(concern: LeaderConcern, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return school_days_between(
        timezone.localdate(concern.touched_at),
        today,
        local_authority=concern.organisation.local_authority_name or None,
    )
