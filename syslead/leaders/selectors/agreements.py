"""Who has signed their broker's current agreement and code of conduct (docs/rules.md, "The
broker's agreement and code of conduct"): read by the directory, the profile, the coordinator's
home page and the brokering checks, so every place judges a signature the same way."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from syslead.accounts.models import Role, RoleAssignment, User
from syslead.leaders.models import AgreementSignature, Association, BrokerAgreement


class UnsignedAgreement(NamedTuple):
    """A live association whose broker's current agreement the leader has not signed."""

    association_id: int
    leader_id: int
    leader_name: str
    organisation_id: int
    organisation_name: str
    agreement_id: int
    version: int
    title: str


def current_agreement(organisation_id: int) -> BrokerAgreement | None:
    """The broker's current agreement: its highest version; None if it has published none."""
    return (
        BrokerAgreement.objects.filter(organisation_id=organisation_id)
        .select_related("organisation")
        .order_by("-version")
        .first()
    )


def _current_id() -> Subquery:
    return Subquery(
        BrokerAgreement.objects.filter(organisation_id=OuterRef("organisation_id"))
        .order_by("-version")
        .values("pk")[:1]
    )


def unsigned_associations(associations: QuerySet[Association]) -> QuerySet[Any]:
    """Of these associations, the live ones whose broker has published an agreement whose current
    version the leader has not signed (a signature of an earlier version does not count)."""
    return (
        associations.filter(is_live=True)
        .annotate(current_agreement_id=_current_id())
        .filter(current_agreement_id__isnull=False)
        .exclude(
            Exists(
                AgreementSignature.objects.filter(
                    agreement_id=OuterRef("current_agreement_id"), leader_id=OuterRef("leader_id")
                )
            )
        )
    )


def unsigned_agreements(associations: QuerySet[Association]) -> list[UnsignedAgreement]:
    """``unsigned_associations`` as plain rows, with the agreement's version and title (two
    queries)."""
    rows = list(
        unsigned_associations(associations)
        .order_by("organisation__name", "leader__user__name", "pk")
        .values_list(
            "pk",
            "leader_id",
            "leader__user__name",
            "leader__user__email",
            "organisation_id",
            "organisation__name",
            "current_agreement_id",
        )
    )
    if not rows:
        return []
    agreements = {
        a.pk: a
        for a in BrokerAgreement.objects.filter(pk__in={r[-1] for r in rows}).only(
            "pk", "version", "title"
        )
    }
    return [
        UnsignedAgreement(
            association_id=pk,
            leader_id=leader_id,
            leader_name=name or email,
            organisation_id=org_id,
            organisation_name=org_name,
            agreement_id=agreement_id,
            version=agreements[agreement_id].version,
            title=agreements[agreement_id].title,
        )
        for pk, leader_id, name, email, org_id, org_name, agreement_id in rows
    ]


def unsigned_by_leader(leader_ids: Iterable[int] | QuerySet[Any]) -> dict[int, tuple[str, ...]]:
    """For each of these leaders who has not signed a current agreement of a broker they are
    associated with, those brokers' names (one query)."""
    found: dict[int, list[str]] = defaultdict(list)
    for leader_id, name in (
        unsigned_associations(
            Association.objects.filter(
                leader_id__in=leader_ids if isinstance(leader_ids, QuerySet) else list(leader_ids)
            )
        )
        .order_by("organisation__name")
        .values_list("leader_id", "organisation__name")
    ):
        found[leader_id].append(name)
    return {leader_id: tuple(names) for leader_id, names in found.items()}


def unsigned_leader_ids(organisation_id: int) -> frozenset[int]:
    """The leaders associated with the broker who have not signed its current agreement: not
    deployable for it (one query; empty when the broker has published no agreement)."""
    return frozenset(
        unsigned_associations(Association.objects.filter(organisation_id=organisation_id))
        .order_by()
        .values_list("leader_id", flat=True)
    )


def broker_staff(organisation_id: int) -> QuerySet[User]:
    """The people who may be named a leader's contact at the broker: its active coordinators and
    broker leads."""
    return (
        User.objects.filter(
            is_active=True,
            pk__in=RoleAssignment.objects.filter(
                organisation_id=organisation_id, role__in=[Role.COORDINATOR, Role.BROKER_LEAD]
            ).values("user_id"),
        )
        .order_by("name", "pk")
        .distinct()
    )
