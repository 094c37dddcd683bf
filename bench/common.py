"""Shared plumbing of the benchmarks: their own database, medians, and raw SQL replays."""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
# Two shapes of organisation, each in its own database: ``even`` (manage.py generate_org: four
# even levels) and ``real`` (bench/real_org.py: 2,000 units six levels deep, uneven fan-out).
SHAPES = ("even", "real")
DATABASE_OF_SHAPE = {"even": "okrplatform_bench", "real": "okrplatform_bench_real"}
# Transaction control is the replay's own business.
SKIPPED = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")


def add_shape_argument(parser) -> None:
    parser.add_argument(
        "--shape",
        choices=SHAPES,
        default=os.environ.get("BENCH_SHAPE", "even"),
        help="even: generate_org's tree (1,000 units); real: bench/real_org.py (2,000 units, "
        "depth 6, uneven fan-out, 2,000 KPIs). BENCH_DATABASE names the PostgreSQL database.",
    )


def bench_database(shape: str = "even") -> str:
    """The PostgreSQL database of a shape; BENCH_DATABASE overrides it (one per engineer)."""
    return os.environ.get("BENCH_DATABASE") or DATABASE_OF_SHAPE[shape]


def configure(database: str, shape: str = "even") -> None:
    """Point Django at the benchmark database of ``shape`` (created if missing), DEBUG off
    as in production unless BENCH_DEBUG is set."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    if database == "sqlite":
        suffix = "" if shape == "even" else f"-{shape}"
        os.environ["DATABASE_URL"] = f"sqlite:///{RESULTS / f'bench{suffix}.sqlite3'}"
    else:
        name = bench_database(shape)
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        import psycopg2

        admin = psycopg2.connect("dbname=postgres user=postgres host=127.0.0.1")
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okrplatform.settings")
    os.environ["DEBUG"] = os.environ.get("BENCH_DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-bench-only-secret-key")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import logging

    from django.conf import settings

    # With DEBUG off every request logs a line: noise between the figures.
    logging.getLogger("okrplatform.requests").setLevel(logging.WARNING)

    if not settings.DEBUG and not (settings.STATIC_ROOT / "staticfiles.json").exists():
        # With DEBUG off pages name their static files through the collected manifest.
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)


def ensure_organisation(shape: str = "even", **sizes: int) -> None:
    """Generate the large organisation into the benchmark database unless it is there."""
    from django.core.management import call_command

    from okrplatform.org.models import OrgUnit

    call_command("migrate", verbosity=0)
    if shape == "real":
        if not OrgUnit.objects.filter(code="gen-0").exists():
            print("Generating the real-shaped organisation into the benchmark database…")
            from real_org import generate_real_org

            generate_real_org()
        return
    if not OrgUnit.objects.filter(code="gen-0").exists():
        print("Generating the organisation into the benchmark database…")
        call_command(
            "generate_org",
            **{
                "units": 1_000,
                "objectives": 10_000,
                "key_results": 40_000,
                "check_ins": 1_000_000,
                **sizes,
            },
        )


def timings_seconds(
    work: Callable[[], object], runs: int, before: Callable | None = None
) -> list[float]:
    timings = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return timings


def median_seconds(work: Callable[[], object], runs: int, before: Callable | None = None) -> float:
    return statistics.median(timings_seconds(work, runs, before))


def p95(timings: list[float]) -> float:
    return sorted(timings)[max(0, round(len(timings) * 0.95) - 1)]


def captured_sql(work: Callable[[], object]) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # A full query log (9,000 entries, e.g. after generating the data) would capture nothing.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        work()
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(SKIPPED)]


# A server-side cursor (Django's .iterator() on PostgreSQL) replays as its plain SELECT.
DECLARE_CURSOR = re.compile(r"^DECLARE \S+ .*?CURSOR (?:WITH(?:OUT)? HOLD )?FOR ", re.DOTALL)


def replay(statements: list[str]) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(DECLARE_CURSOR.sub("", sql))
            if cursor.description is not None:
                cursor.fetchall()


def measure(
    name: str, task: Callable[[], object], runs: int, results: dict, before: Callable | None = None
) -> None:
    """Time ``task`` (median of ``runs``) beside the same SQL replayed raw, and print a row."""
    task()  # warm caches, sessions and the first render
    if before:
        before()
    statements = captured_sql(task)
    django_timings = timings_seconds(task, runs, before)
    raw_timings = timings_seconds(lambda: replay(statements), runs)
    django_time, raw_time = statistics.median(django_timings), statistics.median(raw_timings)
    results[name] = {
        "django_ms": round(django_time * 1000, 1),
        "raw_sql_ms": round(raw_time * 1000, 1),
        "ratio": round(django_time / raw_time, 2) if raw_time else None,
        "queries": len(statements),
    }
    tail = ""
    if runs >= 20:  # enough runs for a 95th percentile
        results[name]["django_p95_ms"] = round(p95(django_timings) * 1000, 1)
        results[name]["raw_sql_p95_ms"] = round(p95(raw_timings) * 1000, 1)
        tail = f"   p95 {p95(django_timings) * 1000:.1f} / {p95(raw_timings) * 1000:.1f} ms"
    print(
        f"{name:<40} {django_time * 1000:>8.1f}ms {raw_time * 1000:>8.1f}ms "
        f"{django_time / raw_time if raw_time else 0:>6.2f}x {len(statements):>8}{tail}"
    )


def print_header() -> None:
    print(f"\n{'work':<40} {'django':>10} {'raw SQL':>10} {'ratio':>7} {'queries':>8}")


def vacuum_if_postgres() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does in production after a bulk load: fresh statistics, no bloat.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def write_results(kind: str, database: str, payload: dict) -> None:
    output = RESULTS / f"{kind}-{database}-{date.today():%Y-%m-%d}.json"
    output.write_text(json.dumps(payload, indent=2))
    print(f"\nWritten to {output.relative_to(ROOT)}")
