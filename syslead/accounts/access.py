"""Who may see and do what: the role checks every view, endpoint and selector uses."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.contrib.auth.models import AnonymousUser

from syslead.accounts.models import GOVERNOR_ROLES, Role, RoleAssignment, User


class _Held(NamedTuple):
    """A role the user holds, as every check reads it (no related record is needed)."""

    role: str
    organisation_id: int | None
    school_id: int | None


def _assignments(user: User) -> list[_Held]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_syslead_roles", None)
    if cached is None:
        cached = [
            _Held(*row)
            for row in RoleAssignment.objects.filter(user=user)
            # Unordered, and the three columns only: building the SQL of a read costs more than
            # running it, the more so the more columns it selects (syslead/core/queries.py);
            # every caller reads the roles as a set.
            .order_by()
            .values_list("role", "organisation_id", "school_id")
        ]
        user._syslead_roles = cached
    return cached


def forget_roles(user: User) -> None:
    """Drop the per-request cache after roles change."""
    if hasattr(user, "_syslead_roles"):
        del user._syslead_roles


def is_administrator(user: User | AnonymousUser | None) -> bool:
    if not isinstance(user, User):  # nobody, or nobody signed in
        return False
    return bool(user.is_superuser) or any(a.role == Role.ADMINISTRATOR for a in _assignments(user))


def roles_of(user: User) -> set[str]:
    roles = {a.role for a in _assignments(user)}
    if getattr(user, "is_superuser", False):
        roles.add(Role.ADMINISTRATOR)
    return roles


def has_role(user: User, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def organisation_ids_for(user: User, roles: Iterable[str] | None = None) -> set[int]:
    """Organisations in which the user holds one of ``roles`` (any organisation role if None)."""
    wanted = set(roles) if roles is not None else None
    return {
        a.organisation_id
        for a in _assignments(user)
        if a.organisation_id is not None and (wanted is None or a.role in wanted)
    }


def coordinated_organisation_ids(user: User) -> set[int]:
    return organisation_ids_for(user, [Role.COORDINATOR])


def broker_organisation_ids(user: User) -> set[int]:
    """Organisations whose brokering work the user may read (coordinators and broker leads)."""
    return organisation_ids_for(user, [Role.COORDINATOR, Role.BROKER_LEAD])


def headteacher_school_urns(user: User) -> set[int]:
    return {
        a.school_id
        for a in _assignments(user)
        if a.role == Role.HEADTEACHER and a.school_id is not None
    }


def governor_school_urns(user: User) -> set[int]:
    """Schools on whose governing body the user sits (chair or governor; docs/rules.md, "The
    governing body")."""
    return {
        a.school_id
        for a in _assignments(user)
        if a.role in GOVERNOR_ROLES and a.school_id is not None
    }


def chair_school_urns(user: User) -> set[int]:
    """Schools whose governing body the user chairs."""
    return {
        a.school_id
        for a in _assignments(user)
        if a.role == Role.CHAIR_OF_GOVERNORS and a.school_id is not None
    }


def can_coordinate(user: User, organisation_id: int | None) -> bool:
    return is_administrator(user) or (
        organisation_id is not None and organisation_id in coordinated_organisation_ids(user)
    )


def primary_role(user: User) -> str | None:
    """The role whose home page the user sees first."""
    order = [
        Role.ADMINISTRATOR,
        Role.COORDINATOR,
        Role.BROKER_LEAD,
        Role.SIP,
        Role.SYSTEM_LEADER,
        Role.HEADTEACHER,
        Role.CHAIR_OF_GOVERNORS,
        Role.GOVERNOR,
    ]
    roles = roles_of(user)
    for role in order:
        if role in roles:
            return str(role)
    return None
