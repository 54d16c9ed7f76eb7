"""The demo's system leaders, built through the leaders area's services: about 80 leaders at real
good or outstanding schools of Lincolnshire and South Gloucestershire.

- SLEs (the generated system leaders of ``people.py``), 1–3 specialisms each, designated by their
  broker over the last ten years and associated with it automatically; some hub SLEs are also
  associated with the alliance (an SLE may be associated with several brokers).
- LLEs: generated headteachers of good or outstanding schools, designated by their broker (and so
  associated with it, exclusively).
- A few national designations: the alliance's lead headteacher and two more heads are NLEs, two
  chairs of governors are NLGs.
- Release days for this academic year within each broker's cap (the local authority's policy is
  20 days, the others the default 15); two LLEs below the minimum of 6, to show the flag.
- Training: core training each autumn, this year's mandatory LLE session (a few LLEs missed it),
  network and termly review meetings; the newest SLEs have no core training yet, so they are
  not deployable.
- A current SLE round at the alliance with applications at every stage.
- Published profiles, with the parts each leader consented to, for about two leaders in three.

Every step is idempotent: a leader who has a profile, a release already agreed, a round or an
event that exists are left as they are.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from syslead.accounts.models import Role, User
from syslead.brokering.eligibility import in_sentence
from syslead.core.academic_years import AcademicYear
from syslead.demo import DEMO_SEED
from syslead.demo.clock import Clock
from syslead.demo.organisations import DemoOrganisations
from syslead.demo.people import FIRST_NAMES, LAST_NAMES, DemoPeople
from syslead.leaders.models import (
    ApplicationStage,
    Association,
    CapacityPolicy,
    DesignationRound,
    LeaderProfile,
    ReleaseAgreement,
    TrainingEvent,
    TrainingKind,
)
from syslead.leaders.services import (
    add_years,
    application_advance,
    application_submit,
    association_create,
    attendance_record,
    capacity_policy_set,
    designation_create,
    leader_create,
    leader_set_publication,
    release_set,
    round_create,
    training_event_create,
)
from syslead.organisations.models import Organisation
from syslead.schools.models import OfstedRating, Phase, School

FEATURED_LEADER_EMAIL = "lee.turner@schools.example"
FEATURED_COORDINATORS = {
    "alliance": "alice.hart@kyra.example",
    "local_authority": "olivia.price@southglos.example",
    "hub": "hannah.webb@leadhub.example",
}
#: The alliance's lead headteacher (also its broker lead) is an NLE.
NLE_EMAIL = "jonathan.reed@kyra.example"
LLES_IN = {"Lincolnshire": 24, "South Gloucestershire": 10}
NEW_SLES = 6  # designated this year, no core training yet: "not deployable"
APPLICANTS = 8  # generated leaders not yet designated, who apply to the current round
LOCAL_AUTHORITY_CAP = Decimal("20")

SLE_TITLES = (
    ("Deputy headteacher", ("leadership", "curriculum", "teaching_and_learning")),
    ("Assistant headteacher", ("teaching_and_learning", "assessment", "behaviour")),
    ("Maths lead", ("maths",)),
    ("English lead", ("english", "phonics")),
    ("Phonics and early reading lead", ("phonics", "english", "early_years")),
    ("SENCo", ("send", "behaviour")),
    ("Early years lead", ("early_years", "phonics")),
    ("Science lead", ("science", "curriculum")),
    ("Designated safeguarding lead", ("safeguarding", "attendance")),
    ("School business manager", ("school_business_management",)),
    ("Pupil premium lead", ("disadvantaged_pupils", "attendance")),
    ("ITT and early career lead", ("initial_teacher_training", "teaching_and_learning")),
)
LLE_SPECIALISMS = (
    "leadership",
    "curriculum",
    "teaching_and_learning",
    "send",
    "behaviour",
    "governance",
    "disadvantaged_pupils",
)
PORTRAIT_OPENINGS = (
    "I have {years} years' experience in {field} and have supported {n} schools across {area}.",
    "With {years} years in {field}, I work alongside leaders to build lasting improvement.",
    "I lead {field} at {school} and have coached colleagues in {n} other schools in {area}.",
)
PORTRAIT_CLOSINGS = (
    "I am happy to work with new and acting headteachers.",
    "My approach is collaborative, practical and rooted in evidence.",
    "I focus on a few priorities and on building the school's own capacity.",
    "I can offer coaching, joint observation and help with action planning.",
)


@dataclass
class DemoLeaders:
    leaders: int = 0
    created: int = 0


@dataclass(frozen=True)
class _Plan:
    user: User
    school: School
    broker: Organisation
    kind: str  # "SLE", "LLE", "NLE", "NLG", "new_SLE", "applicant"
    job_title: str
    specialisms: tuple[str, ...]
    years: int
    designated_on: dt.date | None


def _phases(school: School) -> list[str]:
    if school.phase in {Phase.PRIMARY, Phase.NURSERY}:
        return ["primary"] if school.phase == Phase.PRIMARY else ["nursery", "primary"]
    if school.phase in {Phase.SECONDARY, Phase.ALL_THROUGH, Phase.MIDDLE}:
        return [school.phase, "post_16"] if school.phase == Phase.SECONDARY else [school.phase]
    return [school.phase] if school.phase else ["primary"]


def _good(school: School) -> bool:
    return school.ofsted_rating in {OfstedRating.OUTSTANDING, OfstedRating.GOOD}


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _plans(
    rng: random.Random, organisations: DemoOrganisations, people: DemoPeople, today: dt.date
) -> list[_Plan]:
    """Who becomes which kind of leader, with what, in a fixed order."""
    year = AcademicYear.current()
    generated = people.leaders(organisations)
    schools = School.objects.in_bulk(
        [g.home_school_urn for g in generated]
        + [s.school_urn for p in people.plans for s in p.roles if s.school_urn is not None]
    )
    plans: list[_Plan] = []
    featured = [g for g in generated if g.user.email == FEATURED_LEADER_EMAIL]
    others = [g for g in generated if g.user.email != FEATURED_LEADER_EMAIL]
    for g in featured:
        plans.append(
            _Plan(
                g.user,
                schools[g.home_school_urn],
                g.broker,
                "SLE",
                "Maths lead",
                ("maths", "assessment"),
                8,
                dt.date(2019, 3, 1),
            )
        )
    applicants = others[:APPLICANTS]
    new_sles = others[APPLICANTS : APPLICANTS + NEW_SLES]
    nlgs = others[APPLICANTS + NEW_SLES : APPLICANTS + NEW_SLES + 2]
    for index, g in enumerate(others):
        title, fields = SLE_TITLES[index % len(SLE_TITLES)]
        specialisms = tuple(rng.sample(fields, k=min(len(fields), rng.randint(1, 3))))
        if g in applicants:
            kind, designated_on = "applicant", None
        elif g in new_sles:
            kind = "new_SLE"
            designated_on = _date_between(rng, year.starts_on, max(year.starts_on, today))
        elif g in nlgs:
            kind, title, specialisms = "NLG", "Chair of governors", ("governance", "leadership")
            designated_on = _date_between(rng, dt.date(2015, 1, 1), dt.date(2020, 12, 31))
        else:
            kind = "SLE"
            designated_on = _date_between(rng, dt.date(2014, 9, 1), year.starts_on)
        plans.append(
            _Plan(
                g.user,
                schools[g.home_school_urn],
                g.broker,
                kind,
                title,
                specialisms,
                rng.randint(2, 14),
                designated_on,
            )
        )

    # LLEs and NLEs: generated headteachers of good or outstanding schools.
    brokers = {
        "Lincolnshire": (organisations.alliance, organisations.hub),
        "South Gloucestershire": (organisations.local_authority,),
    }
    taken = {p.school.urn for p in plans}
    heads = []
    for plan in people.plans:
        for spec in plan.roles:
            school = schools.get(spec.school_urn) if spec.school_urn is not None else None
            if spec.role == Role.HEADTEACHER and school is not None and _good(school):
                heads.append((people.users[plan.email], school))
    for area, count in LLES_IN.items():
        chosen = [
            (u, s)
            for u, s in heads
            if s.local_authority == area and s.urn not in taken and u.email != NLE_EMAIL
        ][:count]
        for index, (user, school) in enumerate(chosen):
            taken.add(school.urn)
            broker = brokers[area][index % len(brokers[area])]
            kind = "NLE" if area == "Lincolnshire" and index in (3, 11) else "LLE"
            plans.append(
                _Plan(
                    user,
                    school,
                    broker,
                    kind,
                    "Headteacher" if kind == "LLE" else "Executive headteacher",
                    tuple(rng.sample(LLE_SPECIALISMS, k=rng.randint(1, 3))),
                    rng.randint(4, 18),
                    _date_between(rng, dt.date(2014, 12, 15), year.starts_on),
                )
            )
    nle = next(((u, s) for u, s in heads if u.email == NLE_EMAIL), None)
    if nle is not None:
        plans.append(
            _Plan(
                nle[0],
                nle[1],
                organisations.alliance,
                "NLE",
                "Executive headteacher",
                ("leadership", "teaching_and_learning", "initial_teacher_training"),
                21,
                dt.date(2013, 7, 1),
            )
        )
    return plans


def _portrait(rng: random.Random, plan: _Plan, labels: dict[str, str]) -> str:
    field = " and ".join(in_sentence(labels.get(code, code)) for code in plan.specialisms[:2])
    opening = rng.choice(PORTRAIT_OPENINGS).format(
        years=plan.years,
        field=field or "school improvement",
        n=rng.randint(2, 9),
        area=plan.school.local_authority or "the county",
        school=plan.school.name,
    )
    return f"{opening} {rng.choice(PORTRAIT_CLOSINGS)}"


def _create_leader(
    *,
    plan: _Plan,
    coordinator: User,
    administrator: User,
    rng: random.Random,
    labels: dict[str, str],
) -> LeaderProfile:
    trained_long_ago = plan.designated_on is not None and plan.designated_on < dt.date(2023, 9, 1)
    leader = leader_create(
        actor=coordinator,
        user=plan.user,
        home_school_urn=plan.school.urn,
        job_title=plan.job_title,
        specialisms=list(plan.specialisms),
        phases=_phases(plan.school),
        pen_portrait=_portrait(rng, plan, labels),
        core_training_completed_on=(
            _date_between(rng, plan.designated_on, plan.designated_on + dt.timedelta(days=90))
            if trained_long_ago and plan.designated_on is not None
            else None
        ),
        years_experience=plan.years,
        is_headteacher=plan.kind in {"LLE", "NLE"},
        organisation=plan.broker,
    )
    if plan.kind in {"SLE", "LLE", "new_SLE"} and plan.designated_on is not None:
        designation_create(
            actor=coordinator,
            leader=leader,
            type_code="LLE" if plan.kind == "LLE" else "SLE",
            designated_on=plan.designated_on,
            organisation=plan.broker,
            review_on=_next_review(plan.designated_on, timezone.localdate()),
        )
    elif plan.kind in {"NLE", "NLG"} and plan.designated_on is not None:
        # A national designation, recorded by the broker that works with the leader.
        designation_create(
            actor=coordinator,
            leader=leader,
            type_code=plan.kind,
            designated_on=plan.designated_on,
            organisation=None,
            review_on=_next_review(plan.designated_on, timezone.localdate()),
        )
        association_create(
            actor=coordinator,
            leader=leader,
            organisation=plan.broker,
            starts_on=max(plan.designated_on, dt.date(2016, 9, 1)),
        )
    if rng.random() < 0.68 or plan.user.email == FEATURED_LEADER_EMAIL:
        leader_set_publication(
            actor=administrator,
            leader=leader,
            publish_profile=True,
            publish_name=True,
            publish_school=rng.random() < 0.9,
            publish_specialisms=True,
            publish_pen_portrait=rng.random() < 0.85,
        )
    return leader


def _next_review(designated_on: dt.date, today: dt.date) -> dt.date:
    """Designations are reviewed every three years; the demo's were renewed at each review, so
    the next one falls after today."""
    review_on = designated_on
    while review_on <= today:
        review_on = add_years(review_on, 3)
    return review_on


def _heads_by_school(people: DemoPeople) -> dict[int, User]:
    heads: dict[int, User] = {}
    for plan in people.plans:
        for spec in plan.roles:
            if spec.role == Role.HEADTEACHER and spec.school_urn is not None:
                heads.setdefault(spec.school_urn, people.users[plan.email])
    return heads


def _release_days(rng: random.Random, kind: str, cap: Decimal) -> Decimal:
    if kind in {"LLE", "NLE"}:
        low, high = 6, int(cap)
    else:
        low, high = 4, int(cap)
    return Decimal(rng.randint(low * 2, high * 2)) / 2


def _releases(
    *,
    leaders: list[tuple[_Plan, LeaderProfile]],
    coordinators: dict[int, User],
    heads: dict[int, User],
    rng: random.Random,
) -> None:
    """This year's release for each leader, within the cap; two LLEs below the minimum."""
    year = AcademicYear.current()
    agreed_on = year.starts_on - dt.timedelta(days=40)
    already = set(
        ReleaseAgreement.objects.filter(academic_year=year.label).values_list(
            "leader_id", flat=True
        )
    )
    below_minimum = 0
    for plan, leader in leaders:
        if leader.pk in already or plan.kind == "applicant":
            continue
        cap = LOCAL_AUTHORITY_CAP if plan.broker.kind == "local_authority" else Decimal("15")
        days = _release_days(rng, plan.kind, cap)
        if plan.kind == "LLE" and below_minimum < 2 and rng.random() < 0.3:
            days = Decimal(4 + below_minimum)
            below_minimum += 1
        head = heads.get(plan.school.urn)
        actor = head if head is not None and head != plan.user else coordinators[plan.broker.pk]
        release_set(
            actor=actor,
            leader=leader,
            academic_year=year,
            days=days,
            agreed_on=agreed_on,
            chair_consent_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            chair_consent_on=agreed_on - dt.timedelta(days=7),
        )


