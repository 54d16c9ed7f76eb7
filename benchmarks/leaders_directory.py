"""How fast the coordinators' directory search is over 12,000 leaders.

    DEBUG=true .venv/bin/python benchmarks/leaders_directory.py            # SQLite (a temp file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/syslead_dev \\
        .venv/bin/python benchmarks/leaders_directory.py                   # PostgreSQL

Builds a throwaway test database, puts 12,000 leaders at 2,000 schools across England (three
specialisms, one or two phases, a designation, an association and a release each), then times
``directory_search`` in several shapes, each with its first page of 20 rows read (as the
directory page does), and prints the number of queries and the median and p95 of the wall-clock
time and of this process's CPU time (on a busy machine the CPU time is the steadier figure; with
PostgreSQL it leaves out the server's share).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from syslead.accounts.models import User
    from syslead.organisations.models import Organisation

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "syslead.settings")
os.environ.setdefault("TEST_DATABASE_NAME", "test_syslead_directory_benchmark")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + os.urandom(24).hex())

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

LEADERS = 12_000
SCHOOLS = 2_000
RUNS = 40
YEAR = "2025-26"


def populate(n_orgs: int) -> tuple[User, list[Organisation]]:
    from syslead.accounts.models import Role, RoleAssignment, User
    from syslead.leaders.models import (
        Association,
        Designation,
        DesignationType,
        LeaderPhase,
        LeaderProfile,
        ReleaseAgreement,
        Specialism,
    )
    from syslead.organisations.models import Organisation
    from syslead.schools.models import School

    rng = random.Random(7)
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Broker {n}", kind="teaching_school_alliance", slug=f"broker-{n}")
            for n in range(n_orgs)
        ]
    )
    coordinator = User.objects.create_user(email="bench@syslead.test", name="Bench Coordinator")
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=coordinator, role=Role.COORDINATOR, organisation=org)
            for org in orgs[:1]
        ]
    )
    schools = School.objects.bulk_create(
        [
            School(
                urn=200000 + n,
                name=f"School {n}",
                phase=rng.choice(["primary", "secondary", "special"]),
                local_authority=rng.choice(["Lincolnshire", "Nottinghamshire", "Leeds", "Kent"]),
                postcode="LN1 1AA",
                latitude=rng.uniform(50.6, 54.9),
                longitude=rng.uniform(-3.2, 0.6),
            )
            for n in range(SCHOOLS)
        ]
    )
    users = User.objects.bulk_create(
        [User(email=f"leader{n}@bench.test", name=f"Leader {n:05d}") for n in range(LEADERS)]
    )
    leaders = LeaderProfile.objects.bulk_create(
        [
            LeaderProfile(
                user=user,
                home_school=rng.choice(schools),
                job_title="Deputy headteacher",
                core_training_completed_on=dt.date(2025, 9, 1) if rng.random() < 0.9 else None,
            )
            for user in users
        ]
    )
    specialisms = list(Specialism.objects.filter(organisation=None))
    through = LeaderProfile.specialisms.through
    through.objects.bulk_create(
        [
            through(leaderprofile_id=leader.pk, specialism_id=s.pk)
            for leader in leaders
            for s in rng.sample(specialisms, 3)
        ]
    )
    LeaderPhase.objects.bulk_create(
        [
            LeaderPhase(leader=leader, phase=p)
            for leader in leaders
            for p in rng.sample(["primary", "secondary", "special", "nursery"], rng.choice([1, 2]))
        ]
    )
    sle = DesignationType.objects.get(code="SLE", organisation=None)
    lle = DesignationType.objects.get(code="LLE", organisation=None)
    Designation.objects.bulk_create(
        [
            Designation(
                leader=leader,
                type=lle if n % 5 == 0 else sle,
                organisation=orgs[n % n_orgs],
                designated_on=dt.date(2024, 9, 1),
            )
            for n, leader in enumerate(leaders)
        ]
    )
    Association.objects.bulk_create(
        [
            Association(
                leader=leader,
                organisation=orgs[n % n_orgs],
                starts_on=dt.date(2024, 9, 1),
                exclusive=n % 5 == 0,
            )
            for n, leader in enumerate(leaders)
        ]
    )
    ReleaseAgreement.objects.bulk_create(
        [
            ReleaseAgreement(
                leader=leader,
                academic_year=YEAR,
                days=Decimal(rng.randint(0, 15)),
                agreed_on=dt.date(2025, 9, 1),
            )
            for leader in leaders
        ]
    )
    return coordinator, orgs


PAGE = 20
LINCOLN = (53.23, -0.54)


#: p95 wall and CPU of the trivial query (one leader by primary key), the yardstick for each line.
BASE: list[float] = []


def measure(label: str, call: object, read_all: bool = False) -> None:
    """Time the search and reading its first page (what the directory page does), or every row."""
    timings = []
    cpu = []
    queries = 0
    rows = 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            result = call()  # type: ignore[operator]
            rows = len(result)
            shown = list(result) if read_all else result[:PAGE]
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        assert len(shown) == min(rows, len(shown))
        queries = len(captured)
    timings.sort()
    cpu.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    cpu_p95 = cpu[int(len(cpu) * 0.95) - 1]
    if not BASE:
        BASE.extend([p95, cpu_p95])
    print(
        f"{label:<52} rows {rows:>6}  queries {queries}  wall median "
        f"{statistics.median(timings):6.1f} p95 {p95:6.1f} ms  this process's CPU median "
        f"{statistics.median(cpu):6.1f} p95 {cpu_p95:6.1f} ms  "
        f"(p95 {p95 / BASE[0]:.1f}x, CPU {cpu_p95 / max(BASE[1], 1e-3):.1f}x the trivial query)"
    )


def main() -> None:
    from syslead.leaders.selectors import directory_search

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        for n_orgs, note in ((1, "one organisation with all 12,000"), (30, "30 organisations")):
            from syslead.accounts.models import User

            User.objects.all().delete()
            from syslead.organisations.models import Organisation
            from syslead.schools.models import School

            Organisation.objects.all().delete()
            School.objects.all().delete()
            coordinator, orgs = populate(n_orgs)
            mine = [orgs[0].pk]
            print(f"\n{connection.vendor}: {LEADERS} leaders, {note}")
            from syslead.leaders.models import LeaderProfile

            BASE.clear()
            first = LeaderProfile.objects.values_list("pk", flat=True).first()
            measure(
                "trivial: one leader by primary key",
                partial(lambda pk: [LeaderProfile.objects.get(pk=pk)], first),
            )
            search = partial(
                directory_search, user=coordinator, organisation_ids=mine, academic_year=YEAR
            )
            measure("no filter, by name", search)
            measure("no filter, by name, every row read", search, read_all=True)
            measure("near Lincoln within 30 km", partial(search, near=LINCOLN, within_km=30))
            measure(
                "maths, primary, ≥ 5 days available, within 50 km",
                partial(
                    search,
                    specialism="maths",
                    phase="primary",
                    min_available_days=Decimal("5"),
                    near=LINCOLN,
                    within_km=50,
                ),
            )
            measure(
                "LLEs nearest first (limit 50)",
                partial(search, designation_type="LLE", near=LINCOLN, limit=50),
            )
            measure("nearest first, all of them", partial(search, near=LINCOLN))
        print("Load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
