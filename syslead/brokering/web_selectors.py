"""Reads the brokering web pages need on top of ``selectors``: what each person may do on a request
page, the timeline as each person may read it, the shortlist panel, the headteacher's side-by-side
comparison, brokers covering a school, leaders other organisations could share, and the home page's
"needs attention" reads.

Nothing here decides a rule: who may see what comes from ``selectors`` (``can_broker``,
``can_read_shortlist``); which steps a person may take on a request now comes from its transition
table (``brokering.transitions``, docs/transitions.md); whether a leader may be matched comes from
``matching`` and ``eligibility``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from syslead.accounts.access import (
    coordinated_organisation_ids,
    headteacher_school_urns,
    is_administrator,
    organisation_ids_for,
)
from syslead.accounts.models import User
from syslead.brokering.access import asked_commissions, request_timeline_for, was_asked
from syslead.brokering.eligibility import RULE_SUMMARIES, Rule
from syslead.brokering.engine import Weights
from syslead.brokering.facts import leader_facts, request_facts
from syslead.brokering.matching import Candidate, Excluded, Shortlist, rank, shortlist
from syslead.brokering.models import (
    Approach,
    ApproachStatus,
    Commission,
    CommissionStatus,
    RequestStatus,
    ShortlistEntry,
    SupportRequest,
)
from syslead.brokering.selectors import (
    RequestRecords,
    can_broker,
    can_read_shortlist,
    leader_profile_id_of,
    live_shortlist,
    support_requests_for_user,
)
from syslead.brokering.services.approaches import EXPIRE_AFTER_SCHOOL_DAYS
from syslead.brokering.services.shortlists import SOFT_RULES, declined_leader_ids
from syslead.brokering.transitions import (
    LIVE_COMMISSION_STATUSES,
    OPEN_APPROACH_STATUSES,
    REQUEST_TRANSITIONS,
)
from syslead.capacity.days import number_text
from syslead.core.academic_years import school_days_between
from syslead.core.limits import MAX_URN, whole_number
from syslead.core.models import Event
from syslead.core.queries import one_or_none
from syslead.leaders.models import Association, Designation, DesignationStatus, LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.geo import haversine_km
from syslead.schools.models import School
from syslead.schools.search_text import search_text

#: An approach with no answer after this many school days needs the coordinator's attention
#: (docs/ux.md: "approaches with no answer after 3 school days").
ANSWER_WITHIN_SCHOOL_DAYS = 3
#: How many leaders of other organisations the sharing form offers at most.
SHAREABLE_LIMIT = 30


# --- Who may do what on a request ----------------------------------------------------------------


@dataclass(frozen=True)
class RequestAccess:
    """What the person viewing a request may see and do there."""

    broker: bool
    read_shortlist: bool
    headteacher: bool
    choose: bool
    leader_id: int | None
    #: Organisations the person coordinates that the request's owner asked to share a leader:
    #: they may offer one of their leaders in answer (sharing between brokers).
    sharing_organisation_ids: frozenset[int] = frozenset()
    #: Whether the person is one who may withdraw the request (in a state that allows it or not).
    withdraw: bool = False
    #: The request's steps the person may take now (``brokering.transitions``).
    steps: frozenset[str] = frozenset()


def request_access(user: User, support_request: SupportRequest) -> RequestAccess:
    return RequestAccess(
        broker=can_broker(user, support_request),
        read_shortlist=can_read_shortlist(user, support_request),
        headteacher=support_request.school_id in headteacher_school_urns(user),
        choose=REQUEST_TRANSITIONS.permitted("choose", user, support_request),
        leader_id=leader_profile_id_of(user),
        sharing_organisation_ids=frozenset(was_asked(user, support_request)),
        withdraw=REQUEST_TRANSITIONS.permitted("withdraw", user, support_request),
        steps=REQUEST_TRANSITIONS.allowed(user, support_request),
    )


# --- Lists ---------------------------------------------------------------------------------------


def caseload(
    user: User,
    *,
    status: str = "",
    route: str = "",
    school: str = "",
    organisation_id: int | None = None,
) -> QuerySet[SupportRequest]:
    """The requests the person may see, filtered by status, route, school (URN or words of its
    name and town) and organisation, newest first."""
    queryset = support_requests_for_user(user)
    if status:
        queryset = queryset.filter(status=status)
    if route:
        queryset = queryset.filter(route=route)
    if organisation_id is not None:
        queryset = queryset.filter(organisation_id=organisation_id)
    text = " ".join(school.split())
    if text.isdigit():
        urn = whole_number(text, MAX_URN)
        queryset = queryset.filter(school_id=urn) if urn is not None else queryset.none()
    elif text:
        for word in search_text(text).split():
            queryset = queryset.filter(school__name_search__contains=word)
    return queryset.order_by("-created_at", "-id")


def visible_organisations(user: User, queryset: QuerySet[SupportRequest]) -> list[Organisation]:
    """The organisations whose requests the person sees (for the list's filter)."""
    return list(Organisation.objects.filter(pk__in=queryset.values("organisation_id")))


def organisations_for(user: User, roles: Sequence[str]) -> list[Organisation]:
    """Organisations in which the person holds one of ``roles`` (every one for an
    administrator), by name."""
    if is_administrator(user):
        return list(Organisation.objects.order_by("name"))
    return list(
        Organisation.objects.filter(pk__in=organisation_ids_for(user, roles)).order_by("name")
    )


# --- The timeline as each person may read it ----------------------------------------------------


def timeline_for(user: User, support_request: SupportRequest, access: RequestAccess) -> list[Event]:
    """Every step of the request in the words the person may read (``access`` decides:
    ``request_timeline_for``)."""
    del access  # the rule reads the person's roles itself
    return request_timeline_for(user, support_request)


# --- The shortlist panel -------------------------------------------------------------------------


@dataclass
class ShortlistRow:
    """A leader on the shortlist (saved, or suggested before saving) with the words behind the
    score, and where their approach stands."""

    leader_id: int
    leader_name: str
    rank: int
    score: Decimal
    distance_km: Decimal | None
    remaining_days: Decimal | None
    reasons: list[str]
    entry: ShortlistEntry | None = None
    approach: Approach | None = None
    #: False when a saved leader no longer passes every hard rule (see the excluded list).
    still_eligible: bool = True

    @property
    def may_approach(self) -> bool:
        return self.entry is not None and (
            self.approach is None or self.approach.status not in OPEN_APPROACH_STATUSES
        )

    @property
    def may_swap(self) -> bool:
        return self.may_approach

    @property
    def open_approach(self) -> Approach | None:
        if self.approach is not None and self.approach.status in OPEN_APPROACH_STATUSES:
            return self.approach
        return None


@dataclass
class ShortlistPanel:
    """The shortlist panel of a request: the saved shortlist or the one suggested, and the
    engine's result behind them, from which every other candidate and everyone excluded are read
    when asked for (the request page shows how many are excluded and for which rules; the
    excluded leaders' page, every one of them with every reason)."""

    saved: list[ShortlistRow]
    suggested: list[ShortlistRow]
    result: Shortlist = field(repr=False)
    declined_ids: set[int] = field(default_factory=set)
    #: Leaders who declined the request at any time (never offered for it again).
    declined_ever: set[int] = field(default_factory=set)

    @property
    def considered(self) -> int:
        return self.result.considered

    @cached_property
    def others(self) -> list[Candidate]:
        """Candidates passing every rule who are not on the saved shortlist (for a swap); a
        leader who declined the request is never offered for it again."""
        on_list = {row.leader_id for row in self.saved}
        return [
            c
            for c in self.result.ranked
            if c.leader_id not in on_list and c.leader_id not in self.declined_ever
        ]

    @property
    def excluded(self) -> list[Excluded]:
        return self.result.excluded

    @property
    def excluded_count(self) -> int:
        return self.result.excluded_count

    @cached_property
    def excluded_by_rule(self) -> list[tuple[str, int]]:
        """How many of the excluded fail each rule, in words, in the rules' order (a leader
        failing several rules counts under each)."""
        return [
            (RULE_SUMMARIES[rule], count) for rule, count in self.result.failing_counts().items()
        ]

    @property
    def unapproached(self) -> list[ShortlistRow]:
        return [row for row in self.saved if row.may_approach and row.still_eligible]

    @property
    def excluded_groups(self) -> list[ExcludedGroup]:
        return excluded_groups(self.excluded)


def excluded_groups(excluded: Sequence[Excluded]) -> list[ExcludedGroup]:
    """The excluded leaders grouped by the very same reasons, the largest group first: a hub's
    1,800 leaders read as a few dozen lines ("412 leaders: no specialism in common")."""
    # Leaders failing alike share one failures tuple (``engine.Verdict.failures_of``): group by
    # it first, then by the words (tuples built apart may say the same).
    shared: dict[int, tuple[tuple[Any, ...], list[str]]] = {}
    for leader in excluded:
        found = shared.get(id(leader.failures))
        if found is None:
            found = shared[id(leader.failures)] = (leader.failures, [])
        found[1].append(leader.leader_name)
    groups: dict[tuple[str, ...], list[str]] = {}
    for failures, names in shared.values():
        groups.setdefault(tuple(f.message for f in failures), []).extend(names)
    return sorted(
        (ExcludedGroup(reasons=reasons, names=sorted(names)) for reasons, names in groups.items()),
        key=lambda group: (-len(group.names), group.reasons),
    )


@dataclass(frozen=True)
class ExcludedGroup:
    reasons: tuple[str, ...]
    names: list[str]

    @property
    def names_text(self) -> str:
        """The names, comma-separated (escaped once on the page, not name by name)."""
        return ", ".join(self.names)


def _row_from_candidate(candidate: Candidate, rank: int) -> ShortlistRow:
    return ShortlistRow(
        leader_id=candidate.leader_id,
        leader_name=candidate.leader_name,
        rank=rank,
        score=candidate.score_shown,
        distance_km=candidate.distance_shown,
        remaining_days=candidate.remaining_days,
        reasons=list(candidate.reasons),
    )


def latest_approach_by_leader(approaches: Iterable[Approach]) -> dict[int, Approach]:
    latest: dict[int, Approach] = {}
    for approach in approaches:  # oldest first: the last one wins
        latest[approach.leader_id] = approach
    return latest


def shows_shortlist(support_request: SupportRequest, *, read_shortlist: bool) -> bool:
    """Whether the request shows its shortlist panel (and its excluded leaders) to someone who
    may (``read_shortlist``: ``can_read_shortlist``): while leaders may still be found for it,
    the states in which it may be shared."""
    return read_shortlist and REQUEST_TRANSITIONS.in_source("ask_to_share", support_request)


def shortlist_panel(
    support_request: SupportRequest,
    approaches: Sequence[Approach],
    length: int = 3,
    *,
    every_approach: bool = False,
    records: RequestRecords | None = None,
) -> ShortlistPanel:
    """The saved shortlist with today's remaining days, or the best ``length`` to save (leaving out
    leaders who declined the request, as ``shortlist_save`` does, with its own function), every
    other candidate, and everyone excluded with every reason (those two when read).
    ``every_approach``: ``approaches`` are every approach of the request (the leaders who declined
    it are read from them, not asked for again); ``records``: the request's records known to
    exist (``request_records``), when already asked."""
    result = shortlist(
        support_request,
        limit=0,
        may_have_lent=records is None or records.commissions or records.direct_commission,
    )
    latest = latest_approach_by_leader(approaches)
    saved: list[ShortlistRow] = []
    entries = live_shortlist(support_request) if records is None or records.live_shortlist else []
    on_saved = {entry.leader_id for entry in entries}
    by_leader = result.candidates_of(on_saved)
    # The rules failed, for the leaders on the saved shortlist only.
    failing = {
        leader_id: {str(f.rule) for f in failures}
        for leader_id, failures in result.failures_of_leaders(on_saved - by_leader.keys()).items()
    }
    for entry in entries:
        candidate = by_leader.get(entry.leader_id)
        # A judgement set some soft rules aside for this leader: they pass if those are all.
        judged_ok = (
            candidate is None
            and bool(entry.overridden_rules)
            and (failing.get(entry.leader_id, {"?"}) <= set(entry.overridden_rules))
        )
        saved.append(
            ShortlistRow(
                leader_id=entry.leader_id,
                leader_name=entry.leader.user.get_full_name(),
                rank=entry.rank,
                score=entry.score,
                distance_km=entry.distance_km,
                remaining_days=candidate.remaining_days if candidate else None,
                reasons=list(entry.reasons),
                entry=entry,
                approach=latest.get(entry.leader_id),
                still_eligible=candidate is not None or judged_ok,
            )
        )
    declined_ever = declined_leader_ids(
        support_request, approaches=approaches if every_approach else None
    )
    declined = declined_ever if not saved else set()
    suggested: list[ShortlistRow] = []
    if not saved:
        best = result.best(length, leaving_out=declined)
        suggested = [_row_from_candidate(c, rank) for rank, c in enumerate(best, start=1)]
    return ShortlistPanel(
        saved=saved,
        suggested=suggested,
        result=result,
        declined_ids=declined,
        declined_ever=declined_ever,
    )


@dataclass(frozen=True)
class JudgementCandidate:
    leader_id: int
    label: str
    needs_capacity_override: bool


def judgement_candidates(panel: ShortlistPanel) -> list[JudgementCandidate]:
    """Leaders a coordinator may add to the shortlist by judgement: those passing every rule but
    not on it (best first), then those failing only soft rules; never one who declined the
    request, nor one failing a hard rule."""
    on_list = {row.leader_id for row in panel.saved}
    found = [
        JudgementCandidate(
            c.leader_id,
            f"{c.leader_name}: score {c.score_shown}"
            + (f", {c.distance_shown} km" if c.distance_shown is not None else "")
            + f", {number_text(c.remaining_days)} days left",
            False,
        )
        for c in panel.others
        if c.leader_id not in on_list
    ]
    declined = panel.declined_ever
    for excluded in panel.excluded:
        rules = {Rule(code) for code in excluded.rules}
        if excluded.leader_id in declined or excluded.leader_id in on_list:
            continue
        if rules and rules <= SOFT_RULES:
            found.append(
                JudgementCandidate(
                    excluded.leader_id,
                    f"{excluded.leader_name}: {'; '.join(excluded.reasons)} "
                    "(needs a capacity override)",
                    True,
                )
            )
    return found


def shortlist_entry_for(support_request: SupportRequest, entry_id: int | str) -> ShortlistEntry:
    """A live entry of the request's shortlist, or 404."""
    try:
        pk = int(entry_id)
    except (TypeError, ValueError):
        raise Http404("No such shortlist entry.") from None
    entry = (
        ShortlistEntry.objects.filter(support_request=support_request, is_live=True, pk=pk)
        .select_related("leader__user", "support_request")
        .first()
    )
    if entry is None:
        raise Http404("No such shortlist entry.")
    return entry


# --- Approaches ----------------------------------------------------------------------------------


def approach_for_leader(user: User, approach_id: int | str) -> Approach:
    """An approach made to the person as a leader, or 404 (others' approaches alike)."""
    leader_id = leader_profile_id_of(user)
    try:
        pk = int(approach_id)
    except (TypeError, ValueError):
        raise Http404("No such approach.") from None
    approach = (
        Approach.objects.filter(pk=pk, leader_id=leader_id)
        .select_related(
            "support_request__school", "support_request__organisation", "sent_by", "leader__user"
        )
        .first()
        if leader_id is not None
        else None
    )
    if approach is None:
        raise Http404("No such approach.")
    return approach


def approach_for_broker(user: User, approach_id: int | str) -> Approach:
    """An approach on a request the person may see, or 404 (the service checks they broker it)."""
    try:
        pk = int(approach_id)
    except (TypeError, ValueError):
        raise Http404("No such approach.") from None
    approach = one_or_none(
        Approach.objects.filter(
            pk=pk, support_request__in=support_requests_for_user(user).values("id")
        ).select_related("leader__user", "support_request__school", "support_request__organisation")
    )
    if approach is None:
        raise Http404("No such approach.")
    return approach


def school_days_waiting(approach: Approach, today: dt.date | None = None) -> int:
    """School days since the approach was sent, in the calendar of the school asking for support
    (weekends, bank holidays and its local authority's holidays and half-terms do not count)."""
    today = today or timezone.localdate()
    return school_days_between(
        timezone.localdate(approach.sent_at),
        today,
        local_authority=approach.support_request.school.local_authority,
    )


def is_waiting_too_long(approach: Approach, today: dt.date | None = None) -> bool:
    return approach.status == ApproachStatus.PENDING and (
        school_days_waiting(approach, today) >= ANSWER_WITHIN_SCHOOL_DAYS
    )


def has_expired(approach: Approach, today: dt.date | None = None) -> bool:
    """Still no answer ``EXPIRE_AFTER_SCHOOL_DAYS`` school days after it was sent."""
    return approach.status == ApproachStatus.PENDING and (
        school_days_waiting(approach, today) >= EXPIRE_AFTER_SCHOOL_DAYS
    )


def approaches_without_answer(
    organisation_ids: Iterable[int], today: dt.date | None = None
) -> list[Approach]:
    """Approaches of the organisations' requests still waiting for an answer after three school
    days, oldest first."""
    today = today or timezone.localdate()
    # Three school days are at least three calendar days: only older approaches can qualify.
    pending = (
        Approach.objects.filter(
            support_request__organisation_id__in=list(organisation_ids),
            status=ApproachStatus.PENDING,
            sent_at__date__lte=today - dt.timedelta(days=ANSWER_WITHIN_SCHOOL_DAYS),
        )
        .select_related("leader__user", "support_request__school")
        .order_by("sent_at", "id")
    )
    return [a for a in pending if is_waiting_too_long(a, today)]


# --- The headteacher's choice --------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceCard:
    """A leader who agreed, as the headteacher compares them side by side."""

    approach: Approach
    leader: LeaderProfile
    designations: tuple[str, ...]
    specialisms: tuple[str, ...]
    phases: tuple[str, ...]
    distance_km: float | None


def choice_cards(support_request: SupportRequest) -> list[ChoiceCard]:
    """The leaders who agreed provisionally, with their pen portraits, designations, specialisms,
    phases and distance from the school (three queries)."""
    from syslead.leaders.constants import PHASES

    approaches = list(
        Approach.objects.filter(support_request=support_request, status=ApproachStatus.ACCEPTED)
        .select_related("leader__user", "leader__home_school")
        .prefetch_related(
            "leader__specialisms",
            "leader__phase_rows",
            Prefetch(
                "leader__designations",
                queryset=Designation.objects.filter(status=DesignationStatus.ACTIVE)
                .select_related("type")
                .order_by("type__code"),
            ),
        )
        .order_by("sent_at", "id")
    )
    school = support_request.school
    cards = []
    for approach in approaches:
        leader = approach.leader
        home = leader.home_school
        distance = None
        if (
            school.latitude is not None
            and school.longitude is not None
            and home.latitude is not None
            and home.longitude is not None
        ):
            distance = haversine_km(
                school.latitude, school.longitude, home.latitude, home.longitude
            )
        cards.append(
            ChoiceCard(
                approach=approach,
                leader=leader,
                designations=tuple(
                    f"{d.type.code} ({d.type.name})" for d in leader.designations.all()
                ),
                specialisms=tuple(sorted(s.label for s in leader.specialisms.all())),
                phases=tuple(PHASES.get(p.phase, p.phase) for p in leader.phase_rows.all()),
                distance_km=None if distance is None else round(distance, 1),
            )
        )
    return cards


# --- Brokers for a school ------------------------------------------------------------------------


def covers_school(organisation: Organisation, school: School) -> bool:
    """Whether the organisation works in the school's area: its local authority, one of its listed
    districts or authorities, or (for an alliance) the lead school's local authority."""
    la = (school.local_authority or "").strip().lower()
    if organisation.local_authority_name and organisation.local_authority_name.lower() == la:
        return True
    areas = {a.lower() for a in organisation.areas}
    if areas and (la in areas or (school.district or "").strip().lower() in areas):
        return True
    lead = organisation.lead_school
    return bool(
        not organisation.local_authority_name
        and not areas
        and lead is not None
        and la
        and (lead.local_authority or "").strip().lower() == la
    )


def brokers_for_school(school: School) -> tuple[list[Organisation], list[Organisation]]:
    """(organisations covering the school's area, every other organisation), each by name."""
    covering: list[Organisation] = []
    others: list[Organisation] = []
    for organisation in Organisation.objects.select_related("lead_school").order_by("name"):
        (covering if covers_school(organisation, school) else others).append(organisation)
    return covering, others


# --- Sharing between brokers ---------------------------------------------------------------------


@dataclass(frozen=True)
class ShareableLeader:
    """A leader of another organisation who passes every hard rule for the request."""

    leader_id: int
    name: str
    organisations: str
    score: Decimal
    distance_km: Decimal | None


def _leaders_passing(
    support_request: SupportRequest, leaders: QuerySet[LeaderProfile], limit: int
) -> list[Candidate]:
    needs = list(dict.fromkeys(support_request.needs))
    narrowed = leaders.filter(
        specialisms__code__in=needs, phase_rows__phase=support_request.phase
    ).distinct()
    facts = request_facts(support_request)
    weights = Weights.for_organisation(support_request.organisation_id)
    found = leader_facts(narrowed, support_request.academic_year)
    candidates, _ = rank(facts, found, weights)
    return candidates[:limit]


def _with_organisations(candidates: list[Candidate], exclude_org: int) -> list[ShareableLeader]:
    names: dict[int, list[str]] = {}
    for leader_id, name in (
        Association.objects.filter(leader_id__in=[c.leader_id for c in candidates], is_live=True)
        .exclude(organisation_id=exclude_org)
        .order_by("organisation__name")
        .values_list("leader_id", "organisation__name")
    ):
        names.setdefault(leader_id, []).append(name)
    return [
        ShareableLeader(
            leader_id=c.leader_id,
            name=c.leader_name,
            organisations=", ".join(names.get(c.leader_id, [])),
            score=c.score_shown,
            distance_km=c.distance_shown,
        )
        for c in candidates
    ]


def _already_proposed(support_request: SupportRequest) -> QuerySet[Commission]:
    return Commission.objects.filter(
        support_request=support_request,
        status__in=LIVE_COMMISSION_STATUSES,
    )


def shareable_leaders(
    support_request: SupportRequest, limit: int = SHAREABLE_LIMIT
) -> list[ShareableLeader]:
    """Leaders the request's coordinator may ask another organisation to share: associated with
    another organisation and not with the request's, with a published profile and name (the
    public tier of the directory), not already proposed, passing every hard rule; best first."""
    own = Association.objects.filter(
        organisation_id=support_request.organisation_id, is_live=True
    ).values("leader_id")
    elsewhere = Association.objects.filter(is_live=True).exclude(
        organisation_id=support_request.organisation_id
    )
    leaders = (
        LeaderProfile.objects.filter(
            pk__in=elsewhere.values("leader_id"), publish_profile=True, publish_name=True
        )
        .exclude(pk__in=own)
        .exclude(pk__in=_already_proposed(support_request).values("leader_id"))
    )
    candidates = _leaders_passing(support_request, leaders, limit)
    return _with_organisations(candidates, support_request.organisation_id)


def offerable_leaders(
    support_request: SupportRequest, organisation_ids: Iterable[int], limit: int = SHAREABLE_LIMIT
) -> list[ShareableLeader]:
    """Leaders of the person's own organisations they may offer to another organisation's
    request: passing every hard rule, not associated with the request's organisation, not already
    proposed; best first."""
    own = Association.objects.filter(
        organisation_id=support_request.organisation_id, is_live=True
    ).values("leader_id")
    mine = Association.objects.filter(organisation_id__in=list(organisation_ids), is_live=True)
    leaders = (
        LeaderProfile.objects.filter(pk__in=mine.values("leader_id"))
        .exclude(pk__in=own)
        .exclude(pk__in=_already_proposed(support_request).values("leader_id"))
    )
    candidates = _leaders_passing(support_request, leaders, limit)
    return _with_organisations(candidates, support_request.organisation_id)


def commissions_to_decide(user: User) -> list[Commission]:
    """Commissions waiting for a decision by an organisation the person coordinates."""
    if is_administrator(user):
        condition = Q()
    else:
        # Only requests whose owner asked the organisation: an offer nobody asked for shows
        # nothing of the request.
        ids = coordinated_organisation_ids(user)
        condition = Q(
            owning_organisation_id__in=ids,
            support_request__in=asked_commissions(ids).values("support_request_id"),
        )
    return list(
        Commission.objects.filter(condition, status=CommissionStatus.PROPOSED)
        .select_related(
            "leader__user",
            "owning_organisation",
            "support_request__school",
            "support_request__organisation",
            "proposed_by",
        )
        .order_by("created_at", "id")
    )


def commissions_involving(user: User) -> list[Commission]:
    """Every commission for a request of, or a leader of, an organisation the person coordinates
    (newest first): what they asked for and what they were asked."""
    if is_administrator(user):
        condition = Q()
    else:
        ids = list(coordinated_organisation_ids(user))
        # Asked about a request of another organisation: only what the owner asked for (an offer
        # nobody asked for shows nothing of the request).
        condition = Q(
            owning_organisation_id__in=ids,
            support_request__in=asked_commissions(set(ids)).values("support_request_id"),
        ) | Q(support_request__organisation_id__in=ids)
    return list(
        Commission.objects.filter(condition)
        .select_related(
            "leader__user",
            "owning_organisation",
            "support_request__school",
            "support_request__organisation",
            "decided_by",
        )
        .order_by("-created_at", "-id")[:100]
    )


# --- Home page reads -----------------------------------------------------------------------------


def requests_in_status(
    organisation_ids: Iterable[int], statuses: Sequence[str]
) -> QuerySet[SupportRequest]:
    return (
        SupportRequest.objects.filter(
            organisation_id__in=list(organisation_ids), status__in=statuses
        )
        .select_related("school")
        .order_by("created_at", "id")
    )


def waiting_for_shortlist(organisation_ids: Iterable[int]) -> QuerySet[SupportRequest]:
    """Open requests (new, or open again after every leader declined): a shortlist to make."""
    return requests_in_status(organisation_ids, [RequestStatus.OPEN])
