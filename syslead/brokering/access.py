"""Who may see a support request, its commissions and its timeline: the brokering area's one access
rule. Views, endpoints, selectors and services call it; ``syslead.brokering.selectors`` re-exports
the names other areas import.

A request is visible (else 404) to:
- an administrator;
- coordinators and broker leads of its organisation;
- SIPs of its organisation, for requests on the local authority route only (a SIP sees no
  school-route request, even of a school whose named SIP they are: docs/rules.md, "The school's
  named SIP", gives them its agreements, not its requests);
- the headteacher of its school;
- a leader approached for it or chosen;
- coordinators of an organisation the request's owner *asked* to share one of its leaders (a
  commission the request's organisation proposed): they see what they need to answer, the
  request and the steps of their own organisation's commissions. An organisation that proposed a
  leader without being asked sees nothing of the request, and may not propose one: sharing is
  only ever in answer to the request's owner.

Of those, only administrators, coordinators and broker leads of the request's organisation read
the shortlist (the others get 403: they know the request exists). A commission is visible to
whoever may see its request.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.http import Http404

from syslead.accounts.access import (
    broker_organisation_ids,
    coordinated_organisation_ids,
    has_role,
    headteacher_school_urns,
    is_administrator,
    organisation_ids_for,
)
from syslead.accounts.models import Role, User
from syslead.brokering.models import (
    Approach,
    Commission,
    Route,
    ShortlistEntry,
    SupportRequest,
)
from syslead.core.events import events_for
from syslead.core.models import Event
from syslead.core.queries import one_or_none
from syslead.leaders.models import Designation, DesignationStatus, LeaderProfile
from syslead.leaders.selectors.access import leaders_visible_to
from syslead.organisations.models import Organisation, OrganisationKind
from syslead.schools.models import School
from syslead.schools.selectors import organisation_schools

__all__ = [
    "asked_commissions",
    "can_broker",
    "can_coordinate_organisation",
    "can_read_organisation_brokering",
    "can_read_shortlist",
    "commission_for_user",
    "leader_for_request",
    "leader_profile_id_of",
    "leader_to_name_directly",
    "may_add_request_documents",
    "organisation_schools",
    "request_timeline_for",
    "school_not_choosable",
    "schools_to_ask_for",
    "support_request_for_user",
    "support_requests_for_user",
    "was_asked",
]


def leader_profile_id_of(user: User) -> int | None:
    """The id of the user's leader profile, if they are a system leader (cached per user)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_syslead_leader_id"):
        user._syslead_leader_id = (
            LeaderProfile.objects.filter(user_id=user.pk).values_list("id", flat=True).first()
        )
    value = user._syslead_leader_id
    return int(value) if value is not None else None


def asked_commissions(organisation_ids: set[int]) -> QuerySet[Commission]:
    """Commissions through which a request's owner asked one of the given organisations to share a
    leader (proposed by the request's organisation), whatever the answer."""
    return Commission.objects.filter(owning_organisation_id__in=organisation_ids, asked=True)


def _member_filter(user: User) -> Q | None:
    """The requests the user sees by right of their own (not because they were asked)."""
    conditions: list[Q] = []
    broker_orgs = broker_organisation_ids(user)
    if broker_orgs:
        conditions.append(Q(organisation_id__in=broker_orgs))
    sip_orgs = organisation_ids_for(user, [Role.SIP])
    if sip_orgs:
        conditions.append(Q(organisation_id__in=sip_orgs, route=Route.LOCAL_AUTHORITY))
    urns = headteacher_school_urns(user)
    if urns:
        conditions.append(Q(school_id__in=urns))
    leader_id = leader_profile_id_of(user)
    if leader_id is not None:
        approached = Approach.objects.filter(leader_id=leader_id).values("support_request_id")
        conditions.append(Q(id__in=approached) | Q(chosen_leader_id=leader_id))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def _visible_filter(user: User) -> Q | None:
    """The requests the user may see as a filter (None: none at all)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if is_administrator(user):
        return Q()
    combined = _member_filter(user)
    coordinated = coordinated_organisation_ids(user)
    if coordinated:
        asked = Q(id__in=asked_commissions(coordinated).values("support_request_id"))
        combined = asked if combined is None else combined | asked
    return combined


def support_requests_for_user(
    user: User, related: tuple[str, ...] = ("school", "organisation", "chosen_leader")
) -> QuerySet[SupportRequest]:
    """Every request the user may see, newest first, with school, organisation and chosen leader
    (or the ``related`` records named)."""
    condition = _visible_filter(user)
    queryset = SupportRequest.objects.select_related(*related)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def support_request_for_user(user: User, request_id: int | str) -> SupportRequest:
    """The request if the user may see it; Http404 otherwise (unknown or not theirs)."""
    try:
        pk = int(request_id)
    except (TypeError, ValueError):
        raise Http404("No such support request.") from None
    # The chosen leader is read when used: most requests looked up have none yet, and joining
    # its profile costs more to build than it saves (syslead/core/queries.py).
    found = one_or_none(support_requests_for_user(user, ("school", "organisation")).filter(pk=pk))
    if found is None:
        raise Http404("No such support request.")
    return found


def was_asked(user: User, support_request: SupportRequest) -> set[int]:
    """The organisations the user coordinates that the request's owner asked to share a leader
    (empty when none was asked)."""
    coordinated = coordinated_organisation_ids(user) - {support_request.organisation_id}
    if not coordinated:
        return set()
    return set(
        asked_commissions(coordinated)
        .filter(support_request=support_request)
        .values_list("owning_organisation_id", flat=True)
    )


def _sees_as_member(user: User, support_request: SupportRequest) -> bool:
    if is_administrator(user):
        return True
    condition = _member_filter(user)
    return (
        condition is not None
        and SupportRequest.objects.filter(condition, pk=support_request.pk).exists()
    )


def can_broker(user: User, support_request: SupportRequest) -> bool:
    """Shortlist, approach and allocate for the request: an administrator or a coordinator of the
    request's organisation."""
    return is_administrator(user) or (
        support_request.organisation_id in coordinated_organisation_ids(user)
    )


