"""The demo's casework: requests for support at every stage, agreements and their delivery, built
through the services (``steps.py``) and dated relative to today, so that every role's home page
shows real work whenever the demo is loaded.

The stories, spread over the three brokers, on real schools of their areas with demo headteachers:

- KYRA (Lincolnshire): Lee Turner's agreement, active since last term (notes of visit agreed and
  signed off, one to sign off, one waiting for the head; an overdue action point; preparation in
  the log; last term's feedback given and its log shared; a progress review whose ratings
  disagree); Lee's next agreement, signed by Lee and waiting for his headteacher, Harriet Bishop;
  two newly designated SLEs deployed within three months (the second funded by the local
  authority and waiting for the broker lead's signature); last year's completed agreement with
  its evaluation and approved final report; a request waiting for Cara Mills to choose between
  two leaders who agreed; a leader shared by the hub (an approved commission), chosen, with the
  agreement to draft; approaches with an acceptance, a refusal with its reason and no answer
  after six school days; a request waiting for a shortlist (with a proposal to the hub to share
  a leader); a direct approach Lee told KYRA about.
- The L.E.A.D. hub (Lincolnshire): its support for Cara Mills's school since last term, with
  a note of visit waiting for her for more than five school days and last term's feedback
  overdue; a newly designated SLE deployed; last year's agreement whose final report waits for
  quality assurance; a paused agreement; a request waiting for a shortlist.
- South Gloucestershire Council: a local-authority-route agreement with notes of visit for the
  SIP and an open safeguarding concern; an agreement with no visit for over six weeks; one
  waiting for the broker lead's signature; a local-authority-route request identified by the SIP
  (criteria ticked) waiting for a shortlist; a request on the waiting list.

Each story is keyed by its broker and school: one whose request exists already is left as it is,
so ``load_demo`` run again adds nothing. A story the data cannot tell (no leader fits, say, on an
unusual day of the year) is left out, with the reason, and the rest are built.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from syslead.accounts.models import Role, User
from syslead.brokering.facts import associated_leaders
from syslead.brokering.models import LaCriterion, Route, SupportRequest
from syslead.brokering.services import (
    commission_decide,
    commission_offer,
    direct_approach_record,
    request_waitlist,
    shortlist_save,
)
from syslead.capacity.days import days_of
from syslead.capacity.ledger import leader_capacity
from syslead.core.academic_years import AcademicYear, Term
from syslead.core.exceptions import NotAllowed, RuleViolation
from syslead.core.models import Event
from syslead.demo import DEMO_SEED, texts
from syslead.demo.clock import Clock
from syslead.demo.leaders import FEATURED_COORDINATORS, FEATURED_LEADER_EMAIL
from syslead.demo.organisations import DemoOrganisations
from syslead.demo.people import LINCOLNSHIRE, SOUTH_GLOUCESTERSHIRE, DemoPeople
from syslead.demo.steps import (
    AGREED,
    AWAITING,
    SIGNED_OFF,
    DemoStepError,
    VisitPlan,
    World,
    agree,
    answer,
    approach,
    broker,
    choose_needs,
    close_together,
    deliver,
    evaluate,
    fit,
    give_feedback,
    next_term,
    prepare,
    previous_term,
    raise_request,
    school_days_before,
    sign,
    supported_school_pool,
    visit_dates,
    weekday_after,
    weekday_before,
)
from syslead.deployments.models import ChangeKind, Deployment, FundingRoute, Party
from syslead.deployments.rules import add_months
from syslead.deployments.services import deployment_complete, deployment_pause
from syslead.evaluation.models import Viewpoint
from syslead.evaluation.services import (
    feedback_terms,
    final_report_approve,
    final_report_save,
    final_report_submit,
    progress_review_agree_measures,
    progress_review_rate,
)
from syslead.invoicing.models import Invoice
from syslead.invoicing.services import (
    invoice_draft,
    invoice_issue,
    invoice_mark_paid,
    remittance_record,
)
from syslead.leaders.models import (
    Association,
    Designation,
    LeaderProfile,
    TrainingEvent,
    TrainingKind,
)
from syslead.leaders.services import attendance_record, release_set, training_event_create
from syslead.organisations.models import Organisation
from syslead.schools.models import School
from syslead.schools.sips import name_sip, school_sip
from syslead.visits.models import ConcernContact, ConcernKind, Session
from syslead.visits.selectors import term_from_key
from syslead.visits.services import concern_contact_set, concern_raise, log_share_term

NEW_SLE_REASON = (
    "Newly designated SLE with this expertise: we aim to deploy new SLEs within three months of "
    "their designation."
)


@dataclass
class DemoCasework:
    """What the casework step did: the stories built now, those already there, those left out
    (with the reason)."""

    built: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"Casework: {len(self.built)} stories added now, {len(self.existing)} already there"
        if self.skipped:
            text += f", {len(self.skipped)} left out ({'; '.join(self.skipped)})"
        return text + "."


class _AlreadyThere(Exception):
    """The story's request exists: it was built by an earlier load."""


# --- The world ----------------------------------------------------------------------------------


def _world(
    administrator: User, organisations: DemoOrganisations, people: DemoPeople, today: dt.date
) -> World:
    by_key = {
        "alliance": organisations.alliance,
        "local_authority": organisations.local_authority,
        "hub": organisations.hub,
    }
    coordinators = {
        by_key[key].pk: people.users[email] for key, email in FEATURED_COORDINATORS.items()
    }
    broker_leads = {
        by_key[key].pk: people.users[email]
        for key, email in (
            ("alliance", "jonathan.reed@kyra.example"),
            ("local_authority", "martin.cole@southglos.example"),
            ("hub", "david.okafor@leadhub.example"),
        )
    }
    heads: dict[int, User] = {}
    for plan in people.plans:
        for spec in plan.roles:
            if spec.role == Role.HEADTEACHER and spec.school_urn is not None:
                heads.setdefault(spec.school_urn, people.users[plan.email])
    leaders = LeaderProfile.objects.filter(user__in=people.users.values()).values_list(
        "user_id", "home_school_id"
    )
    pool = supported_school_pool(heads, {user for user, _ in leaders}, {urn for _, urn in leaders})
    world = World(
        today=today,
        clock=Clock(today),
        organisations=organisations,
        administrator=administrator,
        coordinators=coordinators,
        broker_leads=broker_leads,
        sip=people.users["sunita.patel@southglos.example"],
        heads=heads,
        pool=pool,
    )
    cara = _cara_school(world)
    if cara is not None:
        world.used.add(cara)  # kept for Cara Mills's own stories
    return world


