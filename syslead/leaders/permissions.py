"""Who may do what to a system leader (api-v1.md, "Who may do what"). Services call these before
writing; views and endpoints first fetch the leader through ``selectors.leader_for_user`` (404 to
anyone who may not see it), so a refusal here is a 403 to someone who may see the leader.

"The organisations concerned" with a leader are those it is live-associated with, those holding a
live designation of it, and the organisation whose coordinator created the profile.
"""

from __future__ import annotations

from typing import Any

from syslead.accounts.access import (
    broker_organisation_ids,
    coordinated_organisation_ids,
    headteacher_school_urns,
    is_administrator,
)
from syslead.leaders.constants import LIVE_DESIGNATION_STATUSES
from syslead.leaders.models import Association, Designation, LeaderProfile
from syslead.organisations.models import Organisation


def leader_organisation_ids(leader: LeaderProfile) -> set[int]:
    """The organisations concerned with the leader now (see the module's docstring)."""
    ids = set(
        Association.objects.filter(leader=leader, is_live=True).values_list(
            "organisation_id", flat=True
        )
    )
    ids |= {
        org_id
        for org_id in Designation.objects.filter(
            leader=leader, status__in=LIVE_DESIGNATION_STATUSES
        ).values_list("organisation_id", flat=True)
        if org_id is not None
    }
    if leader.created_by_organisation_id is not None:
        ids.add(leader.created_by_organisation_id)
    return ids


def associated_organisation_ids(leader: LeaderProfile) -> set[int]:
    """The organisations the leader is associated with now."""
    return set(
        Association.objects.filter(leader=leader, is_live=True).values_list(
            "organisation_id", flat=True
        )
    )


def is_the_leader(user: Any, leader: LeaderProfile) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and leader.user_id == user.pk


def is_home_headteacher(user: Any, leader: LeaderProfile) -> bool:
    """The headteacher of the leader's home school (the leader's employer)."""
    return leader.home_school_id in headteacher_school_urns(user)


def may_coordinate(user: Any, organisation: Organisation | int | None) -> bool:
    """An administrator, or a coordinator of that organisation."""
    if is_administrator(user):
        return True
    if organisation is None:
        return False
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return org_id in coordinated_organisation_ids(user)


def may_create_leaders(user: Any) -> bool:
    """Add system leaders: an administrator, or a coordinator of any organisation (the leader is
    then the concern of the coordinator's organisation)."""
    return is_administrator(user) or bool(coordinated_organisation_ids(user))


def may_manage_leader(user: Any, leader: LeaderProfile) -> bool:
    """Create or edit the leader as a coordinator: an administrator, or a coordinator of an
    organisation concerned with the leader."""
    return is_administrator(user) or bool(
        coordinated_organisation_ids(user) & leader_organisation_ids(leader)
    )


def may_edit_profile(user: Any, leader: LeaderProfile) -> bool:
    """Edit the descriptive parts of the profile: the leader themselves, or a coordinator who may
    manage the leader."""
    return is_the_leader(user, leader) or may_manage_leader(user, leader)


def may_set_release(user: Any, leader: LeaderProfile) -> bool:
    """Set the days released: the home school's headteacher, or a coordinator of an organisation
    the leader is associated with."""
    return (
        is_administrator(user)
        or is_home_headteacher(user, leader)
        or bool(coordinated_organisation_ids(user) & associated_organisation_ids(leader))
    )


def may_read_capacity(user: Any, leader: LeaderProfile) -> bool:
    """Read the capacity ledger: the leader, their home headteacher, and coordinators and broker
    leads of their organisations."""
    return (
        is_administrator(user)
        or is_the_leader(user, leader)
        or is_home_headteacher(user, leader)
        or bool(broker_organisation_ids(user) & leader_organisation_ids(leader))
    )
