"""Approaches for provisional agreement, the school's choice, and direct approaches recorded
by the broker (docs/rules.md: Requests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.access import (
    coordinated_organisation_ids,
    is_administrator,
)
from syslead.accounts.models import Role, RoleAssignment, User
from syslead.brokering.eligibility import days_text
from syslead.brokering.models import (
    Approach,
    ApproachStatus,
    ShortlistEntry,
    SupportRequest,
)
from syslead.brokering.notify import email_after_commit
from syslead.brokering.services._helpers import (
    _approach_create,
    _checked_candidate,
    _lock,
    _require_broker,
    _resolve_school,
    _settle_after_approaches,
    next_leader_to_ask,
)
from syslead.brokering.services.direct import direct_commission_accepted
from syslead.brokering.transitions import (
    APPROACH_TRANSITIONS,
    OPEN_APPROACH_STATUSES,
    REQUEST_TRANSITIONS,
    chooses_on_behalf,
)
from syslead.core.academic_years import school_days_between
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation, field_error
from syslead.core.models import Event
from syslead.leaders.models import Association, LeaderProfile, ReleaseAgreement
from syslead.notifications.inbox import notify
from syslead.organisations.models import Organisation


@transaction.atomic
def approach_send(
    *, actor: User, request: SupportRequest, leader: LeaderProfile, message: str = ""
) -> Approach:
    """Ask a shortlisted leader for provisional agreement, and e-mail them (South
    Gloucestershire: "approach the LLEs for their provisional agreement"). A coordinator of the
    request's organisation; the leader must still pass every hard rule."""
    support_request = _lock(request)
    _require_broker(actor, support_request, "approach")
    REQUEST_TRANSITIONS.require_source("approach", support_request)
    leader = LeaderProfile.objects.select_related("user").get(pk=leader.pk)
    name = leader.user.get_full_name()
    if not ShortlistEntry.objects.filter(
        support_request=support_request, leader=leader, is_live=True
    ).exists():
        raise RuleViolation(
            f"{name} is not on the request's shortlist: add them first.", rule="not_shortlisted"
        )
    if Approach.objects.filter(
        support_request=support_request, leader=leader, status__in=OPEN_APPROACH_STATUSES
    ).exists():
        raise RuleViolation(f"{name} has already been approached.", rule="already_approached")
    candidate = _checked_candidate(support_request, leader)
    approach = _approach_create(actor, support_request, leader, candidate, message)
    _settle_after_approaches(actor, support_request)
    return approach


@transaction.atomic
def approach_respond(
    *, actor: User, approach: Approach, accept: bool, reason: str = ""
) -> Approach:
    """The leader gives or refuses provisional agreement; a refusal needs a reason. Only the leader
    approached may answer."""
    approach = (
        Approach.objects.select_for_update(of=("self",))
        .select_related("leader__user", "support_request", "sent_by")
        .get(pk=approach.pk)
    )
    step = "accept" if accept else "decline"
    APPROACH_TRANSITIONS.require_permitted(
        step, actor, approach, "Only the leader approached may answer."
    )
    support_request = _lock(approach.support_request)
    APPROACH_TRANSITIONS.require_source(
        step, approach, f"This approach is already {approach.get_status_display().lower()}."
    )
    if not accept and not (reason or "").strip():
        raise field_error("reason", "Say why you are declining.")
    approach.decline_reason = "" if accept else reason.strip()
    approach.responded_at = timezone.now()
    name = approach.leader.user.get_full_name()
    APPROACH_TRANSITIONS.apply(
        step,
        approach,
        actor=actor,
        subject=support_request,
        update_fields=["decline_reason", "responded_at"],
        summary=(
            f"{name} agreed provisionally"
            if accept
            else f"{name} declined: {approach.decline_reason}"
        ),
        data={"approach": approach.pk, "leader": approach.leader_id, "accepted": accept},
    )
    approach.support_request = support_request
    if not (accept and direct_commission_accepted(actor, approach)):
        _settle_after_approaches(actor, support_request)
    if approach.sent_by is not None:
        answer = "agreed" if accept else "declined"
        email_after_commit(
            to=approach.sent_by.email,
            subject=f"{name} has {answer}: {support_request.school.name}",
            template="brokering/email/approach_answered",
            context={
                "leader_name": name,
                "answer": "agreed to" if accept else "declined",
                "school": support_request.school.name,
                "reason": approach.decline_reason,
                "link": reverse("brokering:detail", args=[support_request.pk]),
            },
        )
    return approach


