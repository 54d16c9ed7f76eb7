"""The main navigation, by role. Each area adds its links here, once."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from syslead.accounts.access import has_role, is_administrator
from syslead.accounts.models import Role, User


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


_BROKER_ROLES = (Role.COORDINATOR, Role.BROKER_LEAD, Role.SIP)

#: Pages about the person themselves: shown only to holders of the role, never to an administrator
#: for the role's sake (an administrator has no leader profile of their own to open).
_OWN_ROLE_ONLY = frozenset({"leaders:my_profile", "governors:home"})

# (label, url name, who sees it: roles, or None for every signed-in person)
_LINKS: list[tuple[str, str, tuple[str, ...] | None]] = [
    ("Home", "core:home", None),
    ("System leaders", "leaders:directory", _BROKER_ROLES),
    ("My profile", "leaders:my_profile", (Role.SYSTEM_LEADER,)),
    ("Schools", "schools:search", None),
    ("Governing body", "governors:home", (Role.CHAIR_OF_GOVERNORS, Role.GOVERNOR)),
    ("Requests", "brokering:list", (*_BROKER_ROLES, Role.HEADTEACHER)),
    ("Approaches", "brokering:approaches", (Role.SYSTEM_LEADER,)),
    ("Agreements", "deployments:list", (*_BROKER_ROLES, Role.SYSTEM_LEADER, Role.HEADTEACHER)),
    ("Quality", "quality:index", (Role.COORDINATOR, Role.BROKER_LEAD)),
    ("Alliance", "alliances:index", (Role.COORDINATOR, Role.BROKER_LEAD)),
    ("KPIs", "reports:kpis", (Role.COORDINATOR, Role.BROKER_LEAD)),
    ("Term dates", "calendars:term_dates_index", (Role.COORDINATOR,)),
    ("People", "invitations:people", (Role.COORDINATOR, Role.ADMINISTRATOR)),
    ("Sign-in security", "accounts:people", (Role.ADMINISTRATOR,)),
]


def navigation_for(user: User | AnonymousUser | None, path: str) -> list[NavItem]:
    if not isinstance(user, User):  # nobody, or nobody signed in
        return []
    items: list[NavItem] = []
    for label, url_name, roles in _LINKS:
        hidden = roles is not None and not has_role(user, *roles)
        if hidden and (url_name in _OWN_ROLE_ONLY or not is_administrator(user)):
            continue
        url = reverse(url_name)
        current = path == url if url == "/" else path.startswith(url)
        items.append(NavItem(label=label, url=url, current=current))
    if is_administrator(user):
        items.append(NavItem("Admin", reverse("admin:index"), path.startswith("/admin/")))
    return items
