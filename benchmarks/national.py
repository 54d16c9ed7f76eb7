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

import atexit
import datetime as dt
import os
import random
import shutil
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


def _temporary_folder() -> Path:
    """A new folder for the run's files (the SQLite database, uploads), removed when the script
    ends."""
    folder = Path(tempfile.mkdtemp(prefix="syslead-bench-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def throwaway_database(directory: str | Path | None = None) -> Path:
    """Point Django at a new SQLite file in a temporary directory, set it up and migrate.
    Call before importing any model."""
    folder = Path(directory) if directory else _temporary_folder()
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


def postgres_database(name: str, server: str = "postgresql://postgres@127.0.0.1:5432") -> str:
    """Create (afresh) the PostgreSQL database ``name`` on ``server``, point Django at it and
    migrate; returns its URL. Drop it afterwards with ``drop_postgres_database``."""
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{server}/{name}"
    folder = _temporary_folder()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("CONN_MAX_AGE", "60")
    _environment(folder)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return url


def existing_postgres_database(
    name: str, server: str = "postgresql://postgres@127.0.0.1:5432"
) -> str:
    """Point Django at the PostgreSQL database ``name`` kept by an earlier run (``--keep``) and
    migrate it (migrations merged since, e.g. one that fills a new table from the data)."""
    url = f"{server}/{name}"
    folder = _temporary_folder()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("CONN_MAX_AGE", "60")
    _environment(folder)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return url


def drop_postgres_database(name: str, server: str = "postgresql://postgres@127.0.0.1:5432") -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _environment(folder: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "syslead.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + os.urandom(24).hex())
    os.environ["SYSLEAD_VAR_DIR"] = str(folder)
    os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


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
    phases: list[LeaderPhase] = []
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


#: The days a synthetic request asks for, one drawn at random per request (5 the commonest).
REQUEST_DAYS = ("2", "3", "5", "5", "6", "10")


def build_requests(
    national: NationalSet,
    *,
    n: int,
    seed: int,
    organisation_id: int | None = None,
    days: tuple[str, ...] = REQUEST_DAYS,
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


# Ten years of history ----------------------------------------------------------------------------

#: Figures of the national set at ``--scale 1`` (Syslead issue 16): brokers come from the register
#: (one hub per region, one authority per local authority: about 160).
NATIONAL_LEADERS = 12000
NATIONAL_AGREEMENTS = 100_000
VISITS_PER_AGREEMENT = 10
HISTORY_YEARS = 10
#: Rows written per statement (bulk_create) or per COPY chunk.
CHUNK = 5000


@dataclass
class HistorySet:
    years: list[str] = field(default_factory=list)
    requests: int = 0
    agreements: int = 0
    visits: int = 0
    feedback: int = 0
    evaluations: int = 0
    evaluation_ratings: int = 0
    invoices: int = 0
    invoice_lines: int = 0
    #: organisation id → agreements it brokered
    agreements_per_organisation: dict[int, int] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{self.requests:,} requests, {self.agreements:,} agreements, {self.visits:,} notes "
            f"of visit, {self.feedback:,} feedback forms, {self.evaluations:,} evaluations "
            f"({self.evaluation_ratings:,} ratings), {self.invoices:,} invoices "
            f"({self.invoice_lines:,} lines) over {len(self.years)} academic years "
            f"({self.years[0]} to {self.years[-1]})"
        )

    def busiest_organisation(self) -> int:
        return max(
            self.agreements_per_organisation, key=self.agreements_per_organisation.__getitem__
        )


class _Table:
    """Rows for one table as plain tuples over every column, ids given here (the next after the
    table's largest), written by ``flush``: COPY on PostgreSQL (psycopg's ``cursor.copy``),
    ``executemany`` on SQLite. No model instances: at a million rows the ORM's per-field work is
    what costs (profiled: 1.5 ms a row on this machine)."""

    def __init__(self, model: Any, now: dt.datetime) -> None:
        from django.db import connection, models

        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.defaults: dict[str, Any] = {}
        for f in self.fields[1:]:
            auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            self.defaults[f.attname] = now if auto else f.get_default()
        self.json = [i for i, f in enumerate(self.fields) if isinstance(f, models.JSONField)]
        self.postgres = connection.vendor == "postgresql"
        largest = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        self.next_id = (largest or 0) + 1
        self.rows: list[list[Any]] = []
        self.written = 0

    def add(self, **values: Any) -> int:
        unknown = values.keys() - self.defaults.keys()
        assert not unknown, f"{self.model.__name__} has no {unknown}"
        pk = self.next_id
        self.next_id += 1
        self.rows.append([pk, *(values.get(k, d) for k, d in self.defaults.items())])
        return pk

    def flush(self) -> None:
        import json

        from django.db import connection

        if not self.rows:
            return
        for row in self.rows:
            for i in self.json:
                row[i] = json.dumps(row[i])
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(self.fields))
                cursor.cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                    [[_sqlite(v) for v in row] for row in self.rows],
                )
        self.written += len(self.rows)
        self.rows = []

    def reset_sequence(self) -> None:
        """PostgreSQL: move the id sequence past the ids given here."""
        from django.db import connection

        if self.postgres:
            table = self.model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                    [table, max(self.next_id - 1, 1)],
                )


