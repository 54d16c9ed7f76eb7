"""The demo's casework, one service call at a time: each helper runs one step of the brokering and
delivery flow through the area's own service, as the person whose step it is, on the day it
happened (``Clock.on``). ``casework.py`` strings them into the demo's stories.

Who acts: a school-route request is raised by the school's headteacher, a local-authority-route
request by the authority's SIP; the broker's featured coordinator shortlists, approaches and makes
the agreement; the leader answers, records visits and writes the final report; the supported
school's headteacher chooses, agrees notes of visit, gives feedback and the evaluation; each of the
four parties signs for themselves (a coordinator records the chair of governors' signature when
the leader is the home school's headteacher).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from syslead.accounts.models import User
from syslead.brokering.eligibility import RequestFacts, Rule, hard_rule_failures
from syslead.brokering.facts import associated_leaders, leader_facts
from syslead.brokering.models import Approach, Route, SupportRequest
from syslead.brokering.services import (
    approach_respond,
    approach_send,
    request_choose,
    request_create,
    shortlist_save,
    shortlist_swap,
)
from syslead.calendars.school_calendar import calendar_for
from syslead.capacity.days import days_of
from syslead.charging.agreements import agreement_charging_set
from syslead.core.academic_years import AcademicYear, Term
from syslead.demo import DEMO_SEED, texts
from syslead.demo.clock import Clock
from syslead.demo.organisations import DemoOrganisations
from syslead.demo.people import FIRST_NAMES, LAST_NAMES
from syslead.deployments.models import Deployment, Party
from syslead.deployments.services import (
    deployment_create,
    deployment_decide_further_support,
    deployment_send_for_signature,
    deployment_sign,
    deployment_sign_for_chair,
    deployment_sign_off,
    deployment_sip_agree,
    deployment_state_delivery,
)
from syslead.deployments.services.common import default_details
from syslead.deployments.sip import school_sips
from syslead.evaluation.models import FeedbackRequest
from syslead.evaluation.services import evaluation_submit, feedback_submit
from syslead.leaders.models import LeaderProfile
from syslead.organisations.models import Organisation
from syslead.schools.models import OfstedRating, School
from syslead.visits.models import ActionOwner, LogActivity, Session, Visit
from syslead.visits.services import (
    ActionPointSpec,
    action_point_complete,
    log_entry_add,
    visit_agree,
    visit_record,
    visit_sign_off,
)

#: How supported schools are picked: the weakest first (and those without a grade yet).
WEAKNESS = {
    OfstedRating.INADEQUATE: 0,
    OfstedRating.REQUIRES_IMPROVEMENT: 1,
    OfstedRating.SATISFACTORY: 1,
    "": 2,
}
CHAIRS = ("Margaret Ellis", "Robert Hale", "Susan Pike", "Graham Lowe", "Anita Rahman")


class DemoStepError(Exception):
    """The demo's data cannot tell this story (e.g. no leader fits): the story is left out."""


# --- Days ---------------------------------------------------------------------------------------


def weekday_before(day: dt.date) -> dt.date:
    """The day itself if it is a school day (a weekday in term, not a bank holiday, in the
    default calendar), else the school day before."""
    return calendar_for().school_day_on_or_before(day)


def weekday_after(day: dt.date) -> dt.date:
    """The day itself if it is a school day, else the school day after."""
    return calendar_for().school_day_on_or_after(day)


def school_days_before(day: dt.date, days: int) -> dt.date:
    """The school day ``days`` school days before ``day`` (the default calendar: the demo's
    schools have no term dates of their own, so the rules count the same days)."""
    return calendar_for().subtract_school_days(day, days)


def previous_term(term: Term) -> Term:
    return Term.containing(term.starts_on - dt.timedelta(days=1))


def next_term(term: Term) -> Term:
    return Term.containing(term.ends_on + dt.timedelta(days=1))


# --- The world the stories happen in ------------------------------------------------------------


