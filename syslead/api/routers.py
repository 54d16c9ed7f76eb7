"""Every area's router, mounted on the API in this order."""

from __future__ import annotations

from ninja import Router

from syslead.api.endpoints import (
    alliances,
    brokering,
    deployments,
    evaluation,
    imports,
    invitations,
    leaders,
    organisations,
    reports,
    schools,
    users,
    visits,
)

ROUTERS: list[tuple[str, Router]] = [
    ("", organisations.router),
    ("", users.router),
    ("", schools.router),
    ("", leaders.router),
    ("", brokering.router),
    ("", deployments.router),
    ("", deployments.charging_router),
    ("", reports.router),
    ("", visits.router),
    ("", evaluation.router),
    ("", alliances.router),
    ("", invitations.router),
    ("", imports.router),
]
