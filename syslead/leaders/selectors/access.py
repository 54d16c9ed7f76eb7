"""Who may see which leader and the records about them, re-exported from the leaders area's one
access rule (``syslead.leaders.access``), and the vocabularies a person may choose from."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from syslead.leaders.access import (
    LEADER_READER_ROLES,
    application_for_user,
    approved_commissions_to,
    association_for_user,
    designation_for_user,
    leader_for_user,
    leaders_visible_to,
    round_for_user,
    rounds_visible_to,
    shared_by,
    training_event_for_delegate,
    training_event_for_user,
    training_need_for_user,
)
from syslead.leaders.constants import PHASES
from syslead.leaders.models import DesignationType, LeaderProfile, Specialism

__all__ = [
    "LEADER_READER_ROLES",
    "application_for_user",
    "approved_commissions_to",
    "association_for_user",
    "designation_for_user",
    "designation_types_for",
    "leader_for_user",
    "leader_phases",
    "leader_specialism_codes",
    "leaders_visible_to",
    "round_for_user",
    "rounds_visible_to",
    "shared_by",
    "specialisms_for",
    "training_event_for_delegate",
    "training_event_for_user",
    "training_need_for_user",
]


# Vocabularies


def specialisms_for(organisation_ids: Iterable[int] | None = ()) -> QuerySet[Specialism]:
    """The built-in specialisms and those the given organisations added (``None``: every
    organisation's, as an administrator chooses among)."""
    if organisation_ids is None:
        return Specialism.objects.order_by("label")
    return Specialism.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=list(organisation_ids))
    ).order_by("label")


def designation_types_for(
    organisation_ids: Iterable[int] | None = (),
) -> QuerySet[DesignationType]:
    """The built-in designation types and those the given organisations defined (``None``: every
    organisation's)."""
    if organisation_ids is None:
        return DesignationType.objects.order_by("code")
    return DesignationType.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=list(organisation_ids))
    ).order_by("code")


def leader_phases(leader: LeaderProfile) -> list[str]:
    """The phase codes the leader supports, in the contract's order."""
    have = {row.phase for row in leader.phase_rows.all()}
    return [code for code in PHASES if code in have]


def leader_specialism_codes(leader: LeaderProfile) -> list[str]:
    return sorted(s.code for s in leader.specialisms.all())