@dataclass
class World:
    """Who and what the demo's casework uses, read once from the demo built so far."""

    today: dt.date
    clock: Clock
    organisations: DemoOrganisations
    administrator: User
    coordinators: dict[int, User]
    broker_leads: dict[int, User]
    sip: User
    #: Each demo school's headteacher (the first, when a school has several).
    heads: dict[int, User]
    #: Schools that may be supported, weakest first, by local authority.
    pool: dict[str, list[School]] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)
    #: Leaders the stories have deployed: others are preferred for the next story.
    busy: set[int] = field(default_factory=set)

    @property
    def year(self) -> AcademicYear:
        return AcademicYear.containing(self.today)

    def coordinator(self, organisation: Organisation | int) -> User:
        pk = organisation.pk if isinstance(organisation, Organisation) else organisation
        return self.coordinators[pk]

    def school(self, local_authority: str, phases: Sequence[str] = ("primary",)) -> School:
        """The next supported school not used yet in the local authority, of one of the phases."""
        for school in self.pool.get(local_authority, []):
            if school.urn not in self.used and school.phase in phases:
                self.used.add(school.urn)
                return school
        raise DemoStepError(
            f"No {'/'.join(phases)} school with a demo head left in {local_authority}."
        )

    def home_signer(self, leader: LeaderProfile) -> User | None:
        """Who signs for the leader's home school: its headteacher, or None when the leader is
        the headteacher (the chair signs: ``sign``) or the school has no demo headteacher."""
        head = self.heads.get(leader.home_school_id)
        if head is None or head.pk == leader.user_id:
            return None
        return head

    def signable(self, leader: LeaderProfile | int) -> bool:
        """Whether all four parties can sign an agreement for the leader in the demo."""
        profile = (
            leader if isinstance(leader, LeaderProfile) else LeaderProfile.objects.get(pk=leader)
        )
        return profile.is_headteacher or self.home_signer(profile) is not None


def supported_school_pool(
    heads: dict[int, User], leader_users: set[int], leader_urns: set[int]
) -> dict[str, list[School]]:
    """Schools whose demo headteacher is not a leader and where no leader works, weakest first,
    in a fixed order within each grade (by a hash of the URN and the demo's seed, so that one
    school more or less moves no other)."""
    schools = [
        s
        for s in School.objects.filter(urn__in=list(heads))
        if heads[s.urn].pk not in leader_users and s.urn not in leader_urns
    ]
    schools.sort(
        key=lambda s: (
            WEAKNESS.get(s.ofsted_rating, 3),
            hashlib.sha256(f"{DEMO_SEED}:{s.urn}".encode()).hexdigest(),
        )
    )
    pool: dict[str, list[School]] = {}
    for school in schools:
        pool.setdefault(school.local_authority, []).append(school)
    return pool


# --- Choosing what a school asks for ------------------------------------------------------------


def _request_facts(
    organisation: Organisation, school: School, needs: Sequence[str], days: Decimal, year: str
) -> RequestFacts:
    return RequestFacts(
        id=None,
        organisation_id=organisation.pk,
        school_urn=school.urn,
        school_name=school.name,
        latitude=school.latitude,
        longitude=school.longitude,
        local_authority=school.local_authority,
        trust=school.trust_name,
        phase=school.phase,
        needs=tuple(needs),
        days_requested=days,
        academic_year=year,
    )


