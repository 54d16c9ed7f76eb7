"""Reads of the system leaders area that views, endpoints and other areas reuse.

Access: ``leader_for_user`` (and the ``*_for_user`` helpers for designations, associations, rounds,
applications and training events) return 404 to anyone who may not see the record. Who may see a
leader: an administrator; the leader; the home school's headteacher; coordinators, broker leads and
SIPs of an organisation the leader is or was associated with, was designated by, applied to, or
that created the profile; and, read-only, those of an organisation another broker shared the leader
with (an approved commission to one of its requests; ``shared_by``).

A package by topic, imported from here: ``access``, ``flags`` and ``directory``.
"""

from __future__ import annotations

from syslead.leaders.selectors.access import (
    application_for_user,
    association_for_user,
    designation_for_user,
    designation_types_for,
    leader_for_user,
    leader_phases,
    leader_specialism_codes,
    leaders_visible_to,
    round_for_user,
    rounds_visible_to,
    shared_by,
    specialisms_for,
    training_event_for_delegate,
    training_event_for_user,
    training_need_for_user,
)
from syslead.leaders.selectors.directory import (
    CodeLabel,
    DirectoryDesignation,
    DirectoryResults,
    DirectoryRow,
    PublicFilters,
    PublicProfile,
    directory_search,
    public_directory,
)
from syslead.leaders.selectors.flags import (
    is_deployable,
    leader_flags,
    leader_with_related,
    leaders_deployable,
    missed_annual_lle_training,
    not_deployable_reasons,
)
from syslead.leaders.selectors.training_frequency import (
    FrequencyAttention,
    FrequencyFlag,
    frequency_attention,
    training_frequency_flags,
)

__all__ = [
    "CodeLabel",
    "DirectoryDesignation",
    "DirectoryResults",
    "DirectoryRow",
    "FrequencyAttention",
    "FrequencyFlag",
    "PublicFilters",
    "PublicProfile",
    "application_for_user",
    "association_for_user",
    "designation_for_user",
    "designation_types_for",
    "directory_search",
    "frequency_attention",
    "is_deployable",
    "leader_flags",
    "leader_for_user",
    "leader_phases",
    "leader_specialism_codes",
    "leader_with_related",
    "leaders_deployable",
    "leaders_visible_to",
    "missed_annual_lle_training",
    "not_deployable_reasons",
    "public_directory",
    "round_for_user",
    "rounds_visible_to",
    "shared_by",
    "specialisms_for",
    "training_event_for_delegate",
    "training_event_for_user",
    "training_frequency_flags",
    "training_need_for_user",
]