def _area(w: World, organisation: Organisation) -> str:
    return (
        SOUTH_GLOUCESTERSHIRE if organisation == w.organisations.local_authority else LINCOLNSHIRE
    )


def _fresh(organisation: Organisation, school_urn: int) -> None:
    if SupportRequest.objects.filter(organisation=organisation, school_id=school_urn).exists():
        raise _AlreadyThere


def _phases(leader: LeaderProfile) -> list[str]:
    return list(leader.phase_rows.values_list("phase", flat=True))


def _lee() -> LeaderProfile:
    return LeaderProfile.objects.select_related("user", "home_school").get(
        user__email=FEATURED_LEADER_EMAIL
    )


def _cara_school(w: World) -> int | None:
    head = User.objects.filter(email="cara.mills@schools.example").first()
    return next((urn for urn, user in w.heads.items() if head and user.pk == head.pk), None)


def _remaining(leader: LeaderProfile | int, year: AcademicYear) -> Decimal:
    profile = leader if isinstance(leader, LeaderProfile) else LeaderProfile.objects.get(pk=leader)
    return leader_capacity(profile, year.label).remaining


# --- Before the stories: last year's releases, this year's new SLEs trained ---------------------


def releases(w: World) -> None:
    """Last year's release for every leader designated and trained before it began (the stories
    of last year need them); and, in the last weeks of the year, next year's for every leader
    released this year (agreements starting soon fall in it). Agreed by the home school's
    headteacher, or by the broker's coordinator when the leader is the head or the school has no
    demo head."""
    previous, current = w.year.previous(), w.year
    _releases_for(
        w,
        previous,
        LeaderProfile.objects.filter(
            core_training_completed_on__lt=previous.starts_on,
            designations__designated_on__lt=previous.starts_on,
        ),
        agreed_on=previous.starts_on - dt.timedelta(days=40),
    )
    if AcademicYear.containing(w.today + dt.timedelta(days=42)) != current:
        _releases_for(
            w,
            current.next(),
            LeaderProfile.objects.filter(
                releases__academic_year=current.label, core_training_completed_on__isnull=False
            ),
            agreed_on=weekday_before(w.today - dt.timedelta(days=10)),
        )


def _releases_for(
    w: World, year: AcademicYear, leaders: QuerySet[LeaderProfile], *, agreed_on: dt.date
) -> None:
    brokers = [o.pk for o in w.organisations.all()]
    missing = (
        leaders.filter(associations__organisation__in=brokers, associations__is_live=True)
        .exclude(releases__academic_year=year.label)
        .select_related("user")
        .distinct()
        .order_by("pk")
    )
    rng = random.Random(DEMO_SEED + year.start_year)
    with w.clock.on(agreed_on, 9):
        for leader in missing:
            association = (
                Association.objects.filter(leader=leader, is_live=True, organisation__in=brokers)
                .order_by("-exclusive", "pk")
                .first()
            )
            assert association is not None
            release_set(
                actor=w.home_signer(leader) or w.coordinator(association.organisation_id),
                leader=leader,
                academic_year=year,
                days=Decimal(rng.randint(16, 30)) / 2,
                agreed_on=agreed_on,
            )


def _new_sle_event_title(w: World) -> str:
    return f"Core training for new SLEs {w.year.label}"


def train_new_sles(w: World) -> None:
    """A second core training this year for the SLEs designated before today: two of the
    alliance's and one of the hub's attend (the others are still "not deployable")."""
    title = _new_sle_event_title(w)
    for organisation, places in ((w.organisations.alliance, 2), (w.organisations.hub, 1)):
        if TrainingEvent.objects.filter(organisation=organisation, title=title).exists():
            continue
        designations = list(
            Designation.objects.filter(
                organisation=organisation,
                type__code="SLE",
                designated_on__gte=w.year.starts_on,
                designated_on__lt=w.today,
                leader__core_training_completed_on__isnull=True,
            )
            .select_related("leader__user")
            .order_by("designated_on", "pk")[:places]
        )
        if not designations:
            continue
        latest = max(d.designated_on for d in designations)
        held_on = max(
            latest,
            weekday_before(min(w.today - dt.timedelta(days=1), latest + dt.timedelta(days=10))),
        )
        coordinator = w.coordinator(organisation)
        with w.clock.on(held_on, 9):
            event = training_event_create(
                actor=coordinator,
                organisation=organisation,
                kind=TrainingKind.CORE,
                title=title,
                held_on=held_on,
                location=organisation.lead_school.name if organisation.lead_school else "",
            )
            for designation in designations:
                attendance_record(actor=coordinator, event=event, leader=designation.leader)


# --- KYRA: Lee Turner ---------------------------------------------------------------------------