def _training(
    *,
    organisations: DemoOrganisations,
    leaders: list[tuple[_Plan, LeaderProfile]],
    coordinators: dict[int, User],
    today: dt.date,
    rng: random.Random,
    clock: Clock,
) -> None:
    """Core training each autumn, this year's LLE session, network and termly review meetings,
    each recorded "on" the day it was held."""
    year = AcademicYear.current()
    recent = min(today, year.starts_on + dt.timedelta(days=44))
    for organisation in organisations.all():
        coordinator = coordinators[organisation.pk]
        own = [(p, leader) for p, leader in leaders if p.broker == organisation]
        events = [
            (TrainingKind.CORE, f"Core training for new system leaders {y}", dt.date(y, 10, 8))
            for y in range(2023, year.start_year + 1)
        ]
        events += [
            (TrainingKind.LLE_ANNUAL, f"Mandatory LLE session {year.label}", recent),
            (TrainingKind.NETWORK, f"Leaders' network, autumn {year.start_year}", recent),
            (
                TrainingKind.TERMLY_REVIEW,
                f"Termly review meetings, summer {year.start_year}",
                year.starts_on - dt.timedelta(days=50),
            ),
        ]
        for kind, title, held_on in events:
            if held_on > today:
                continue
            event = TrainingEvent.objects.filter(organisation=organisation, title=title).first()
            if event is not None:
                continue
            with clock.on(held_on, hour=16):
                _training_event(
                    kind=kind,
                    title=title,
                    held_on=held_on,
                    organisation=organisation,
                    coordinator=coordinator,
                    own=own,
                    rng=rng,
                )


