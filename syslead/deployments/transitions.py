"""The deployment agreement's transition table (docs/transitions.md: The deployment agreement).

A new agreement waits for the four signatures; the fourth makes it active. A coordinator pauses,
resumes, completes or ends it early, replaces its leader (it ends early and a new agreement
carries the days over) or amends it (it is superseded by its next version; cancelling that
version restores it). An agreement not yet signed may be cancelled. Completed, ended-early,
cancelled and superseded agreements are read-only: every action on them is refused with
``rule="read_only"`` (the table's ``refusal``), but for restoring a superseded version.

Rows whose target is ``None`` are actions that leave the status as it is but are allowed only in
some states (signing, changing the terms, asking for a managed exit).
"""

from __future__ import annotations

from typing import Any

from syslead.core.exceptions import RuleViolation
from syslead.core.transitions import TransitionTable, transition
from syslead.deployments.access import can_manage_deployment
from syslead.deployments.models import FINISHED_STATUSES, Deployment, DeploymentStatus, Party
from syslead.deployments.parties import parties_held_by

S = DeploymentStatus
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


def coordinator(user: Any, deployment: Deployment) -> bool:
    """A coordinator of the agreement's organisation, or an administrator."""
    return can_manage_deployment(user, deployment)


def signer(user: Any, deployment: Deployment) -> bool:
    """One of the four parties, or a coordinator recording a signature on paper or the chair's."""
    return bool(parties_held_by(user, deployment)) or can_manage_deployment(user, deployment)


def party(user: Any, deployment: Deployment) -> bool:
    """One of the four parties."""
    return bool(parties_held_by(user, deployment))


def leader_or_client_head(user: Any, deployment: Deployment) -> bool:
    held = parties_held_by(user, deployment)
    return Party.LEADER in held or Party.CLIENT_HEADTEACHER in held


def leader(user: Any, deployment: Deployment) -> bool:
    return Party.LEADER in parties_held_by(user, deployment)


COORDINATOR = "A coordinator of the organisation"
ONLY_COORDINATOR = "Only a coordinator of {obj.organisation.name} may %s this agreement."


def _state(action: str) -> str:
    return "The agreement is {status}: you cannot " + action + " now."


AGREEMENT: TransitionTable[Deployment] = TransitionTable(
    record="deployment agreement",
    initial=S.AWAITING_SIGNATURES,
    refusal=require_writable,
    transitions=[
        transition(
            "sign",
            [S.AWAITING_SIGNATURES],
            None,
            who=party,
            who_words="Each of the four parties, in turn",
            records="deployment.signed",
            refused=_state("sign it"),
            rule="not_awaiting_signatures",
            forbidden="Only the four parties sign the agreement: the system leader, the "
            "headteachers of the leader's school and of the supported school, and the broker "
            "lead.",
        ),
        transition(
            "sign_on_paper",
            [S.AWAITING_SIGNATURES],
            None,
            who=coordinator,
            who_words=COORDINATOR + ", for a party who signed on paper or the chair of governors",
            records="deployment.signed",
            refused=_state("record a signature"),
            rule="not_awaiting_signatures",
            forbidden=ONLY_COORDINATOR % "record a signature on",
        ),
        transition(
            "activate",
            [S.AWAITING_SIGNATURES],
            S.ACTIVE,
            who=signer,
            who_words="The fourth signature (after eligibility and capacity are checked again)",
            records="deployment.activated",
            refused=_state("sign it"),
            rule="not_awaiting_signatures",
        ),
        transition(
            "update",
            [S.AWAITING_SIGNATURES],
            None,
            who=coordinator,
            who_words=COORDINATOR,
            records="deployment.updated",
            refused=_state("change its terms"),
            rule="not_awaiting_signatures",
            forbidden=ONLY_COORDINATOR % "change",
        ),
        transition(
            "cancel",
            UNSIGNED,
            S.CANCELLED,
            who=coordinator,
            who_words=COORDINATOR,
            records="deployment.cancelled",
            refused=_state("cancel it"),
            rule="deployment_state",
            forbidden=ONLY_COORDINATOR % "cancel",
        ),
        transition(
            "pause",
            [S.ACTIVE],
            S.PAUSED,
            who=coordinator,
            who_words=COORDINATOR,
            records="deployment.paused",
            refused=_state("pause it"),
            rule="deployment_state",
            forbidden=ONLY_COORDINATOR % "pause",
        ),
        transition(
            "resume",
            [S.PAUSED],
            S.ACTIVE,
            who=coordinator,
            who_words=COORDINATOR,
            records="deployment.resumed",
            refused=_state("resume it"),
            rule="deployment_state",
            forbidden=ONLY_COORDINATOR % "resume",
        ),
        transition(
            "complete",
            SIGNED,
            S.COMPLETED,
            who=coordinator,
            who_words=COORDINATOR,
            records="deployment.completed",
            refused=_state("complete it"),
            rule="deployment_state",
            forbidden=ONLY_COORDINATOR % "complete",
        ),
        transition(
            "end_early",
            SIGNED,
            S.ENDED_EARLY,
            who=coordinator,
            who_words=COORDINATOR,
            records="deployment.ended_early",
            refused=_state("end it early (cancel it instead if it is not signed yet)"),
            rule="deployment_state",
            forbidden=ONLY_COORDINATOR % "end",
        ),
        transition(
            "replace_leader",
            SIGNED,
            S.ENDED_EARLY,
            who=coordinator,
            who_words=COORDINATOR + " (a new agreement carries over the days not delivered)",
            records="deployment.replaced",
            refused=_state("replace its leader"),
            rule="deployment_state",
            forbidden=ONLY_COORDINATOR % "re-broker",
        ),
        transition(
            "amend",
            SIGNED,
            S.SUPERSEDED,
            who=coordinator,
            who_words=COORDINATOR + " (the next version waits for the four signatures)",
            records="deployment.amended",
            refused=_state("amend it (change its terms instead while it waits for signatures)"),
            rule="deployment_state",
            forbidden=ONLY_COORDINATOR % "amend",
        ),
        transition(
            "restore",
            [S.SUPERSEDED],
            S.ACTIVE,
            who=coordinator,
            who_words=COORDINATOR + ", by cancelling the amended version",
            records="deployment.restored",
            refused=_state("restore it"),
            rule="deployment_state",
            forbidden=ONLY_COORDINATOR % "cancel the amendment of",
        ),
        transition(
            "record_change",
            [S.DRAFT, S.AWAITING_SIGNATURES, S.ACTIVE, S.PAUSED],
            None,
            who=coordinator,
            who_words=COORDINATOR,
            records="deployment.change_recorded",
            refused=_state("record a change on it"),
            rule="read_only",
            forbidden=ONLY_COORDINATOR % "record a change on",
        ),
        transition(
            "request_exit",
            SIGNED,
            None,
            who=leader_or_client_head,
            who_words="The system leader or the supported school's headteacher",
            records="deployment.exit_requested",
            refused=_state("ask for a managed exit (it has not started)"),
            rule="deployment_state",
            forbidden="Only the system leader or the headteacher of the supported school may "
            "ask for a managed exit.",
        ),
        transition(
            "report_unavailable",
            SIGNED,
            None,
            who=leader,
            who_words="The system leader",
            records="deployment.leader_unavailable",
            refused=_state("report this"),
            rule="deployment_state",
            forbidden="Only the system leader reports that they cannot provide the outreach.",
        ),
    ],
)

__all__ = [
    "AGREEMENT",
    "SIGNED",
    "UNSIGNED",
    "coordinator",
    "leader",
    "leader_or_client_head",
    "party",
    "require_writable",
    "signer",
]