def choose_needs(
    w: World,
    organisation: Organisation,
    school: School,
    *,
    days: Decimal,
    year: str,
    leaders_wanted: int = 1,
    only: set[int] | None = None,
    exclude: Sequence[int] = (),
    signable: bool = False,
) -> tuple[list[str], list[int]]:
    """Needs for a request the organisation's leaders can meet: the specialisms (at most three,
    the most widely held first) that ``leaders_wanted`` leaders passing every hard rule of the
    shortlist share with it, and those leaders' ids. Checked with brokering's own rules."""
    facts = leader_facts(associated_leaders(organisation.pk), year)
    request = _request_facts(organisation, school, ("none",), days, year)
    base = [
        f
        for f in facts
        if (only is None or f.id in only)
        and f.id not in exclude
        and not hard_rule_failures(f, request, skip={Rule.SPECIALISM})
        and (not signable or w.signable(f.id))
    ]
    needs: list[str] = []
    covered: set[int] = set()
    while len(covered) < leaders_wanted and len(needs) < 3:
        gains = {
            code: {f.id for f in base if code in f.specialisms} - covered
            for code in texts.PREFERRED_NEEDS
            if code not in needs
        }
        best = max(gains, key=lambda code: len(gains[code]), default=None)
        if best is None or not gains[best]:
            break
        needs.append(best)
        covered |= gains[best]
    if len(covered) < leaders_wanted:
        raise DemoStepError(
            f"{organisation.name} has {len(covered)} leader(s) who could support {school.name} "
            f"in {year}; the story needs {leaders_wanted}."
        )
    return needs, sorted(covered)


# --- Brokering ----------------------------------------------------------------------------------


def raise_request(
    w: World,
    *,
    organisation: Organisation,
    school: School,
    needs: list[str],
    days: Decimal,
    on: dt.date,
    academic_year: str | None = None,
    route: str = Route.SCHOOL,
    la_criteria: Sequence[str] = (),
) -> SupportRequest:
    """The school's headteacher asks (school route), or the authority's SIP identifies the school
    (local authority route)."""
    actor = w.heads[school.urn] if route == Route.SCHOOL else w.sip
    reason = texts.REQUEST_REASONS[school.urn % len(texts.REQUEST_REASONS)]
    with w.clock.on(on, 9):
        return request_create(
            actor=actor,
            school_urn=school.urn,
            organisation=organisation,
            route=route,
            needs=needs,
            days_requested=days,
            summary=texts.request_summary(needs, reason),
            academic_year=AcademicYear.parse(academic_year) if academic_year else None,
            context=f"{school.name} ({school.get_ofsted_rating_display() or 'not yet graded'}).",
            preferred_timing="Weekly or fortnightly visits from next half term",
            key_areas=texts.sentence(texts.focus_of(needs)),
            la_criteria=la_criteria,
            chair_of_governors_agreed=route == Route.SCHOOL,
        )


def approach(w: World, request: SupportRequest, leader: LeaderProfile, *, on: dt.date) -> Approach:
    with w.clock.on(on, 12):
        return approach_send(
            actor=w.coordinator(request.organisation_id),
            request=request,
            leader=leader,
            message=f"{request.school.name} would value your expertise: could you help?",
        )


def answer(
    w: World, approach_: Approach, *, on: dt.date, accept: bool = True, reason: str = ""
) -> Approach:
    with w.clock.on(on, 17):
        return approach_respond(
            actor=approach_.leader.user, approach=approach_, accept=accept, reason=reason
        )


def choose(w: World, request: SupportRequest, leader: LeaderProfile, *, on: dt.date) -> None:
    """The headteacher chooses; on the local authority route the coordinator records the head's
    choice on their behalf."""
    actor = (
        w.heads[request.school_id]
        if request.route == Route.SCHOOL
        else w.coordinator(request.organisation_id)
    )
    with w.clock.on(on, 14):
        request_choose(actor=actor, request=request, leader=leader)


