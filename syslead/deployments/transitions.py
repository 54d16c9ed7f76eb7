"""The deployment agreement's transition table (docs/transitions.md: The deployment agreement).

An agreement drafted on the pages is made as a draft the coordinator checks (and, on the local
authority route, the school's SIP agrees) before sending it for signature; one made through the
API, or replacing or amending another, waits for the four signatures at once. The fourth
signature makes it active. A coordinator pauses,
resumes, completes or ends it early, replaces its leader (it ends early and a new agreement
carries the days over) or amends it (it is superseded by its next version; cancelling that
version restores it). An agreement not yet signed may be cancelled. Completed, ended-early,
cancelled and superseded agreements are read-only: every action on them is refused with
``rule="read_only"`` (the table's ``refusal``), but for restoring a superseded version.

Rows whose target is ``None`` are actions that leave the status as it is but are allowed only in
some states (signing, changing the terms, asking for a managed exit).
"""

from __future__ import annotations

from syslead.accounts.models import User
from syslead.core.exceptions import RuleViolation
from syslead.core.transitions import TransitionTable, step
from syslead.deployments.access import (
    can_manage_deployment,
    deployment_roles,
    may_decide_further_support,
    may_raise_dispute,
    may_resolve_dispute,
    may_sign_off,
    may_state_delivery,
)
from syslead.deployments.models import (
    FINISHED_STATUSES,
    ChangeAction,
    Deployment,
    DeploymentStatus,
    Dispute,
    DisputeStatus,
    Party,
)
from syslead.deployments.parties import parties_held_by
from syslead.deployments.sip import is_school_sip

S = DeploymentStatus
#: The status a new agreement (made, replacing another or amending one) starts in.
INITIAL = S.AWAITING_SIGNATURES
#: Signed agreements the work happens under (or will again, once resumed).
SIGNED = (S.ACTIVE, S.PAUSED)
#: Not signed yet: the terms may change and the agreement may be cancelled.
UNSIGNED = (S.DRAFT, S.AWAITING_SIGNATURES)


def require_writable(deployment: Deployment) -> None:
    """Completed, ended-early, cancelled and superseded agreements are read-only."""
    if deployment.status in FINISHED_STATUSES:
        raise RuleViolation(
            f"The agreement is {deployment.get_status_display().lower()}: it is read-only and "
            "can no longer be changed.",
            rule="read_only",
        )


def coordinator(user: User, deployment: Deployment) -> bool:
    """A coordinator of the agreement's organisation, or an administrator."""
    return can_manage_deployment(user, deployment)


def party(user: User, deployment: Deployment) -> bool:
    """One of the four parties."""
    return bool(parties_held_by(user, deployment))


def leader_or_client_head(user: User, deployment: Deployment) -> bool:
    held = parties_held_by(user, deployment)
    return Party.LEADER in held or Party.CLIENT_HEADTEACHER in held


def leader(user: User, deployment: Deployment) -> bool:
    return Party.LEADER in parties_held_by(user, deployment)


def school_sip(user: User, deployment: Deployment) -> bool:
    """One of the supported school's SIPs (``sip.school_sips``), on the local authority route."""
    return is_school_sip(user, deployment)


def states_delivery(user: User, deployment: Deployment) -> bool:
    return may_state_delivery(deployment_roles(user, deployment))


def signs_off(user: User, deployment: Deployment) -> bool:
    return may_sign_off(deployment_roles(user, deployment))


def decides_further_support(user: User, deployment: Deployment) -> bool:
    return may_decide_further_support(
        deployment_roles(user, deployment), deployment.support_request.route
    )


def raises_dispute(user: User, deployment: Deployment) -> bool:
    return may_raise_dispute(deployment_roles(user, deployment))


COORDINATOR = "A coordinator of the organisation"


