"""Direct commissioning on the school route (docs/rules.md, "Direct commissioning"): a school names
the leader it wants, from a published profile or, for a leader not on Syslead, by name and e-mail.

    direct_commission_create   the headteacher's request on the school route, naming the leader;
                               the leader is asked at once (an approach), their broker told
    direct_commission_record   the broker records it (docs/rules.md, "Direct commissioning": a
                               leader approached directly tells their broker; the case continues
                               under that broker); for a
                               leader named by e-mail, this invites them with the coordinator's
                               own right to invite
    direct_commission_joined   the invited leader joined: their profile is made from what the
                               school gave, and they are asked
    direct_commission_accepted the named leader agreed: the request is matched with them, with no
                               shortlist and no choice, ready for the agreement

A leader with no broker is engaged on the school route's charging with no broker fee
(``DirectCommission.waives_broker_fee``; the agreement's rates come from
``deployments.preview.rates_for``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from syslead.accounts.models import Role, RoleAssignment, User
from syslead.accounts.selectors import user_for_email
from syslead.brokering.eligibility import days_text, phase_label, words
from syslead.brokering.models import (
    Approach,
    ApproachStatus,
    DirectCommission,
    Route,
    SupportRequest,
)
from syslead.brokering.notify import email_after_commit
from syslead.brokering.services._helpers import _lock, _resolve_organisation, _resolve_school
from syslead.brokering.services.requests import request_create
from syslead.brokering.transitions import APPROACH_TRANSITIONS, REQUEST_TRANSITIONS
from syslead.core.academic_years import AcademicYear
from syslead.core.events import event_record
from syslead.core.exceptions import FieldErrors, NotAllowed, RuleViolation
from syslead.invitations.models import Invitation
from syslead.invitations.services import invitation_send
from syslead.leaders.models import Association, LeaderProfile
from syslead.notifications.inbox import notify
from syslead.organisations.models import Organisation


def in_words(day: dt.date) -> str:
    """A date as people read it: "3 December 2026"."""
    return f"{day.day} {day:%B %Y}"


def leader_brokers(leader: LeaderProfile) -> list[Organisation]:
    """The organisations the leader has a live association with, by name."""
    return list(
        Organisation.objects.filter(
            pk__in=Association.objects.filter(leader=leader, is_live=True).values("organisation_id")
        ).order_by("name", "pk")
    )


def _holding_broker(
    leader: LeaderProfile | None, chosen: Organisation | None
) -> tuple[Organisation | None, Organisation | None]:
    """(the organisation that holds the case, the leader's broker or None). A leader with a
    broker: that broker holds it (the one the school came through when it is one of theirs).
    Otherwise the broker the school chose (the directory it found them in)."""
    brokers = leader_brokers(leader) if leader is not None else []
    if brokers:
        held = next((b for b in brokers if chosen is not None and b.pk == chosen.pk), brokers[0])
        return held, held
    return chosen, None


@transaction.atomic
def direct_commission_create(
    *,
    actor: User,
    school_urn: int,
    needs: Sequence[str],
    days_requested: Decimal,
    summary: str,
    leader: LeaderProfile | None = None,
    organisation: Organisation | int | None = None,
    invited_name: str = "",
    invited_email: str = "",
    invited_school_urn: int | None = None,
    invited_job_title: str = "",
    academic_year: AcademicYear | None = None,
    context: str = "",
    preferred_timing: str = "",
    chair_of_governors_agreed: bool = False,
) -> SupportRequest:
    """The headteacher asks for support on the school route naming the leader they want: a
    ``leader`` (from a published profile) or a person named by ``invited_name`` and
    ``invited_email`` with their school. A leader with a broker is brokered by that broker (the
    request is theirs and they are told); a leader with none by the broker the school chose
    (``organisation``, required then). The named leader is asked at once; a person whose e-mail
    is not a leader's on Syslead is invited when the broker records the commission."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed("Sign in as the school's headteacher to name a leader.")
    if not actor.role_assignments.filter(role=Role.HEADTEACHER, school_id=school_urn).exists():
        raise NotAllowed("Only the school's headteacher names the leader it wants.")
    errors = FieldErrors()
    invited_email = (invited_email or "").strip().lower()
    invited_name = " ".join((invited_name or "").split())
    invited_school = None
    if leader is None:
        if not invited_name:
            errors["invited_name"] = ["Enter the leader's name."]
        try:
            validate_email(invited_email)
        except ValidationError:
            errors["invited_email"] = [
                "Enter an e-mail address in the correct format, like name@school.org.uk"
            ]
        existing = user_for_email(invited_email) if "invited_email" not in errors else None
        known = (
            LeaderProfile.objects.filter(user=existing).first() if existing is not None else None
        )
        if known is not None:
            leader = known
        else:
            invited_school = (
                _resolve_school(invited_school_urn) if invited_school_urn is not None else None
            )
            if invited_school is None:
                errors["invited_school"] = [
                    "Enter the URN of the leader's school, as the register has it."
                ]
            if not (invited_job_title or "").strip():
                errors["invited_job_title"] = ["Enter the leader's job title."]
    chosen = _resolve_organisation(organisation) if organisation is not None else None
    held, leader_broker = _holding_broker(leader, chosen)
    if held is None:
        errors["organisation"] = [
            "Choose the broker that keeps the paperwork: the leader has no broker of their own."
        ]
    if leader is not None and leader.home_school_id == school_urn:
        errors["leader"] = ["A leader cannot support their own school (a conflict of interest)."]
    errors.raise_if_any()
    assert held is not None
    support_request = request_create(
        actor=actor,
        school_urn=school_urn,
        organisation=held,
        route=Route.SCHOOL,
        needs=needs,
        days_requested=days_requested,
        summary=summary,
        academic_year=academic_year,
        context=context,
        preferred_timing=preferred_timing,
        chair_of_governors_agreed=chair_of_governors_agreed,
    )
    commission = DirectCommission.objects.create(
        support_request=support_request,
        leader=leader,
        invited_name="" if leader else invited_name,
        invited_email="" if leader else invited_email,
        invited_job_title="" if leader else (invited_job_title or "").strip(),
        invited_school=invited_school,
        leader_broker=leader_broker,
        named_by=actor,
    )
    name = leader.user.get_full_name() if leader else invited_name
    school = support_request.school.name
    today = in_words(timezone.localdate())
    broker_words = (
        f"; {leader_broker.name} is their broker"
        if leader_broker
        else f"; no broker of their own, so no broker fee ({held.name} keeps the paperwork)"
    )
    data = {
        "direct_commission": commission.pk,
        "leader": leader.pk if leader else None,
        "named_by": actor.pk,
        "leader_broker": leader_broker.pk if leader_broker else None,
    }
    if leader is not None:
        REQUEST_TRANSITIONS.apply(
            "name_leader",
            support_request,
            actor=actor,
            summary=f"{actor.get_full_name()} ({school}) named {name} directly on {today}"
            f"{broker_words}",
            data=data,
        )
        _ask(actor, support_request, leader)
        _note_on_leader(actor, support_request, leader)
    else:
        REQUEST_TRANSITIONS.apply(
            "name_leader_by_email",
            support_request,
            actor=actor,
            summary=f"{actor.get_full_name()} ({school}) named {name} directly on {today}, who "
            f"is not on Syslead yet: {held.name} records it to invite them{broker_words}",
            data=data,
        )
    _tell_broker(support_request, commission, name)
    return support_request


def _ask(actor: User, support_request: SupportRequest, leader: LeaderProfile) -> Approach:
    """The approach to the named leader, and the e-mail asking them."""
    approach = Approach(
        support_request=support_request,
        leader=leader,
        message="",
        sent_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    approach.full_clean()
    approach.save()
    event_record(
        actor=actor,
        subject=support_request,
        verb="request.approach_sent",
        summary=f"{leader.user.get_full_name()} asked for provisional agreement",
        data={"approach": approach.pk, "leader": leader.pk, "direct": True},
    )
    email_after_commit(
        to=leader.user.email,
        subject=f"{support_request.school.name} would like you to support it",
        template="brokering/email/direct_approach_sent",
        context={
            "leader_name": leader.user.get_full_name(),
            "organisation": support_request.organisation.name,
            "school": support_request.school.name,
            "phase": phase_label(support_request.phase),
            "needs": words(support_request.needs),
            "days": days_text(Decimal(support_request.days_requested)),
            "academic_year": support_request.academic_year,
            "summary": support_request.summary,
            "link": reverse("brokering:approach", args=[approach.pk]),
        },
    )
    return approach


def _note_on_leader(actor: User, support_request: SupportRequest, leader: LeaderProfile) -> None:
    """The direct approach on the leader's own timeline too, so it is in their broker's list of
    direct approaches (docs/rules.md: "A leader approached directly by a school tells their
    broker, which records it")."""
    school = support_request.school
    event_record(
        actor=actor,
        subject=leader,
        verb="leader.direct_approach",
        summary=f"{leader.user.get_full_name()} was approached directly by {school.name} on "
        f"{in_words(timezone.localdate())}: {support_request.summary}"[:300],
        data={
            "approached_by": school.name,
            "details": support_request.summary,
            "school": school.urn,
            "approached_on": timezone.localdate().isoformat(),
            "support_request": support_request.pk,
            "recorded_by_leader": False,
        },
    )


def _coordinators(organisation: Organisation) -> list[User]:
    return [
        assignment.user
        for assignment in RoleAssignment.objects.filter(
            role=Role.COORDINATOR, organisation=organisation, user__is_active=True
        ).select_related("user")
    ]


def _tell_broker(support_request: SupportRequest, commission: DirectCommission, name: str) -> None:
    """The holding broker's coordinators are told, in their inbox and by e-mail."""
    school = support_request.school.name
    if commission.leader_id is not None:
        detail = (
            f"{name} has been asked and will answer in Syslead. Record the direct commission "
            "on the request: the case continues with you."
        )
    else:
        detail = (
            f"{name} is not on Syslead yet: record the direct commission on the request to "
            "invite them."
        )
    notify(
        users=_coordinators(support_request.organisation),
        verb="brokering.direct_commission",
        text=f"{school} named {name} directly for support",
        url=reverse("brokering:detail", args=[support_request.pk]),
        subject=f"{school} has named {name} directly",
        detail=detail,
    )


@transaction.atomic
def direct_commission_record(*, actor: User, request: SupportRequest) -> DirectCommission:
    """The broker records the school's direct commission: a coordinator of the request's
    organisation, once. For a leader named by e-mail who is not on Syslead, recording it invites
    them as a system leader with the coordinator's own right to invite (docs/rules.md)."""
    support_request = _lock(request)
    REQUEST_TRANSITIONS.require_permitted(
        "record_direct_commission",
        actor,
        support_request,
        f"Only a coordinator of {support_request.organisation.name} may record this.",
    )
    commission = (
        DirectCommission.objects.select_for_update(of=("self",))
        .filter(support_request=support_request)
        .first()
    )
    if commission is None:
        raise RuleViolation(
            "No school named a leader for this request.", rule="not_a_direct_commission"
        )
    REQUEST_TRANSITIONS.require_source("record_direct_commission", support_request)
    if commission.recorded_at is not None:
        raise RuleViolation(
            "The direct commission is already recorded.", rule="direct_commission_recorded"
        )
    commission.recorded_by = actor
    commission.recorded_at = timezone.now()
    invited = ""
    if commission.leader_id is None and commission.invitation_id is None:
        outcome = invitation_send(
            actor=actor,
            email=commission.invited_email,
            name=commission.invited_name,
            role=Role.SYSTEM_LEADER,
        )
        commission.invitation = outcome.invitation
        invited = f"; {commission.invited_name} is invited to join Syslead"
    commission.save(update_fields=["recorded_by", "recorded_at", "invitation"])
    REQUEST_TRANSITIONS.apply(
        "record_direct_commission",
        support_request,
        actor=actor,
        summary=f"{support_request.organisation.name} recorded the direct commission of "
        f"{commission.leader_name}{invited}",
        data={"direct_commission": commission.pk},
    )
    joined = commission.invitation.user if commission.invitation is not None else None
    if joined is not None and joined.has_usable_password():
        # The e-mail already had an account someone signs in to: the role was added, so they
        # join now.
        _joined(commission, joined)
    return commission


def direct_commission_joined(invitation: Invitation, user: User) -> None:
    """The leader named by e-mail accepted their invitation (called inside its transaction)."""
    for commission in DirectCommission.objects.select_for_update().filter(
        invitation=invitation, leader__isnull=True
    ):
        _joined(commission, user)


def _joined(commission: DirectCommission, user: User) -> None:
    """Make the leader's profile from what the school gave (their school and job title), unless
    they have one, link it to the commission and ask them while the request is still open."""
    leader = LeaderProfile.objects.filter(user=user).first()
    if leader is None:
        assert commission.invited_school is not None
        leader = LeaderProfile.objects.create(
            user=user,
            home_school=commission.invited_school,
            job_title=commission.invited_job_title or "System leader",
            created_by_organisation=commission.support_request.organisation,
        )
    commission.leader = leader
    commission.save(update_fields=["leader"])
    support_request = _lock(commission.support_request)
    if not REQUEST_TRANSITIONS.in_source("name_leader", support_request):
        return
    head = commission.named_by
    REQUEST_TRANSITIONS.apply(
        "name_leader",
        support_request,
        actor=user,
        summary=f"{leader.user.get_full_name()} joined Syslead and was asked, as "
        f"{support_request.school.name} named them",
        data={"direct_commission": commission.pk, "leader": leader.pk},
    )
    _ask(head or user, support_request, leader)


def direct_commission_accepted(actor: User, approach: Approach) -> bool:
    """After the leader agreed: when they are the leader the school named, the request is matched
    with them at once (no shortlist, no choice) and goes to agreement drafting. True if so."""
    support_request = approach.support_request
    named = DirectCommission.objects.filter(
        support_request=support_request, leader_id=approach.leader_id
    ).exists()
    if not named or approach.status != ApproachStatus.ACCEPTED:
        return False
    if not REQUEST_TRANSITIONS.in_source("named_leader_agreed", support_request):
        return False
    APPROACH_TRANSITIONS.apply("chosen", approach, actor=actor, summary="", record=False)
    support_request.chosen_leader = approach.leader
    support_request.chosen_at = timezone.now()
    name = approach.leader.user.get_full_name()
    REQUEST_TRANSITIONS.apply(
        "named_leader_agreed",
        support_request,
        actor=actor,
        update_fields=["chosen_leader", "chosen_at"],
        summary=f"{name} agreed and is the school's leader: ready for the agreement",
        data={"leader": approach.leader_id, "approach": approach.pk, "direct": True},
    )
    notify(
        users=_coordinators(support_request.organisation),
        verb="brokering.direct_commission_agreed",
        text=f"{name} agreed to support {support_request.school.name}: draft the agreement",
        url=reverse("brokering:detail", args=[support_request.pk]),
        subject=f"{name} agreed to support {support_request.school.name}",
    )
    return True


def may_record_direct_commission(
    user: User, support_request: SupportRequest, commission: DirectCommission | None
) -> bool:
    """For the request page: a coordinator of its organisation, while it is not recorded."""
    return (
        commission is not None
        and commission.recorded_at is None
        and REQUEST_TRANSITIONS.may("record_direct_commission", user, support_request)
    )
