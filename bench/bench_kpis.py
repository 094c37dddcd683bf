#!/usr/bin/env python
"""Benchmark KPI health and the KPI board: 5,000 KPIs with two years of weekly data each.

Each figure is printed beside the same SQL replayed raw in the same run.

    .venv/bin/python bench/bench_kpis.py --database sqlite
    .venv/bin/python bench/bench_kpis.py --database postgres

Uses the benchmark database of bench_okrs.py; generates the organisation and the KPIs into it on
first use.
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
    parser.add_argument("--kpis", type=int, default=5_000)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--runs", type=int, default=5)
    add_shape_argument(parser)
    args = parser.parse_args()
    configure(args.database, args.shape)

    from datetime import timedelta
    from decimal import Decimal

    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from kpis.health import Frequency, period_start
    from kpis.models import KPI, DataSource, Measurement
    from kpis.rollups import refresh_kpis
    from kpis.services import MeasurementInput, measurements_save
    from objectives.interventions import interventions_update
    from okrplatform.org.models import OrgUnit, User

    ensure_organisation(args.shape)
    if not KPI.objects.filter(code="gen-kpi-0").exists():
        print(f"Generating {args.kpis:,} KPIs with {args.weeks} weeks of measurements…")
        call_command("generate_kpis", kpis=args.kpis, weeks=args.weeks)
    vacuum_if_postgres()
    sizes = {"kpis": KPI.objects.count(), "measurements": Measurement.objects.count()}
    print(f"\n{args.database}: " + ", ".join(f"{n:,} {name}" for name, n in sizes.items()))

    company = OrgUnit.objects.get(code="gen-0")
    ceo = User.objects.get(username="gen-manager-0")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(ceo)
    board = reverse("kpi_board") + f"?unit={company.pk}&below=on"
    kpis = list(KPI.objects.filter(code__startswith="gen-kpi-").order_by("pk")[:1000])
    week = period_start(timezone.localdate(), Frequency.WEEKLY) - timedelta(weeks=1)
    step = iter(range(10**6))

    def a_week_of_values() -> None:
        offset = Decimal(next(step) % 7)
        measurements_save(
            items=[MeasurementInput(kpi, week, Decimal(90) + offset) for kpi in kpis],
            source=DataSource.API,
            recorded_by=None,
        )

    results: dict = {}
    print_header()
    measure(f"health of all {sizes['kpis']:,} KPIs", refresh_kpis, args.runs, results)
    measure("interventions for all KPIs", interventions_update, args.runs, results)
    measure("KPI board, the whole company (page 1)", lambda: client.get(board), args.runs, results)
    measure("1,000 measurements saved at once", a_week_of_values, args.runs, results)
    write_results(
        f"kpis-{args.shape}", args.database, {"sizes": sizes, "runs": args.runs, "results": results}
    )


if __name__ == "__main__":
    main()
