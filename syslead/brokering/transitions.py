"""The transition tables of a support request, an approach and a commission (docs/transitions.md;
the mechanism is ``syslead.core.transitions``). The brokering services take every step through
these tables; the request page, the sharing pages and the API ask them what a person may do now.

Who may comes from the brokering access module (``syslead.brokering.access``): a coordinator of
the request's organisation brokers it (``can_broker``), the school's headteacher may withdraw it
and chooses the leader, the leader approached answers, and the leader's own organisation decides
a commission.
"""

from __future__ import annotations

from syslead.accounts.access import (
    coordinated_organisation_ids,
    headteacher_school_urns,
    is_administrator,
)
from syslead.accounts.models import User
from syslead.brokering.access import asked_commissions, can_broker, was_asked
from syslead.brokering.models import (
    Approach,
    ApproachStatus,
    Commission,
    CommissionStatus,
    RequestStatus,
    Route,
    SupportRequest,
)
from syslead.core.transitions import TransitionTable, step

R = RequestStatus

# --- Who may -------------------------------------------------------------------------------------


def is_school_head(user: User, support_request: SupportRequest) -> bool:
    return support_request.school_id in headteacher_school_urns(user)


def may_withdraw_request(user: User, support_request: SupportRequest) -> bool:
    """The broker's coordinator or the school's headteacher."""
    return can_broker(user, support_request) or is_school_head(user, support_request)


def may_choose(user: User, support_request: SupportRequest) -> bool:
    """The school's headteacher; on the local authority route also a coordinator of the request's
    organisation, on the headteacher's behalf; an administrator."""
    return (
        is_school_head(user, support_request)
        or (support_request.route == Route.LOCAL_AUTHORITY and can_broker(user, support_request))
        or is_administrator(user)
    )


def chooses_on_behalf(user: User, support_request: SupportRequest) -> bool:
    """Whether a choice by this person is recorded as made on the headteacher's behalf."""
    return not is_school_head(user, support_request)


def may_offer_to_share(user: User, support_request: SupportRequest) -> bool:
    """A coordinator of an organisation the request's owner asked to share a leader (and who does
    not broker the request itself): they may offer one of their own leaders in answer."""
    return not can_broker(user, support_request) and bool(was_asked(user, support_request))


def is_leader_approached(user: User, approach: Approach) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and approach.leader.user_id == user.pk


def may_broker_approach(user: User, approach: Approach) -> bool:
    return can_broker(user, approach.support_request)


def may_decide_commission(user: User, commission: Commission) -> bool:
    """A coordinator of the leader's own organisation, once the request's organisation asked it
    (an administrator always)."""
    if is_administrator(user):
        return True
    return (
        commission.owning_organisation_id in coordinated_organisation_ids(user)
        and asked_commissions({commission.owning_organisation_id})
        .filter(support_request_id=commission.support_request_id)
        .exists()
    )


BROKER = "A coordinator of the request's organisation"

# --- The support request -------------------------------------------------------------------------

_OPEN_ROUND = (R.OPEN, R.SHORTLISTED, R.WAITING_LIST)
_LIVE_ROUND = (R.SHORTLISTED, R.APPROACHING, R.AWAITING_CHOICE)
_NOT_FINISHED = (*_OPEN_ROUND, R.APPROACHING, R.AWAITING_CHOICE, R.MATCHED)

