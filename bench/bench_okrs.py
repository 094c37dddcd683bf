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
import itertools
from decimal import Decimal

from common import (
    add_shape_argument,
    configure,
    ensure_organisation,
    measure,
    print_header,
    vacuum_if_postgres,
    write_results,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--units", type=int, default=1_000)
    parser.add_argument("--objectives", type=int, default=10_000)
    parser.add_argument("--key-results", type=int, default=40_000)
    parser.add_argument("--check-ins", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    add_shape_argument(parser)
    parser.add_argument("--only", default="", help="Time only the work whose name has this.")
    args = parser.parse_args()
    configure(args.database, args.shape)

    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from objectives.models import CheckIn, Cycle, KeyResult, Objective
    from objectives.rollups import recompute_all, rollup_after_check_in
    from okrplatform.org.models import OrgUnit, User

    ensure_organisation(
        args.shape,
        units=args.units,
        objectives=args.objectives,
        key_results=args.key_results,
        check_ins=args.check_ins,
    )
    vacuum_if_postgres()
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
    key_result = deepest_key_result(current)
    ceo = User.objects.get(username="gen-manager-0")
    team_manager = team_objective.owner
    client_for = {}

    def client(user) -> Client:
        if user.pk not in client_for:
            client_for[user.pk] = Client(HTTP_HOST="127.0.0.1")
            client_for[user.pk].force_login(user)
        return client_for[user.pk]

    values = itertools.cycle(
        [
            key_result.start_value + (key_result.target_value - key_result.start_value) * share
            for share in (Decimal("0.2"), Decimal("0.5"), Decimal("0.8"), Decimal("0.35"))
        ]
    )

    def add_check_in() -> None:
        # A new value each time, so that the whole chain above moves and is written.
        CheckIn.objects.create(
            key_result=key_result, value=next(values), confidence=7, note="bench"
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
    results: dict = {}
    print_header()
    for name, (task, before) in work.items():
        if args.only not in name:
            continue
        # The incremental rollup runs after every check-in: its tail (p95) matters.
        runs = max(args.runs, 60) if name.startswith("incremental") else args.runs
        measure(name, task, runs, results, before)
    write_results(
        f"okrs-{args.shape}", args.database, {"sizes": sizes, "runs": args.runs, "results": results}
    )


def deepest_key_result(cycle):
    """A key result of the quarter whose objective has the longest chain of objectives above
    it, in the deepest unit: the most work a check-in makes."""
    from objectives.models import KeyResult, Objective
    from okrplatform.org.models import OrgUnit

    parent_of = dict(Objective.objects.values_list("pk", "parent_id"))
    unit_parent = dict(OrgUnit.objects.values_list("pk", "parent_id"))

    def length(pk, parents) -> int:
        steps = 0
        while parents.get(pk) is not None:
            pk, steps = parents[pk], steps + 1
        return steps

    candidates = (
        KeyResult.objects.filter(objective__cycle=cycle, objective__archived_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "objective_id", "objective__unit_id")
    )
    _score, pk = max(
        ((length(objective, parent_of), length(unit, unit_parent)), -pk)
        for pk, objective, unit in candidates
    )
    return KeyResult.objects.get(pk=-pk)


if __name__ == "__main__":
    main()
