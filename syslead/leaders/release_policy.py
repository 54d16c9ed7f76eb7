"""The release policy: how many days a leader may be released a year, and the minimum an
associated LLE commits to (docs/rules.md: Capacity). The days themselves (released, committed,
delivered, invoiced, remaining) are the capacity ledger's: ``syslead.capacity.ledger``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from syslead.capacity.days import ZERO
from syslead.leaders.constants import (
    DEFAULT_MAX_RELEASE_DAYS,
    DEFAULT_MIN_LLE_DAYS,
    LIVE_DESIGNATION_STATUSES,
)
from syslead.leaders.models import Association, CapacityPolicy, Designation, LeaderProfile
from syslead.organisations.models import Organisation

# Policy: how many days may be released, and the minimum an associated LLE commits to.


@dataclass(frozen=True)
class ReleasePolicy:
    """The strictest cap among the leader's organisations, and which organisation sets it."""

    max_release_days: Decimal
    capped_by: Organisation | None
    min_lle_days: Decimal
    is_associated_lle: bool


def live_association_organisations(leader: LeaderProfile) -> list[Organisation]:
    return [
        association.organisation
        for association in Association.objects.filter(leader=leader, is_live=True)
        .select_related("organisation")
        .order_by("organisation__name")
    ]


def holds_exclusive_designation(leader: LeaderProfile) -> bool:
    """Whether the leader holds a live (active or under review) designation of an exclusive type
    (LLE)."""
    return Designation.objects.filter(
        leader=leader, status__in=LIVE_DESIGNATION_STATUSES, type__is_exclusive=True
    ).exists()


def release_policy(leader: LeaderProfile) -> ReleasePolicy:
    """The release rules for this leader: the lowest ``max_release_days`` among the organisations
    the leader is associated with (15 for an organisation without a policy row, and for a leader
    associated with none), and the highest ``min_lle_days`` among them (6 by default)."""
    organisations = live_association_organisations(leader)
    policies = {
        policy.organisation_id: policy
        for policy in CapacityPolicy.objects.filter(organisation__in=organisations)
    }
    cap, capped_by = DEFAULT_MAX_RELEASE_DAYS, None
    minimum = DEFAULT_MIN_LLE_DAYS if not organisations else ZERO
    for organisation in organisations:
        policy = policies.get(organisation.pk)
        org_cap = policy.max_release_days if policy else DEFAULT_MAX_RELEASE_DAYS
        org_min = policy.min_lle_days if policy else DEFAULT_MIN_LLE_DAYS
        if capped_by is None or org_cap < cap:
            cap, capped_by = org_cap, organisation
        minimum = max(minimum, org_min)
    return ReleasePolicy(
        max_release_days=cap,
        capped_by=capped_by,
        min_lle_days=minimum,
        is_associated_lle=bool(organisations) and holds_exclusive_designation(leader),
    )
