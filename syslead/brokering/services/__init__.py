"""Writes for requests and brokering: from a school's need to an agreed match.

The flow (docs/rules.md: Requests, Matching):

    request_create → shortlist_save (three leaders) → approach_send (ask each for provisional
    agreement) → approach_respond (the leader accepts or declines with a reason) →
    request_choose (the headteacher picks one of those who accepted) → a deployment agreement.

"This process will be repeated until all parties are in agreement": when every leader approached
has declined (or been withdrawn), the request is open again for another shortlist, which leaves
out those who declined. Sharing between brokers goes through ``commission_offer`` and
``commission_decide``; batch allocation's services are at the end of this module.

Every service checks who may act (``NotAllowed``, 403), validates fields (``ValidationError``,
422), enforces rules (``RuleViolation``, 409), runs in one transaction and writes an event on the
request with a readable summary, which ``selectors.request_timeline`` reads back.
"""

from __future__ import annotations

from syslead.brokering.services.allocation import (
    AllocationOutcome,
    allocation_approve,
    allocation_run_now,
    allocation_start,
    draft_match_edit,
)
from syslead.brokering.services.approaches import (
    approach_expire_and_ask_next,
    approach_respond,
    approach_send,
    approach_withdraw,
    direct_approach_record,
    request_choose,
)
from syslead.brokering.services.direct import (
    direct_commission_create,
    direct_commission_record,
)
from syslead.brokering.services.requests import (
    request_agreement_cancelled,
    request_create,
    request_mark_agreed,
    request_require_agreeable,
    request_waitlist,
    request_withdraw,
)
from syslead.brokering.services.sharing import (
    WEIGHT_FIELDS,
    commission_decide,
    commission_offer,
    matching_weights_set,
)
from syslead.brokering.services.shortlists import (
    shortlist_add_by_judgement,
    shortlist_save,
    shortlist_swap,
)

__all__ = [
    "WEIGHT_FIELDS",
    "AllocationOutcome",
    "allocation_approve",
    "allocation_run_now",
    "allocation_start",
    "approach_expire_and_ask_next",
    "approach_respond",
    "approach_send",
    "approach_withdraw",
    "commission_decide",
    "commission_offer",
    "direct_approach_record",
    "direct_commission_create",
    "direct_commission_record",
    "draft_match_edit",
    "matching_weights_set",
    "request_agreement_cancelled",
    "request_choose",
    "request_create",
    "request_mark_agreed",
    "request_require_agreeable",
    "request_waitlist",
    "request_withdraw",
    "shortlist_add_by_judgement",
    "shortlist_save",
    "shortlist_swap",
]
