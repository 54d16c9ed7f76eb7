"""Benchmark the impact computation (docs/impact.md) over the whole real register.

    .venv/bin/python benchmarks/impact.py [--agreements 3000] [--runs 10] [--seed 2025]

Builds a throwaway SQLite database, loads the real register (22,010 open schools and the 39,401
graded Ofsted inspections of theirs that the shipped 2005-2020 history holds), adds
``benchmarks.national``'s synthetic leaders (2,000) and ``--agreements`` synthetic agreements
from the regions' teaching school hubs to random schools, starting between September 2008 and
August 2016 (so most supported schools have an inspection before and after), then times:

- ``impact(None, None)``: every broker and every year, the heaviest call (it reads every
  inspection and computes the comparison group for each year) — goal < 2 s;
- ``impact(hub, None)``: one broker, every year;
- ``GET /reports/impact/`` as an administrator (every broker): the whole page with its chart;

beside a trivial signed-in call (``GET /api/v1/schools/{urn}``) measured in the same run, and the
ratio of each to it (what the figure costs over an idle Syslead request, whatever the machine).
Times are wall-clock and CPU of this process (Python and the in-process SQLite); on a shared
machine the CPU time is the fair measure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.national import build_national_leaders, load_register, throwaway_database


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(runs: int, call: Callable[[], Any]) -> tuple[list[float], list[float], Any]:
    """Wall and CPU milliseconds of ``runs`` calls (after one to warm up), and the last result."""
    result = call()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        result = call()
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return wall, cpu, result


def summary(wall: list[float], cpu: list[float]) -> str:
    return (
        f"wall median {statistics.median(wall):.1f} ms, p95 {percentile(wall, 0.95):.1f} ms; "
        f"CPU median {statistics.median(cpu):.1f} ms, p95 {percentile(cpu, 0.95):.1f} ms"
    )


def build_agreements(national: Any, n: int, seed: int) -> int:
    """``n`` completed agreements from the regions' hubs to random schools of the region,
    starting 2008-2016; returns how many schools they support."""
    from benchmarks.national import build_requests
    from syslead.brokering.models import SupportRequest
    from syslead.core.academic_years import AcademicYear
    from syslead.deployments.models import Deployment, DeploymentStatus, FundingRoute
    from syslead.leaders.models import LeaderProfile

    rng = random.Random(seed)
    request_ids = build_requests(national, n=n, seed=seed)
    requests = list(
        SupportRequest.objects.filter(pk__in=request_ids).values_list(
            "pk", "organisation_id", "school_id"
        )
    )
    leaders = list(LeaderProfile.objects.values_list("pk", "home_school_id"))
    first, last = dt.date(2008, 9, 1).toordinal(), dt.date(2016, 8, 31).toordinal()
    rows = []
    for pk, organisation_id, school_id in requests:
        leader, home = rng.choice(leaders)
        starts_on = dt.date.fromordinal(rng.randint(first, last))
        rows.append(
            Deployment(
                organisation_id=organisation_id,
                support_request_id=pk,
                leader_id=leader,
                client_school_id=school_id,
                home_school_id=home,
                status=DeploymentStatus.COMPLETED,
                starts_on=starts_on,
                ends_on=starts_on + dt.timedelta(days=120),
                academic_year=AcademicYear.containing(starts_on).label,
                full_days=3,
                funding_route=FundingRoute.SCHOOL,
                total_cost=Decimal("1050.00"),
            )
        )
    Deployment.objects.bulk_create(rows, batch_size=2000)
    return len({row.client_school_id for row in rows})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=3000)
    parser.add_argument("--leaders", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    started = time.perf_counter()
    print("Load average at start (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(f"Database: SQLite {throwaway_database()}")
    counts = load_register()
    print(f"Register loaded in {time.perf_counter() - started:.1f} s: {counts.summary()}")
    national = build_national_leaders(n=args.leaders, seed=args.seed)
    supported = build_agreements(national, args.agreements, args.seed)

    import logging

    from django.conf import settings
    from django.test import Client

    from syslead.accounts.models import ApiToken, User
    from syslead.accounts.two_factor import STATE, VERIFIED
    from syslead.organisations.models import Organisation
    from syslead.reports.impact import impact
    from syslead.schools.models import OfstedInspection, School

    logging.getLogger("syslead.request").setLevel(logging.WARNING)  # one log line per request
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    print(
        f"{School.objects.count():,} schools, {OfstedInspection.objects.count():,} inspections, "
        f"{args.agreements:,} agreements supporting {supported:,} schools"
    )

    admin = User.objects.create_superuser(email="bench@syslead.test", password="x")
    _, token = ApiToken.issue(admin)
    api = Client()
    headers = {"Authorization": f"Bearer {token}"}
    browser = Client()
    browser.force_login(admin)
    session = browser.session
    session[STATE] = VERIFIED
    session.save()

    urn = School.objects.values_list("urn", flat=True).first()

    def trivial_call() -> Any:
        response = api.get(f"/api/v1/schools/{urn}", headers=headers)
        assert response.status_code == 200, response.status_code
        return response

    def page() -> Any:
        response = browser.get("/reports/impact/")
        assert response.status_code == 200, response.status_code
        return response

    hub = Organisation.objects.get(pk=national.largest_hub())
    trivial_wall, trivial_cpu, _ = timed(50, trivial_call)
    print(
        "\nTrivial signed-in call (GET /api/v1/schools/{urn}): "
        + summary(trivial_wall, trivial_cpu)
    )
    base_wall, base_cpu = statistics.median(trivial_wall), statistics.median(trivial_cpu)
    for label, call in (
        ("impact(every broker, every year)", lambda: impact(None, None)),
        (f"impact({hub.name}, every year)", lambda: impact(hub, None)),
        ("GET /reports/impact/ (administrator, every broker)", page),
    ):
        wall, cpu, result = timed(args.runs, call)
        print(f"\n{label}: {summary(wall, cpu)} (goal < 2000 ms)")
        print(
            f"  ratio to the trivial call: wall {statistics.median(wall) / base_wall:.0f}x, "
            f"CPU {statistics.median(cpu) / base_cpu:.0f}x"
        )
        if hasattr(result, "overall"):
            row = result.overall
            print(
                f"  {result.inspections_read:,} graded inspections of {result.schools_read:,} "
                f"schools read; supported with before and after grades {row.supported:,} "
                f"(improved {row.supported_proportion.percent}%, 95% CI "
                f"{row.supported_proportion.low_percent}-{row.supported_proportion.high_percent}); "
                f"comparison {row.comparison_schools:,} school-years (improved, weighted "
                f"{row.comparison_proportion.percent}%, 95% CI "
                f"{row.comparison_proportion.low_percent}-{row.comparison_proportion.high_percent})"
            )
    print(f"\nEverything in {time.perf_counter() - started:.1f} s")
    print("Load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
