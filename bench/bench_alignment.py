#!/usr/bin/env python
"""Benchmark alignment: the alignment index of every unit, the company's alignment map, X-matrix,
strategy map, quality list and summary endpoint, on the large generated organisation.

Each figure is printed beside the same SQL replayed raw in the same run.

    .venv/bin/python bench/bench_alignment.py --database sqlite
    .venv/bin/python bench/bench_alignment.py --database postgres

Uses the benchmark database of bench_okrs.py (and the KPIs of bench_kpis.py when they are there);
adds 2,000 initiatives driving key results on first use.
"""

from __future__ import annotations

import argparse

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
    parser.add_argument("--runs", type=int, default=5)
    add_shape_argument(parser)
    args = parser.parse_args()
    configure(args.database, args.shape)

    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from objectives.models import Cycle, Initiative, KPILink, Objective
    from objectives.unit_rollups import refresh_alignment, refresh_unit_rollups
    from okrplatform.org.models import OrgUnit, User

    ensure_organisation(args.shape)
    if not Initiative.objects.filter(title="gen initiative 0").exists():
        call_command("generate_initiatives")
    vacuum_if_postgres()
    current = Cycle.objects.get(code="gen-current")
    sizes = {
        "units": OrgUnit.objects.count(),
        "objectives": Objective.objects.count(),
        "objectives_in_the_quarter": Objective.objects.filter(cycle=current).count(),
        "initiatives": Initiative.objects.count(),
        "kpi_links": KPILink.objects.count(),
    }
    print(f"\n{args.database}: " + ", ".join(f"{n:,} {name}" for name, n in sizes.items()))

    company = OrgUnit.objects.get(code="gen-0")
    region = OrgUnit.objects.filter(parent=company).order_by("pk").first()
    ceo = User.objects.get(username="gen-manager-0")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(ceo)
    scope = f"?unit={company.pk}&cycle={current.pk}"
    annual = Objective.objects.filter(unit=company, level=Objective.Level.ANNUAL).first()
    pages = {
        "alignment map, the company": reverse("alignment_map") + scope,
        "alignment map, a region": reverse("alignment_map")
        + f"?unit={region.pk}&cycle={current.pk}",
        "map branch opened (an annual objective)": reverse("alignment_map_branch", args=[annual.pk])
        + scope,
        "X-matrix, the company": reverse("x_matrix") + scope,
        "strategy map, the company": reverse("strategy_map") + scope,
        "quality list, the company": reverse("quality") + scope,
        "summary endpoint, the company": reverse("api_unit_summary", args=[company.pk])
        + f"?cycle={current.pk}",
    }
    results: dict = {}
    print_header()
    measure("alignment of every objective", refresh_alignment, args.runs, results)
    measure("rollup and alignment index of every unit", refresh_unit_rollups, args.runs, results)
    for name, path in pages.items():
        measure(name, lambda path=path: client.get(path), args.runs, results)
    write_results(
        f"alignment-{args.shape}",
        args.database,
        {"sizes": sizes, "runs": args.runs, "results": results},
    )


if __name__ == "__main__":
    main()
