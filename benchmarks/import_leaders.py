"""Benchmark the leaders import: 2,000 leaders from one CSV file through the API, beside a trivial
signed-in call measured in the same run.

    .venv/bin/python benchmarks/import_leaders.py [--leaders 2000] [--calls 50]

Builds a throwaway SQLite database in a temporary directory (DATABASE_URL), migrates it, adds 200
schools, a broker and its coordinator, then POSTs a CSV of ``--leaders`` rows (each with an SLE
designation, specialisms, phases and release days) to /api/v1/organisations/{id}/imports/leaders
through the Django test client with a bearer token: a dry run, the import (goal < 10 s for 2,000)
and the same file again (every row unchanged). A trivial signed-in call (GET /api/v1/schools/{urn},
median of ``--calls``) is timed in the same run, and the import is printed as a multiple of it, so
a slow machine shows as slow in both.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HEADER = (
    "email,first_name,last_name,home_school,job_title,designation,designated_on,specialisms,"
    "phases,release_days,academic_year"
)
SPECIALISMS = ["maths", "english", "phonics", "science", "send", "leadership", "behaviour"]


def setup_django(directory: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "syslead.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["SYSLEAD_VAR_DIR"] = str(directory)
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SYSLEAD_PLAIN_STATIC", "true")
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()


def build_csv(n: int, urns: list[int], year: str) -> bytes:
    lines = [HEADER]
    for i in range(n):
        specialisms = ";".join(SPECIALISMS[(i + k) % len(SPECIALISMS)] for k in range(2))
        lines.append(
            f"leader{i:05d}@school.example,Leader,Number {i},{urns[i % len(urns)]},"
            f"Deputy headteacher,SLE,2024-09-01,{specialisms},primary;secondary,10,{year}"
        )
    return ("\r\n".join(lines) + "\r\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--leaders", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="syslead-bench-") as tmp:
        directory = Path(tmp)
        setup_django(directory)
        from django.core.management import call_command
        from django.test import Client

        from syslead.accounts.models import ApiToken, Role, RoleAssignment, User
        from syslead.core.academic_years import AcademicYear
        from syslead.organisations.models import Organisation, OrganisationKind
        from syslead.schools.models import Phase, School

        call_command("migrate", verbosity=0)
        urns = list(range(300001, 300201))
        School.objects.bulk_create(
            [
                School(
                    urn=urn,
                    name=f"Bench School {urn}",
                    phase=Phase.PRIMARY,
                    local_authority="Lincolnshire",
                    town="Lincoln",
                    postcode="LN1 1AA",
                    postcode_compact="LN11AA",
                    latitude=53.2,
                    longitude=-0.5,
                )
                for urn in urns
            ]
        )
        broker = Organisation.objects.create(
            name="Bench Alliance", kind=OrganisationKind.TEACHING_SCHOOL_ALLIANCE, slug="bench"
        )
        coordinator = User.objects.create_user(email="coord@bench.example", name="Coordinator")
        RoleAssignment.objects.create(user=coordinator, role=Role.COORDINATOR, organisation=broker)
        _, raw = ApiToken.issue(coordinator)
        client = Client(headers={"Authorization": f"Bearer {raw}"})
        url = f"/api/v1/organisations/{broker.pk}/imports/leaders"
        body = build_csv(args.leaders, urns, AcademicYear.current().label)
        print(f"Database: {directory / 'bench.sqlite3'}")
        print(f"CSV of {args.leaders} rows, {len(body):,} bytes")

        client.get(f"/api/v1/schools/{urns[0]}")  # warm up
        timings, cpu_timings = [], []
        for i in range(args.calls):
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(f"/api/v1/schools/{urns[i % len(urns)]}")
            timings.append(time.perf_counter() - started)
            cpu_timings.append(time.process_time() - cpu)
            assert response.status_code == 200, response.content
        trivial = statistics.median(timings)
        trivial_cpu = statistics.median(cpu_timings) or 1e-6
        print(
            f"Trivial signed-in call (GET /schools/{{urn}}): median {trivial * 1000:.1f} ms "
            f"(CPU {trivial_cpu * 1000:.1f} ms)"
        )

        def timed(label: str, query: str, expect: tuple[int, int, int]) -> float:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.post(url + query, data=body, content_type="text/csv")
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            assert response.status_code == 200, response.content[:500]
            result = response.json()
            counts = (result["created"], result["updated"], result["unchanged"])
            assert counts == expect, counts
            print(
                f"{label}: {elapsed:.2f} s (CPU {cpu:.2f} s), created/updated/unchanged {counts}; "
                f"{elapsed / trivial:,.0f}× the trivial call ({cpu / trivial_cpu:,.0f}× in CPU)"
            )
            return elapsed

        n = args.leaders
        timed("Dry run", "?dry_run=true", (n, 0, 0))
        first = timed("Import", "", (n, 0, 0))
        timed("Same file again", "", (0, 0, n))
        goal = 10.0 * n / 2000
        print(f"Goal: {n} leaders in under {goal:.0f} s: {'met' if first < goal else 'NOT met'}")


if __name__ == "__main__":
    main()