def may_add_request_documents(user: User, support_request: SupportRequest) -> bool:
    """The request's parties add documents to it (docs/documents.md): administrators,
    coordinators of its organisation, the headteacher of its school, a SIP of its organisation on
    the local authority route, and its chosen leader. Whoever sees the request reads them."""
    if can_broker(user, support_request):
        return True
    if support_request.school_id in headteacher_school_urns(user):
        return True
    if support_request.route == Route.LOCAL_AUTHORITY and support_request.organisation_id in (
        organisation_ids_for(user, [Role.SIP])
    ):
        return True
    leader_id = leader_profile_id_of(user)
    return leader_id is not None and support_request.chosen_leader_id == leader_id


def can_read_shortlist(user: User, support_request: SupportRequest) -> bool:
    """Coordinators and broker leads of the request's organisation, administrators."""
    return is_administrator(user) or (
        support_request.organisation_id in broker_organisation_ids(user)
    )


def identifies_on_la_route(user: User, known: Iterable[Organisation] = ()) -> bool:
    """Whether the person's own work includes identifying schools on the local authority route
    (docs/rules.md, "Requests"): a SIP, a coordinator of a local authority, or an administrator.
    A teaching school alliance's or hub's coordinator brokers the school route instead, so the
    LA route is not offered to them as their main action. ``known`` organisations already read
    (a page's own list) spare a query when they hold every one the person coordinates."""
    if is_administrator(user) or has_role(user, Role.SIP):
        return True
    coordinated = organisation_ids_for(user, [Role.COORDINATOR])
    if not coordinated:
        return False
    kinds = {organisation.pk: organisation.kind for organisation in known}
    if coordinated <= kinds.keys():
        return any(kinds[pk] == OrganisationKind.LOCAL_AUTHORITY for pk in coordinated)
    return Organisation.objects.filter(
        pk__in=coordinated, kind=OrganisationKind.LOCAL_AUTHORITY
    ).exists()


def schools_to_ask_for(user: User, route: str, organisation: Organisation) -> QuerySet[School]:
    """The schools this person may ask support for, on ``route``, in ``organisation``'s name
    (docs/access.md, "Choosing a school"): the one rule behind the school field's suggestions
    and the server's refusal of any other school. An administrator or a coordinator of the
    organisation: any school on the register. A SIP of the organisation, on the local authority
    route: the open schools of the organisation's area (none if it records no area). A
    headteacher: their own school(s), on the school route. Nobody else: none."""
    if is_administrator(user) or organisation.pk in organisation_ids_for(user, [Role.COORDINATOR]):
        return School.objects.all()
    if route == Route.LOCAL_AUTHORITY:
        if organisation.pk in organisation_ids_for(user, [Role.SIP]):
            return organisation_schools(organisation)
        return School.objects.none()
    return School.objects.filter(urn__in=headteacher_school_urns(user))


def school_not_choosable(school: School, organisation: Organisation) -> str:
    """The refusal, in words, of a school outside ``schools_to_ask_for`` (only a SIP's choice is
    narrower than their role already allows)."""
    if not (organisation.local_authority_name or organisation.areas):
        return (
            f"{organisation.name} has no area recorded, so a SIP cannot choose a school for it: "
            "ask its coordinator to record its local authority."
        )
    return (
        f"{school.name} is not in {organisation.name}'s area: as a SIP, choose a school of "
        "your own local authority."
    )


def can_coordinate_organisation(user: User, organisation_id: int) -> bool:
    return is_administrator(user) or organisation_id in coordinated_organisation_ids(user)


def can_read_organisation_brokering(user: User, organisation_id: int) -> bool:
    """Coordinators and broker leads of the organisation (and administrators): e.g. unmet demand
    and allocation runs."""
    return is_administrator(user) or organisation_id in broker_organisation_ids(user)


