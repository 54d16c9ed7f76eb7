"""Benchmark the coordinators' directory page at national scale, through the Django test client.

    .venv/bin/python benchmarks/directory.py [--leaders 12000] [--runs 200]       # SQLite
    .venv/bin/python benchmarks/directory.py --postgres                         # PostgreSQL
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python benchmarks/directory.py

Builds a throwaway database (SQLite in a temporary directory; or, with ``--postgres`` or a
``postgres://`` DATABASE_URL, a fresh ``syslead_bench_directory`` database on that server) with
the real register (22,010 schools) and ``benchmarks.national``'s 12,000 synthetic leaders, signs
in a coordinator of the largest hub, then times ``GET /leaders/`` with "specialism + phase +
within 25 km of a postcode + days still available", each run near the postcode of a different
school of the hub's region: median and p95 server time (wall and CPU of this process, which runs
the view, the template and, for SQLite, the database), and the queries per page.
Goal: p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.national import build_national_leaders, load_register, throwaway_database

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/syslead_bench_directory"
FOUND = re.compile(r"([\d,]+) leaders? found")
SPECIALISMS = ("maths", "english", "leadership", "send", "science", "phonics")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def postgres_database(url: str) -> str:
    """Drop and create the benchmark's database on the server, point Django at it, migrate."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "syslead_bench_directory"
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = parts._replace(path=f"/{name}").geturl()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "syslead.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + os.urandom(24).hex())
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaders", type=int, default=12000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--postgres", action="store_true", help=f"use {POSTGRES_URL}")
    args = parser.parse_args()

    started = time.perf_counter()
    print("Load average at start (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    url = os.environ.get("DATABASE_URL", "")
    if args.postgres or url.startswith(("postgres://", "postgresql://")):
        where = f"PostgreSQL database {postgres_database(url or POSTGRES_URL)}"
    else:
        where = f"SQLite {throwaway_database()}"
    print(f"Database: {where}")
    counts = load_register()
    print(f"Register loaded in {time.perf_counter() - started:.1f} s: {counts.summary()}")
    t = time.perf_counter()
    national = build_national_leaders(n=args.leaders, seed=args.seed)
    print(f"{len(national.leader_ids)} leaders built in {time.perf_counter() - t:.1f} s")
    from django.db import connection as db

    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics, as a live database has them

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from syslead.accounts.models import Role, RoleAssignment, User
    from syslead.organisations.models import Organisation
    from syslead.schools.models import School

    # The test client's host; no test environment, so templates render as in production (the
    # test environment's template instrumentation would add its own cost).
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    hub = Organisation.objects.get(pk=national.largest_hub())
    region = next(name for name, pk in national.hubs.items() if pk == hub.pk)
    coordinator = User.objects.create_user(email="bench@hub.test", name="Bench Coordinator")
    RoleAssignment.objects.create(user=coordinator, role=Role.COORDINATOR, organisation=hub)
    print(
        f"Coordinator of {hub.name}: {national.leaders_per_organisation[hub.pk]} leaders "
        f"associated (of {len(national.leader_ids)})."
    )

    rng = random.Random(args.seed)
    postcodes = list(
        School.objects.filter(region=region, latitude__isnull=False)
        .exclude(postcode="")
        .values_list("postcode", "phase")
    )
    queries = []
    for _ in range(args.runs):
        postcode, phase = rng.choice(postcodes)
        queries.append(
            {
                "specialism": rng.choice(SPECIALISMS),
                "phase": phase or "primary",
                "near": postcode,
                "within": "25",
                "min_days": str(rng.choice((1, 3, 5))),
            }
        )

    client = Client()
    client.force_login(coordinator)
    client.get("/leaders/", queries[0])  # warm up imports, templates and caches
    wall: list[float] = []
    cpu: list[float] = []
    found: list[int] = []
    query_counts: list[int] = []
    database: list[float] = []
    for params in queries:
        with CaptureQueriesContext(connection) as captured:
            t, c = time.perf_counter(), time.process_time()
            response: Any = client.get("/leaders/", params)
            wall.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        assert response.status_code == 200, response.status_code
        match = FOUND.search(response.content.decode())
        assert match is not None, "no results heading: the form refused the search"
        found.append(int(match.group(1).replace(",", "")))
        query_counts.append(len(captured.captured_queries))
        database.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)

    print(
        f"\nGET /leaders/?specialism&phase&near=<postcode>&within=25&min_days "
        f"({args.runs} runs, {statistics.median(found):.0f} leaders found at the median, "
        f"{max(found)} at most; {max(query_counts)} queries a page at most):"
    )
    print(
        f"  wall median {statistics.median(wall):.1f} ms, p95 {percentile(wall, 0.95):.1f} ms; "
        f"CPU median {statistics.median(cpu):.1f} ms, p95 {percentile(cpu, 0.95):.1f} ms "
        f"(goal: p95 < 100 ms)"
    )
    # SQLite runs inside this process, so its time is already in the CPU time; a PostgreSQL
    # server's is not: add the queries' time to estimate the server time on an idle machine.
    in_process = connection.vendor == "sqlite"
    server = cpu if in_process else [c + d for c, d in zip(cpu, database, strict=True)]
    print(
        f"  database (sum of query times) median {statistics.median(database):.1f} ms, "
        f"p95 {percentile(database, 0.95):.1f} ms; server time "
        f"({'CPU, the database inside' if in_process else 'CPU + database'}) median "
        f"{statistics.median(server):.1f} ms, p95 {percentile(server, 0.95):.1f} ms"
    )
    print("  (on a shared machine the wall time includes waiting for a CPU)")
    # The yardstick: a trivial signed-in page (static text behind sign-in), in the same run.
    client.get("/about-the-data/")
    base_wall: list[float] = []
    base_cpu: list[float] = []
    for _ in range(min(args.runs, 50)):
        t, c = time.perf_counter(), time.process_time()
        response = client.get("/about-the-data/")
        base_wall.append((time.perf_counter() - t) * 1000)
        base_cpu.append((time.process_time() - c) * 1000)
        assert response.status_code == 200, response.status_code
    print(
        f"  trivial signed-in page (GET /about-the-data/): wall median "
        f"{statistics.median(base_wall):.1f} ms, p95 {percentile(base_wall, 0.95):.1f} ms; "
        f"CPU p95 {percentile(base_cpu, 0.95):.1f} ms\n"
        f"  ratio of the directory to it: p95 wall "
        f"{percentile(wall, 0.95) / percentile(base_wall, 0.95):.1f}x, p95 CPU "
        f"{percentile(cpu, 0.95) / percentile(base_cpu, 0.95):.1f}x"
    )
    print(f"\nEverything in {time.perf_counter() - started:.1f} s")
    print("Load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