def broker(
    w: World,
    request: SupportRequest,
    candidates: Sequence[int],
    *,
    on: dt.date,
    reason: str = "",
    others: Sequence[tuple[bool, str]] = (),
) -> LeaderProfile:
    """The coordinator shortlists; the best-ranked of ``candidates`` (leaders the story can use,
    in order of preference) is approached, or the first of them replaces the lowest-ranked leader
    with ``reason`` when none is on the list. ``others`` are answers from the other leaders on the
    list, approached at the same time (accept, reason). The leader agrees and the school chooses
    them: a week from the shortlist to the choice. Returns the chosen leader."""
    coordinator = w.coordinator(request.organisation_id)
    with w.clock.on(on, 11):
        entries = shortlist_save(
            actor=coordinator,
            request=request,
            reason="Few leaders have this specialism and days left this year.",
        )
        listed = [e.leader_id for e in entries]
        chosen_id = next((pk for pk in listed if pk in candidates), None)
        if chosen_id is None:
            if not candidates:
                raise DemoStepError(f"No leader the story can use for {request.school.name}.")
            chosen_id = candidates[0]
            replaced = entries[-1]
            shortlist_swap(
                actor=coordinator,
                entry=replaced,
                new_leader=LeaderProfile.objects.get(pk=chosen_id),
                reason=reason or "The leader knows the school's context well.",
            )
            listed[-1] = chosen_id
    leader = LeaderProfile.objects.select_related("user").get(pk=chosen_id)
    sent = approach(w, request, leader, on=on)
    rest = LeaderProfile.objects.select_related("user").in_bulk(
        [pk for pk in listed if pk != chosen_id]
    )
    asked = [
        (approach(w, request, rest[pk], on=on), accept, why)
        for pk, (accept, why) in zip([pk for pk in listed if pk != chosen_id], others, strict=False)
    ]
    answer(w, sent, on=weekday_after(on + dt.timedelta(days=2)))
    for number, (other, accept, why) in enumerate(asked, start=3):
        answer(
            w, other, on=weekday_after(on + dt.timedelta(days=number)), accept=accept, reason=why
        )
    choose(w, request, leader, on=weekday_after(on + dt.timedelta(days=6)))
    return leader


def fit(remaining: Decimal, full_days: int, half_days: int = 0) -> tuple[int, int]:
    """The largest time commitment up to ``full_days`` and ``half_days`` within ``remaining``
    days (half days go first)."""
    while half_days and days_of(full_days, half_days) > remaining:
        half_days -= 1
    while full_days and days_of(full_days, half_days) > remaining:
        full_days -= 1
    if not (full_days or half_days):
        raise DemoStepError(f"Only {remaining} days left: no agreement fits.")
    return full_days, half_days


# --- Agreements ---------------------------------------------------------------------------------