def commission_for_user(user: User, commission_id: int | str) -> Commission:
    """A commission the person may see (its request is visible to them), or 404."""
    try:
        pk = int(commission_id)
    except (TypeError, ValueError):
        raise Http404("No such commission.") from None
    commission = one_or_none(
        Commission.objects.filter(
            pk=pk, support_request__in=support_requests_for_user(user).values("id")
        ).select_related(
            "leader__user",
            "owning_organisation",
            "support_request__school",
            "support_request__organisation",
            "proposed_by",
        )
    )
    if commission is None:
        raise Http404("No such commission.")
    return commission


def leader_for_request(
    user: User, support_request: SupportRequest, leader_id: int
) -> LeaderProfile:
    """A leader named in a write about a request the user sees: one the user may see, one already
    on the request's shortlist, approaches or commissions, or one published by name in the
    directory (whom another broker may be asked to share); 404 for any other, so no rule's
    message names a leader the user could not see."""
    involved = (
        Q(pk__in=leaders_visible_to(user).values("pk"))
        | Q(publish_profile=True, publish_name=True)
        | Q(
            pk__in=ShortlistEntry.objects.filter(support_request=support_request).values(
                "leader_id"
            )
        )
        | Q(pk__in=Approach.objects.filter(support_request=support_request).values("leader_id"))
        | Q(pk__in=Commission.objects.filter(support_request=support_request).values("leader_id"))
    )
    leader = one_or_none(
        LeaderProfile.objects.filter(involved, pk=leader_id).select_related("user", "home_school")
    )
    if leader is None:
        raise Http404(f"No system leader with id {leader_id}.")
    return leader


def leader_to_name_directly(user: User, leader_id: int) -> LeaderProfile:
    """A leader a headteacher may name for a direct commission (docs/rules.md, "Direct
    commissioning"): one published by name in a public directory (an active designation and a
    published profile), or one the person may see; 404 for any other, naming nobody."""
    leader = (
        LeaderProfile.objects.filter(
            Q(publish_profile=True, publish_name=True)
            | Q(pk__in=leaders_visible_to(user).values("pk")),
            pk=leader_id,
        )
        .filter(
            pk__in=Designation.objects.filter(status=DesignationStatus.ACTIVE).values("leader_id")
        )
        .select_related("user", "home_school")
        .first()
    )
    if leader is None:
        raise Http404(f"No system leader with id {leader_id}.")
    return leader


# --- The timeline, as each person may read it -----------------------------------------------

#: Steps of brokering the broker reads in full and everyone else in general words (no leader's
#: name but their own).
PRIVATE_STEPS = {
    "request.shortlisted": "Leaders shortlisted",
    "request.shortlist_swapped": "Shortlist changed",
    "request.approach_sent": "A leader was asked for provisional agreement",
    "request.approach_accepted": "A leader agreed provisionally",
    "request.approach_declined": "A leader declined",
    "request.approach_withdrawn": "An approach was withdrawn",
    "request.commission_proposed": "A leader of another organisation was proposed",
    "request.commission_approved": "Another organisation agreed to share a leader",
    "request.commission_refused": "Another organisation could not share a leader",
    "request.allocated": "Matched with a leader by batch allocation",
    "request.direct_approach": "A direct approach to a leader was recorded",
    "chase.approach": "A leader was reminded to answer",
    "request.shortlist_judgement": "A leader was added to the shortlist by judgement",
}
#: Private steps the school's headteacher reads in full (who agreed, to choose among them).
HEADTEACHER_STEPS = {"request.approach_accepted"}


def request_timeline_for(user: User, support_request: SupportRequest) -> list[Event]:
    """Every step of the request, oldest first, in the words the person may read: the broker
    reads everything; a leader reads their own approach in full; the headteacher reads who agreed;
    an organisation asked to share a leader reads only its own commissions' steps; everyone else
    reads the private steps in general words, and no other leader's name."""
    events = list(events_for(support_request))
    if can_read_shortlist(user, support_request):
        return events
    if not _sees_as_member(user, support_request):
        asked = was_asked(user, support_request)
        mine = set(
            Commission.objects.filter(
                support_request=support_request, owning_organisation_id__in=asked
            ).values_list("pk", flat=True)
        )
        return [e for e in events if e.data.get("commission") in mine]
    leader_id = leader_profile_id_of(user)
    headteacher = support_request.school_id in headteacher_school_urns(user)
    actor_ids = {e.actor_id for e in events if e.actor_id is not None}
    leaders = set(
        LeaderProfile.objects.filter(user_id__in=actor_ids).values_list("user_id", flat=True)
    ) - {user.pk}
    shown: list[Event] = []
    for event in events:
        generic = PRIVATE_STEPS.get(event.verb)
        own = leader_id is not None and event.data.get("leader") == leader_id
        told = headteacher and event.verb in HEADTEACHER_STEPS
        if generic is None or own or told:
            if event.actor_id in leaders and not (own or told):
                generic = event.summary
            else:
                shown.append(event)
                continue
        # A copy without the actor, so the shared rows are not changed.
        shown.append(
            Event(
                id=event.id,
                created_at=event.created_at,
                verb=event.verb,
                summary=generic,
                actor=None,
                data={},
                subject_type_id=event.subject_type_id,
                subject_id=event.subject_id,
            )
        )
    return shown