@transaction.atomic
def approach_withdraw(*, actor: User, approach: Approach, reason: str) -> Approach:
    """Withdraw an approach still waiting or agreed (e.g. no answer in time), with a reason. A
    coordinator of the request's organisation."""
    approach = (
        Approach.objects.select_for_update(of=("self",))
        .select_related("leader__user", "support_request__organisation")
        .get(pk=approach.pk)
    )
    support_request = _lock(approach.support_request)
    approach.support_request = support_request
    _require_approach_broker(actor, approach, "withdraw")
    if not (reason or "").strip():
        raise field_error("reason", "Say why the approach is withdrawn.")
    APPROACH_TRANSITIONS.require_source(
        "withdraw", approach, f"This approach is already {approach.get_status_display().lower()}."
    )
    approach.responded_at = timezone.now()
    APPROACH_TRANSITIONS.apply(
        "withdraw",
        approach,
        actor=actor,
        subject=support_request,
        update_fields=["responded_at"],
        summary=f"Approach to {approach.leader.user.get_full_name()} withdrawn: {reason.strip()}",
        data={"approach": approach.pk, "leader": approach.leader_id, "reason": reason.strip()},
    )
    _settle_after_approaches(actor, support_request)
    return approach


#: After this many school days with no answer an approach has expired (the coordinator is told,
#: and may withdraw it and ask the next leader in one step).
EXPIRE_AFTER_SCHOOL_DAYS = 5


@transaction.atomic
def approach_expire_and_ask_next(
    *, actor: User, approach: Approach, today: dt.date | None = None
) -> tuple[Approach, Approach]:
    """Withdraw an approach that has had no answer for ``EXPIRE_AFTER_SCHOOL_DAYS`` school days
    ("expired / no answer") and ask the next leader on the shortlist who has never been asked,
    in one step: (the withdrawn approach, the new one). A coordinator of the request's
    organisation; refused, with nothing changed, before it has expired or when nobody on the
    shortlist is left to ask."""
    approach = (
        Approach.objects.select_for_update(of=("self",))
        .select_related("leader__user", "support_request")
        .get(pk=approach.pk)
    )
    support_request = _lock(approach.support_request)
    approach.support_request = support_request
    _require_approach_broker(actor, approach, "expire")
    APPROACH_TRANSITIONS.require_source(
        "expire", approach, f"This approach is already {approach.get_status_display().lower()}."
    )
    today = today or timezone.localdate()
    waited = school_days_between(timezone.localdate(approach.sent_at), today)
    if waited < EXPIRE_AFTER_SCHOOL_DAYS:
        raise RuleViolation(
            f"{approach.leader.user.get_full_name()} was asked {waited} school day"
            f"{'s' if waited != 1 else ''} ago: an approach expires after "
            f"{EXPIRE_AFTER_SCHOOL_DAYS} school days with no answer.",
            rule="not_expired",
        )
    following = next_leader_to_ask(support_request)
    if following is None:
        raise RuleViolation(
            "Nobody on the shortlist is left to ask: withdraw the approach and make a new "
            "shortlist, or ask another organisation to share a leader.",
            rule="nobody_to_ask",
        )
    # Ask the next leader first, so the request never looks as if nobody is waiting.
    asked = approach_send(actor=actor, request=support_request, leader=following.leader)
    withdrawn = approach_withdraw(
        actor=actor,
        approach=approach,
        reason=f"Expired: no answer after {waited} school days; "
        f"{following.leader.user.get_full_name()} asked instead",
    )
    return withdrawn, asked


def _require_approach_broker(actor: User, approach: Approach, step: str) -> None:
    APPROACH_TRANSITIONS.require_permitted(
        step,
        actor,
        approach,
        f"Only a coordinator of {approach.support_request.organisation.name} may do this for the "
        "request.",
    )


