"""A synthetic national-scale data set over the real register, shared by the benchmarks.

    from benchmarks.national import throwaway_database, load_register, build_national_leaders

    throwaway_database()          # a fresh SQLite file in a temporary directory, migrated
    load_register()               # the real 22,010 open schools, Ofsted history, postcode areas
    national = build_national_leaders(n=12000, seed=2025)

What it builds (every person synthetic, attached to real schools; no list of real leaders is
published):

- one teaching school hub per region (the register's regions), and one local authority
  organisation per local authority, each covering its area;
- ``n`` leaders at home schools drawn at random from the schools with a location (so leaders are
  spread as schools are), each with 1–3 specialisms, the home school's phase (and sometimes a
  neighbouring one), a designation (about 70% SLE, 20% LLE, 8% NLE, 2% NLG; 95% active), core
  training done for 92%, 2–20 years' experience, a release agreement for the year for 90%
  (6–15 days), a declared conflict for 2%;
- associations: every leader with their region's hub (exclusive for an LLE, as docs/rules.md,
  Association has it), and every non-LLE also with their local authority.

Everything is written with ``bulk_create`` in batches: the whole set takes seconds.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BATCH = 2000

FIRST_NAMES = [
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Ellie",
    "Farah",
    "George",
    "Hana",
    "Isaac",
    "Jade",
    "Kiran",
    "Leah",
    "Mo",
    "Nadia",
    "Owen",
    "Priya",
    "Quinn",
    "Ruth",
    "Sam",
    "Tariq",
    "Uma",
    "Vic",
    "Wes",
    "Xena",
    "Yusuf",
    "Zoe",
    "Alex",
    "Bea",
    "Cal",
    "Dana",
    "Eli",
    "Fin",
    "Gwen",
    "Hal",
    "Ivy",
    "Jon",
    "Kai",
    "Lola",
    "Max",
    "Nia",
    "Oli",
    "Pat",
    "Rosa",
    "Saul",
    "Tess",
    "Ugo",
    "Val",
    "Will",
]
LAST_NAMES = [
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Foster",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nash",
    "Owens",
    "Patel",
    "Quinn",
    "Roberts",
    "Smith",
    "Taylor",
    "Umar",
    "Vaughan",
    "Walker",
    "Young",
    "Zaman",
    "Brown",
    "Wilson",
    "Wright",
    "Thompson",
    "White",
    "Hall",
    "Allen",
    "King",
    "Scott",
    "Adams",
    "Hill",
    "Moore",
    "Wood",
    "Ward",
]
#: Specialisms with rough weights: leadership, maths and English are the commonest.
SPECIALISM_WEIGHTS = {
    "leadership": 12,
    "maths": 12,
    "english": 11,
    "phonics": 5,
    "science": 6,
    "early_years": 5,
    "send": 7,
    "behaviour": 5,
    "attendance": 3,
    "assessment": 5,
    "curriculum": 6,
    "teaching_and_learning": 8,
    "disadvantaged_pupils": 4,
    "school_business_management": 2,
    "initial_teacher_training": 2,
    "safeguarding": 3,
    "governance": 2,
}
DESIGNATION_WEIGHTS = {"SLE": 70, "LLE": 20, "NLE": 8, "NLG": 2}
NEIGHBOUR_PHASES = {
    "primary": ["nursery", "middle"],
    "secondary": ["post_16", "middle", "all_through"],
    "nursery": ["primary"],
    "all_through": ["primary", "secondary"],
    "middle": ["primary", "secondary"],
    "special": ["primary", "secondary"],
    "post_16": ["secondary"],
    "alternative_provision": ["secondary"],
}


def throwaway_database(directory: str | Path | None = None) -> Path:
    """Point Django at a new SQLite file in a temporary directory, set it up and migrate.
    Call before importing any model."""
    folder = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="syslead-bench-"))
    path = folder / "national.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "syslead.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + os.urandom(24).hex())
    os.environ["SYSLEAD_VAR_DIR"] = str(folder)
    os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return path


def load_register() -> Any:
    """Load the real register shipped in ``data/`` through the schools area's loader."""
    from syslead.schools.services import schools_load_register

    return schools_load_register(actor=None)