AGREEMENT: TransitionTable[Deployment] = TransitionTable(
    record="agreement",
    field="status",
    choices=DeploymentStatus,
    rule="deployment_state",
    refusal=require_writable,
    transitions=[
        step(
            "prepare_invitation",
            [S.DRAFT],
            None,
            may=coordinator,
            who=COORDINATOR + ", for a party no one with an account holds (sent with the "
            "agreement)",
            records="deployment.invitation_prepared",
            action="prepare an invitation to sign (invite them now instead)",
            rule="not_draft",
        ),
        step(
            "sip_agree",
            [S.DRAFT],
            None,
            may=school_sip,
            who="The supported school's SIP, on the local authority route",
            records="deployment.sip_agreed",
            action="agree it (it has been sent for signature already)",
            rule="not_draft",
        ),
        step(
            "sip_request_changes",
            [S.DRAFT],
            None,
            may=school_sip,
            who="The supported school's SIP, on the local authority route, with comments",
            records="deployment.sip_changes_requested",
            action="ask for changes (it has been sent for signature already)",
            rule="not_draft",
        ),
        step(
            "send_for_signature",
            [S.DRAFT],
            S.AWAITING_SIGNATURES,
            may=coordinator,
            who=COORDINATOR + " (on the local authority route, once the school's SIP agreed, "
            "or with the reason why not); the parties are asked to sign and prepared "
            "invitations are sent",
            records="deployment.sent_for_signature",
            action="send it for signature",
            rule="not_draft",
        ),
        step(
            "sign",
            [S.AWAITING_SIGNATURES],
            None,
            may=party,
            who="Each of the four parties, in turn",
            records="deployment.signed",
            action="sign it",
            rule="not_awaiting_signatures",
        ),
        step(
            "sign_on_paper",
            [S.AWAITING_SIGNATURES],
            None,
            may=coordinator,
            who=COORDINATOR + ", for a party who signed on paper or the chair of governors",
            records="deployment.signed",
            action="record a signature",
            rule="not_awaiting_signatures",
        ),
        step(
            "activate",
            [S.AWAITING_SIGNATURES],
            S.ACTIVE,
            may=None,
            who="Follows the fourth signature, once eligibility and capacity are checked again",
            records="deployment.activated",
            action="sign it",
            rule="not_awaiting_signatures",
        ),
        step(
            "update",
            UNSIGNED,
            None,
            may=coordinator,
            who=COORDINATOR + " (the SIP's agreement of a draft and any signatures are withdrawn)",
            records="deployment.updated",
            action="change its terms",
            rule="not_awaiting_signatures",
        ),
        step(
            "cancel",
            UNSIGNED,
            S.CANCELLED,
            may=coordinator,
            who=COORDINATOR,
            records="deployment.cancelled",
            action="cancel it",
        ),
        step(
            "pause",
            [S.ACTIVE],
            S.PAUSED,
            may=coordinator,
            who=COORDINATOR,
            records="deployment.paused",
            action="pause it",
        ),
        step(
            "resume",
            [S.PAUSED],
            S.ACTIVE,
            may=coordinator,
            who=COORDINATOR,
            records="deployment.resumed",
            action="resume it",
        ),
        step(
            "complete",
            SIGNED,
            S.COMPLETED,
            may=coordinator,
            who=COORDINATOR + ", as the last step of closing it: once the leader's statement, "
            "both sign-offs and the decision on further support are recorded and no dispute is "
            "open",
            records="deployment.completed",
            action="complete it",
        ),
        step(
            "state_delivery",
            SIGNED,
            None,
            may=states_delivery,
            who="The system leader (fully delivered or not, and why not), until someone signs "
            "it off",
            records="deployment.delivery_stated",
            action="say whether the support was fully delivered",
        ),
        step(
            "sign_off",
            SIGNED,
            None,
            may=signs_off,
            who="The system leader and the supported school's headteacher, each once, in either "
            "order, after the leader's statement",
            records="deployment.signed_off",
            action="sign it off",
        ),
        step(
            "decide_further_support",
            SIGNED,
            None,
            may=decides_further_support,
            who="A coordinator of the organisation; the supported school's headteacher on the "
            "school route; a SIP of the organisation on the local authority route (further "
            "support starts a new request)",
            records="deployment.further_support_decided",
            action="decide on further support",
        ),
        step(
            "raise_dispute",
            [S.AWAITING_SIGNATURES, S.ACTIVE, S.PAUSED],
            None,
            may=raises_dispute,
            who="Anyone who sees the agreement: the leader, both headteachers, the broker and, "
            "on the local authority route, its SIPs",
            records="deployment.dispute_raised",
            action="raise a dispute about it",
        ),
        step(
            "end_early",
            SIGNED,
            S.ENDED_EARLY,
            may=coordinator,
            who=COORDINATOR,
            records="deployment.ended_early",
            action="end it early (cancel it instead if it is not signed yet)",
        ),
        step(
            "replace_leader",
            SIGNED,
            S.ENDED_EARLY,
            may=coordinator,
            who=COORDINATOR + " (a new agreement carries over the days not delivered)",
            records="deployment.replaced",
            action="replace its leader",
        ),
        step(
            "amend",
            SIGNED,
            S.SUPERSEDED,
            may=coordinator,
            who=COORDINATOR + " (the next version waits for the four signatures)",
            records="deployment.amended",
            action="amend it (change its terms instead while it waits for signatures)",
        ),
        step(
            "restore",
            [S.SUPERSEDED],
            S.ACTIVE,
            may=None,
            who="Follows a coordinator cancelling the amended version (its days must still fit)",
            records="deployment.restored",
            action="restore it",
        ),
        step(
            "record_change",
            [S.DRAFT, S.AWAITING_SIGNATURES, S.ACTIVE, S.PAUSED],
            None,
            may=coordinator,
            who=COORDINATOR,
            records="deployment.change_recorded",
            action="record a change on it",
            rule="read_only",
        ),
        step(
            "request_exit",
            SIGNED,
            None,
            may=leader_or_client_head,
            who="The system leader or the supported school's headteacher",
            records="deployment.exit_requested",
            action="ask for a managed exit (it has not started)",
        ),
        step(
            "report_unavailable",
            SIGNED,
            None,
            may=leader,
            who="The system leader",
            records="deployment.leader_unavailable",
            action="report this",
        ),
    ],
)


