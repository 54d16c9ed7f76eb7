"""What each person sees first on the home page, by role (docs/ux.md "Home page by role").

The page is assembled from *blocks* that business areas contribute. A block source is a function
``source(user) -> Iterable[AttentionItem | Section]``: attention items go into the "Needs
attention" list at the top of the page (each a link to the place to act), sections are shown
below it in order. ``HOME_SOURCES`` lists, for each role, the sources as dotted paths, so an area
adds its own (``syslead.brokering.home.requests_waiting_for_a_shortlist``) with one line here and
no import cycle. Every source sees only what the person's own roles entitle them to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from syslead.accounts.access import (
    headteacher_school_urns,
    organisation_ids_for,
    primary_role,
    roles_of,
)
from syslead.accounts.models import Role, RoleAssignment, User
from syslead.core.models import Event
from syslead.organisations.models import Organisation, OrganisationKind
from syslead.schools.models import OfstedRating, School

#: An Ofsted inspection older than this is out of date for a SIP's watch list.
INSPECTION_OUT_OF_DATE_YEARS = 4
#: How many schools a SIP's watch list shows on the home page (the rest are a search away).
WATCH_LIST_LENGTH = 10
RECENT_EVENTS = 8
#: How many events the organisation's activity page shows.
ACTIVITY_EVENTS = 100

#: Grade 3 and 4 judgements: "requires improvement" and its predecessor "satisfactory"
#: (docs/rules.md, "Requests", the local-authority route), and "inadequate".
WEAK_RATINGS = (
    OfstedRating.INADEQUATE,
    OfstedRating.REQUIRES_IMPROVEMENT,
    OfstedRating.SATISFACTORY,
)


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class AttentionItem:
    """Something the person needs to act on, linking straight to where they act."""

    text: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class Section:
    """A titled part of the home page, rendered by its own template with its own context."""

    title: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    links: tuple[Link, ...] = ()


Block = AttentionItem | Section
BlockSource = Callable[[User], Iterable[Block]]

# The order roles appear in when a person holds several (as accounts.access.primary_role).
ROLE_ORDER = (
    Role.ADMINISTRATOR,
    Role.COORDINATOR,
    Role.BROKER_LEAD,
    Role.SIP,
    Role.SYSTEM_LEADER,
    Role.HEADTEACHER,
    Role.CHAIR_OF_GOVERNORS,
    Role.GOVERNOR,
)

HOME_SOURCES: dict[str, list[str]] = {
    Role.ADMINISTRATOR: ["syslead.core.home.administrator_overview"],
    Role.COORDINATOR: [
        "syslead.core.home.coordinator_organisations",
        "syslead.leaders.home.coordinator_leaders",
        "syslead.leaders.home.coordinator_training",
        "syslead.visits.home.coordinator_delivery",
        "syslead.brokering.home.coordinator_requests",
        "syslead.deployments.home.coordinator_drafts",
        "syslead.deployments.home.coordinator_package_proposals",
        "syslead.deployments.home.coordinator_agreements_waiting",
        "syslead.deployments.home.coordinator_leaders_moved",
        "syslead.deployments.home.coordinator_close_out",
        "syslead.invoicing.home.coordinator_visits_to_invoice",
        "syslead.quality.home.coordinator_quality",
        "syslead.reports.home.coordinator_kpis",
        "syslead.alliances.home.coordinator_alliance",
        "syslead.boards.home.coordinator_board",
    ],
    Role.BROKER_LEAD: [
        "syslead.core.home.broker_lead_organisations",
        "syslead.visits.home.broker_lead_delivery",
        "syslead.deployments.home.broker_lead_agreements_to_sign",
        "syslead.reports.home.broker_lead_kpis",
        "syslead.alliances.home.broker_lead_alliance",
        "syslead.boards.home.broker_lead_board",
    ],
    Role.SIP: [
        "syslead.core.home.sip_schools_to_watch",
        "syslead.visits.home.sip_notes_of_visit",
        "syslead.brokering.home.sip_requests",
        "syslead.deployments.home.sip_drafts_to_agree",
        "syslead.deployments.home.sip_close_out",
        "syslead.boards.home.sip_board_seats",
    ],
    Role.SYSTEM_LEADER: [
        "syslead.core.home.system_leader_home_school",
        "syslead.leaders.home.system_leader_capacity",
        "syslead.leaders.home.system_leader_training",
        "syslead.visits.home.system_leader_delivery",
        "syslead.brokering.home.system_leader_approaches",
        "syslead.brokering.home.system_leader_first_meetings",
        "syslead.deployments.home.system_leader_package_proposals",
        "syslead.deployments.home.system_leader_agreements_to_sign",
        "syslead.deployments.home.system_leader_close_out",
        "syslead.quality.home.system_leader_feedback",
        "syslead.boards.home.system_leader_board_seats",
    ],
    Role.HEADTEACHER: [
        "syslead.core.home.headteacher_schools",
        "syslead.leaders.home.headteacher_release_days",
        "syslead.visits.home.headteacher_delivery",
        "syslead.brokering.home.headteacher_requests",
        "syslead.deployments.home.headteacher_agreements_to_sign",
        "syslead.deployments.home.headteacher_close_out",
        "syslead.invoicing.home.headteacher_income",
        "syslead.boards.home.headteacher_board_seats",
        "syslead.governors.home.governing_body_to_name",
    ],
    Role.CHAIR_OF_GOVERNORS: [
        "syslead.governors.home.governor_agreements",
        "syslead.governors.home.chair_governing_body",
    ],
    Role.GOVERNOR: ["syslead.governors.home.governor_agreements"],
}


def home_context(user: User) -> dict[str, Any]:
    """Everything the home page shows for this person, from every role they hold."""
    roles = roles_of(user)
    attention: list[AttentionItem] = []
    sections: list[Section] = []
    for role in ROLE_ORDER:
        if role not in roles:
            continue
        for path in HOME_SOURCES.get(role, []):
            source: BlockSource = import_string(path)
            for block in source(user):
                if isinstance(block, AttentionItem):
                    attention.append(block)
                else:
                    sections.append(block)
    return {
        "role": primary_role(user),
        "role_labels": [Role(role).label for role in ROLE_ORDER if role in roles],
        "attention": attention,
        # Everyone with a role sees the list first, if only to read that nothing is waiting.
        "shows_attention": bool(roles),
        "sections": sections,
    }


# --- Shared reads ------------------------------------------------------------------------------


def _link(label: str, url_name: str) -> Link:
    return Link(label, reverse(url_name))


@dataclass(frozen=True)
class Area:
    """The schools an organisation works among, and how to say which they are."""

    description: str
    schools: QuerySet[School]


def organisation_area(organisation: Organisation) -> Area:
    """A local authority's own schools; a hub's districts; otherwise the lead school's LA."""
    open_schools = School.objects.filter(is_open=True)
    if organisation.local_authority_name:
        return Area(
            f"schools maintained by or in {organisation.local_authority_name}",
            open_schools.filter(local_authority=organisation.local_authority_name),
        )
    if organisation.areas:
        areas = organisation.areas
        return Area(
            "schools in " + ", ".join(areas),
            open_schools.filter(Q(district__in=areas) | Q(local_authority__in=areas)),
        )
    if organisation.lead_school is not None and organisation.lead_school.local_authority:
        la = organisation.lead_school.local_authority
        return Area(
            f"schools in {la}, the lead school's local authority",
            open_schools.filter(local_authority=la),
        )
    return Area("no area recorded yet", School.objects.none())


