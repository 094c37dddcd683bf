#!/usr/bin/env python
"""Benchmark the OKR rollups and pages on a large generated organisation.

Every figure is printed beside the same SQL replayed raw in the same run (the statements the
Django code sent, re-executed through a bare cursor), so the ratio says what Django, Python and
templates add, and holds on a noisy machine.

    .venv/bin/python bench/bench_okrs.py --database sqlite
    .venv/bin/python bench/bench_okrs.py --database postgres

The first run generates the organisation into its own database (bench/results/bench.sqlite3 or
the PostgreSQL database okrplatform_bench), which takes a few minutes; later runs reuse it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/okrplatform_bench"
# Transaction control is the replay's own business.
SKIPPED = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")


def configure(database: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    if database == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{RESULTS / 'bench.sqlite3'}"
    else:
        os.environ["DATABASE_URL"] = POSTGRES_URL
        import psycopg2

        admin = psycopg2.connect("dbname=postgres user=postgres host=127.0.0.1")
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = 'okrplatform_bench'")
            if cursor.fetchone() is None:
                cursor.execute("CREATE DATABASE okrplatform_bench")
        admin.close()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okrplatform.settings")
    os.environ["DEBUG"] = "true"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def median_seconds(work: Callable[[], object], runs: int, before: Callable | None = None) -> float:
    timings = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def captured_sql(work: Callable[[], object]) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        work()
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(SKIPPED)]


def replay(statements: list[str]) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--objectives", type=int, default=10_000)
    parser.add_argument("--key-results", type=int, default=40_000)
    parser.add_argument("--check-ins", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    configure(args.database)

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from alignment.models import OrgUnit, User
    from objectives.models import CheckIn, Cycle, KeyResult, Objective
    from objectives.rollups import recompute_all, rollup_after_check_in

    call_command("migrate", verbosity=0)
    if not OrgUnit.objects.filter(code="gen-0").exists():
        print(f"Generating the organisation into the {args.database} benchmark database…")
        call_command(
            "generate_org",
            units=args.units,
            objectives=args.objectives,
            key_results=args.key_results,
            check_ins=args.check_ins,
        )
    if connection.vendor == "postgresql":
        # What autovacuum does in production after a bulk load: fresh statistics, no bloat.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    sizes = {
        "units": OrgUnit.objects.count(),
        "objectives": Objective.objects.count(),
        "key_results": KeyResult.objects.count(),
        "check_ins": CheckIn.objects.count(),
    }
    print(f"\n{args.database}: " + ", ".join(f"{n:,} {name}" for name, n in sizes.items()))

    company = OrgUnit.objects.get(code="gen-0")
    current = Cycle.objects.get(code="gen-current")
    team_objective = (
        Objective.objects.filter(cycle=current, unit__kind=OrgUnit.Kind.TEAM, parent__isnull=False)
        .annotate(n=Count("key_results"))
        .filter(n__gte=3)
        .order_by("pk")
        .first()
    )
    key_result = team_objective.key_results.first()
    ceo = User.objects.get(username="gen-manager-0")
    team_manager = team_objective.owner
    client_for = {}

    def client(user) -> Client:
        if user.pk not in client_for:
            client_for[user.pk] = Client(HTTP_HOST="127.0.0.1")
            client_for[user.pk].force_login(user)
        return client_for[user.pk]

    def add_check_in() -> None:
        CheckIn.objects.create(
            key_result=key_result, value=key_result.target_value, confidence=7, note="bench"
        )

    pages = {
        "my work (/)": (team_manager, reverse("home")),
        "company dashboard": (
            ceo,
            reverse("unit_dashboard", args=[company.pk]) + f"?cycle={current.pk}",
        ),
        "objective page": (ceo, reverse("objective_detail", args=[team_objective.pk])),
    }
    work = {
        "full rollup": (lambda: recompute_all(), None),
        "incremental rollup (one check-in)": (
            lambda: rollup_after_check_in(key_result.pk),
            add_check_in,
        ),
        **{
            name: ((lambda u=user, p=path: client(u).get(p)), None)
            for name, (user, path) in pages.items()
        },
    }
    results = {}
    print(f"\n{'work':<36} {'django':>10} {'raw SQL':>10} {'ratio':>7} {'queries':>8}")
    for name, (task, before) in work.items():
        task()  # warm caches, sessions and the page's first render
        if before:
            before()
        statements = captured_sql(task)
        django_time = median_seconds(task, args.runs, before)
        raw_time = median_seconds(lambda s=statements: replay(s), args.runs)
        results[name] = {
            "django_ms": round(django_time * 1000, 1),
            "raw_sql_ms": round(raw_time * 1000, 1),
            "ratio": round(django_time / raw_time, 2) if raw_time else None,
            "queries": len(statements),
        }
        print(
            f"{name:<36} {django_time * 1000:>8.1f}ms {raw_time * 1000:>8.1f}ms "
            f"{django_time / raw_time:>6.2f}x {len(statements):>8}"
        )
    output = RESULTS / f"okrs-{args.database}-{date.today():%Y-%m-%d}.json"
    output.write_text(json.dumps({"sizes": sizes, "runs": args.runs, "results": results}, indent=2))
    print(f"\nWritten to {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