def resolves_dispute(user: User, dispute: Dispute) -> bool:
    return may_resolve_dispute(user, dispute.deployment)


#: A dispute about an agreement (docs/rules.md, "Disputes"); its events are on the agreement's
#: timeline. It may be resolved whatever the agreement's state (an agreement may end while a
#: dispute about it is open).
DISPUTE: TransitionTable[Dispute] = TransitionTable(
    record="dispute",
    field="status",
    choices=DisputeStatus,
    rule="dispute_state",
    transitions=[
        step(
            "resolve",
            [DisputeStatus.OPEN],
            DisputeStatus.RESOLVED,
            may=resolves_dispute,
            who="A coordinator of the agreement's organisation (the broker; on the local "
            "authority route, the authority), recording the outcome",
            records="deployment.dispute_resolved",
            action="record its outcome",
        ),
    ],
)

#: The change form's actions (``ChangeRecord.action``; empty: record it only) and their steps.
CHANGE_STEPS: dict[str, str] = {
    "": "record_change",
    ChangeAction.PAUSE: "pause",
    ChangeAction.RESUME: "resume",
    ChangeAction.REPLACE: "replace_leader",
    ChangeAction.AMEND: "amend",
    ChangeAction.END_EARLY: "end_early",
}


def change_actions(user: User, deployment: Deployment) -> list[str]:
    """The change form's actions ``user`` may take on ``deployment`` now, in the form's order."""
    steps = AGREEMENT.allowed(user, deployment)
    return [action for action, name in CHANGE_STEPS.items() if name in steps]


__all__ = [
    "AGREEMENT",
    "CHANGE_STEPS",
    "DISPUTE",
    "INITIAL",
    "SIGNED",
    "UNSIGNED",
    "change_actions",
    "coordinator",
    "leader",
    "leader_or_client_head",
    "party",
    "require_writable",
    "school_sip",
]
