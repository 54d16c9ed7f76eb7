"""The note of visit's transition table (docs/transitions.md: The note of visit).

The leader records a note (it starts waiting for the supported school's headteacher to agree);
the headteacher agrees it or asks for changes; the leader revises a note not yet agreed, which
goes back to the headteacher; the leader signs off an agreed note. Agreed and signed-off notes
count as delivered days (``models.AGREED_STATUSES``).
"""

from __future__ import annotations

from syslead.accounts.models import User
from syslead.core.transitions import TransitionTable, step
from syslead.visits.access import deployment_roles
from syslead.visits.models import Visit, VisitStatus

S = VisitStatus
#: The status a new note of visit starts in.
INITIAL = S.AWAITING_AGREEMENT


def leader(user: User, visit: Visit) -> bool:
    """The deployment's system leader (or an administrator)."""
    roles = deployment_roles(user, visit.deployment)
    return roles.leader or roles.administrator


def client_head(user: User, visit: Visit) -> bool:
    """The supported school's headteacher (or an administrator)."""
    roles = deployment_roles(user, visit.deployment)
    return roles.client_head or roles.administrator


VISIT: TransitionTable[Visit] = TransitionTable(
    record="note of visit",
    field="status",
    choices=VisitStatus,
    rule="visit_state",
    transitions=[
        step(
            "revise",
            [S.AWAITING_AGREEMENT, S.CHANGES_REQUESTED],
            S.AWAITING_AGREEMENT,
            may=leader,
            who="The system leader",
            records="visit.revised",
            action="change it",
            rule="visit_already_agreed",
        ),
        step(
            "agree",
            [S.AWAITING_AGREEMENT],
            S.AGREED,
            may=client_head,
            who="The supported school's headteacher",
            records="visit.agreed",
            action="agree it",
            rule="visit_not_awaiting_agreement",
        ),
        step(
            "request_changes",
            [S.AWAITING_AGREEMENT],
            S.CHANGES_REQUESTED,
            may=client_head,
            who="The supported school's headteacher, with a comment",
            records="visit.changes_requested",
            action="ask for changes to it",
            rule="visit_not_awaiting_agreement",
        ),
        step(
            "sign_off",
            [S.AGREED],
            S.SIGNED_OFF,
            may=leader,
            who="The system leader",
            records="visit.signed_off",
            action="sign it off",
            rule="visit_not_agreed",
        ),
    ],
)

__all__ = ["INITIAL", "VISIT", "client_head", "leader"]