REQUEST_TRANSITIONS: TransitionTable[SupportRequest] = TransitionTable(
    record="request",
    field="status",
    choices=RequestStatus,
    rule="request_state",
    transitions=[
        step(
            "shortlist",
            _OPEN_ROUND,
            R.SHORTLISTED,
            may=can_broker,
            who=BROKER,
            records="request.shortlisted",
            action="make a new shortlist",
        ),
        step(
            "add_by_judgement",
            (R.OPEN, R.WAITING_LIST),
            R.SHORTLISTED,
            may=can_broker,
            who=BROKER,
            records="request.shortlist_judgement",
            action="add to the shortlist",
        ),
        step(
            "add_by_judgement_to_list",
            _LIVE_ROUND,
            None,
            may=can_broker,
            who=BROKER,
            records="request.shortlist_judgement",
            action="add to the shortlist",
        ),
        step(
            "swap",
            _LIVE_ROUND,
            None,
            may=can_broker,
            who=BROKER,
            records="request.shortlist_swapped",
            action="change the shortlist",
        ),
        step(
            "approach",
            _LIVE_ROUND,
            None,
            may=can_broker,
            who=BROKER,
            records="request.approach_sent",
            action="approach leaders",
        ),
        step(
            "answers_awaited",
            (R.SHORTLISTED, R.AWAITING_CHOICE),
            R.APPROACHING,
            may=None,
            who="Follows an approach: someone approached is still to answer",
            records="request.status_changed",
            action="wait for answers",
        ),
        step(
            "choice_awaited",
            (R.SHORTLISTED, R.APPROACHING),
            R.AWAITING_CHOICE,
            may=None,
            who="Follows an answer: someone agreed and nobody is still to answer",
            records="request.status_changed",
            action="wait for the school's choice",
        ),
        step(
            "round_over",
            _LIVE_ROUND,
            R.OPEN,
            may=None,
            who="Follows an answer: everyone approached declined or was withdrawn",
            records="request.status_changed",
            action="open a new round",
        ),
        step(
            "choose",
            (R.APPROACHING, R.AWAITING_CHOICE),
            R.MATCHED,
            may=may_choose,
            who="The school's headteacher; on the local authority route also a coordinator of "
            "the request's organisation, on their behalf",
            records="request.leader_chosen",
            action="choose a leader",
        ),
        step(
            "name_leader",
            (R.OPEN,),
            R.APPROACHING,
            may=is_school_head,
            who="The school's headteacher, naming the leader it wants (a direct commission); for "
            "a leader named by e-mail, follows them joining Syslead",
            records="request.direct_commission",
            action="ask the leader you named",
        ),
        step(
            "name_leader_by_email",
            (R.OPEN,),
            None,
            may=is_school_head,
            who="The school's headteacher, naming by e-mail a leader not yet on Syslead",
            records="request.direct_commission",
            action="name a leader",
        ),
        step(
            "named_leader_agreed",
            (R.APPROACHING,),
            R.MATCHED,
            may=None,
            who="Follows the leader the school named agreeing (no shortlist, no choice)",
            records="request.leader_chosen",
            action="match the leader the school named",
        ),
        step(
            "record_direct_commission",
            (*_NOT_FINISHED, R.AGREED),
            None,
            may=can_broker,
            who=BROKER + " (the broker records the school's direct commission)",
            records="request.direct_commission_recorded",
            action="record the direct commission",
        ),
        step(
            "waitlist",
            (R.OPEN, R.SHORTLISTED),
            R.WAITING_LIST,
            may=can_broker,
            who=BROKER,
            records="request.waiting_list",
            action="put it on the waiting list",
        ),
        step(
            "allocate",
            (R.OPEN, R.WAITING_LIST),
            R.APPROACHING,
            may=None,
            who="Follows a coordinator approving a batch allocation that matched a leader",
            records="request.allocated",
            action="allocate a leader",
        ),
        step(
            "allocate_none",
            (R.OPEN, R.WAITING_LIST),
            R.WAITING_LIST,
            may=None,
            who="Follows a coordinator approving a batch allocation that matched nobody",
            records="request.waiting_list",
            action="put it on the waiting list",
        ),
        step(
            "ask_to_share",
            (*_OPEN_ROUND, R.APPROACHING, R.AWAITING_CHOICE),
            None,
            may=can_broker,
            who=BROKER + " (asking another organisation)",
            records="request.commission_proposed",
            action="commission a leader for it",
        ),
        step(
            "offer_to_share",
            (*_OPEN_ROUND, R.APPROACHING, R.AWAITING_CHOICE),
            None,
            may=may_offer_to_share,
            who="A coordinator of an organisation the request's owner asked",
            records="request.commission_proposed",
            action="commission a leader for it",
        ),
        step(
            "withdraw",
            _NOT_FINISHED,
            R.WITHDRAWN,
            may=may_withdraw_request,
            who=BROKER + ", or the school's headteacher",
            records="request.withdrawn",
            action="withdraw it",
        ),
        step(
            "agree",
            (*_NOT_FINISHED, R.AGREED),
            R.AGREED,
            may=None,
            who="Follows a deployment agreement being made for the request",
            records="request.agreed",
            action="make an agreement for it",
        ),
        step(
            "agreement_cancelled",
            (R.AGREED,),
            R.MATCHED,
            may=None,
            who="Follows its last agreement being cancelled, when a leader was chosen",
            records="request.agreement_cancelled",
            action="cancel its agreement",
        ),
        step(
            "agreement_cancelled_unmatched",
            (R.AGREED,),
            R.OPEN,
            may=None,
            who="Follows its last agreement being cancelled, when no leader was chosen",
            records="request.agreement_cancelled",
            action="cancel its agreement",
        ),
    ],
)