def _sqlite(value: Any) -> Any:
    """A value as Django's SQLite backend stores it."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool):
        return int(value)
    return value


def build_history(
    national: NationalSet | None = None,
    *,
    agreements: int,
    seed: int = 2025,
    visits_per_agreement: int = VISITS_PER_AGREEMENT,
    years: int = HISTORY_YEARS,
    organisation_ids: list[int] | None = None,
    progress: Any = None,
) -> HistorySet:
    """``agreements`` agreements over the last ``years`` academic years (the current one last),
    each from a request to a broker, with ``visits_per_agreement`` notes of visit, a feedback form
    per term, an end-of-support evaluation (nine ratings) once finished, and an invoice for its
    agreed visits (one line per visit).

    Brokers: with ``national``, a request goes to the hub of the school's region (60%) or to its
    local authority; without, to a random organisation of ``organisation_ids`` (default: all).
    Leaders are the existing leader profiles, schools the register's (or whatever schools exist:
    tests use a handful). Past years' agreements are completed (90%), ended early or cancelled;
    this year's are active. Everything goes in with ``bulk_create`` in batches of 5,000, and the
    big child tables (notes of visit, feedback, ratings, invoice lines) with COPY on PostgreSQL.
    """
    from syslead.brokering.models import RequestStatus, Route, SupportRequest
    from syslead.core.academic_years import AcademicYear
    from syslead.deployments.models import Deployment, DeploymentStatus, FundingRoute
    from syslead.evaluation.models import (
        Evaluation,
        EvaluationItem,
        EvaluationRating,
        FeedbackRequest,
        FeedbackStatus,
        Rag,
        TermName,
    )
    from syslead.invoicing.models import (
        Invoice,
        InvoiceLine,
        InvoiceStatus,
        IssuerKind,
        LineKind,
        PayerKind,
    )
    from syslead.leaders.models import LeaderProfile
    from syslead.organisations.models import Organisation
    from syslead.schools.models import School
    from syslead.visits.models import Session, Visit, VisitStatus

    rng = random.Random(seed)
    say = progress or (lambda _message: None)
    current = AcademicYear.current()
    year_list = [current]
    for _ in range(years - 1):
        year_list.insert(0, year_list[0].previous())
    history = HistorySet(years=[y.label for y in year_list])
    schools = list(
        School.objects.exclude(phase="").values_list("urn", "phase", "region", "local_authority")
    )
    leaders = list(LeaderProfile.objects.values_list("pk", "home_school_id", "user_id"))
    if not schools or not leaders:
        raise RuntimeError("Schools and leaders first (load_register(), build_national_leaders()).")
    organisations = organisation_ids or list(Organisation.objects.values_list("pk", flat=True))
    counts: dict[int, int] = defaultdict(int)
    now = dt.datetime.now(dt.UTC)
    rating_values = [Rag.GREEN] * 6 + [Rag.AMBER] * 3 + [Rag.RED]
    term_names = [TermName.AUTUMN, TermName.SPRING, TermName.SUMMER]
    sessions = [Session.FULL_DAY, Session.FULL_DAY, Session.HALF_DAY, Session.TWILIGHT]
    tables = {
        model: _Table(model, now)
        for model in (
            SupportRequest,
            Deployment,
            Visit,
            FeedbackRequest,
            Evaluation,
            EvaluationRating,
            Invoice,
            InvoiceLine,
        )
    }
    requests, deployments, visits = tables[SupportRequest], tables[Deployment], tables[Visit]
    feedback, evaluations, ratings = (
        tables[FeedbackRequest],
        tables[Evaluation],
        tables[EvaluationRating],
    )
    invoices, lines = tables[Invoice], tables[InvoiceLine]
    rate = Decimal("350.00")
    for done in range(agreements):
        urn, phase, region, la = rng.choice(schools)
        if national is not None:
            org = national.hubs.get(region) if rng.random() < 0.6 else None
            org = org or national.authorities.get(la) or rng.choice(organisations)
        else:
            org = rng.choice(organisations)
        year = year_list[rng.randrange(len(year_list))]
        leader, home, leader_user = rng.choice(leaders)
        home = home or urn
        finished = year != current
        request_id = requests.add(
            organisation_id=org,
            school_id=urn,
            route=Route.SCHOOL,
            status=RequestStatus.AGREED,
            academic_year=year.label,
            needs=_weighted(rng, SPECIALISM_WEIGHTS, 1),
            phase=phase,
            days_requested=Decimal(visits_per_agreement),
            summary="A synthetic request for benchmarks.",
            chosen_leader_id=leader,
        )
        starts_on = year.starts_on + dt.timedelta(days=rng.randint(5, 150))
        ends_on = starts_on + dt.timedelta(days=180)
        if not finished:
            status = DeploymentStatus.ACTIVE
        else:
            roll = rng.random()
            status = (
                DeploymentStatus.COMPLETED
                if roll < 0.9
                else DeploymentStatus.ENDED_EARLY
                if roll < 0.95
                else DeploymentStatus.CANCELLED
            )
        cost = rate * visits_per_agreement
        deployment_id = deployments.add(
            organisation_id=org,
            support_request_id=request_id,
            leader_id=leader,
            client_school_id=urn,
            home_school_id=home,
            status=status,
            starts_on=starts_on,
            ends_on=ends_on,
            academic_year=year.label,
            full_days=visits_per_agreement,
            funding_route=FundingRoute.SCHOOL,
            full_day_rate=rate,
            total_cost=cost,
            payable_by_school=cost,
            activated_at=now,
            purpose="Synthetic support for benchmarks.",
        )
        counts[org] += 1
        held = visits_per_agreement if finished else rng.randint(0, visits_per_agreement)
        signed: list[tuple[int, Session]] = []
        for number in range(held):
            visit_status = (
                VisitStatus.SIGNED_OFF
                if finished or number < held - 2
                else VisitStatus.AWAITING_AGREEMENT
            )
            session = rng.choice(sessions)
            done_at = now if visit_status == VisitStatus.SIGNED_OFF else None
            visit_id = visits.add(
                deployment_id=deployment_id,
                date=starts_on + dt.timedelta(days=number * 14),
                session=session,
                hours=Decimal("6.00"),
                focus="Synthetic note of visit.",
                progress="Progress against the objectives.",
                status=visit_status,
                recorded_by_id=leader_user,
                submitted_at=now,
                agreed_at=done_at,
                signed_off_at=done_at,
            )
            if done_at is not None:
                signed.append((visit_id, session))
        for term in term_names if finished else term_names[:1]:
            submitted = finished or rng.random() < 0.5
            feedback.add(
                deployment_id=deployment_id,
                academic_year=year.label,
                term=term,
                due_on=year.ends_on,
                status=FeedbackStatus.SUBMITTED if submitted else FeedbackStatus.DUE,
                days_in_school=Decimal(3) if submitted else None,
                impact="Synthetic feedback." if submitted else "",
                submitted_at=now if submitted else None,
            )
        if finished and status != DeploymentStatus.CANCELLED:
            evaluation_id = evaluations.add(deployment_id=deployment_id)
            for item in EvaluationItem:
                ratings.add(
                    evaluation_id=evaluation_id, item=item, rating=rng.choice(rating_values)
                )
            paid = rng.random() < 0.9
            amount = rate * len(signed)
            invoice_id = invoices.add(
                deployment_id=deployment_id,
                funding_route=FundingRoute.SCHOOL,
                issuer_kind=IssuerKind.HOME_SCHOOL,
                issuer_school_id=home,
                payer_kind=PayerKind.SUPPORTED_SCHOOL,
                payer_school_id=urn,
                payer_name="The supported school",
                number=f"SYN{seed}-{invoices.next_id:07d}",
                sequence=invoices.next_id,
                status=InvoiceStatus.PAID if paid else InvoiceStatus.ISSUED,
                days=Decimal(len(signed)),
                sessions_total=amount,
                total=amount,
                home_school_share=amount,
                issued_on=ends_on,
                due_on=ends_on + dt.timedelta(days=30),
                paid_on=ends_on + dt.timedelta(days=20) if paid else None,
            )
            for number, (visit_id, session) in enumerate(signed):
                lines.add(
                    invoice_id=invoice_id,
                    kind=LineKind.SESSION,
                    visit_id=visit_id,
                    description=f"Session {number + 1}",
                    session=session,
                    days=Decimal(1) if session == Session.FULL_DAY else Decimal("0.5"),
                    rate=rate,
                    amount=rate,
                )
        if (done + 1) % CHUNK == 0 or done + 1 == agreements:
            for table in tables.values():  # parents first: the order of ``tables``
                table.flush()
            say(f"  {done + 1:,} of {agreements:,} agreements written")
    for table in tables.values():
        table.reset_sequence()
    history.requests = requests.written
    history.agreements = deployments.written
    history.visits = visits.written
    history.feedback = feedback.written
    history.evaluations = evaluations.written
    history.evaluation_ratings = ratings.written
    history.invoices = invoices.written
    history.invoice_lines = lines.written
    history.agreements_per_organisation = dict(counts)
    # The ratings were written straight into their table: recount matching's outcomes tally
    # from them, as ``evaluation_submit`` does for each one (docs/rules.md, "Matching").
    from syslead.evaluation.tallies import outcome_tally_refresh

    outcome_tally_refresh()
    _analyse()
    return history


def _analyse() -> None:
    """Refresh the planner's statistics after a bulk load (SQLite's ANALYZE); on PostgreSQL also
    VACUUM, as autovacuum does in production after such a load: without it no table has a
    visibility map and no read can be answered from an index alone (this machine's server runs
    with autovacuum off, so a kept database would never get one)."""
    from django.db import connection

    # VACUUM cannot run in a transaction (a test builds the data inside its own): ANALYZE there.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