def _head_of(school_id: int | None) -> str:
    """A steady made-up name for the headteacher of a school nobody in the demo signs in for."""
    digest = int(hashlib.sha256(f"{DEMO_SEED}:head:{school_id}".encode()).hexdigest(), 16)
    first = FIRST_NAMES[digest % len(FIRST_NAMES)]
    last = LAST_NAMES[(digest // len(FIRST_NAMES)) % len(LAST_NAMES)]
    return f"{first} {last}"


def agree(
    w: World,
    request: SupportRequest,
    leader: LeaderProfile,
    *,
    on: dt.date,
    starts_on: dt.date,
    ends_on: dt.date,
    full_days: int,
    half_days: int = 0,
    funding_route: str | None = None,
    commissioner: str = "",
    collected_by: str = "home_school",
) -> Deployment:
    details: dict[str, Any] = texts.agreement_details(request.needs, request.school.name)
    if commissioner:
        details["commissioner_name"] = commissioner
        details["funding_notes"] = f"{commissioner} funds the days."
    if not default_details(leader, request, request.school_id)["home_headteacher_name"]:
        # The leader's own head has no account in the demo: the coordinator types their name.
        details["home_headteacher_name"] = _head_of(leader.home_school_id)
    w.busy.add(leader.pk)
    coordinator = w.coordinator(request.organisation_id)
    with w.clock.on(on, 15):
        # Made as a draft the coordinator checks; on the local authority route the school's SIP
        # agrees it; then it is sent for signature (docs/rules.md, "Sending an agreement for
        # signature").
        draft = deployment_create(
            actor=coordinator,
            support_request=request,
            leader=leader,
            starts_on=starts_on,
            ends_on=ends_on,
            full_days=full_days,
            half_days=half_days,
            aims=texts.aims(request.needs),
            objectives=texts.objectives(request.needs, starts_on, ends_on),
            funding_route=funding_route,
            send_for_signature=False,
            **details,
        )
        if collected_by != "home_school":
            # The alliance collects: chosen on the draft (docs/rules.md, "Charging models").
            draft = agreement_charging_set(
                actor=coordinator, deployment=draft, collected_by=collected_by
            )
        sips = school_sips(draft)
        if sips:
            draft = deployment_sip_agree(actor=sips[0], deployment=draft)
        return deployment_send_for_signature(actor=coordinator, deployment=draft)


def sign(
    w: World,
    deployment: Deployment,
    *,
    on: dt.date,
    parties: Sequence[Party] = (
        Party.LEADER,
        Party.HOME_HEADTEACHER,
        Party.CLIENT_HEADTEACHER,
        Party.BROKER_LEAD,
    ),
) -> Deployment:
    """Each party signs in turn, a school day apart; a party the demo has nobody for is left
    unsigned (the agreement waits for them)."""
    leader = deployment.leader
    day = on
    for party in parties:
        with w.clock.on(day, 16):
            if party == Party.LEADER:
                deployment = deployment_sign(actor=leader.user, deployment=deployment)
            elif party == Party.HOME_HEADTEACHER:
                home = w.home_signer(leader)
                if home is not None:
                    deployment = deployment_sign(actor=home, deployment=deployment)
                elif leader.is_headteacher:
                    deployment = deployment_sign_for_chair(
                        actor=w.coordinator(deployment.organisation_id),
                        deployment=deployment,
                        chair_name=CHAIRS[leader.pk % len(CHAIRS)],
                    )
            elif party == Party.CLIENT_HEADTEACHER:
                deployment = deployment_sign(
                    actor=w.heads[deployment.client_school_id], deployment=deployment
                )
            else:
                deployment = deployment_sign(
                    actor=w.broker_leads[deployment.organisation_id], deployment=deployment
                )
        day = weekday_after(day + dt.timedelta(days=1))
    deployment.refresh_from_db()
    return deployment


# --- Delivery -----------------------------------------------------------------------------------

SIGNED_OFF, AGREED, AWAITING = "signed_off", "agreed", "awaiting"


@dataclass(frozen=True)
class VisitPlan:
    date: dt.date
    session: str = Session.FULL_DAY
    state: str = SIGNED_OFF


def visit_dates(first: dt.date, last: dt.date, count: int) -> list[dt.date]:
    """``count`` school days spread evenly from ``first`` to ``last``."""
    if count <= 1 or last <= first:
        return [weekday_before(last if count == 1 else first)][: max(count, 0)]
    step = (last - first) / (count - 1)
    return [weekday_before(first + step * i) for i in range(count)]


def deliver(
    w: World,
    deployment: Deployment,
    plans: Sequence[VisitPlan],
    *,
    overdue_action: bool = False,
) -> list[Visit]:
    """Notes of visit as planned: recorded by the leader on the day, with an action point for the
    leader and one for the school; agreed by the headteacher and signed off by the leader the next
    school day (or left at the state planned). Each visit's action points are done by the next
    visit, except, with ``overdue_action``, the leader's point of the last visit but one (due
    before today)."""
    leader_user = deployment.leader.user
    head = w.heads[deployment.client_school_id]
    needs = list(deployment.support_request.needs)
    kept_open = len(plans) - 2 if overdue_action else None
    visits: list[Visit] = []
    for number, plan in enumerate(plans):
        note = texts.visit_note(needs, number + deployment.pk)
        with w.clock.on(plan.date, 15):
            if visits:
                for point in visits[-1].action_points.filter(completed_on__isnull=True):
                    if number - 1 == kept_open and point.owner == ActionOwner.LEADER:
                        continue
                    action_point_complete(
                        actor=leader_user if point.owner == ActionOwner.LEADER else head,
                        action_point=point,
                        completed_on=min(plan.date, point.due_on),
                    )
            visit = visit_record(
                actor=leader_user,
                deployment=deployment,
                date=plan.date,
                session=plan.session,
                hours=Decimal("6") if plan.session == Session.FULL_DAY else Decimal("3"),
                focus=note["focus"],
                progress=note["progress"],
                issues=note["issues"],
                actions=[
                    ActionPointSpec(
                        ActionOwner.LEADER,
                        texts.LEADER_ACTIONS[number % len(texts.LEADER_ACTIONS)],
                        weekday_after(
                            plan.date + dt.timedelta(days=10 if number == kept_open else 14)
                        ),
                    ),
                    ActionPointSpec(
                        ActionOwner.SCHOOL,
                        texts.SCHOOL_ACTIONS[number % len(texts.SCHOOL_ACTIONS)],
                        weekday_after(plan.date + dt.timedelta(days=21)),
                    ),
                ],
            )
            if number % 2 == 0:
                log_entry_add(
                    actor=leader_user,
                    deployment=deployment,
                    date=plan.date,
                    hours=Decimal("1.5"),
                    activity=LogActivity.ANALYSIS if number % 4 == 0 else LogActivity.REPORTING,
                    actions="Analysed the school's monitoring evidence and wrote up next steps.",
                    outcomes="Next steps agreed with the headteacher by e-mail.",
                )
        if plan.state in (SIGNED_OFF, AGREED):
            next_day = min(weekday_after(plan.date + dt.timedelta(days=1)), w.today)
            with w.clock.on(next_day, 9 if plan.state == SIGNED_OFF else 8):
                visit = visit_agree(actor=head, visit=visit)
                if plan.state == SIGNED_OFF:
                    visit = visit_sign_off(actor=leader_user, visit=visit)
        visits.append(visit)
    return visits


def prepare(w: World, deployment: Deployment, *, on: dt.date) -> None:
    """The leader logs preparation before the first visit."""
    with w.clock.on(on, 18):
        log_entry_add(
            actor=deployment.leader.user,
            deployment=deployment,
            date=on,
            hours=Decimal("3"),
            activity=LogActivity.PREPARATION,
            actions="Read the school's self-evaluation, improvement plan and latest data; "
            "planned the first visit with the headteacher by phone.",
            outcomes="Questions for the first visit agreed.",
        )


def give_feedback(w: World, deployment: Deployment, term: Term, *, on: dt.date) -> None:
    feedback = FeedbackRequest.objects.get(
        deployment=deployment, academic_year=term.year.label, term=term.name
    )
    delivered = sum(
        (v.days for v in deployment.visits.filter(date__range=(term.starts_on, term.ends_on))),
        Decimal(0),
    )
    with w.clock.on(on, 13):
        feedback_submit(
            actor=w.heads[deployment.client_school_id],
            feedback=feedback,
            **texts.feedback(list(deployment.support_request.needs), delivered + 1),
        )


def close_together(
    w: World, deployment: Deployment, *, on: dt.date, not_delivered: str = ""
) -> None:
    """Close the agreement together on ``on`` (docs/rules.md, "Closing an agreement"): the
    leader's statement (not fully delivered when ``not_delivered`` says why), the leader's and the
    headteacher's sign-offs, and no further support; the coordinator then completes it."""
    head = w.heads[deployment.client_school_id]
    with w.clock.on(on, 10):
        deployment_state_delivery(
            actor=deployment.leader.user,
            deployment=deployment,
            fully_delivered=not not_delivered,
            reason=not_delivered,
        )
    with w.clock.on(on, 11):
        deployment_sign_off(actor=deployment.leader.user, deployment=deployment)
    with w.clock.on(on, 12):
        deployment_sign_off(actor=head, deployment=deployment)
    with w.clock.on(on, 14):
        deployment_decide_further_support(
            actor=w.coordinator(deployment.organisation_id),
            deployment=deployment,
            decision="none",
        )


def evaluate(w: World, deployment: Deployment, *, on: dt.date) -> None:
    with w.clock.on(on, 13):
        evaluation_submit(
            actor=w.heads[deployment.client_school_id],
            deployment=deployment,
            ratings={item.value: rating for item, (rating, _) in texts.EVALUATION.items()},
            comments={item.value: comment for item, (_, comment) in texts.EVALUATION.items()},
            future_priorities="Embed the monitoring cycle; share practice with a partner school.",
        )
