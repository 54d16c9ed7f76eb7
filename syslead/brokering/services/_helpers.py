"""Shared checks of the brokering services: locking a request, who may broker it, its state,
the hard rules, and settling its status after approaches."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.urls import reverse

from syslead.accounts.models import User
from syslead.brokering.eligibility import Rule, RuleFailure, days_text, phase_label, words
from syslead.brokering.matching import (
    Candidate,
    leader_check,
)
from syslead.brokering.models import (
    Approach,
    ApproachStatus,
    ShortlistEntry,
    SupportRequest,
)
from syslead.brokering.notify import email_after_commit
from syslead.brokering.transitions import REQUEST_TRANSITIONS
from syslead.core.events import event_record
from syslead.core.exceptions import RuleViolation
from syslead.leaders.models import LeaderProfile
from syslead.leaders.selectors.agreements import current_agreement
from syslead.organisations.models import Organisation
from syslead.schools.models import School

# --- Helpers -------------------------------------------------------------------------------------


def _lock(support_request: SupportRequest) -> SupportRequest:
    """Re-read the request under a row lock: transitions on one request run one at a time."""
    locked = (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("school", "organisation")
        .get(pk=support_request.pk)
    )
    return locked


def _require_broker(actor: User, support_request: SupportRequest, step: str) -> None:
    """The person may take the request's ``step`` (a coordinator of its organisation)."""
    REQUEST_TRANSITIONS.require_permitted(
        step,
        actor,
        support_request,
        f"Only a coordinator of {support_request.organisation.name} may do this for the request.",
    )


def _hard_rules_violation(leader_name: str, failures: Sequence[RuleFailure]) -> RuleViolation:
    reasons = "; ".join(f.message for f in failures)
    return RuleViolation(
        f"{leader_name} cannot be matched with this request: {reasons}.",
        rule=str(failures[0].rule),
    )


def _checked_candidate(support_request: SupportRequest, leader: LeaderProfile) -> Candidate:
    """The leader scored for the request, or a RuleViolation naming every rule they fail (less
    any rule a coordinator's recorded judgement set aside for them on the live shortlist)."""
    entry = ShortlistEntry.objects.filter(
        support_request=support_request, leader_id=leader.pk, is_live=True
    ).first()
    candidate, failures, considered = leader_check(
        support_request, leader.pk, skip=entry_overrides(entry)
    )
    name = leader.user.get_full_name()
    if not considered:
        raise RuleViolation(
            f"{name} is not associated with {support_request.organisation.name} and has not been "
            "commissioned for this request.",
            rule="not_considered",
        )
    if not leader.user.is_active:
        # Nobody may be left waiting on a person who cannot sign in (docs/rules.md, "Nobody
        # waits on someone without an account").
        raise RuleViolation(
            f"{name}'s account is closed, so they could not answer. Ask another leader, or ask "
            "an administrator to reopen the account.",
            rule="leader_account_closed",
        )
    unsigned = [f for f in failures if f.rule == Rule.BROKER_AGREEMENT]
    if unsigned:
        # A leader who has not signed the broker's current agreement and code of conduct is not
        # deployable for it (docs/rules.md, "The broker's agreement and code of conduct").
        agreement = current_agreement(support_request.organisation_id)
        version = f" (version {agreement.version})" if agreement else ""
        raise RuleViolation(
            f"{name} has not signed {support_request.organisation.name}'s agreement and code of "
            f"conduct{version}, so they cannot be deployed for it. Remind them to sign it from "
            "the agreement page, or ask another leader.",
            rule="broker_agreement_unsigned",
        )
    if candidate is None:
        raise _hard_rules_violation(name, failures)
    return candidate