def _out_of_date_before(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - INSPECTION_OUT_OF_DATE_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - INSPECTION_OUT_OF_DATE_YEARS, day=28)


def area_school_counts(schools: QuerySet[School]) -> dict[str, int]:
    """How many schools, by latest Ofsted grade, in one query."""
    cutoff = _out_of_date_before(timezone.localdate())
    by_rating = {
        rating.value: Count("urn", filter=Q(ofsted_rating=rating.value)) for rating in OfstedRating
    }
    return schools.aggregate(
        total=Count("urn"),
        ungraded=Count("urn", filter=Q(ofsted_rating="")),
        out_of_date=Count(
            "urn", filter=Q(ofsted_inspected_on__lt=cutoff) | Q(ofsted_inspected_on__isnull=True)
        ),
        **by_rating,
    )


@dataclass(frozen=True)
class TimelineEntry:
    event: Event
    text: str


def organisation_events(
    organisation_ids: set[int], limit: int = RECENT_EVENTS
) -> list[TimelineEntry]:
    """Recent events of these organisations: about the organisation itself, or carrying its id
    as ``organisation`` in their data (as role grants do), naming the person they concern."""
    if not organisation_ids:
        return []
    organisation_type = ContentType.objects.get_for_model(Organisation)
    about = Q(subject_type=organisation_type, subject_id__in=[str(i) for i in organisation_ids])
    carrying = Q(data__organisation__in=sorted(organisation_ids))
    events = list(
        Event.objects.filter(about | carrying)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
    user_type = ContentType.objects.get_for_model(User)
    people = {
        str(user.pk): user.get_full_name()
        for user in User.objects.filter(
            pk__in=[int(e.subject_id) for e in events if e.subject_type_id == user_type.pk]
        )
    }
    entries = []
    for event in events:
        text = event.summary or event.verb
        if event.subject_type_id == user_type.pk and event.subject_id in people:
            text = f"{people[event.subject_id]}: {text[:1].lower()}{text[1:]}"
        entries.append(TimelineEntry(event, text))
    return entries


def activity_organisations(user: User) -> list[Organisation]:
    """The organisations whose activity the person may read: those they coordinate or lead as
    broker lead (every one for an administrator)."""
    if Role.ADMINISTRATOR in roles_of(user):
        return list(Organisation.objects.order_by("name"))
    ids = organisation_ids_for(user, [Role.COORDINATOR, Role.BROKER_LEAD])
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def _organisations(user: User, role: str) -> list[Organisation]:
    ids = organisation_ids_for(user, [role])
    return list(Organisation.objects.filter(pk__in=ids).select_related("lead_school"))


def _organisation_section(organisation: Organisation, *, with_activity: bool) -> Section:
    area = organisation_area(organisation)
    context: dict[str, Any] = {
        "organisation": organisation,
        "area": area,
        "counts": area_school_counts(area.schools),
        "people": [
            (Role(row["role"]).label, row["n"])
            for row in RoleAssignment.objects.filter(organisation=organisation)
            .values("role")
            .annotate(n=Count("user", distinct=True))
            .order_by("role")
        ],
    }
    links = [
        _link("Find a school", "schools:search"),
        _link("System leaders directory", "leaders:directory"),
    ]
    if with_activity:  # the feed has its own page: the home page leads with work
        links.append(
            Link(
                f"Recent activity in {organisation.name}",
                f"{reverse('core:activity')}?organisation={organisation.pk}",
            )
        )
    return Section(
        title=organisation.name,
        template="core/home/organisation.html",
        context=context,
        links=tuple(links),
    )


# --- Sources, one per role ---------------------------------------------------------------------


def administrator_overview(user: User) -> Iterable[Block]:
    """Counts of what Syslead holds, and the way into the admin."""
    yield Section(
        title="Syslead at a glance",
        template="core/home/administrator.html",
        context={
            "organisations": Organisation.objects.count(),
            "users": User.objects.filter(is_active=True).count(),
            "schools": School.objects.filter(is_open=True).count(),
            "organisations_by_kind": [
                (OrganisationKind(row["kind"]).label, row["n"])
                for row in Organisation.objects.values("kind")
                .annotate(n=Count("id"))
                .order_by("kind")
            ],
        },
        links=(_link("Open the admin", "admin:index"), _link("Find a school", "schools:search")),
    )


def coordinator_organisations(user: User) -> Iterable[Block]:
    """Each organisation the person coordinates: its area, people and recent events."""
    for organisation in _organisations(user, Role.COORDINATOR):
        yield _organisation_section(organisation, with_activity=True)


def broker_lead_organisations(user: User) -> Iterable[Block]:
    """Each organisation the person leads, in summary."""
    coordinated = organisation_ids_for(user, [Role.COORDINATOR])
    for organisation in _organisations(user, Role.BROKER_LEAD):
        if organisation.pk not in coordinated:  # already shown in full
            yield _organisation_section(organisation, with_activity=True)


def schools_to_watch(schools: QuerySet[School]) -> QuerySet[School]:
    """Schools whose latest grade is 3 or 4, or whose last inspection is out of date (or none),
    weakest grade first, then the longest since inspection, then those with none on record."""
    cutoff = _out_of_date_before(timezone.localdate())
    weak = Q(ofsted_rating__in=[r.value for r in WEAK_RATINGS])
    out_of_date = Q(ofsted_inspected_on__lt=cutoff) | Q(ofsted_inspected_on__isnull=True)
    severity = {
        OfstedRating.INADEQUATE.value: 0,
        OfstedRating.REQUIRES_IMPROVEMENT.value: 1,
        OfstedRating.SATISFACTORY.value: 2,
    }
    return (
        schools.filter(weak | out_of_date)
        .annotate(
            severity=Case(
                *[
                    When(ofsted_rating=rating, then=Value(rank))
                    for rating, rank in severity.items()
                ],
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("severity", F("ofsted_inspected_on").asc(nulls_last=True), "name")
    )


def sip_schools_to_watch(user: User) -> Iterable[Block]:
    """Schools in the SIP's organisation's area that could benefit from support (docs/ux.md)."""
    for organisation in _organisations(user, Role.SIP):
        area = organisation_area(organisation)
        watch = schools_to_watch(area.schools)
        yield Section(
            title=f"Schools that could benefit from support: {organisation.name}",
            template="core/home/sip_watch_list.html",
            context={
                "organisation": organisation,
                "area": area,
                "schools": list(watch[:WATCH_LIST_LENGTH]),
                "total": watch.count(),
                "years": INSPECTION_OUT_OF_DATE_YEARS,
            },
            links=(_link("Search all schools", "schools:search"),),
        )


def system_leader_home_school(user: User) -> Iterable[Block]:
    """The leader's home school and their profile."""
    profile = getattr(user, "leader_profile", None)
    school = profile.home_school if profile is not None else None
    yield Section(
        title="My system leadership",
        template="core/home/system_leader.html",
        context={"profile": profile, "school": school},
        links=(_link("My profile", "leaders:my_profile"),),
    )


def headteacher_schools(user: User) -> Iterable[Block]:
    """The headteacher's own school: its register entry and latest Ofsted grade."""
    for school in School.objects.filter(urn__in=headteacher_school_urns(user)):
        yield Section(
            title=school.name,
            template="core/home/school.html",
            context={"school": school},
        )