def _training_event(
    *,
    kind: str,
    title: str,
    held_on: dt.date,
    organisation: Organisation,
    coordinator: User,
    own: list[tuple[_Plan, LeaderProfile]],
    rng: random.Random,
) -> None:
    event = training_event_create(
        actor=coordinator,
        organisation=organisation,
        kind=kind,
        title=title,
        held_on=held_on,
        location=organisation.lead_school.name if organisation.lead_school else "",
    )
    for plan, leader in own:
        if kind == TrainingKind.CORE:
            # Leaders designated in the year before the event, not yet trained.
            start = dt.date(held_on.year - 1, 9, 1)
            attends = (
                plan.designated_on is not None
                and start <= plan.designated_on < held_on
                and plan.kind != "new_SLE"
                and leader.core_training_completed_on is None
            )
        elif kind == TrainingKind.LLE_ANNUAL:
            attends = plan.kind == "LLE" and rng.random() < 0.8
        else:
            attends = plan.kind != "applicant" and rng.random() < 0.7
        if attends:
            attendance_record(actor=coordinator, event=event, leader=leader)
            leader.refresh_from_db(fields=["core_training_completed_on"])


def _round(
    *,
    organisations: DemoOrganisations,
    leaders: list[tuple[_Plan, LeaderProfile]],
    coordinators: dict[int, User],
    today: dt.date,
) -> None:
    """The alliance's current SLE round, with applications at every stage."""
    year = AcademicYear.current()
    alliance = organisations.alliance
    title = f"SLE recruitment {year.label}"
    if DesignationRound.objects.filter(organisation=alliance, title=title).exists():
        return
    coordinator = coordinators[alliance.pk]
    designation_round = round_create(
        actor=coordinator,
        organisation=alliance,
        designation_type_code="SLE",
        title=title,
        opens_on=today - dt.timedelta(days=21),
        closes_on=today + dt.timedelta(days=35),
        target=12,
        priorities="Maths, phonics and SEND; secondary schools on the coast (East Lindsey); "
        "early years across Lincolnshire.",
    )
    stages = [
        [],
        [],
        [ApplicationStage.SHORTLISTED],
        [ApplicationStage.SHORTLISTED],
        [ApplicationStage.SHORTLISTED, ApplicationStage.INTERVIEWED],
        [ApplicationStage.SHORTLISTED, ApplicationStage.INTERVIEWED, ApplicationStage.RECOMMENDED],
        [
            ApplicationStage.SHORTLISTED,
            ApplicationStage.INTERVIEWED,
            ApplicationStage.RECOMMENDED,
            ApplicationStage.DESIGNATED,
        ],
        [ApplicationStage.REJECTED],
    ]
    reasons = {
        ApplicationStage.SHORTLISTED: "Strong evidence of impact in the field.",
        ApplicationStage.INTERVIEWED: "Interviewed by the SLE panel.",
        ApplicationStage.RECOMMENDED: "Recommended by the panel.",
        ApplicationStage.REJECTED: "Fewer than two years in the field of expertise; please "
        "apply again next year.",
    }
    applicants = [(p, leader) for p, leader in leaders if p.kind == "applicant"]
    for (plan, leader), moves in zip(applicants, stages, strict=False):
        application = application_submit(
            actor=plan.user,
            round=designation_round,
            leader=leader,
            years_in_role=1 if ApplicationStage.REJECTED in moves else plan.years,
            field_of_expertise=plan.job_title,
            evidence=f"As {plan.job_title.lower()} at {plan.school.name} I have led improvement "
            "that shows in pupils' outcomes and in colleagues' practice in other schools.",
        )
        for stage in moves:
            application = application_advance(
                actor=coordinator,
                application=application,
                to_stage=stage,
                reason=reasons.get(stage, ""),
                feedback=reasons[stage] if stage == ApplicationStage.REJECTED else "",
                designated_on=today,
            )


