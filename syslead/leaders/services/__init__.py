"""Writes of the system leaders area: profiles, vocabularies, designation rounds and applications,
designations, association, release days and policy, training (docs/rules.md: Designations,
Association, Capacity, Training).

Every service is keyword-only, runs in one transaction, checks who may act (``NotAllowed``), then
the fields (``ValidationError`` mapping each field to its messages), then the rules
(``RuleViolation`` naming the rule), and records an event. The web UI and the API call these, so
both show the same messages.

A package by topic, imported from here (``from syslead.leaders.services import release_set``):
``profiles``, ``vocabularies``, ``applications`` (rounds and applications), ``designations``,
``association``, ``release`` (release days and policies), ``moves`` (a leader moves school) and
``training``.
"""

from __future__ import annotations

from syslead.leaders.services._helpers import add_years, default_review_on
from syslead.leaders.services.applications import (
    allowed_next_stages,
    application_advance,
    application_eligibility,
    application_submit,
    round_create,
)
from syslead.leaders.services.association import (
    association_create,
    association_end,
    association_review_close,
    association_review_open,
)
from syslead.leaders.services.bulk import NewLeader, leaders_check_many, leaders_create_many
from syslead.leaders.services.designations import (
    REVIEW_CONTINUED,
    REVIEW_REVOKED,
    designation_create,
    designation_review_close,
    designation_review_open,
    designation_revoke,
)
from syslead.leaders.services.moves import leader_move_school
from syslead.leaders.services.pending import (
    open_rounds,
    pending_application_attach,
    public_application_submit,
    school_find,
)
from syslead.leaders.services.profiles import (
    COORDINATOR_FIELDS,
    PROFILE_FIELDS,
    leader_create,
    leader_declare_no_longer_meets_criteria,
    leader_set_publication,
    leader_update,
)
from syslead.leaders.services.release import capacity_policy_set, release_set
from syslead.leaders.services.training import attendance_record, training_event_create
from syslead.leaders.services.training_network import (
    InvitationsSent,
    lle_group_officers,
    review_organisations,
    termly_review_record,
    training_feedback_give,
    training_feedback_summary,
    training_invitations_send,
    training_need_mark_met,
)
from syslead.leaders.services.vocabularies import (
    designation_type_create,
    designation_type_for_code,
    specialism_create,
)
from syslead.leaders.transitions import FINAL_STAGES

__all__ = [
    "COORDINATOR_FIELDS",
    "FINAL_STAGES",
    "PROFILE_FIELDS",
    "REVIEW_CONTINUED",
    "REVIEW_REVOKED",
    "InvitationsSent",
    "NewLeader",
    "add_years",
    "allowed_next_stages",
    "application_advance",
    "application_eligibility",
    "application_submit",
    "association_create",
    "association_end",
    "association_review_close",
    "association_review_open",
    "attendance_record",
    "capacity_policy_set",
    "default_review_on",
    "designation_create",
    "designation_review_close",
    "designation_review_open",
    "designation_revoke",
    "designation_type_create",
    "designation_type_for_code",
    "leader_create",
    "leader_declare_no_longer_meets_criteria",
    "leader_move_school",
    "leader_set_publication",
    "leader_update",
    "leaders_check_many",
    "leaders_create_many",
    "lle_group_officers",
    "open_rounds",
    "pending_application_attach",
    "public_application_submit",
    "release_set",
    "review_organisations",
    "round_create",
    "school_find",
    "specialism_create",
    "termly_review_record",
    "training_event_create",
    "training_feedback_give",
    "training_feedback_summary",
    "training_invitations_send",
    "training_need_mark_met",
]
