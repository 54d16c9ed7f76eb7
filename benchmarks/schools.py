"""Benchmark the register: loading all 22,010 schools, searching them, importing a large GIAS file.

    .venv/bin/python benchmarks/schools.py [--searches 200] [--seed 2025] [--import-mb 250]

Builds a throwaway SQLite database in a temporary directory (DATABASE_URL), migrates it, times
``schools_load_register`` on the shipped data (goal < 20 s) and a second, idempotent run, then
sends ~200 varied searches (names, URNs, postcodes with and without a space, outward codes,
towns, local-authority and phase filters, later pages) to /schools/ through the Django test client
as a signed-in user and prints the median and p95 server time in ms (goal p95 < 50 ms), as
wall-clock and as this process's CPU time (which a busy machine does not inflate).

Then it writes a GIAS file of ``--import-mb`` megabytes (default 250; 0 skips) in the temporary
directory, made of the shipped 20-row sample repeated with new URNs, and imports it with
the ``import_gias`` command in a child process, reporting that process's peak memory (peak
resident memory, goal < 500 MB) and time beside those of a child process that makes one trivial
signed-in request (the home page), measured in the same run: the ratio is what the import costs
over an idle Syslead process, whatever the machine.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def setup_django(directory: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "syslead.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ["SYSLEAD_VAR_DIR"] = str(directory)
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", f"benchmark-only-{secrets.token_hex(24)}")
    os.environ.setdefault("SYSLEAD_PLAIN_STATIC", "true")
    import django

    django.setup()


def build_searches(n: int, seed: int) -> list[tuple[str, dict[str, str]]]:
    """A mix of what people type: (kind, GET parameters)."""
    from syslead.schools.models import School
    from syslead.schools.selectors import local_authority_names

    rng = random.Random(seed)
    schools = list(
        School.objects.values_list("urn", "name", "town", "postcode", "local_authority", "phase")
    )
    authorities = local_authority_names()
    phases = [p for p in {s[5] for s in schools} if p]
    searches: list[tuple[str, dict[str, str]]] = []
    kinds = [
        "name word",
        "name start",
        "urn",
        "postcode",
        "postcode without space",
        "outward code",
        "town",
        "la filter",
        "la and phase",
        "name and la",
        "page 2",
    ]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        urn, name, town, postcode, authority, _ = rng.choice(schools)
        words = [w for w in name.split() if len(w) > 3] or name.split()
        params: dict[str, str]
        if kind == "name word":
            params = {"q": rng.choice(words)}
        elif kind == "name start":
            params = {"q": " ".join(name.split()[:2])}
        elif kind == "urn":
            params = {"q": str(urn)}
        elif kind == "postcode":
            params = {"q": postcode or "LN1 3JG"}
        elif kind == "postcode without space":
            params = {"q": (postcode or "LN1 3JG").replace(" ", "").lower()}
        elif kind == "outward code":
            params = {"q": (postcode or "LN1 3JG").split()[0]}
        elif kind == "town":
            params = {"q": town or "Lincoln"}
        elif kind == "la filter":
            params = {"la": rng.choice(authorities)}
        elif kind == "la and phase":
            params = {"la": authority or rng.choice(authorities), "phase": rng.choice(phases)}
        elif kind == "name and la":
            params = {"q": rng.choice(words), "la": authority or rng.choice(authorities)}
        else:
            common = rng.choice(["primary", "academy", "school", "st", "church"])
            params = {"q": common, "page": "2"}
        searches.append((kind, params))
    return searches


SAMPLE = (
    Path(__file__).resolve().parent.parent
    / "syslead/schools/tests/fixtures/gias_edubasealldata_sample_2018-10-29.csv"
)
BENCH_EMAIL = "bench@syslead.test"


def write_big_gias(path: Path, megabytes: int) -> int:
    """A GIAS file of about ``megabytes`` MB: the sample's rows repeated with new URNs (from
    1,000,000, so none is in the shipped register). Returns the number of rows."""
    header, *rows = SAMPLE.read_bytes().splitlines(keepends=True)
    tails = [row[row.index(b",") :] for row in rows if row.strip()]
    target, written, count = megabytes * 1_000_000, len(header), 0
    with path.open("wb") as out:
        out.write(header)
        chunk: list[bytes] = []
        while written < target:
            line = b"%d" % (1_000_000 + count) + tails[count % len(tails)]
            chunk.append(line)
            written += len(line)
            count += 1
            if len(chunk) == 10_000:
                out.write(b"".join(chunk))
                chunk = []
        out.write(b"".join(chunk))
    return count


PEAK = "Peak resident memory (VmHWM): "


def peak_resident_mb() -> float:
    """This process's peak resident memory. Read from /proc (VmHWM, reset by exec) rather than
    getrusage, whose ru_maxrss a child inherits from the parent that forked it."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("/proc/self/status has no VmHWM: measure on Linux.")


def run_child(arguments: list[str]) -> tuple[float, float, str]:
    """Run this script in a child mode; (its peak resident MB, seconds, its output)."""
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, __file__, *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
    )
    elapsed = time.perf_counter() - started
    output = child.stdout.decode(errors="replace").strip()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed ({child.returncode}):\n{output}")
    peak = next(line for line in output.splitlines() if line.startswith(PEAK))
    report = "\n".join(line for line in output.splitlines() if not line.startswith(PEAK))
    return float(peak.removeprefix(PEAK).split()[0]), elapsed, report


