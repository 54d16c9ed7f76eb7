"""Load test: fifty people at once against gunicorn on PostgreSQL with the national data (Syslead
issue 16, item 7).

    .venv/bin/python benchmarks/pages.py --postgres --scale 1 --keep   # builds syslead_bench_pages
    .venv/bin/python benchmarks/load.py [--users 50] [--seconds 120] [--port 8765] [--drop]

Uses the PostgreSQL database that ``benchmarks/pages.py --postgres --scale 1 --keep`` left (run
that first), signs in a few people of each role (sessions written straight to the
session table, past two-factor), starts gunicorn (``gunicorn.conf.py``, its default workers) on
127.0.0.1 only, runs ``benchmarks/load/locustfile.py`` headless with ``--users`` people for
``--seconds`` (bounded: locust stops itself; gunicorn is stopped after), and prints per page the
request count, failures, median and p95 response time and throughput, each p95 beside the p95 of
the trivial signed-in page in the same run, and the ratio. ``--drop`` drops the database after.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.national import drop_postgres_database  # noqa: E402
from benchmarks.pages import DATABASE, load_average  # noqa: E402

SERVER = "postgresql://postgres@127.0.0.1:5432"


def prepare(folder: Path, secret: str) -> Path:
    """Sessions for 10 coordinators of the busiest broker, 3 administrators and 10 leaders, and the
    ids the journeys visit, written to ``folder/setup.json``."""
    os.environ.update(
        DATABASE_URL=f"{SERVER}/{DATABASE}",
        DJANGO_SETTINGS_MODULE="syslead.settings",
        DEBUG="false",
        SECRET_KEY=secret,
        SYSLEAD_VAR_DIR=str(folder),
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    # The kept database may predate the code's latest migrations.
    call_command("migrate", verbosity=0, interactive=False)

    from benchmarks.pages import signed_in
    from syslead.accounts.models import Role, RoleAssignment, User
    from syslead.brokering.models import RequestStatus, SupportRequest
    from syslead.deployments.models import Deployment
    from syslead.leaders.models import LeaderProfile

    broker = (
        Deployment.objects.values("organisation")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("organisation", flat=True)
        .first()
    )
    if broker is None:
        raise RuntimeError(
            f"{DATABASE} has no agreements: build it with benchmarks/pages.py --postgres --keep"
        )
    sessions: dict[str, list[str]] = {"coordinator": [], "administrator": [], "leader": []}
    for n in range(10):
        user, _ = User.objects.get_or_create(email=f"load-coordinator{n}@bench.test")
        RoleAssignment.objects.get_or_create(
            user=user, role=Role.COORDINATOR, organisation_id=broker
        )
        sessions["coordinator"].append(signed_in(user).cookies["sessionid"].value)
    for n in range(3):
        user, _ = User.objects.get_or_create(email=f"load-admin{n}@bench.test")
        user.is_staff = user.is_superuser = True
        user.save()
        RoleAssignment.objects.get_or_create(user=user, role=Role.ADMINISTRATOR)
        sessions["administrator"].append(signed_in(user).cookies["sessionid"].value)
    leaders = LeaderProfile.objects.filter(deployments__organisation_id=broker).distinct()
    for profile in leaders[:10]:
        sessions["leader"].append(signed_in(profile.user).cookies["sessionid"].value)
    agreements = list(
        Deployment.objects.filter(organisation_id=broker, status="completed")
        .order_by("-starts_on")
        .values_list("pk", flat=True)[:200]
    )
    open_requests = list(
        SupportRequest.objects.filter(status=RequestStatus.OPEN, organisation_id=broker)
        .order_by("pk")
        .values_list("pk", flat=True)[:50]
    )
    setup = {
        "broker": broker,
        "sessions": sessions,
        "agreements": agreements,
        "open_requests": open_requests,
    }
    path = folder / "setup.json"
    path.write_text(json.dumps(setup))
    return path


def wait_until_up(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    args = parser.parse_args()

    print(f"Load average at start (1, 5, 15 min): {load_average()}")
    folder = Path(tempfile.mkdtemp(prefix="syslead-load-"))
    secret = "load-only-" + os.urandom(24).hex()
    setup = prepare(folder, secret)
    venv = Path(sys.executable).parent
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "DEBUG": "false",
        "SECRET_KEY": secret,
        "SYSLEAD_VAR_DIR": str(folder),
        "STATIC_ROOT": str(folder / "static"),  # not collected: WhiteNoise serves the finders
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SYSLEAD_LOAD_SESSIONS": str(setup),
    }
    host = f"http://127.0.0.1:{args.port}"
    web = subprocess.Popen(
        [str(venv / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=(folder / "gunicorn.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_up(f"{host}/health/live", 120)
        print(f"gunicorn up on {host} (log {folder / 'gunicorn.log'})")
        prefix = folder / "locust"
        subprocess.run(
            [
                str(venv / "locust"),
                "-f",
                str(ROOT / "benchmarks/load/locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                "10",
                "--run-time",
                f"{args.seconds}s",
                "--stop-timeout",
                "10",
                "--host",
                host,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=env,
            check=False,
            timeout=args.seconds + 120,
        )
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=60)
        if args.drop:
            drop_postgres_database(DATABASE)
    report(Path(f"{prefix}_stats.csv"), args)


def report(path: Path, args: argparse.Namespace) -> None:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_name = {row["Name"]: row for row in rows}
    trivial = float(by_name["trivial signed-in page"]["95%"])
    print(
        f"\n{args.users} people for {args.seconds} s against gunicorn on PostgreSQL "
        f"({DATABASE}), 127.0.0.1:{args.port}\n"
    )
    print(
        f"{'page':<26} {'requests':>8} {'failures':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'req/s':>6} {'p95 / trivial p95':>18}"
    )
    for row in rows:
        p95 = float(row["95%"])
        print(
            f"{row['Name']:<26} {row['Request Count']:>8} {row['Failure Count']:>8} "
            f"{float(row['50%']):>7.0f} {p95:>7.0f} {float(row['Requests/s']):>6.1f} "
            f"{p95 / trivial if trivial else 0:>17.1f}x"
        )
    total = by_name["Aggregated"]
    errors = int(total["Failure Count"])
    rate = 100 * errors / max(1, int(total["Request Count"]))
    print(
        f"\nError rate {rate:.2f}% ({errors} of {total['Request Count']}); throughput "
        f"{float(total['Requests/s']):.1f} requests/s; trivial signed-in page p95 {trivial:.0f} ms"
    )
    print(f"Load average at the end (1, 5, 15 min): {load_average()}")


if __name__ == "__main__":
    main()