def lee_active(w: World) -> str:
    """Lee's agreement since last term, with everything delivery records."""
    lee = _lee()
    org = w.organisations.alliance
    school = w.school(LINCOLNSHIRE, _phases(lee))
    _fresh(org, school.urn)
    this_term = Term.containing(w.today)
    last = previous_term(this_term)
    starts_on = weekday_after(last.starts_on + dt.timedelta(days=21))
    ends_on = weekday_before(next_term(this_term).ends_on)
    year = AcademicYear.containing(starts_on)
    remaining = _remaining(lee, year)
    if year == AcademicYear.containing(_lees_next_start(w)) and remaining > LEES_NEXT_DAYS:
        remaining -= LEES_NEXT_DAYS  # keep days for his next agreement (``lee_to_sign``)
    full, half = fit(remaining, 6, 2)
    days = days_of(full, half)
    needs, _ = choose_needs(w, org, school, days=days, year=year.label, only={lee.pk})
    request = raise_request(
        w,
        organisation=org,
        school=school,
        needs=needs,
        days=days,
        academic_year=year.label,
        on=weekday_before(starts_on - dt.timedelta(days=42)),
    )
    broker(w, request, [lee.pk], on=weekday_before(starts_on - dt.timedelta(days=35)))
    deployment = agree(
        w,
        request,
        lee,
        on=weekday_before(starts_on - dt.timedelta(days=25)),
        starts_on=starts_on,
        ends_on=ends_on,
        full_days=full,
        half_days=half,
    )
    deployment = sign(w, deployment, on=weekday_before(starts_on - dt.timedelta(days=21)))
    prepare(w, deployment, on=weekday_before(starts_on - dt.timedelta(days=5)))
    recent = school_days_before(w.today, 2)
    earlier = visit_dates(
        starts_on + dt.timedelta(days=7), w.today - dt.timedelta(days=21), _visits_for(days) - 1
    )
    sessions = _sessions(len(earlier) + 1)
    plans = [
        VisitPlan(day, session, AGREED if i == len(earlier) - 1 else SIGNED_OFF)
        for i, (day, session) in enumerate(zip(earlier, sessions, strict=False))
    ] + [VisitPlan(recent, sessions[-1], AWAITING)]
    deliver(w, deployment, plans, overdue_action=True)
    _last_term_records(w, deployment, last)
    # His school invoices the agreed visits so far: Harriet Bishop sees the income due.
    _invoice(w, deployment, on=weekday_before(w.today - dt.timedelta(days=14)))
    return f"Lee Turner's agreement at {school.name}"


def _invoice(
    w: World, deployment: Deployment, *, on: dt.date, paid_on: dt.date | None = None
) -> Invoice:
    """The agreed notes of visit so far invoiced and issued on ``on`` (the broker's coordinator
    runs invoicing for the schools here), and paid on ``paid_on`` if given."""
    coordinator = w.coordinator(deployment.organisation)
    with w.clock.on(on, 15):
        invoice = invoice_draft(actor=coordinator, deployment=deployment)
        invoice = invoice_issue(actor=coordinator, invoice=invoice, today=on)
    if paid_on is not None:
        with w.clock.on(paid_on, 11):
            invoice = invoice_mark_paid(actor=coordinator, invoice=invoice, paid_on=paid_on)
    return invoice


def _visits_for(days: Decimal) -> int:
    """Visits (alternately full and half days) that use about two thirds of the days."""
    return max(3, min(7, int(days * 2 / 3 / Decimal("0.75"))))


def _sessions(count: int) -> list[str]:
    return [Session.FULL_DAY if i % 2 == 0 else Session.HALF_DAY for i in range(count)]


def _last_term_records(w: World, deployment: Deployment, last: Term) -> None:
    """Last term's feedback, the log shared, and the termly review: each objective rated by the
    headteacher, the leader and the coordinator, who do not all agree on the second."""
    day = weekday_before(min(last.ends_on - dt.timedelta(days=14), w.today))
    give_feedback(w, deployment, last, on=day)
    objectives = list(deployment.objectives.order_by("position"))
    ratings = {
        Viewpoint.HEADTEACHER: ("green", "amber"),
        Viewpoint.LEADER: ("green", "green"),
        Viewpoint.COORDINATOR: ("green", "amber"),
    }
    raters = {
        Viewpoint.HEADTEACHER: w.heads[deployment.client_school_id],
        Viewpoint.LEADER: deployment.leader.user,
        Viewpoint.COORDINATOR: w.coordinator(deployment.organisation_id),
    }
    with w.clock.on(weekday_after(day + dt.timedelta(days=1)), 15):
        for viewpoint, values in ratings.items():
            progress_review_rate(
                actor=raters[viewpoint],
                deployment=deployment,
                term=last,
                ratings={o.pk: value for o, value in zip(objectives, values, strict=False)},
                comments={
                    objectives[-1].pk: "The lead is not yet monitoring without support."
                    if values[-1] == "amber"
                    else "The lead's monitoring is well under way."
                },
                viewpoint=viewpoint,
            )
        progress_review_agree_measures(
            actor=raters[Viewpoint.COORDINATOR],
            deployment=deployment,
            term=last,
            revised_measures="The lead carries out two learning walks alone before the next "
            "review, moderated by the leader.",
        )
        log_share_term(actor=deployment.leader.user, deployment=deployment, term=last)


LEES_NEXT_DAYS = Decimal(3)


def _lees_next_start(w: World) -> dt.date:
    return weekday_after(w.today + dt.timedelta(days=14))


def lee_to_sign(w: World) -> str:
    """Lee's next agreement: he has signed, his headteacher (Harriet Bishop) signs next."""
    lee = _lee()
    org = w.organisations.alliance
    school = w.school(LINCOLNSHIRE, _phases(lee))
    _fresh(org, school.urn)
    starts_on = _lees_next_start(w)
    year = AcademicYear.containing(starts_on)
    full, half = fit(_remaining(lee, year), int(LEES_NEXT_DAYS))
    days = days_of(full, half)
    needs, _ = choose_needs(w, org, school, days=days, year=year.label, only={lee.pk})
    request = raise_request(
        w,
        organisation=org,
        school=school,
        needs=needs,
        days=days,
        academic_year=year.label,
        on=w.today - dt.timedelta(days=20),
    )
    broker(w, request, [lee.pk], on=weekday_before(w.today - dt.timedelta(days=15)))
    deployment = agree(
        w,
        request,
        lee,
        on=school_days_before(w.today, 3),
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(weeks=15),
        full_days=full,
        half_days=half,
    )
    sign(w, deployment, on=school_days_before(w.today, 2), parties=[Party.LEADER])
    return f"Lee Turner's agreement at {school.name}, waiting for signatures"


