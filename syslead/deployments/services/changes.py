"""Changes to an agreement and ending it early (docs/rules.md: "Changes are made when a leader
leaves their school, cannot provide the outreach (e.g. sickness — the broker then tells the client
school) or is not making sufficient impact; either side may ask for a managed exit"; the Leading
Learning Forward school agreement, "Changes to the agreement").

Actions a coordinator of the organisation takes, each recorded as a ``ChangeRecord``:

- pause (active → paused) and resume (paused → active): the days stay reserved;
- replace (re-brokering): the agreement ends early and a new agreement for a new leader carries
  over the days not yet delivered (agreed notes of visit), waiting for the four signatures;
- amend: a new version of the agreement (version + 1, ``previous_version``) with the changed
  terms; the old version is superseded at once and its days freed, and all four parties sign the
  new version — every party's terms are bound together in one contract, so everyone re-signs,
  and the work resumes when they have;
- end early (active or paused → ended early) with the date and the reason.

The leader reports they cannot provide the outreach (``deployment_report_unavailable``): the
supported school's headteacher is told at once. The leader or the supported school's
headteacher asks for a managed exit (``deployment_request_exit``): the coordinators are told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from syslead.accounts.models import User
from syslead.capacity.days import days_words, split_days
from syslead.capacity.ledger import delivered_days_of
from syslead.core.exceptions import RuleViolation, field_error
from syslead.deployments.models import (
    ChangeAction,
    ChangeKind,
    ChangeRecord,
    Deployment,
    Party,
)
from syslead.deployments.notify import ask_parties_to_sign, tell_parties
from syslead.deployments.parties import PARTY_ORDER, parties_held_by
from syslead.deployments.services.common import (
    NewAgreement,
    agreement_summary,
    check_rules,
    in_words,
    lock,
    lock_leaders,
    move,
    rates_of_deployment,
    record_change,
    record_event,
    require_may_override,
    write_agreement,
)
from syslead.deployments.terms import (
    clean_terms,
    require_length_justification,
    terms_of,
    terms_with,
)
from syslead.deployments.transitions import AGREEMENT
from syslead.leaders.models import LeaderProfile


def _kind(kind: str) -> str:
    if kind not in ChangeKind.values:
        raise field_error("kind", "Choose what changed: " + ", ".join(ChangeKind.values))
    return kind


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise field_error("reason", "Give the reason for the change.")
    return text


def _tell_if_unavailable(deployment: Deployment, kind: str, reason: str) -> None:
    """ "The broker then tells the client school": at once, when the leader cannot provide it."""
    if kind == ChangeKind.CANNOT_PROVIDE:
        tell_parties(
            deployment,
            parties=[Party.CLIENT_HEADTEACHER],
            verb="deployment.leader_unavailable",
            text=f"{deployment.leader.user.get_full_name()} cannot provide the outreach at "
            f"{deployment.client_school.name} for the time being.",
            detail=f"Reason: {reason}\n\n{deployment.organisation.name} will be in touch about "
            "what happens next.",
        )


# Pause, resume and end early ---------------------------------------------------------------------


@dataclass(frozen=True)
class StatusChange:
    """What a change that only moves the agreement's status records and tells, besides the
    transition (``transitions.AGREEMENT``): the change record's action, the timeline's summary,
    and the message for the parties told (``None``: all four)."""

    action: ChangeAction
    doing: str
    summary: Callable[[str, dt.date], str]
    told: tuple[Party, ...] | None
    text: Callable[[Deployment, dt.date], str]
    detail: str
    event_kind: bool = True
    tells_if_unavailable: bool = True
    ends: bool = False


def _support(deployment: Deployment) -> str:
    return f"{deployment.leader.user.get_full_name()}'s support for {deployment.client_school.name}"


STATUS_CHANGES: dict[str, StatusChange] = {
    "pause": StatusChange(
        action=ChangeAction.PAUSE,
        doing="pause",
        summary=lambda reason, day: f"Paused: {reason}",
        told=(Party.LEADER, Party.CLIENT_HEADTEACHER),
        text=lambda d, day: f"{_support(d)} is paused.",
        detail="Reason",
    ),
    "resume": StatusChange(
        action=ChangeAction.RESUME,
        doing="resume",
        summary=lambda reason, day: f"Resumed: {reason}",
        told=(Party.LEADER, Party.CLIENT_HEADTEACHER),
        text=lambda d, day: f"{_support(d)} has resumed.",
        detail="Note",
        event_kind=False,
        tells_if_unavailable=False,
    ),
    "end_early": StatusChange(
        action=ChangeAction.END_EARLY,
        doing="end",
        summary=lambda reason, day: f"Ended early on {in_words(day)}: {reason}",
        told=None,
        text=lambda d, day: f"{_support(d)} ended early on {in_words(day)}.",
        detail="Reason",
        ends=True,
    ),
}


def _change_status(
    actor: User,
    deployment: Deployment,
    name: str,
    kind: str,
    reason: str,
    *,
    day: dt.date | None = None,
) -> ChangeRecord:
    """Take the transition ``name`` (pause, resume or end early) as a coordinator: check who may,
    lock, check the state, move the status, record the change and the event, and tell the
    parties (``STATUS_CHANGES``)."""
    how = STATUS_CHANGES[name]
    AGREEMENT.require_permitted(
        name,
        actor,
        deployment,
        f"Only a coordinator of {deployment.organisation.name} may {how.doing} this agreement.",
    )
    locked = lock(deployment)
    day = day or timezone.localdate()
    fields: dict[str, Any] = {"ended_on": day, "end_reason": reason} if how.ends else {}
    row = move(actor, locked, name, **fields)
    change = record_change(
        actor=actor, deployment=locked, kind=kind, reason=reason, action=how.action
    )
    data: dict[str, Any] = (
        {"kind": kind, "reason": reason} if how.event_kind else {"reason": reason}
    )
    if how.ends:
        data["ended_on"] = day
    record_event(actor, locked, row.records, how.summary(reason, day), **data)
    if how.tells_if_unavailable:
        _tell_if_unavailable(locked, kind, reason)
    tell_parties(
        locked,
        parties=PARTY_ORDER if how.told is None else how.told,
        verb=row.records,
        text=how.text(locked, day),
        detail=f"{how.detail}: {reason}",
    )
    return change


@transaction.atomic
def deployment_pause(
    *, actor: User, deployment: Deployment, reason: str, kind: str = ChangeKind.OTHER
) -> Deployment:
    """Pause an active agreement (a coordinator): its days stay reserved for when it resumes."""
    change = _change_status(actor, deployment, "pause", _kind(kind), _reason(reason))
    return change.deployment


@transaction.atomic
def deployment_resume(
    *, actor: User, deployment: Deployment, reason: str, kind: str = ChangeKind.OTHER
) -> Deployment:
    """Resume a paused agreement (a coordinator); its days were kept, so no capacity check."""
    change = _change_status(actor, deployment, "resume", _kind(kind), _reason(reason))
    return change.deployment


@transaction.atomic
def deployment_end_early(
    *,
    actor: User,
    deployment: Deployment,
    reason: str,
    kind: str = ChangeKind.OTHER,
    ended_on: dt.date | None = None,
) -> Deployment:
    """End a signed agreement early (a coordinator), with the date (today by default) and the
    reason; its days are freed."""
    change = _change_status(
        actor, deployment, "end_early", _kind(kind), _reason(reason), day=ended_on
    )
    return change.deployment


# Replace the leader ------------------------------------------------------------------------------


def carried_over(days: Decimal) -> tuple[int, int]:
    """Days still to deliver as (full days, half days): 3.5 → (3, 1) (the ledger's arithmetic)."""
    return split_days(days)


def _replace(
    *,
    actor: User,
    deployment: Deployment,
    kind: str,
    reason: str,
    new_leader: LeaderProfile,
    starts_on: dt.date | None,
    capacity_override_reason: str,
) -> ChangeRecord:
    AGREEMENT.require_permitted(
        "replace_leader",
        actor,
        deployment,
        f"Only a coordinator of {deployment.organisation.name} may re-broker this agreement.",
    )
    override = (capacity_override_reason or "").strip()
    if override:
        require_may_override(actor, deployment.support_request)
    lock_leaders(deployment.leader, new_leader)
    locked = lock(deployment)
    AGREEMENT.require_source("replace_leader", locked)
    if new_leader.pk == locked.leader_id:
        raise field_error("new_leader", "Choose a different leader.")
    delivered = delivered_days_of(locked)
    remaining = locked.days - delivered
    full, half = carried_over(remaining)
    if full == 0 and half == 0:
        raise RuleViolation(
            "Every agreed day has been delivered: there is nothing to carry over to a new leader.",
            rule="nothing_to_carry_over",
        )
    today = timezone.localdate()
    start = starts_on or max(today, locked.starts_on)
    end = max(locked.ends_on, start)
    # End the old agreement first: its days are freed before the new leader's are checked.
    replaced = move(
        actor,
        locked,
        "replace_leader",
        ended_on=today,
        end_reason=f"Replaced by a new leader: {reason}",
    )

    leader = LeaderProfile.objects.select_related("user", "home_school").get(pk=new_leader.pk)
    old_terms = terms_of(locked)
    details = dict(old_terms.details)
    for personal in ("leader_role", "leader_contact", "home_headteacher_name"):
        details[personal] = ""
    terms = clean_terms(
        **terms_with(
            old_terms,
            {
                "starts_on": start,
                "ends_on": end,
                "full_days": full,
                "half_days": half,
                "twilight_sessions": 0,
                "length_justification": (
                    f"Replaces agreement {locked.pk}: the {days_words(remaining)} not yet "
                    f"delivered carried over to a new leader."
                ),
                **details,
            },
        )
    )
    overridden = check_rules(
        actor=actor,
        support_request=locked.support_request,
        leader=leader,
        terms=terms,
        capacity_override_reason=override,
    )
    replacement = write_agreement(
        actor,
        NewAgreement(
            support_request=locked.support_request,
            leader=leader,
            rates=rates_of_deployment(locked),
            charging_from=locked,
            package=locked.package,
            is_lead=locked.is_lead,
            capacity_override_reason=override,
            replaces=locked,
        ),
        terms,
        overridden,
    )
    change = record_change(
        actor=actor,
        deployment=locked,
        kind=kind,
        reason=reason,
        action=ChangeAction.REPLACE,
        resulting=replacement,
    )
    old_name = locked.leader.user.get_full_name()
    new_name = leader.user.get_full_name()
    record_event(
        actor,
        locked,
        replaced.records,
        f"{new_name} replaces {old_name}: {days_words(delivered)} delivered, "
        f"{days_words(remaining)} carried over to agreement {replacement.pk}",
        kind=kind,
        reason=reason,
        replacement=replacement.pk,
        delivered=delivered,
        carried_over=remaining,
    )
    record_event(
        actor,
        replacement,
        "deployment.created",
        f"Agreement made for {new_name} at {locked.client_school.name}, replacing {old_name} "
        f"(agreement {locked.pk}): {days_words(replacement.days)} carried over",
        **agreement_summary(replacement),
        replaces=locked.pk,
    )
    _tell_if_unavailable(locked, kind, reason)
    tell_parties(
        locked,
        verb=replaced.records,
        text=f"{new_name} replaces {old_name} at {locked.client_school.name}.",
        detail=f"Reason: {reason}\n\nThe {days_words(remaining)} not yet delivered are carried "
        "over to a new agreement for the parties to sign.",
    )
    ask_parties_to_sign(
        replacement,
        f"{new_name} replaces {old_name}: a new agreement carries over the days not yet delivered.",
    )
    return change


@transaction.atomic
def deployment_replace_leader(
    *,
    actor: User,
    deployment: Deployment,
    new_leader: LeaderProfile,
    reason: str,
    kind: str = ChangeKind.OTHER,
    starts_on: dt.date | None = None,
    capacity_override_reason: str = "",
) -> Deployment:
    """Re-broker: the agreement ends early and a new agreement for ``new_leader`` carries over
    the days not yet delivered (agreed notes of visit), from ``starts_on`` (today by default) to
    the same intended end date, at the same rates, waiting for the four signatures. The new
    leader must pass the same rules as any agreement. Returns the new agreement."""
    change = _replace(
        actor=actor,
        deployment=deployment,
        kind=_kind(kind),
        reason=_reason(reason),
        new_leader=new_leader,
        starts_on=starts_on,
        capacity_override_reason=capacity_override_reason,
    )
    assert change.resulting_deployment is not None
    return change.resulting_deployment


# Amend -------------------------------------------------------------------------------------------


def _amend(
    *,
    actor: User,
    deployment: Deployment,
    kind: str,
    reason: str,
    changes: dict[str, Any],
    capacity_override_reason: str,
) -> ChangeRecord:
    AGREEMENT.require_permitted(
        "amend",
        actor,
        deployment,
        f"Only a coordinator of {deployment.organisation.name} may amend this agreement.",
    )
    if not changes:
        raise field_error("changes", "Say which terms change.")
    override = (capacity_override_reason or "").strip()
    if override:
        require_may_override(actor, deployment.support_request)
    locked = lock(deployment)
    AGREEMENT.require_source("amend", locked)
    terms = clean_terms(**terms_with(terms_of(locked), changes))
    # The old version is superseded first, so its days do not count against the new one's.
    amended_row = move(actor, locked, "amend")
    overridden = check_rules(
        actor=actor,
        support_request=locked.support_request,
        leader=locked.leader,
        terms=terms,
        capacity_override_reason=override or locked.capacity_override_reason,
    )
    require_length_justification(terms)
    amended = write_agreement(
        actor,
        NewAgreement(
            support_request=locked.support_request,
            leader=locked.leader,
            rates=rates_of_deployment(locked),
            charging_from=locked,
            package=locked.package,
            is_lead=locked.is_lead,
            capacity_override_reason=override or locked.capacity_override_reason,
            version=locked.version + 1,
            previous_version=locked,
            replaces=locked.replaces,
        ),
        terms,
        overridden,
    )
    change = record_change(
        actor=actor,
        deployment=locked,
        kind=kind,
        reason=reason,
        action=ChangeAction.AMEND,
        resulting=amended,
    )
    record_event(
        actor,
        locked,
        amended_row.records,
        f"Amended: version {amended.version} replaces this one once signed ({reason})",
        kind=kind,
        reason=reason,
        new_version=amended.pk,
        changed=sorted(changes),
    )
    record_event(
        actor,
        amended,
        "deployment.created",
        f"Version {amended.version} of the agreement, waiting for signatures: {reason}",
        **agreement_summary(amended),
        previous_version=locked.pk,
        changed=sorted(changes),
    )
    ask_parties_to_sign(
        amended,
        f"The agreement has been amended ({reason}): please read and sign version "
        f"{amended.version}.",
    )
    return change


@transaction.atomic
def deployment_amend(
    *,
    actor: User,
    deployment: Deployment,
    reason: str,
    kind: str = ChangeKind.OTHER,
    capacity_override_reason: str = "",
    **changes: Any,
) -> Deployment:
    """Amend a signed agreement (a coordinator): a new version with the changed terms (the same
    rates), checked like any agreement; the old version is superseded and all four parties sign
    the new one (cancelling it brings the old one back). Returns the new version."""
    change = _amend(
        actor=actor,
        deployment=deployment,
        kind=_kind(kind),
        reason=_reason(reason),
        changes=changes,
        capacity_override_reason=capacity_override_reason,
    )
    assert change.resulting_deployment is not None
    return change.resulting_deployment


# Record a change ---------------------------------------------------------------------------------


@transaction.atomic
def deployment_record_change(
    *,
    actor: User,
    deployment: Deployment,
    kind: str,
    reason: str,
    action: str = "",
    new_leader: LeaderProfile | None = None,
    starts_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    changes: dict[str, Any] | None = None,
    capacity_override_reason: str = "",
) -> ChangeRecord:
    """Record a change to the agreement and what is done about it (a coordinator): ``kind`` is
    why (the school agreement's circumstances: the leader left their school, cannot provide the
    outreach, not enough impact; a managed exit; other); ``action`` is pause, resume, replace
    (needs ``new_leader``), amend (needs ``changes``), end_early, or empty to record it only.
    When the leader cannot provide the outreach the supported school's headteacher is told at
    once."""
    kind = _kind(kind)
    reason = _reason(reason)
    if action == ChangeAction.PAUSE:
        return _change_status(actor, deployment, "pause", kind, reason)
    if action == ChangeAction.RESUME:
        return _change_status(actor, deployment, "resume", kind, reason)
    if action == ChangeAction.END_EARLY:
        return _change_status(actor, deployment, "end_early", kind, reason, day=ended_on)
    if action == ChangeAction.REPLACE:
        if new_leader is None:
            raise field_error("new_leader", "Choose the leader who takes over.")
        return _replace(
            actor=actor,
            deployment=deployment,
            kind=kind,
            reason=reason,
            new_leader=new_leader,
            starts_on=starts_on,
            capacity_override_reason=capacity_override_reason,
        )
    if action == ChangeAction.AMEND:
        return _amend(
            actor=actor,
            deployment=deployment,
            kind=kind,
            reason=reason,
            changes=changes or {},
            capacity_override_reason=capacity_override_reason,
        )
    if action:
        raise field_error("action", "Choose an action: " + ", ".join(ChangeAction.values))
    AGREEMENT.require_permitted(
        "record_change",
        actor,
        deployment,
        f"Only a coordinator of {deployment.organisation.name} may record a change on this "
        "agreement.",
    )
    locked = lock(deployment)
    recorded = AGREEMENT.require_source("record_change", locked)
    change = record_change(actor=actor, deployment=locked, kind=kind, reason=reason)
    record_event(
        actor,
        locked,
        recorded.records,
        f"{change.get_kind_display()}: {reason}",
        kind=kind,
        reason=reason,
    )
    _tell_if_unavailable(locked, kind, reason)
    return change


# Asked for by a party ----------------------------------------------------------------------------


@transaction.atomic
def deployment_request_exit(*, actor: User, deployment: Deployment, reason: str) -> ChangeRecord:
    """Ask for a managed exit (the leader or the supported school's headteacher): "if the System
    Leader [or the client Headteacher] considers that the partnership arrangement is in
    difficulty they must share these concerns ... and engage in a managed exit" (Leading Learning
    Forward). The coordinators are told; the request stays open until they act on it."""
    AGREEMENT.require_permitted(
        "request_exit",
        actor,
        deployment,
        "Only the system leader or the headteacher of the supported school may ask for a "
        "managed exit.",
    )
    held = [
        p
        for p in parties_held_by(actor, deployment)
        if p in (Party.LEADER, Party.CLIENT_HEADTEACHER)
    ]
    reason = _reason(reason)
    locked = lock(deployment)
    asked = AGREEMENT.require_source("request_exit", locked)
    change = record_change(
        actor=actor,
        deployment=locked,
        kind=ChangeKind.MANAGED_EXIT,
        reason=reason,
        requested_by_party=held[0],
    )
    who = actor.get_full_name()
    record_event(
        actor,
        locked,
        asked.records,
        f"{who} asked for a managed exit: {reason}",
        party=str(held[0]),
        reason=reason,
    )
    tell_parties(
        locked,
        parties=[],
        coordinators=True,
        verb="deployment.exit_requested",
        text=f"{who} has asked for a managed exit: {locked.leader.user.get_full_name()} at "
        f"{locked.client_school.name}.",
        detail=f"Reason: {reason}\n\nAgree the exit with both sides, then end the agreement "
        "early or replace the leader.",
    )
    return change


@transaction.atomic
def deployment_report_unavailable(
    *, actor: User, deployment: Deployment, reason: str
) -> ChangeRecord:
    """The leader reports they cannot provide the outreach (e.g. sickness): the supported school's
    headteacher and the coordinators are told at once; the coordinators then pause the agreement,
    replace the leader or end it."""
    AGREEMENT.require_permitted(
        "report_unavailable",
        actor,
        deployment,
        "Only the system leader reports that they cannot provide the outreach.",
    )
    reason = _reason(reason)
    locked = lock(deployment)
    reported = AGREEMENT.require_source("report_unavailable", locked)
    change = record_change(
        actor=actor,
        deployment=locked,
        kind=ChangeKind.CANNOT_PROVIDE,
        reason=reason,
        requested_by_party=Party.LEADER,
    )
    record_event(
        actor,
        locked,
        reported.records,
        f"The leader cannot provide the outreach: {reason}",
        reason=reason,
    )
    _tell_if_unavailable(locked, ChangeKind.CANNOT_PROVIDE, reason)
    tell_parties(
        locked,
        parties=[],
        coordinators=True,
        verb="deployment.leader_unavailable",
        text=f"{locked.leader.user.get_full_name()} has said they cannot provide the outreach at "
        f"{locked.client_school.name}.",
        detail=f"Reason: {reason}\n\nThe headteacher has been told. Pause the agreement, replace "
        "the leader or end it early.",
    )
    return change


__all__ = [
    "carried_over",
    "deployment_amend",
    "deployment_end_early",
    "deployment_pause",
    "deployment_record_change",
    "deployment_replace_leader",
    "deployment_report_unavailable",
    "deployment_request_exit",
    "deployment_resume",
]
