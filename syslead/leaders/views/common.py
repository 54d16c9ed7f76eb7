"""What the leaders pages share: who may open them, how a service's refusal shows in the form, the
capacity bar and a leader's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from syslead.accounts.access import (
    coordinated_organisation_ids,
    has_role,
    is_administrator,
    organisation_ids_for,
)
from syslead.accounts.models import Role, User
from syslead.capacity.days import number_text
from syslead.capacity.ledger import Capacity
from syslead.core.models import Event
from syslead.leaders.models import (
    Association,
    Designation,
    DesignationApplication,
    LeaderProfile,
    ReleaseAgreement,
    TrainingAttendance,
)
from syslead.leaders.selectors import shared_by
from syslead.organisations.models import Organisation

T = TypeVar("T")

#: Organisation roles that read their organisation's leaders (the directory's audience).
READER_ROLES = (Role.COORDINATOR, Role.BROKER_LEAD, Role.SIP)
RESULTS_PER_PAGE = 25
TIMELINE_LENGTH = 40


def require_reader(user: User) -> None:
    """Coordinators, broker leads, SIPs and administrators; 403 for anyone else."""
    if not (is_administrator(user) or has_role(user, *READER_ROLES)):
        raise PermissionDenied("Only coordinators, broker leads and SIPs see system leaders.")


def require_coordinator(user: User) -> None:
    if not (is_administrator(user) or coordinated_organisation_ids(user)):
        raise PermissionDenied("Only coordinators may do this.")


def refuse_shared_leader(user: User, leader: LeaderProfile) -> None:
    """403 when the user sees the leader only because another broker shared them with the user's
    organisation: a shared leader is read-only for the receiving organisation (its coordinators
    may not designate or associate them; the permission helpers refuse every other change)."""
    owners = shared_by(user, leader)
    if owners:
        raise PermissionDenied(
            f"{leader.name} is shared with you by {' and '.join(owners)}: only their coordinators "
            "may change the leader's record."
        )


def reader_organisation_ids(user: User) -> set[int]:
    if is_administrator(user):
        return set(Organisation.objects.values_list("pk", flat=True))
    return organisation_ids_for(user, READER_ROLES)


def coordinated_organisations(user: User) -> list[Organisation]:
    """The organisations the user acts for as a coordinator (every one for an administrator)."""
    if is_administrator(user):
        return list(Organisation.objects.order_by("name"))
    return list(Organisation.objects.filter(pk__in=coordinated_organisation_ids(user)))


#: The days a full capacity bar stands for, so bars side by side compare: the highest cap an
#: organisation normally sets ("normally not more than 20" in an LA's policy).
BAR_SCALE_DAYS = Decimal("20")


@dataclass(frozen=True)
class CapacityBar:
    """A leader's year at a glance, on a common scale: delivered within committed within
    released (a larger release than the scale stretches the scale)."""

    capacity: Capacity
    scale: Decimal = BAR_SCALE_DAYS

    def _share(self, days: Decimal) -> int:
        scale = max(self.scale, self.capacity.released, self.capacity.committed)
        if scale <= 0:
            return 0
        return int(min(Decimal(100), max(Decimal(0), days) * 100 / scale))

    @property
    def delivered_percent(self) -> int:
        return self._share(self.capacity.delivered)

    @property
    def committed_percent(self) -> int:
        """The committed days not yet delivered."""
        return max(0, self._share(self.capacity.committed) - self.delivered_percent)

    @property
    def free_percent(self) -> int:
        """The released days not yet committed."""
        used = self.delivered_percent + self.committed_percent
        return max(0, self._share(self.capacity.released) - used)

    @property
    def words(self) -> str:
        c = self.capacity
        return (
            f"{number_text(c.released)} days released, {number_text(c.committed)} "
            f"committed, {number_text(c.delivered)} delivered, {number_text(c.remaining)} "
            f"remaining in {c.academic_year}"
        )


def leader_timeline(leader: LeaderProfile, limit: int = TIMELINE_LENGTH) -> list[Event]:
    """The latest events about the leader and their designations, applications, associations,
    release agreements and training attendance, newest first."""
    subjects: dict[type[Any], list[int]] = {
        LeaderProfile: [leader.pk],
        Designation: list(leader.designations.values_list("pk", flat=True)),
        DesignationApplication: list(leader.applications.values_list("pk", flat=True)),
        Association: list(leader.associations.values_list("pk", flat=True)),
        ReleaseAgreement: list(leader.releases.values_list("pk", flat=True)),
        TrainingAttendance: list(leader.training_attendances.values_list("pk", flat=True)),
    }
    types = ContentType.objects.get_for_models(*subjects)
    condition = Q()
    for model, ids in subjects.items():
        if ids:
            condition |= Q(subject_type=types[model], subject_id__in=[str(i) for i in ids])
    return list(
        Event.objects.filter(condition)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