@transaction.atomic
def request_choose(
    *, actor: User, request: SupportRequest, leader: LeaderProfile
) -> SupportRequest:
    """The headteacher chooses one of the leaders who agreed (docs/rules.md, Requests: "the
    headteacher chooses one"). On the LA route
    a coordinator of the organisation may record the head's choice on their behalf (the LA team
    approaches the head, who tells them). The leader's home school must have agreed the release
    for the year ("The LLE will be required to secure the agreement of their own school governors
    to be released").
    """
    support_request = _lock(request)
    REQUEST_TRANSITIONS.require_permitted(
        "choose",
        actor,
        support_request,
        f"Only the headteacher of {support_request.school.name} chooses the leader.",
    )
    on_behalf = chooses_on_behalf(actor, support_request)
    REQUEST_TRANSITIONS.require_source("choose", support_request)
    leader = LeaderProfile.objects.select_related("user", "home_school").get(pk=leader.pk)
    name = leader.user.get_full_name()
    chosen = Approach.objects.filter(
        support_request=support_request, leader=leader, status=ApproachStatus.ACCEPTED
    ).first()
    if chosen is None:
        raise RuleViolation(
            f"{name} has not agreed provisionally: choose among the leaders who agreed.",
            rule="not_accepted",
        )
    if not ReleaseAgreement.objects.filter(
        leader=leader, academic_year=support_request.academic_year
    ).exists():
        raise RuleViolation(
            f"{leader.home_school.name} has not agreed how many days it releases {name} in "
            f"{support_request.academic_year}: the home school must agree the release first.",
            rule="no_release",
        )
    _checked_candidate(support_request, leader)
    now = timezone.now()
    APPROACH_TRANSITIONS.apply("chosen", chosen, actor=actor, summary="", record=False)
    others = list(
        Approach.objects.filter(
            support_request=support_request, status__in=OPEN_APPROACH_STATUSES
        ).select_related("leader__user")
    )
    for other in others:
        other.responded_at = other.responded_at or now
        APPROACH_TRANSITIONS.apply(
            "not_chosen" if other.status == ApproachStatus.ACCEPTED else "unanswered_at_choice",
            other,
            actor=actor,
            summary="",
            update_fields=["responded_at"],
            record=False,
        )
    support_request.chosen_leader = leader
    support_request.chosen_at = now
    by = " on the headteacher's behalf" if on_behalf else ""
    REQUEST_TRANSITIONS.apply(
        "choose",
        support_request,
        actor=actor,
        update_fields=["chosen_leader", "chosen_at"],
        summary=f"{name} chosen{by}",
        data={"leader": leader.pk, "approach": chosen.pk, "on_behalf_of_headteacher": on_behalf},
    )
    context = {
        "school": support_request.school.name,
        "organisation": support_request.organisation.name,
        "days": days_text(Decimal(support_request.days_requested)),
        "academic_year": support_request.academic_year,
    }
    email_after_commit(
        to=leader.user.email,
        subject=f"{support_request.school.name} has chosen you",
        template="brokering/email/choice_made",
        context={**context, "leader_name": name, "chosen": True},
    )
    for other in others:
        if other.status == ApproachStatus.NOT_CHOSEN:
            email_after_commit(
                to=other.leader.user.email,
                subject=f"{support_request.school.name} has chosen another leader",
                template="brokering/email/choice_made",
                context={**context, "leader_name": other.leader.user.get_full_name()},
            )
    return support_request


@transaction.atomic
def direct_approach_record(
    *,
    actor: User,
    leader: LeaderProfile,
    approached_by: str,
    details: str = "",
    school_urn: int | None = None,
    request: SupportRequest | None = None,
    approached_on: dt.date | None = None,
) -> Event:
    """Record that a school or another agency approached a leader directly (docs/rules.md, Requests:
    "A leader approached directly by a school tells their broker, which records it"). The leader
    themselves, or a coordinator of an organisation they are associated with; an event on the
    leader, and on the request if there is one."""
    live_orgs = set(
        Association.objects.filter(leader=leader, is_live=True).values_list(
            "organisation_id", flat=True
        )
    )
    is_leader = getattr(actor, "is_authenticated", False) and leader.user_id == actor.pk
    if not (
        is_leader or is_administrator(actor) or live_orgs & coordinated_organisation_ids(actor)
    ):
        raise NotAllowed("Only the leader or their broker's coordinator may record this.")
    errors = FieldErrors()
    if not (approached_by or "").strip():
        errors["approached_by"] = ["Say which school or agency approached the leader."]
    school = None
    if school_urn is not None:
        school = _resolve_school(school_urn)
        if school is None:
            errors["school"] = [f"No school with URN {school_urn} is on the register."]
    day = approached_on or timezone.localdate()
    if day > timezone.localdate():
        errors["approached_on"] = ["The date of the approach cannot be in the future."]
    errors.raise_if_any()
    name = leader.user.get_full_name()
    where = f" about {school.name}" if school else ""
    summary = f"{name} was approached directly by {approached_by.strip()}{where} on {day:%-d %B %Y}"
    if details.strip():
        summary += f": {details.strip()}"
    data = {
        "approached_by": approached_by.strip(),
        "details": details.strip(),
        "school": school.urn if school else None,
        "approached_on": day.isoformat(),
        "support_request": request.pk if request else None,
        "recorded_by_leader": bool(is_leader),
    }
    recorded = event_record(
        actor=actor, subject=leader, verb="leader.direct_approach", summary=summary, data=data
    )
    if request is not None:
        event_record(
            actor=actor,
            subject=request,
            verb="request.direct_approach",
            summary=summary,
            data={**data, "leader": leader.pk},
        )
    if is_leader:
        _tell_brokers(leader, recorded, live_orgs)
    return recorded


def _tell_brokers(leader: LeaderProfile, event: Event, organisation_ids: set[int]) -> None:
    """The leader told their broker: every coordinator of each organisation they are associated
    with gets it in their inbox and by e-mail."""
    for organisation in Organisation.objects.filter(pk__in=organisation_ids).order_by("name"):
        notify(
            users=[
                assignment.user
                for assignment in RoleAssignment.objects.filter(
                    role=Role.COORDINATOR, organisation=organisation
                ).select_related("user")
            ],
            verb="brokering.direct_approach",
            text=event.summary,
            url=reverse("brokering:direct_approaches") + f"?organisation={organisation.pk}",
            subject=f"{leader.user.get_full_name()} was approached directly",
            detail="It is on the leader's timeline and in your organisation's list of direct "
            "approaches.",
        )
