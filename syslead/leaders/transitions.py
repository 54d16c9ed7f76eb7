"""The transition tables of a designation and of an application for designation
(docs/transitions.md; the mechanism is ``syslead.core.transitions``). The designation and
application services take every step through them; the leader's pages ask them what a person may
do now.

Who may comes from the leaders area's access rule (``syslead.leaders.access``): a designation by
an organisation is acted on by its coordinators (a national one by a coordinator who manages the
leader); an application is decided by the round's coordinators, and the applicant may withdraw it.
"""

from __future__ import annotations

from syslead.accounts.models import User
from syslead.core.transitions import TransitionTable, step
from syslead.leaders.access import is_the_leader, may_coordinate, may_manage_leader
from syslead.leaders.models import (
    ApplicationStage,
    Designation,
    DesignationApplication,
    DesignationStatus,
    LeaderProfile,
)

# --- Who may -------------------------------------------------------------------------------------


def may_act_on_designation(user: User, designation: Designation) -> bool:
    """A designation by an organisation: its coordinators. A national one (no organisation): a
    coordinator who manages the leader."""
    return may_act_for(user, designation.leader, designation.organisation_id)


def may_act_for(user: User, leader: LeaderProfile, organisation_id: int | None) -> bool:
    """Who may designate ``leader`` for the organisation (``None``: nationally)."""
    if organisation_id is not None:
        return may_coordinate(user, organisation_id)
    return may_manage_leader(user, leader)


def may_declare(user: User, designation: Designation) -> bool:
    """The leader, or a coordinator who manages them, recording the leader's declaration."""
    return is_the_leader(user, designation.leader) or may_manage_leader(user, designation.leader)


def may_decide_application(user: User, application: DesignationApplication) -> bool:
    return may_coordinate(user, application.round.organisation_id)


def may_withdraw_application(user: User, application: DesignationApplication) -> bool:
    leader = application.leader
    return (leader is not None and is_the_leader(user, leader)) or may_decide_application(
        user, application
    )


# --- The designation -----------------------------------------------------------------------------

D = DesignationStatus
DESIGNATORS = (
    "A coordinator of the designating organisation (a national designation: a coordinator who "
    "manages the leader)"
)

DESIGNATION_TRANSITIONS: TransitionTable[Designation] = TransitionTable(
    record="designation",
    field="status",
    choices=DesignationStatus,
    rule="designation_state",
    transitions=[
        step(
            "review",
            (D.ACTIVE,),
            D.UNDER_REVIEW,
            may=may_act_on_designation,
            who=DESIGNATORS,
            records="designation.review_opened",
            action="open a review",
        ),
        step(
            "declare",
            (D.ACTIVE,),
            D.UNDER_REVIEW,
            may=may_declare,
            who="The leader (no longer meeting the criteria), or a coordinator who manages them",
            records="designation.criteria_no_longer_met",
            action="flag it for review",
        ),
        step(
            "continue",
            (D.UNDER_REVIEW,),
            D.ACTIVE,
            may=may_act_on_designation,
            who=DESIGNATORS,
            records="designation.review_closed",
            action="close the review",
        ),
        step(
            "revoke",
            (D.ACTIVE, D.UNDER_REVIEW),
            D.REVOKED,
            may=may_act_on_designation,
            who=DESIGNATORS + ", with a reason",
            records="designation.revoked",
            action="revoke it",
        ),
    ],
)

# --- The application for designation -------------------------------------------------------------

S = ApplicationStage
_NOT_FINAL = (S.SUBMITTED, S.SHORTLISTED, S.INTERVIEWED, S.RECOMMENDED)
DECIDERS = "A coordinator of the round's organisation"

APPLICATION_TRANSITIONS: TransitionTable[DesignationApplication] = TransitionTable(
    record="application",
    field="stage",
    choices=ApplicationStage,
    rule="application_stage",
    transitions=[
        step(
            "shortlist",
            (S.SUBMITTED,),
            S.SHORTLISTED,
            may=may_decide_application,
            who=DECIDERS,
            records="application.advanced",
            action="shortlist it",
        ),
        step(
            "interview",
            (S.SHORTLISTED,),
            S.INTERVIEWED,
            may=may_decide_application,
            who=DECIDERS,
            records="application.advanced",
            action="record the interview",
        ),
        step(
            "recommend",
            (S.INTERVIEWED,),
            S.RECOMMENDED,
            may=may_decide_application,
            who=DECIDERS,
            records="application.advanced",
            action="recommend it",
        ),
        step(
            "designate",
            (S.RECOMMENDED,),
            S.DESIGNATED,
            may=may_decide_application,
            who=DECIDERS + " (the designation is made with it; a pending applicant is invited "
            "and designated on accepting)",
            records="application.advanced",
            action="designate",
        ),
        step(
            "reject",
            _NOT_FINAL,
            S.REJECTED,
            may=may_decide_application,
            who=DECIDERS + ", with the panel's feedback to the applicant",
            records="application.advanced",
            action="reject it",
        ),
        step(
            "withdraw",
            _NOT_FINAL,
            S.WITHDRAWN,
            may=may_withdraw_application,
            who="The applicant, or " + DECIDERS[0].lower() + DECIDERS[1:],
            records="application.advanced",
            action="withdraw it",
        ),
    ],
)

#: Stages an application never leaves (for filters: "applications still open").
FINAL_STAGES = frozenset({S.DESIGNATED, S.REJECTED, S.WITHDRAWN})


def application_step_to(stage: str) -> str | None:
    """The name of the step that moves an application to ``stage`` (None: no step does)."""
    return next((row.name for row in APPLICATION_TRANSITIONS if row.target == stage), None)


__all__ = [
    "APPLICATION_TRANSITIONS",
    "DESIGNATION_TRANSITIONS",
    "FINAL_STAGES",
    "application_step_to",
    "may_act_for",
    "may_act_on_designation",
]