def build_leaders(
    *, administrator: User, organisations: DemoOrganisations, people: DemoPeople
) -> DemoLeaders:
    """The demo's system leaders and their records (see the module's docstring)."""
    from syslead.leaders.constants import BUILTIN_SPECIALISMS

    rng = random.Random(DEMO_SEED + 3)
    today = timezone.localdate()
    coordinators = {
        getattr(organisations, key).pk: people.users[email]
        for key, email in FEATURED_COORDINATORS.items()
    }
    la = organisations.local_authority
    if not CapacityPolicy.objects.filter(organisation=la).exists():
        capacity_policy_set(
            actor=coordinators[la.pk],
            organisation=la,
            max_release_days=LOCAL_AUTHORITY_CAP,
            min_lle_days=Decimal("6"),
        )
    plans = _plans(rng, organisations, people, today)
    existing = {
        p.user_id: p for p in LeaderProfile.objects.filter(user__in=[plan.user for plan in plans])
    }
    result = DemoLeaders()
    leaders: list[tuple[_Plan, LeaderProfile]] = []
    for plan in plans:
        leader = existing.get(plan.user.pk)
        if leader is None:
            leader = _create_leader(
                plan=plan,
                coordinator=coordinators[plan.broker.pk],
                administrator=administrator,
                rng=rng,
                labels=BUILTIN_SPECIALISMS,
            )
            result.created += 1
        leaders.append((plan, leader))
    result.leaders = len(leaders)

    # Some of the hub's SLEs also work with the alliance.
    alliance = organisations.alliance
    for plan, leader in leaders[1::9]:
        if (
            plan.kind == "SLE"
            and plan.broker == organisations.hub
            and not Association.objects.filter(
                leader=leader, organisation=alliance, is_live=True
            ).exists()
        ):
            association_create(
                actor=coordinators[alliance.pk],
                leader=leader,
                organisation=alliance,
                starts_on=dt.date(2022, 9, 1),
            )

    _releases(leaders=leaders, coordinators=coordinators, heads=_heads_by_school(people), rng=rng)
    clock = Clock(today)
    _training(
        organisations=organisations,
        leaders=leaders,
        coordinators=coordinators,
        today=today,
        rng=rng,
        clock=clock,
    )
    clock.settle()
    _round(organisations=organisations, leaders=leaders, coordinators=coordinators, today=today)
    return result