def child_trivial_call() -> None:
    """Child mode: one signed-in GET of the home page, as a baseline Syslead process."""
    import django

    django.setup()
    from django.test import Client

    from syslead.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=BENCH_EMAIL))
    response = client.get("/")
    if response.status_code != 200:
        raise SystemExit(f"The home page answered {response.status_code}")
    print(f"GET / {response.status_code}, {len(response.content)} bytes")
    print(f"{PEAK}{peak_resident_mb():.1f} MB")


def child_import(path: str) -> None:
    """Child mode: ``manage.py import_gias PATH`` as an operator runs it."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("import_gias", path)
    print(f"{PEAK}{peak_resident_mb():.1f} MB")


def benchmark_import(directory: Path, megabytes: int) -> None:
    big = directory / "edubasealldata_big.csv"
    started = time.perf_counter()
    rows = write_big_gias(big, megabytes)
    size_mb = big.stat().st_size / 1_000_000
    print(
        f"GIAS file: {size_mb:.0f} MB, {rows} rows, written in "
        f"{time.perf_counter() - started:.1f} s"
    )
    base_mb, base_s, _ = run_child(["--child-trivial-call"])
    peak_mb, import_s, output = run_child(["--child-import", str(big)])
    big.unlink()
    print(f"  import_gias: {output.splitlines()[-1] if output else ''}")
    print(
        f"  Peak memory (VmHWM): import {peak_mb:.0f} MB (goal < 500 MB) vs. a trivial "
        f"signed-in call {base_mb:.0f} MB in the same run: ratio {peak_mb / base_mb:.2f}; "
        f"the import's own growth {peak_mb - base_mb:.0f} MB"
    )
    print(
        f"  Time: import {import_s:.1f} s ({rows / import_s:,.0f} rows/s) vs. the trivial call's "
        f"process {base_s:.1f} s (start-up included): ratio {import_s / base_s:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--import-mb", type=int, default=250, help="0 skips the GIAS import")
    parser.add_argument("--child-trivial-call", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-import", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_trivial_call:
        child_trivial_call()
        return
    if args.child_import:
        child_import(args.child_import)
        return

    with tempfile.TemporaryDirectory(prefix="syslead-bench-") as tmp:
        directory = Path(tmp)
        setup_django(directory)
        from django.core.management import call_command
        from django.test import Client

        from syslead.accounts.models import User
        from syslead.schools.models import OfstedInspection, PostcodeArea, School
        from syslead.schools.services import schools_load_register

        call_command("migrate", verbosity=0)
        print(f"Database: {directory / 'bench.sqlite3'}")

        started, cpu_started = time.perf_counter(), time.process_time()
        counts = schools_load_register()
        first_load = time.perf_counter() - started
        print(
            f"Load: {first_load:.1f} s (goal < 20 s; "
            f"CPU {time.process_time() - cpu_started:.1f} s). {counts.summary()}"
        )
        print(
            f"  {School.objects.count()} schools, {OfstedInspection.objects.count()} inspections, "
            f"{PostcodeArea.objects.count()} postcode areas"
        )
        started, cpu_started = time.perf_counter(), time.process_time()
        again = schools_load_register()
        print(
            f"Load again (idempotent): {time.perf_counter() - started:.1f} s "
            f"(CPU {time.process_time() - cpu_started:.1f} s); "
            f"{again.schools_added} added, {again.schools_updated} updated, "
            f"{again.schools_unchanged} unchanged"
        )

        user = User.objects.create_user(email=BENCH_EMAIL, password=None, name="Bench")
        client = Client()
        client.force_login(user)
        client.get("/schools/", {"q": "warm up"})  # templates compiled, connection opened

        searches = build_searches(args.searches, args.seed)
        timings: list[float] = []
        cpu_timings: list[float] = []
        by_kind: dict[str, list[float]] = {}
        slowest: list[tuple[float, Any]] = []
        for kind, params in searches:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get("/schools/", params)
            elapsed = (time.perf_counter() - started) * 1000
            cpu_timings.append((time.process_time() - cpu_started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{params} answered {response.status_code}")
            timings.append(elapsed)
            by_kind.setdefault(kind, []).append(elapsed)
            slowest.append((elapsed, params))

        median, p95 = statistics.median(timings), percentile(timings, 0.95)
        print(
            f"Search: {len(timings)} requests, median {median:.1f} ms, p95 {p95:.1f} ms, "
            f"max {max(timings):.1f} ms (goal p95 < 50 ms)"
        )
        print(
            f"  CPU time of the same requests (what the server itself spends, whatever else the "
            f"machine runs): median {statistics.median(cpu_timings):.1f} ms, "
            f"p95 {percentile(cpu_timings, 0.95):.1f} ms"
        )
        print(f"  Machine load average while measuring: {os.getloadavg()[0]:.1f}")
        for kind, values in by_kind.items():
            print(
                f"  {kind:<24} median {statistics.median(values):5.1f} ms"
                f"  p95 {percentile(values, 0.95):5.1f} ms"
            )
        print("  slowest:", ", ".join(f"{p} {t:.0f} ms" for t, p in sorted(slowest)[-3:]))
        first = School.objects.order_by("urn").first()
        assert first is not None
        started = time.perf_counter()
        response = client.get(f"/schools/{first.urn}/")
        print(f"School page {first.urn}: {(time.perf_counter() - started) * 1000:.1f} ms")
        if args.import_mb > 0:
            from django.db import connection

            connection.close()  # the child process writes to the same SQLite file
            benchmark_import(directory, args.import_mb)


if __name__ == "__main__":
    main()