#: Requests that may still be shortlisted (a new round) or wait-listed (for queryset filters).
SHORTLISTABLE_STATUSES = REQUEST_TRANSITIONS["shortlist"].sources
#: Requests a batch allocation considers.
ALLOCATABLE_STATUSES = REQUEST_TRANSITIONS["allocate"].sources
#: Requests an agreement may be made for.
AGREEABLE_STATUSES = REQUEST_TRANSITIONS["agree"].sources

# --- The approach --------------------------------------------------------------------------------

A = ApproachStatus

APPROACH_TRANSITIONS: TransitionTable[Approach] = TransitionTable(
    record="approach",
    field="status",
    choices=ApproachStatus,
    rule="approach_state",
    transitions=[
        step(
            "accept",
            (A.PENDING,),
            A.ACCEPTED,
            may=is_leader_approached,
            who="The leader approached",
            records="request.approach_accepted",
            action="agree provisionally",
        ),
        step(
            "decline",
            (A.PENDING,),
            A.DECLINED,
            may=is_leader_approached,
            who="The leader approached",
            records="request.approach_declined",
            action="decline",
        ),
        step(
            "withdraw",
            (A.PENDING, A.ACCEPTED),
            A.WITHDRAWN,
            may=may_broker_approach,
            who=BROKER,
            records="request.approach_withdrawn",
            action="withdraw it",
        ),
        step(
            "expire",
            (A.PENDING,),
            A.WITHDRAWN,
            may=may_broker_approach,
            who=BROKER + ", once it has had no answer for five school days",
            records="request.approach_withdrawn",
            action="withdraw it as expired",
        ),
        step(
            "chosen",
            (A.ACCEPTED,),
            A.CHOSEN,
            may=None,
            who="Follows the school choosing this leader, or the leader it named agreeing",
            records="request.leader_chosen",
            action="choose this leader",
        ),
        step(
            "not_chosen",
            (A.ACCEPTED,),
            A.NOT_CHOSEN,
            may=None,
            who="Follows the school choosing another leader",
            records="request.leader_chosen",
            action="choose another leader",
        ),
        step(
            "unanswered_at_choice",
            (A.PENDING,),
            A.WITHDRAWN,
            may=None,
            who="Follows the school choosing another leader before this one answered",
            records="request.leader_chosen",
            action="choose another leader",
        ),
        step(
            "withdrawn_with_request",
            (A.PENDING, A.ACCEPTED),
            A.WITHDRAWN,
            may=None,
            who="Follows the request being withdrawn",
            records="request.withdrawn",
            action="withdraw the request",
        ),
    ],
)

#: Approaches still in play: waiting for an answer, or provisionally agreed.
OPEN_APPROACH_STATUSES = APPROACH_TRANSITIONS["withdraw"].sources

# --- The commission ------------------------------------------------------------------------------

C = CommissionStatus

COMMISSION_TRANSITIONS: TransitionTable[Commission] = TransitionTable(
    record="commission",
    field="status",
    choices=CommissionStatus,
    rule="commission_state",
    transitions=[
        step(
            "approve",
            (C.PROPOSED,),
            C.APPROVED,
            may=may_decide_commission,
            who="A coordinator of the leader's own organisation, once asked",
            records="request.commission_approved",
            action="agree to share the leader",
        ),
        step(
            "refuse",
            (C.PROPOSED,),
            C.REFUSED,
            may=may_decide_commission,
            who="A coordinator of the leader's own organisation, once asked (with a note)",
            records="request.commission_refused",
            action="refuse to share the leader",
        ),
    ],
)

#: Commissions not refused: proposed or approved (one per leader and request).
LIVE_COMMISSION_STATUSES = frozenset({str(C.PROPOSED), str(C.APPROVED)})

__all__ = [
    "AGREEABLE_STATUSES",
    "ALLOCATABLE_STATUSES",
    "APPROACH_TRANSITIONS",
    "COMMISSION_TRANSITIONS",
    "LIVE_COMMISSION_STATUSES",
    "OPEN_APPROACH_STATUSES",
    "REQUEST_TRANSITIONS",
    "SHORTLISTABLE_STATUSES",
    "chooses_on_behalf",
    "may_choose",
]
