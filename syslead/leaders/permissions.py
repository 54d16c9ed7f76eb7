"""Who may do what to a system leader, re-exported from the leaders area's one access rule
(``syslead.leaders.access``): services call these before writing; views and endpoints first fetch
the leader through ``leader_for_user`` (404 to anyone who may not see it), so a refusal here is a
403 to someone who may see the leader."""

from __future__ import annotations

from syslead.leaders.access import (
    associated_organisation_ids,
    is_home_headteacher,
    is_the_leader,
    leader_organisation_ids,
    may_coordinate,
    may_create_leaders,
    may_edit_profile,
    may_manage_leader,
    may_move_school,
    may_read_capacity,
    may_set_release,
)

__all__ = [
    "associated_organisation_ids",
    "is_home_headteacher",
    "is_the_leader",
    "leader_organisation_ids",
    "may_coordinate",
    "may_create_leaders",
    "may_edit_profile",
    "may_manage_leader",
    "may_move_school",
    "may_read_capacity",
    "may_set_release",
]