@dataclass
class NationalSet:
    academic_year: str
    #: region → the region's teaching school hub (organisation id)
    hubs: dict[str, int] = field(default_factory=dict)
    #: local authority → its organisation id
    authorities: dict[str, int] = field(default_factory=dict)
    leader_ids: list[int] = field(default_factory=list)
    #: organisation id → how many leaders are associated with it
    leaders_per_organisation: dict[int, int] = field(default_factory=dict)

    def largest_hub(self) -> int:
        return max(self.hubs.values(), key=lambda org: self.leaders_per_organisation.get(org, 0))


def _weighted(rng: random.Random, weights: dict[str, int], k: int) -> list[str]:
    chosen: list[str] = []
    names, values = list(weights), list(weights.values())
    while len(chosen) < k:
        pick = rng.choices(names, values)[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def _organisations(schools: list[Any]) -> tuple[dict[str, int], dict[str, int]]:
    from syslead.organisations.models import Organisation, OrganisationKind

    regions = sorted({s.region for s in schools if s.region})
    authorities = sorted({s.local_authority for s in schools if s.local_authority})
    rows = [
        Organisation(
            name=f"{region} Teaching School Hub",
            kind=OrganisationKind.TEACHING_SCHOOL_HUB,
            slug=f"hub-{i}",
        )
        for i, region in enumerate(regions)
    ] + [
        Organisation(
            name=f"{la} Council",
            kind=OrganisationKind.LOCAL_AUTHORITY,
            slug=f"la-{i}",
            local_authority_name=la,
        )
        for i, la in enumerate(authorities)
    ]
    created = Organisation.objects.bulk_create(rows, batch_size=BATCH)
    hubs = {region: org.pk for region, org in zip(regions, created[: len(regions)], strict=True)}
    las = {la: org.pk for la, org in zip(authorities, created[len(regions) :], strict=True)}
    return hubs, las


def build_national_leaders(
    n: int = 12000, seed: int = 2025, academic_year: str | None = None
) -> NationalSet:
    """``n`` synthetic leaders over the loaded register (see the module docstring)."""
    from syslead.accounts.models import Role, RoleAssignment, User
    from syslead.core.academic_years import AcademicYear
    from syslead.leaders.models import (
        Association,
        Designation,
        DesignationStatus,
        DesignationType,
        LeaderPhase,
        LeaderProfile,
        ReleaseAgreement,
        Specialism,
    )
    from syslead.schools.models import School

    rng = random.Random(seed)
    year = academic_year or AcademicYear.current().label
    schools = list(
        School.objects.filter(latitude__isnull=False).only(
            "urn", "name", "phase", "region", "local_authority"
        )
    )
    if not schools:
        raise RuntimeError("Load the register first (load_register()).")
    hubs, authorities = _organisations(schools)
    national = NationalSet(academic_year=year, hubs=hubs, authorities=authorities)
    homes = [rng.choice(schools) for _ in range(n)]

    users = User.objects.bulk_create(
        [
            User(
                email=f"leader{i}@national.test",
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                password="!",
            )
            for i in range(n)
        ],
        batch_size=BATCH,
    )
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, role=Role.SYSTEM_LEADER) for u in users], batch_size=BATCH
    )
    kinds = [_weighted(rng, DESIGNATION_WEIGHTS, 1)[0] for _ in range(n)]
    profiles = LeaderProfile.objects.bulk_create(
        [
            LeaderProfile(
                user=user,
                home_school_id=home.urn,
                job_title="Headteacher" if kind in ("LLE", "NLE") else "Deputy headteacher",
                is_headteacher=kind in ("LLE", "NLE"),
                years_experience=rng.randint(2, 20),
                core_training_completed_on=dt.date(2024, 9, 20) if rng.random() < 0.92 else None,
                declared_conflicts=(
                    f"Governor at {rng.choice(schools).name}" if rng.random() < 0.02 else ""
                ),
                pen_portrait="A synthetic leader for benchmarks.",
            )
            for user, home, kind in zip(users, homes, kinds, strict=True)
        ],
        batch_size=BATCH,
    )
    specialism_ids = dict(Specialism.objects.filter(organisation=None).values_list("code", "id"))
    through = LeaderProfile.specialisms.through
    links = []
    phases = []
    for profile, home in zip(profiles, homes, strict=True):
        for code in _weighted(rng, SPECIALISM_WEIGHTS, rng.choice([1, 2, 2, 3])):
            links.append(through(leaderprofile_id=profile.pk, specialism_id=specialism_ids[code]))
        own = home.phase or "primary"
        chosen = {own}
        if rng.random() < 0.3:
            chosen.add(rng.choice(NEIGHBOUR_PHASES.get(own, ["primary"])))
        phases.extend(LeaderPhase(leader=profile, phase=p) for p in sorted(chosen))
    through.objects.bulk_create(links, batch_size=BATCH)
    LeaderPhase.objects.bulk_create(phases, batch_size=BATCH)
    types = dict(DesignationType.objects.filter(organisation=None).values_list("code", "id"))
    designations = []
    for profile, kind in zip(profiles, kinds, strict=True):
        roll = rng.random()
        status = (
            DesignationStatus.ACTIVE
            if roll < 0.95
            else DesignationStatus.UNDER_REVIEW
            if roll < 0.98
            else DesignationStatus.REVOKED
        )
        designations.append(
            Designation(
                leader=profile,
                type_id=types[kind],
                designated_on=dt.date(2020 + rng.randint(0, 4), 9, 1),
                status=status,
                revoked_on=dt.date(2025, 1, 1) if status == DesignationStatus.REVOKED else None,
            )
        )
    Designation.objects.bulk_create(designations, batch_size=BATCH)
    ReleaseAgreement.objects.bulk_create(
        [
            ReleaseAgreement(
                leader=profile,
                academic_year=year,
                days=Decimal(rng.randint(12, 30)) / 2,
                agreed_on=dt.date(2025, 9, 1),
            )
            for profile in profiles
            if rng.random() < 0.9
        ],
        batch_size=BATCH,
    )
    associations = []
    counts: dict[int, int] = defaultdict(int)
    for profile, home, kind in zip(profiles, homes, kinds, strict=True):
        hub = hubs.get(home.region)
        if hub is not None:
            associations.append(
                Association(
                    leader=profile,
                    organisation_id=hub,
                    starts_on=dt.date(2024, 9, 1),
                    exclusive=kind == "LLE",
                    automatic=kind == "LLE",
                )
            )
            counts[hub] += 1
        la = authorities.get(home.local_authority)
        if la is not None and kind != "LLE":
            associations.append(
                Association(leader=profile, organisation_id=la, starts_on=dt.date(2024, 9, 1))
            )
            counts[la] += 1
    Association.objects.bulk_create(associations, batch_size=BATCH)
    national.leader_ids = [p.pk for p in profiles]
    national.leaders_per_organisation = dict(counts)
    return national