def next_leader_to_ask(support_request: SupportRequest) -> ShortlistEntry | None:
    """The best-ranked leader on the live shortlist who has never been approached for the
    request (so never one who declined it) and still passes every hard rule; None if nobody."""
    asked = set(
        Approach.objects.filter(support_request=support_request).values_list("leader_id", flat=True)
    )
    entries = (
        ShortlistEntry.objects.filter(support_request=support_request, is_live=True)
        .exclude(leader_id__in=asked)
        .select_related("leader__user")
        .order_by("rank", "pk")
    )
    for entry in entries:
        candidate, _failures, _considered = leader_check(
            support_request, entry.leader_id, skip=entry_overrides(entry)
        )
        if candidate is not None:
            return entry
    return None


def entry_overrides(entry: ShortlistEntry | None) -> tuple[Rule, ...]:
    """The rules a coordinator's recorded judgement set aside for this shortlisted leader."""
    if entry is None:
        return ()
    known = {rule.value for rule in Rule}
    return tuple(Rule(code) for code in entry.overridden_rules if code in known)


def _needs_text(support_request: SupportRequest) -> str:
    return words(support_request.needs)


def _settle_after_approaches(actor: User, support_request: SupportRequest) -> None:
    """Set the request's status from its approaches: awaiting a choice once someone agreed and
    nobody is still to answer; approaching while someone is to answer; open again (a new round)
    when everyone approached has declined or been withdrawn (the table's automatic steps
    ``answers_awaited``, ``choice_awaited`` and ``round_over``)."""
    if not REQUEST_TRANSITIONS.in_source("approach", support_request):
        return
    statuses = list(
        Approach.objects.filter(support_request=support_request).values_list("status", flat=True)
    )
    pending = ApproachStatus.PENDING in statuses
    accepted = ApproachStatus.ACCEPTED in statuses
    if accepted and not pending:
        name = "choice_awaited"
        summary = "Every leader approached has answered: waiting for the school to choose"
    elif pending:
        name = "answers_awaited"
        summary = "Waiting for leaders to answer"
    elif statuses:
        name = "round_over"
        summary = (
            "Every leader approached declined or was withdrawn: the request is open again for "
            "another round"
        )
    else:
        return
    row = REQUEST_TRANSITIONS[name]
    if row.target == support_request.status:
        return
    if name == "round_over":
        ShortlistEntry.objects.filter(support_request=support_request, is_live=True).update(
            is_live=False
        )
    REQUEST_TRANSITIONS.apply(
        name, support_request, actor=actor, summary=summary, data={"status": row.target}
    )


def _approach_create(
    actor: User,
    support_request: SupportRequest,
    leader: LeaderProfile,
    candidate: Candidate,
    message: str = "",
) -> Approach:
    """Write the approach, its event, and the e-mail to the leader (checks done by the caller)."""
    name = leader.user.get_full_name()
    approach = Approach(
        support_request=support_request,
        leader=leader,
        message=message.strip(),
        sent_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    approach.full_clean()
    approach.save()
    event_record(
        actor=actor,
        subject=support_request,
        verb="request.approach_sent",
        summary=f"{name} asked for provisional agreement",
        data={"approach": approach.pk, "leader": leader.pk},
    )
    email_after_commit(
        to=leader.user.email,
        subject=f"Could you support {support_request.school.name}?",
        template="brokering/email/approach_sent",
        context={
            "leader_name": name,
            "organisation": support_request.organisation.name,
            "school": support_request.school.name,
            "phase": phase_label(support_request.phase),
            "needs": _needs_text(support_request),
            "days": days_text(Decimal(support_request.days_requested)),
            "academic_year": support_request.academic_year,
            "summary": support_request.summary,
            "message": approach.message,
            "sender": getattr(actor, "name", "") or "the coordinator",
            "reasons": "; ".join(candidate.reasons),
            "link": reverse("brokering:approach", args=[approach.pk]),
        },
    )
    return approach


def _resolve_organisation(organisation: Organisation | int) -> Organisation | None:
    """The organisation, or the one with this id (forms and the API read ids as whole numbers)."""
    if isinstance(organisation, Organisation):
        return organisation
    return Organisation.objects.filter(pk=organisation).first()


def _resolve_school(school_urn: int) -> School | None:
    return School.objects.filter(urn=school_urn).first()
