"""Who may see and who may change a system leader and the records about them: the leaders area's
one access rule. Views, endpoints, selectors, services and the templates' offered actions call
it; ``leaders.selectors`` and ``leaders.permissions`` re-export the names other modules import.

Seeing (else 404): an administrator; the leader; the home school's headteacher; coordinators,
broker leads and SIPs of an organisation the leader is or was associated with, was designated
by, applied to, that added the leader or that lists them in its public directory; and,
read-only, those of an organisation another broker shared the leader with (an approved
commission to one of its requests: ``shared_by``). Each ``*_for_user`` helper answers 404 to
anyone who may not see the record, and every write resolves the leader through it first, so a
leader the caller cannot see is 404 whatever the request names.

Changing (else 403, to someone who may see the leader): looks only at the organisations concerned
with the leader now, its live associations, live designations and the organisation whose
coordinator created the profile (``leader_organisation_ids``). Coordinators of those organisations
manage the leader; the leader edits the descriptive parts of their own profile; the leader or a
coordinator managing them records a move to another school; the home school's
headteacher or a coordinator of an organisation the leader is associated with sets the days
released; the leader, their home headteacher, and coordinators and broker leads of their
organisations read capacity. A leader the caller cannot see joins the caller's organisation only
with the leader's consent, never by a coordinator naming their organisation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404

from syslead.accounts.access import (
    broker_organisation_ids,
    coordinated_organisation_ids,
    headteacher_school_urns,
    is_administrator,
    organisation_ids_for,
)
from syslead.accounts.models import Role, User
from syslead.brokering.models import FINISHED_STATUSES, Commission, CommissionStatus
from syslead.leaders.constants import LIVE_DESIGNATION_STATUSES
from syslead.leaders.models import (
    Association,
    Designation,
    DesignationApplication,
    DesignationRound,
    DirectoryListing,
    LeaderProfile,
    TrainingEvent,
    TrainingNeed,
)
from syslead.organisations.models import Organisation

#: Organisation roles that may see the leaders of their organisation.
LEADER_READER_ROLES = (Role.COORDINATOR, Role.BROKER_LEAD, Role.SIP)


def _own_condition(user: User, org_ids: set[int]) -> Q:
    """The leaders the user sees by right of their own: their own profile, the home school's
    headteacher, and the leaders of the given organisations (the user's reader organisations)."""
    condition = Q(user_id=user.pk)
    urns = headteacher_school_urns(user)
    if urns:
        condition |= Q(home_school_id__in=urns)
    if org_ids:
        condition |= (
            Q(created_by_organisation_id__in=org_ids)
            | Q(pk__in=Association.objects.filter(organisation_id__in=org_ids).values("leader_id"))
            | Q(pk__in=Designation.objects.filter(organisation_id__in=org_ids).values("leader_id"))
            | Q(
                pk__in=DesignationApplication.objects.filter(
                    round__organisation_id__in=org_ids
                ).values("leader_id")
            )
            | Q(
                pk__in=DirectoryListing.objects.filter(organisation_id__in=org_ids).values(
                    "leader_id"
                )
            )
        )
    return condition


#: A request in one of these states is over: what was shared for it is no longer shared, unless
#: the shared leader is the one the school chose (they work there under the agreement).
_SHARING_ENDS_WITH = FINISHED_STATUSES


def approved_commissions_to(organisation_ids: Iterable[int] | None) -> QuerySet[Commission]:
    """The commissions through which other brokers share leaders with the given organisations
    (``None``: every organisation): approved by the owning organisation, for a request of one of
    them that is still being brokered, or that ended with the shared leader chosen. A proposed or
    refused commission shares nothing; a withdrawn or closed request, or one agreed with another
    leader, no longer does."""
    commissions = Commission.objects.filter(status=CommissionStatus.APPROVED)
    if organisation_ids is not None:
        commissions = commissions.filter(
            support_request__organisation_id__in=list(organisation_ids)
        )
    return commissions.filter(
        ~Q(support_request__status__in=_SHARING_ENDS_WITH)
        | Q(support_request__chosen_leader_id=F("leader_id"))
    )


def leaders_visible_to(user: User) -> QuerySet[LeaderProfile]:
    """Every leader the user may see (see the module's docstring), without duplicates: those seen
    by right of the user's own and, for coordinators, broker leads and SIPs, those shared with
    their organisations through an approved commission (read-only: see ``shared_by``)."""
    if is_administrator(user):
        return LeaderProfile.objects.all()
    if not getattr(user, "is_authenticated", False):
        return LeaderProfile.objects.none()
    org_ids = organisation_ids_for(user, LEADER_READER_ROLES)
    condition = _own_condition(user, org_ids)
    if org_ids:
        condition |= Q(pk__in=approved_commissions_to(org_ids).values("leader_id"))
    return LeaderProfile.objects.filter(condition)


def shared_by(user: User, leader: LeaderProfile) -> tuple[str, ...]:
    """The organisations (names, in order) that shared the leader with the user's organisations,
    when the user sees the leader only because it was shared: the page is then read-only for them.
    Empty when the user sees the leader by right of their own (an administrator always does) or
    not at all. Two queries at most."""
    if is_administrator(user) or not getattr(user, "is_authenticated", False):
        return ()
    org_ids = organisation_ids_for(user, LEADER_READER_ROLES)
    if not org_ids:
        return ()
    if LeaderProfile.objects.filter(_own_condition(user, org_ids), pk=leader.pk).exists():
        return ()
    return tuple(
        approved_commissions_to(org_ids)
        .filter(leader_id=leader.pk)
        .order_by("owning_organisation__name")
        .values_list("owning_organisation__name", flat=True)
        .distinct()
    )


def _get_or_404(queryset: QuerySet[Any], pk: Any, what: str) -> Any:
    try:
        return queryset.get(pk=int(pk))
    except (ValueError, TypeError, queryset.model.DoesNotExist):
        raise Http404(f"No {what} with id {pk}.") from None


def leader_for_user(user: User, leader_id: int | str) -> LeaderProfile:
    """One leader the user may see, or 404 (unknown and invisible alike)."""
    return _get_or_404(
        leaders_visible_to(user).select_related("user", "home_school", "created_by_organisation"),
        leader_id,
        "system leader",
    )


def designation_for_user(user: User, designation_id: int | str) -> Designation:
    """One designation of a leader the user may see, or 404."""
    return _get_or_404(
        Designation.objects.filter(leader__in=leaders_visible_to(user)).select_related(
            "leader__user", "leader__home_school", "type", "organisation"
        ),
        designation_id,
        "designation",
    )


def association_for_user(user: User, association_id: int | str) -> Association:
    """One association of a leader the user may see, or 404."""
    return _get_or_404(
        Association.objects.filter(leader__in=leaders_visible_to(user)).select_related(
            "leader__user", "leader__home_school", "organisation"
        ),
        association_id,
        "association",
    )


def rounds_visible_to(user: User) -> QuerySet[DesignationRound]:
    """Designation rounds the user may see: their organisations' rounds (a leader sees the rounds
    they applied to)."""
    if is_administrator(user):
        return DesignationRound.objects.all()
    if not getattr(user, "is_authenticated", False):
        return DesignationRound.objects.none()
    return DesignationRound.objects.filter(
        Q(organisation_id__in=organisation_ids_for(user, LEADER_READER_ROLES))
        | Q(applications__leader__user_id=user.pk)
    ).distinct()


def round_for_user(user: User, round_id: int | str) -> DesignationRound:
    return _get_or_404(
        rounds_visible_to(user).select_related("organisation", "designation_type"),
        round_id,
        "designation round",
    )


def application_for_user(user: User, application_id: int | str) -> DesignationApplication:
    """An application the user may see: the applicant's own, or one to their organisation's
    round."""
    if is_administrator(user):
        queryset = DesignationApplication.objects.all()
    elif not getattr(user, "is_authenticated", False):
        queryset = DesignationApplication.objects.none()
    else:
        queryset = DesignationApplication.objects.filter(
            Q(leader__user_id=user.pk)
            | Q(round__organisation_id__in=organisation_ids_for(user, LEADER_READER_ROLES))
        )
    return _get_or_404(
        queryset.select_related(
            "leader__user", "leader__home_school", "round__organisation", "round__designation_type"
        ),
        application_id,
        "application",
    )


def training_event_for_user(user: User, event_id: int | str) -> TrainingEvent:
    """A training event of one of the user's organisations, or 404."""
    if is_administrator(user):
        queryset = TrainingEvent.objects.all()
    else:
        queryset = TrainingEvent.objects.filter(
            organisation_id__in=organisation_ids_for(user, LEADER_READER_ROLES)
        )
    return _get_or_404(queryset.select_related("organisation"), event_id, "training event")


def training_event_for_delegate(user: User, event_id: int | str) -> TrainingEvent:
    """A training event the user was invited to, or is on the register of as a leader, or 404:
    what a delegate sees to give feedback (docs/rules.md, "Delegates' feedback")."""
    queryset = TrainingEvent.objects.filter(
        Q(invitations__person_id=user.pk) | Q(attendances__leader__user_id=user.pk)
    ).distinct()
    return _get_or_404(queryset.select_related("organisation"), event_id, "training event")


def training_need_for_user(user: User, need_id: int | str) -> TrainingNeed:
    """A training need of a leader the user may see, or 404."""
    return _get_or_404(
        TrainingNeed.objects.filter(leader__in=leaders_visible_to(user)).select_related(
            "review__organisation", "leader__user"
        ),
        need_id,
        "training need",
    )


# --- Changing a leader ---------------------------------------------------------------------------


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


def is_the_leader(user: User, leader: LeaderProfile) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and leader.user_id == user.pk


def is_home_headteacher(user: User, leader: LeaderProfile) -> bool:
    """The headteacher of the leader's home school (the leader's employer)."""
    return leader.home_school_id in headteacher_school_urns(user)


def may_coordinate(user: User, organisation: Organisation | int | None) -> bool:
    """An administrator, or a coordinator of that organisation."""
    if is_administrator(user):
        return True
    if organisation is None:
        return False
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return org_id in coordinated_organisation_ids(user)


def may_list_in_directory(user: User, organisation: Organisation) -> bool:
    """List a leader who has no broker in the organisation's public directory (docs/rules.md,
    "Association"): a coordinator of the organisation (the leader resolved first through
    ``leader_for_user``, so one the coordinator sees), or an administrator."""
    return may_coordinate(user, organisation)


def may_create_leaders(user: User) -> bool:
    """Add system leaders: an administrator, or a coordinator of any organisation (the leader is
    then the concern of the coordinator's organisation)."""
    return is_administrator(user) or bool(coordinated_organisation_ids(user))


def may_manage_leader(user: User, leader: LeaderProfile) -> bool:
    """Create or edit the leader as a coordinator: an administrator, or a coordinator of an
    organisation concerned with the leader."""
    return is_administrator(user) or bool(
        coordinated_organisation_ids(user) & leader_organisation_ids(leader)
    )


def may_edit_profile(user: User, leader: LeaderProfile) -> bool:
    """Edit the descriptive parts of the profile: the leader themselves, or a coordinator who may
    manage the leader."""
    return is_the_leader(user, leader) or may_manage_leader(user, leader)


def may_move_school(user: User, leader: LeaderProfile) -> bool:
    """Record that the leader moved school (docs/rules.md, "A leader moves school"): the leader
    themselves, or a coordinator of an organisation concerned with the leader (their broker), or
    an administrator. A coordinator who only sees the leader through a commission may not."""
    return is_the_leader(user, leader) or may_manage_leader(user, leader)


def may_set_release(user: User, leader: LeaderProfile) -> bool:
    """Set the days released: the home school's headteacher, or a coordinator of an organisation
    the leader is associated with."""
    return (
        is_administrator(user)
        or is_home_headteacher(user, leader)
        or bool(coordinated_organisation_ids(user) & associated_organisation_ids(leader))
    )


def may_read_capacity(user: User, leader: LeaderProfile) -> bool:
    """Read the capacity ledger: the leader, their home headteacher, and coordinators and broker
    leads of their organisations."""
    return (
        is_administrator(user)
        or is_the_leader(user, leader)
        or is_home_headteacher(user, leader)
        or bool(broker_organisation_ids(user) & leader_organisation_ids(leader))
    )