def build_requests(
    national: NationalSet,
    *,
    n: int,
    seed: int,
    organisation_id: int | None = None,
    days: tuple[str, ...] = ("2", "3", "5", "5", "6", "10"),
    to_local_authority: bool = False,
) -> list[int]:
    """``n`` open requests from random schools: to ``organisation_id``'s area (a hub's region or
    an LA), or each to the hub of the school's region (its local authority with
    ``to_local_authority``) when None. Returns their ids."""
    from syslead.brokering.models import Route, SupportRequest
    from syslead.organisations.models import Organisation
    from syslead.schools.models import School

    rng = random.Random(seed)
    schools = School.objects.filter(latitude__isnull=False).exclude(phase="")
    if organisation_id is not None:
        organisation = Organisation.objects.get(pk=organisation_id)
        region = next((r for r, org in national.hubs.items() if org == organisation_id), None)
        if region is not None:
            schools = schools.filter(region=region)
        else:
            schools = schools.filter(local_authority=organisation.local_authority_name)
    pool = list(schools.only("urn", "phase", "region", "local_authority"))
    rows = []
    for _ in range(n):
        school = rng.choice(pool)
        if organisation_id is not None:
            org: int | None = organisation_id
        elif to_local_authority:
            org = national.authorities.get(school.local_authority)
        else:
            org = national.hubs.get(school.region)
        if org is None:
            continue
        rows.append(
            SupportRequest(
                organisation_id=org,
                school_id=school.urn,
                route=rng.choice([Route.SCHOOL, Route.LOCAL_AUTHORITY]),
                academic_year=national.academic_year,
                needs=_weighted(rng, SPECIALISM_WEIGHTS, rng.choice([1, 1, 2])),
                phase=school.phase,
                days_requested=Decimal(rng.choice(days)),
                summary="A synthetic request for benchmarks.",
            )
        )
    return [r.pk for r in SupportRequest.objects.bulk_create(rows, batch_size=BATCH)]