def lee_direct_approach(w: World) -> str:
    """Lee tells KYRA a school approached him directly."""
    lee = _lee()
    if Event.objects.filter(verb="leader.direct_approach", subject_id=str(lee.pk)).exists():
        raise _AlreadyThere
    school = w.school(LINCOLNSHIRE, _phases(lee))
    day = school_days_before(w.today, 4)
    with w.clock.on(day, 18):
        direct_approach_record(
            actor=lee.user,
            leader=lee,
            approached_by=f"The headteacher of {school.name}",
            details="Asked whether I could help with their maths curriculum next term; I said "
            "the request should come through KYRA.",
            school_urn=school.urn,
            approached_on=day,
        )
    return f"A direct approach to Lee Turner from {school.name}"


# --- New SLEs deployed within three months -------------------------------------------------------


def new_sle(
    w: World,
    organisation: Organisation,
    index: int,
    *,
    parties: tuple[Party, ...],
    funding_route: str | None = None,
    commissioner: str = "",
) -> str:
    """The ``index``-th newly designated (and trained) SLE of the organisation, deployed to start
    within three months of the designation; signed by ``parties``."""
    event = TrainingEvent.objects.filter(
        organisation=organisation, title=_new_sle_event_title(w)
    ).first()
    designations = list(
        Designation.objects.filter(
            organisation=organisation,
            type__code="SLE",
            designated_on__gte=w.year.starts_on,
            leader__core_training_completed_on__isnull=False,
        )
        .select_related("leader__user")
        .order_by("designated_on", "pk")
    )
    if event is None or index >= len(designations):
        raise DemoStepError(f"{organisation.name} has no trained new SLE number {index + 1}.")
    designation = designations[index]
    leader = designation.leader
    school = w.school(_area(w, organisation), _phases(leader))
    _fresh(organisation, school.urn)
    deploy_by = add_months(designation.designated_on, 3)
    starts_on = weekday_after(
        max(designation.designated_on + dt.timedelta(days=28), w.today + dt.timedelta(days=10))
    )
    if starts_on > deploy_by:
        starts_on = weekday_after(designation.designated_on + dt.timedelta(days=28))
    year = AcademicYear.containing(starts_on)
    full, half = fit(_remaining(leader, year), 4)
    days = days_of(full, half)
    needs, _ = choose_needs(w, organisation, school, days=days, year=year.label, only={leader.pk})
    day = _not_after(w, max(designation.designated_on, event.held_on - dt.timedelta(days=5)))
    request = raise_request(
        w,
        organisation=organisation,
        school=school,
        needs=needs,
        days=days,
        academic_year=year.label,
        on=day,
    )
    broker(
        w,
        request,
        [leader.pk],
        on=_not_after(w, event.held_on + dt.timedelta(days=1)),
        reason=NEW_SLE_REASON,
    )
    deployment = agree(
        w,
        request,
        leader,
        on=_not_after(w, event.held_on + dt.timedelta(days=9)),
        starts_on=starts_on,
        ends_on=max(starts_on + dt.timedelta(weeks=16), w.today + dt.timedelta(weeks=8)),
        full_days=full,
        half_days=half,
        funding_route=funding_route,
        commissioner=commissioner,
    )
    deployment = sign(
        w, deployment, on=_not_after(w, event.held_on + dt.timedelta(days=11)), parties=parties
    )
    if starts_on < w.today - dt.timedelta(days=7) and deployment.status == "active":
        # The designation was months ago: the agreement started and is under way.
        dates = visit_dates(
            starts_on + dt.timedelta(days=3),
            school_days_before(w.today, 3),
            max(1, min(int(days * 2) - 1, (w.today - starts_on).days // 21)),
        )
        deliver(w, deployment, [VisitPlan(d, Session.HALF_DAY) for d in dates])
        _feedback_for_ended_terms(w, deployment)
    return f"{leader.name}, SLE since {designation.designated_on:%-d %B}, at {school.name}"


def _feedback_for_ended_terms(w: World, deployment: Deployment) -> None:
    """The headteacher's feedback for every term of the agreement that has ended."""
    for feedback in deployment.feedback_requests.filter(due_on__lt=w.today, status="due"):
        give_feedback(
            w,
            deployment,
            feedback.school_term,
            on=_not_after(w, feedback.due_on - dt.timedelta(days=5)),
        )


def _not_after(w: World, day: dt.date) -> dt.date:
    return weekday_before(min(day, w.today))


# --- Last year: completed agreements ------------------------------------------------------------


def completed_last_year(w: World, organisation: Organisation, *, approve: bool) -> str:
    """An agreement of last year, delivered and completed, evaluated by the headteacher; the final
    report approved (``approve``) or waiting for quality assurance."""
    previous = w.year.previous()
    school = w.school(_area(w, organisation), ("primary",))
    _fresh(organisation, school.urn)
    offset = 35 if approve else 49
    starts_on = weekday_after(previous.starts_on + dt.timedelta(days=offset))
    ends_on = weekday_before(previous.ends_on - dt.timedelta(days=offset))
    days = Decimal(6)
    needs, ids = _needs_of_idle_leaders(
        w, organisation, school, days=days, year=previous.label, leaders_wanted=1
    )
    request = raise_request(
        w,
        organisation=organisation,
        school=school,
        needs=needs,
        days=days,
        academic_year=previous.label,
        on=weekday_before(starts_on - dt.timedelta(days=40)),
    )
    leader = broker(w, request, ids, on=weekday_before(starts_on - dt.timedelta(days=33)))
    deployment = agree(
        w,
        request,
        leader,
        on=weekday_before(starts_on - dt.timedelta(days=24)),
        starts_on=starts_on,
        ends_on=ends_on,
        full_days=5,
        half_days=2,
        # The approved one's alliance collects and pays the leader's school its share.
        collected_by="broker" if approve else "home_school",
    )
    deployment = sign(w, deployment, on=weekday_before(starts_on - dt.timedelta(days=20)))
    prepare(w, deployment, on=weekday_before(starts_on - dt.timedelta(days=4)))
    dates = visit_dates(starts_on + dt.timedelta(days=7), ends_on - dt.timedelta(days=10), 6)
    deliver(w, deployment, [VisitPlan(d, s) for d, s in zip(dates, _sessions(6), strict=True)])
    for term in feedback_terms(deployment):
        span = term.dates(deployment.client_school.local_authority)
        give_feedback(
            w,
            deployment,
            term,
            on=max(
                weekday_before(min(span.ends_on, ends_on) - dt.timedelta(days=5)),
                weekday_after(span.starts_on),
            ),
        )
    close_together(
        w,
        deployment,
        on=ends_on,
        not_delivered=""
        if approve
        else "One half day was not used: the school's closure for a staff training day.",
    )
    with w.clock.on(ends_on, 16):
        deployment_complete(
            actor=w.coordinator(organisation), deployment=deployment, completed_on=ends_on
        )
    invoiced_on = weekday_after(ends_on + dt.timedelta(days=7))
    paid_on = weekday_after(invoiced_on + dt.timedelta(25))
    invoice = _invoice(w, deployment, on=invoiced_on, paid_on=paid_on)
    if approve:
        # The alliance pays the leader's school its share with a remittance advice.
        remitted_on = weekday_after(paid_on + dt.timedelta(days=3))
        with w.clock.on(remitted_on, 10):
            remittance_record(
                actor=w.coordinator(organisation),
                invoice=invoice,
                paid_on=remitted_on,
                reference=f"BACS {invoice.number}",
            )
    evaluate(w, deployment, on=weekday_after(ends_on + dt.timedelta(days=3)))
    report_text = texts.final_report(needs, school.name)
    with w.clock.on(weekday_after(ends_on + dt.timedelta(days=5)), 17):
        report = final_report_save(actor=leader.user, deployment=deployment, **report_text)
        report = final_report_submit(actor=leader.user, report=report)
    if approve:
        with w.clock.on(weekday_after(ends_on + dt.timedelta(days=9)), 11):
            final_report_approve(
                actor=w.coordinator(organisation),
                report=report,
                comments="Clear evidence of impact against both objectives. Approved.",
            )
    state = "final report approved" if approve else "final report waiting for quality assurance"
    return f"{leader.name} at {school.name} in {previous.label}, {state}"


# --- Active agreements elsewhere ----------------------------------------------------------------


def _needs_of_idle_leaders(
    w: World,
    organisation: Organisation,
    school: School,
    *,
    days: Decimal,
    year: str,
    leaders_wanted: int,
) -> tuple[list[str], list[int]]:
    """Needs that leaders all four parties can sign for can meet, leaders the stories have not
    deployed yet if possible (so the demo shows more of them)."""
    try:
        return choose_needs(
            w,
            organisation,
            school,
            days=days,
            year=year,
            signable=True,
            leaders_wanted=leaders_wanted,
            exclude=sorted(w.busy),
        )
    except DemoStepError:
        return choose_needs(
            w,
            organisation,
            school,
            days=days,
            year=year,
            signable=True,
            leaders_wanted=leaders_wanted,
        )


def _agreement(
    w: World,
    organisation: Organisation,
    school_urn: int | None,
    *,
    starts_on: dt.date,
    ends_on: dt.date,
    full_days: int,
    half_days: int = 0,
    phases: tuple[str, ...] = ("primary",),
    route: str = Route.SCHOOL,
    la_criteria: tuple[str, ...] = (),
    others: tuple[tuple[bool, str], ...] = (),
    parties: tuple[Party, ...] = (
        Party.LEADER,
        Party.HOME_HEADTEACHER,
        Party.CLIENT_HEADTEACHER,
        Party.BROKER_LEAD,
    ),
    funding_route: str | None = None,
    commissioner: str = "",
) -> Deployment:
    """A request, brokered to a leader all four parties can sign for, and its agreement, made
    three to four weeks before it starts (or, for one starting later, in the last few weeks);
    signed by ``parties``."""
    school = (
        School.objects.get(urn=school_urn)
        if school_urn is not None
        else w.school(_area(w, organisation), phases)
    )
    _fresh(organisation, school.urn)
    year = AcademicYear.containing(starts_on)
    anchor = min(starts_on, w.today + dt.timedelta(days=14))
    days = days_of(full_days, half_days)
    needs, ids = _needs_of_idle_leaders(
        w, organisation, school, days=days, year=year.label, leaders_wanted=1 + len(others)
    )
    request = raise_request(
        w,
        organisation=organisation,
        school=school,
        needs=needs,
        days=days,
        academic_year=year.label,
        route=route,
        la_criteria=la_criteria,
        on=_not_after(w, anchor - dt.timedelta(days=42)),
    )
    leader = broker(
        w,
        request,
        [pk for pk in ids if w.signable(pk)],
        on=_not_after(w, anchor - dt.timedelta(days=35)),
        others=others,
    )
    deployment = agree(
        w,
        request,
        leader,
        on=_not_after(w, anchor - dt.timedelta(days=25)),
        starts_on=starts_on,
        ends_on=ends_on,
        full_days=full_days,
        half_days=half_days,
        funding_route=funding_route,
        commissioner=commissioner,
    )
    deployment = sign(
        w, deployment, on=_not_after(w, anchor - dt.timedelta(days=21)), parties=parties
    )
    if deployment.status == "active" and starts_on - dt.timedelta(days=4) <= w.today:
        prepare(w, deployment, on=weekday_before(starts_on - dt.timedelta(days=4)))
    return deployment


def hub_support_at_caras_school(w: World) -> str:
    """The hub's support at Cara Mills's school since last term: her note of visit waits more than
    five school days, and last term's feedback is overdue."""
    hub = w.organisations.hub
    this_term = Term.containing(w.today)
    starts_on = weekday_after(previous_term(this_term).starts_on + dt.timedelta(days=35))
    deployment = _agreement(
        w,
        hub,
        _cara_school(w),
        starts_on=starts_on,
        ends_on=weekday_before(next_term(this_term).ends_on),
        full_days=5,
        half_days=2,
        phases=("secondary",),
        funding_route=FundingRoute.LOCAL_AUTHORITY,
        commissioner="Lincolnshire County Council",
    )
    waiting = school_days_before(w.today, 7)
    dates = visit_dates(starts_on + dt.timedelta(days=7), waiting - dt.timedelta(days=21), 4)
    plans = [VisitPlan(d, s) for d, s in zip(dates, _sessions(4), strict=True)]
    deliver(w, deployment, [*plans, VisitPlan(waiting, Session.HALF_DAY, AWAITING)])
    return f"{deployment.leader.name} at {deployment.client_school.name} (hub)"


def la_route_with_concern(w: World) -> str:
    """An agreement on the local authority route: two leaders agreed, the LA team recorded the
    head's choice; the featured SIP is the school's named SIP; notes of visit signed off (the SIP
    receives them); the SIP's view on this term's progress review, with the coordinator's; a
    safeguarding concern raised at the last visit, open with the named person."""
    la = w.organisations.local_authority
    starts_on = weekday_after(w.today - dt.timedelta(days=70))
    deployment = _agreement(
        w,
        la,
        None,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(weeks=30),
        full_days=6,
        route=Route.LOCAL_AUTHORITY,
        la_criteria=(LaCriterion.NEW_OR_ACTING_HEAD, LaCriterion.LEADERSHIP_RI),
        others=((True, ""),),
    )
    coordinator = w.coordinator(la)
    _name_the_sip(w, deployment, on=weekday_before(starts_on - dt.timedelta(days=21)))
    dates = visit_dates(starts_on + dt.timedelta(days=3), school_days_before(w.today, 3), 4)
    visits = deliver(w, deployment, [VisitPlan(d) for d in dates])
    _feedback_for_ended_terms(w, deployment)
    _sips_view(w, deployment)
    if not ConcernContact.objects.filter(organisation=la).exists():
        with w.clock.on(starts_on - dt.timedelta(days=60), 9):
            concern_contact_set(
                actor=coordinator, organisation=la, safeguarding_lead=w.broker_leads[la.pk]
            )
    with w.clock.on(visits[-1].date, 17):
        concern_raise(
            actor=deployment.leader.user,
            kind=ConcernKind.SAFEGUARDING,
            summary="A pupil's disclosure during a learning walk",
            details="During the learning walk a Year 5 pupil told me about worries at home. I "
            "listened, did not ask leading questions and wrote down what was said.",
            action_taken="Told the school's designated safeguarding lead at once; they recorded "
            "it on the school's system.",
            visit=visits[-1],
        )
    return f"{deployment.leader.name} at {deployment.client_school.name} (LA route, concern)"


def _name_the_sip(w: World, deployment: Deployment, *, on: dt.date) -> None:
    """The authority's coordinator names the featured SIP the school's SIP (docs/rules.md, "The
    school's named SIP"), unless the school has one already."""
    la = deployment.organisation
    if school_sip(deployment.client_school_id, organisation=la) is not None:
        return
    with w.clock.on(on, 9):
        name_sip(
            actor=w.coordinator(la),
            organisation=la,
            school=deployment.client_school,
            sip=w.sip,
            starts_on=on,
        )


def _sips_view(w: World, deployment: Deployment) -> None:
    """This term's progress review: the coordinator's ratings and the named SIP's view (they
    agree, so only Lee's review is flagged for disagreement)."""
    term = term_from_key(deployment, None, w.today)
    objectives = list(deployment.objectives.order_by("position"))
    if not objectives:
        return
    views = (
        (w.coordinator(deployment.organisation_id), Viewpoint.COORDINATOR, "amber"),
        (w.sip, Viewpoint.SIP, "amber"),
    )
    with w.clock.on(school_days_before(w.today, 1), 16):
        for person, viewpoint, last in views:
            progress_review_rate(
                actor=person,
                deployment=deployment,
                term=term,
                ratings={o.pk: ("green" if o != objectives[-1] else last) for o in objectives},
                comments={
                    objectives[-1].pk: "Leadership is steadier; the evidence in books is not "
                    "there yet."
                }
                if viewpoint == Viewpoint.SIP
                else None,
                viewpoint=viewpoint,
            )


def la_no_recent_visit(w: World) -> str:
    """An agreement whose last visit was more than six weeks ago."""
    la = w.organisations.local_authority
    starts_on = weekday_after(w.today - dt.timedelta(days=63))
    deployment = _agreement(
        w, la, None, starts_on=starts_on, ends_on=starts_on + dt.timedelta(weeks=30), full_days=5
    )
    deliver(
        w,
        deployment,
        [
            VisitPlan(weekday_after(starts_on + dt.timedelta(days=2))),
            VisitPlan(weekday_after(starts_on + dt.timedelta(days=10)), Session.HALF_DAY),
        ],
    )
    _feedback_for_ended_terms(w, deployment)
    return f"{deployment.leader.name} at {deployment.client_school.name}, no visit for weeks"


def la_waiting_for_broker_lead(w: World) -> str:
    """An agreement signed by the leader and both schools, waiting for the broker lead."""
    la = w.organisations.local_authority
    starts_on = weekday_after(w.today + dt.timedelta(days=21))
    deployment = _agreement(
        w,
        la,
        None,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(weeks=16),
        full_days=4,
        parties=(Party.LEADER, Party.HOME_HEADTEACHER, Party.CLIENT_HEADTEACHER),
    )
    return f"{deployment.leader.name} at {deployment.client_school.name}, for the broker lead"


def hub_paused(w: World) -> str:
    """An agreement paused while the leader is on sick leave."""
    hub = w.organisations.hub
    starts_on = weekday_after(w.today - dt.timedelta(days=63))
    deployment = _agreement(
        w, hub, None, starts_on=starts_on, ends_on=starts_on + dt.timedelta(weeks=26), full_days=5
    )
    deliver(
        w,
        deployment,
        [
            VisitPlan(weekday_after(starts_on + dt.timedelta(days=3))),
            VisitPlan(weekday_after(starts_on + dt.timedelta(days=24)), Session.HALF_DAY),
        ],
    )
    with w.clock.on(school_days_before(w.today, 8), 10):
        deployment_pause(
            actor=w.coordinator(hub),
            deployment=deployment,
            kind=ChangeKind.CANNOT_PROVIDE,
            reason="The leader is on sick leave until after half term; the school agreed to "
            "pause the support rather than change leader.",
        )
    return f"{deployment.leader.name} at {deployment.client_school.name}, paused"


# --- Requests at every stage ------------------------------------------------------------------


def caras_choice(w: World) -> str:
    """Cara Mills's school asked KYRA for help; two leaders agreed (a third declined): she
    chooses."""
    kyra = w.organisations.alliance
    urn = _cara_school(w)
    school = School.objects.get(urn=urn) if urn else w.school(LINCOLNSHIRE, ("secondary",))
    _fresh(kyra, school.urn)
    days = Decimal(5)
    needs, _ = choose_needs(w, kyra, school, days=days, year=w.year.label, leaders_wanted=2)
    request = raise_request(
        w,
        organisation=kyra,
        school=school,
        needs=needs,
        days=days,
        on=weekday_before(w.today - dt.timedelta(days=28)),
    )
    _approach_shortlist(
        w,
        request,
        on=weekday_before(w.today - dt.timedelta(days=21)),
        answers=(
            (True, ""),
            (True, ""),
            (False, "Our own school has its inspection window this term: I cannot give the days."),
        ),
    )
    return f"{school.name} to choose between two leaders"


def _approach_shortlist(
    w: World,
    request: SupportRequest,
    *,
    on: dt.date,
    answers: tuple[tuple[bool, str] | None, ...],
    answered_on: tuple[dt.date, ...] = (),
) -> None:
    """Shortlist, approach everyone on the list, and each answers in turn (None: no answer)."""
    with w.clock.on(on, 11):
        entries = shortlist_save(
            actor=w.coordinator(request.organisation_id),
            request=request,
            reason="Few leaders have this specialism and days left this year.",
        )
    sent_on = weekday_after(on + dt.timedelta(days=1))
    sent = [approach(w, request, entry.leader, on=sent_on) for entry in entries]
    for number, (approach_, reply) in enumerate(zip(sent, answers, strict=False)):
        if reply is None:
            continue
        day = (
            answered_on[number]
            if number < len(answered_on)
            else _not_after(w, sent_on + dt.timedelta(days=2 + number))
        )
        answer(w, approach_, on=day, accept=reply[0], reason=reply[1])


def kyra_approaches(w: World) -> str:
    """Three leaders approached six school days ago: one agreed, one declined with a reason, one
    has not answered."""
    kyra = w.organisations.alliance
    school = w.school(LINCOLNSHIRE)
    _fresh(kyra, school.urn)
    days = Decimal(5)
    needs, _ = choose_needs(w, kyra, school, days=days, year=w.year.label, leaders_wanted=3)
    request = raise_request(
        w,
        organisation=kyra,
        school=school,
        needs=needs,
        days=days,
        on=weekday_before(w.today - dt.timedelta(days=16)),
    )
    _approach_shortlist(
        w,
        request,
        on=school_days_before(w.today, 7),
        answers=(
            (True, ""),
            (
                False,
                "I am leading our own school's Ofsted preparation this term and cannot give "
                "the days before Easter.",
            ),
            None,
        ),
        answered_on=(school_days_before(w.today, 5), school_days_before(w.today, 4)),
    )
    return f"{school.name}: approaches answered, declined and unanswered"


def kyra_shared_leader(w: World) -> str:
    """KYRA asked the hub to share one of its leaders for a request; the hub agreed, the leader
    agreed and the school chose them: KYRA drafts the agreement."""
    kyra, hub = w.organisations.alliance, w.organisations.hub
    school = w.school(LINCOLNSHIRE)
    _fresh(kyra, school.urn)
    days = Decimal(4)
    shared = set(
        associated_leaders(hub.pk)
        .exclude(associations__organisation=kyra, associations__is_live=True)
        .values_list("pk", flat=True)
    )
    needs, ids = choose_needs(w, hub, school, days=days, year=w.year.label, only=shared)
    leader = LeaderProfile.objects.select_related("user").get(pk=ids[0])
    request = raise_request(
        w,
        organisation=kyra,
        school=school,
        needs=needs,
        days=days,
        on=weekday_before(w.today - dt.timedelta(days=30)),
    )
    with w.clock.on(weekday_before(w.today - dt.timedelta(days=27)), 10):
        commission = commission_offer(
            actor=w.coordinator(kyra),
            request=request,
            leader=leader,
            note=f"None of our leaders has {texts.focus_of(needs)} and days left this term: "
            f"could the hub share {leader.name}?",
        )
    with w.clock.on(weekday_before(w.today - dt.timedelta(days=26)), 15):
        commission_decide(
            actor=w.coordinator(hub),
            commission=commission,
            approve=True,
            note=f"Happy to share {leader.name} for this request.",
        )
    broker(
        w,
        request,
        [leader.pk],
        on=weekday_before(w.today - dt.timedelta(days=24)),
        reason=f"Shared by {hub.name} for this request.",
    )
    return f"{school.name}: {leader.name} shared by the hub, agreement to draft"


def open_request(
    w: World,
    organisation: Organisation,
    *,
    route: str = Route.SCHOOL,
    la_criteria: tuple[str, ...] = (),
    share_from: Organisation | None = None,
    waiting_list: bool = False,
) -> str:
    """A request waiting for a shortlist (or put on the waiting list); with ``share_from``, the
    coordinator has asked that broker to share one of its leaders."""
    school = w.school(_area(w, organisation))
    _fresh(organisation, school.urn)
    days = Decimal(4)
    needs, _ = choose_needs(w, organisation, school, days=days, year=w.year.label, leaders_wanted=3)
    raised_on = (
        weekday_before(w.today - dt.timedelta(days=30))
        if waiting_list
        else school_days_before(w.today, 2)
    )
    request = raise_request(
        w,
        organisation=organisation,
        school=school,
        needs=needs,
        days=days,
        route=route,
        la_criteria=la_criteria,
        on=raised_on,
    )
    if waiting_list:
        with w.clock.on(weekday_before(w.today - dt.timedelta(days=20)), 11):
            request_waitlist(
                actor=w.coordinator(organisation),
                request=request,
                reason="The leaders with this expertise are fully committed until the spring term.",
            )
    if share_from is not None:
        shared = set(
            associated_leaders(share_from.pk)
            .exclude(associations__organisation=organisation, associations__is_live=True)
            .values_list("pk", flat=True)
        )
        try:
            _, ids = choose_needs(w, share_from, school, days=days, year=w.year.label, only=shared)
        except DemoStepError:
            ids = []
        if ids:
            leader = LeaderProfile.objects.select_related("user").get(pk=ids[0])
            with w.clock.on(school_days_before(w.today, 1), 10):
                commission_offer(
                    actor=w.coordinator(organisation),
                    request=request,
                    leader=leader,
                    note=f"Could you share {leader.name}? Our leaders with this expertise are "
                    "committed this term.",
                )
    return f"{school.name}: {request.get_status_display().lower()}"


# --- The whole casework -------------------------------------------------------------------------


def _stories(w: World) -> list[tuple[str, Callable[[], str]]]:
    kyra, la, hub = w.organisations.alliance, w.organisations.local_authority, w.organisations.hub
    everyone = (Party.LEADER, Party.HOME_HEADTEACHER, Party.CLIENT_HEADTEACHER, Party.BROKER_LEAD)
    # Stories that need particular leaders come first, before others use their days.
    return [
        ("Lee Turner's active agreement", lambda: lee_active(w)),
        ("Lee Turner's agreement to sign", lambda: lee_to_sign(w)),
        ("KYRA's first new SLE", lambda: new_sle(w, kyra, 0, parties=everyone)),
        (
            "KYRA's second new SLE",
            lambda: new_sle(
                w,
                kyra,
                1,
                parties=everyone[:3],
                funding_route=FundingRoute.LOCAL_AUTHORITY,
                commissioner="Lincolnshire County Council",
            ),
        ),
        ("The hub's new SLE", lambda: new_sle(w, hub, 0, parties=everyone)),
        ("KYRA's completed agreement", lambda: completed_last_year(w, kyra, approve=True)),
        ("The hub's final report", lambda: completed_last_year(w, hub, approve=False)),
        ("The hub's support at Cara Mills's school", lambda: hub_support_at_caras_school(w)),
        ("Cara Mills's choice", lambda: caras_choice(w)),
        ("The LA-route agreement", lambda: la_route_with_concern(w)),
        ("The quiet agreement", lambda: la_no_recent_visit(w)),
        ("The LA agreement to sign", lambda: la_waiting_for_broker_lead(w)),
        ("The paused agreement", lambda: hub_paused(w)),
        ("The shared leader", lambda: kyra_shared_leader(w)),
        ("KYRA's approaches", lambda: kyra_approaches(w)),
        ("KYRA's open request", lambda: open_request(w, kyra, share_from=hub)),
        (
            "The LA-route open request",
            lambda: open_request(
                w,
                la,
                route=Route.LOCAL_AUTHORITY,
                la_criteria=(LaCriterion.NEW_OR_ACTING_HEAD, LaCriterion.SIP_OR_HEAD_IDENTIFIED),
            ),
        ),
        ("The hub's open request", lambda: open_request(w, hub)),
        (
            "The waiting list",
            lambda: open_request(
                w,
                la,
                route=Route.LOCAL_AUTHORITY,
                la_criteria=(LaCriterion.PUPILS_NOT_PROGRESSING,),
                waiting_list=True,
            ),
        ),
        ("Lee Turner's direct approach", lambda: lee_direct_approach(w)),
    ]


def build_casework(
    *, administrator: User, organisations: DemoOrganisations, people: DemoPeople
) -> DemoCasework:
    """Every story of the casework (see the module's docstring), each in its own savepoint."""
    w = _world(administrator, organisations, people, timezone.localdate())
    result = DemoCasework()
    releases(w)
    train_new_sles(w)
    for name, story in _stories(w):
        try:
            with transaction.atomic():
                result.built.append(story())
        except _AlreadyThere:
            result.existing.append(name)
        except (DemoStepError, RuleViolation, NotAllowed, ValidationError) as error:
            result.skipped.append(f"{name}: {error}")
    w.clock.settle()
    return result
