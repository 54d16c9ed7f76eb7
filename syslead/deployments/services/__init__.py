"""Writes of the deployments area: the four-party agreement, its changes and packages.

Every service is typed and keyword-only, runs in one transaction, checks who may act
(``NotAllowed``, 403), validates fields (``ValidationError``, 422), enforces rules
(``RuleViolation``, 409, with ``rule`` naming it) and writes an event on the agreement, which
``selectors.deployment_timeline`` reads back. Completed, ended-early, cancelled and superseded
agreements are read-only: every write refuses them with ``rule="read_only"``.

Closing together (``services.closing``): the leader's statement, both sign-offs and the decision on
further support come before a coordinator completes the agreement; disputes are raised by anyone
who sees it and resolved by the broker.

Statuses: draft (made on the pages; sent for signature by a coordinator, after the school's named
SIP agrees on the local authority route) → awaiting signatures → active ⇄ paused → completed,
ended early or cancelled (before active); an amended agreement is superseded by its next version.
"""

from __future__ import annotations

from syslead.deployments.services.agreements import (
    deployment_cancel,
    deployment_complete,
    deployment_create,
    deployment_sign,
    deployment_sign_for_chair,
    deployment_sign_on_paper,
    deployment_update,
)
from syslead.deployments.services.changes import (
    carried_over,
    deployment_amend,
    deployment_end_early,
    deployment_pause,
    deployment_record_change,
    deployment_replace_leader,
    deployment_report_unavailable,
    deployment_request_exit,
    deployment_resume,
)
from syslead.deployments.services.closing import (
    deployment_decide_further_support,
    deployment_sign_off,
    deployment_state_delivery,
    dispute_raise,
    dispute_resolve,
)
from syslead.deployments.services.packages import (
    MemberDays,
    deployment_add_to_package,
    package_create,
    package_proposal_confirm,
    package_proposal_return,
    package_propose,
    package_set_lead,
)
from syslead.deployments.services.sending import (
    deployment_prepare_invitation,
    deployment_send_for_signature,
    deployment_sip_agree,
    deployment_sip_request_changes,
)
from syslead.deployments.terms import DETAIL_FIELDS, OBJECTIVE_FIELDS

__all__ = [
    "DETAIL_FIELDS",
    "OBJECTIVE_FIELDS",
    "MemberDays",
    "carried_over",
    "deployment_add_to_package",
    "deployment_amend",
    "deployment_cancel",
    "deployment_complete",
    "deployment_create",
    "deployment_decide_further_support",
    "deployment_end_early",
    "deployment_pause",
    "deployment_prepare_invitation",
    "deployment_record_change",
    "deployment_replace_leader",
    "deployment_report_unavailable",
    "deployment_request_exit",
    "deployment_resume",
    "deployment_send_for_signature",
    "deployment_sign",
    "deployment_sign_for_chair",
    "deployment_sign_off",
    "deployment_sign_on_paper",
    "deployment_sip_agree",
    "deployment_sip_request_changes",
    "deployment_state_delivery",
    "deployment_update",
    "dispute_raise",
    "dispute_resolve",
    "package_create",
    "package_proposal_confirm",
    "package_proposal_return",
    "package_propose",
    "package_set_lead",
]
