"""Who may see and act on quality assurance: the quality app's one access rule (samples, QA checks
and annual performance feedback). Services, views and templates' offered actions call it;
``quality.services`` re-exports the names.

- A broker's termly sample of notes of visit and its QA checks, and the performance feedback it
  writes: read by its coordinators and broker leads; drawn, checked and written by its
  coordinators (and administrators). Anyone else is refused.
- A leader reads only their own performance feedback, once shared (``feedback_for_leader``).
"""

from __future__ import annotations

from syslead.accounts.access import (
    broker_organisation_ids,
    coordinated_organisation_ids,
    is_administrator,
)
from syslead.accounts.models import User
from syslead.core.exceptions import NotAllowed

__all__ = [
    "may_coordinate_quality",
    "may_read_quality",
    "require_coordinator",
    "require_reader",
]


def may_coordinate_quality(user: User, organisation_id: int) -> bool:
    """Draw samples, record QA checks, write feedback: the organisation's coordinators."""
    return is_administrator(user) or organisation_id in coordinated_organisation_ids(user)


def may_read_quality(user: User, organisation_id: int) -> bool:
    """Coordinators and broker leads of the organisation read its samples and feedback."""
    return is_administrator(user) or organisation_id in broker_organisation_ids(user)


def require_coordinator(user: User, organisation_id: int) -> None:
    if not may_coordinate_quality(user, organisation_id):
        raise NotAllowed("Only a coordinator of the broker may do that.")


def require_reader(user: User, organisation_id: int) -> None:
    if not may_read_quality(user, organisation_id):
        raise NotAllowed("Only the broker's coordinators and leads may see that.")
