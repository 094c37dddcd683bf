"""Generate many KPIs with years of weekly measurements, for benchmarks."""

from __future__ import annotations

import io
import random
import time
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from kpis.health import Frequency, KPIDirection, period_start
from kpis.models import KPI, Measurement, Perspective
from kpis.rollups import refresh_kpis
from objectives.models import KPILink, Objective
from okrplatform.org.models import OrgUnit

from .generate_org import BATCH, Progress


class Command(BaseCommand):
    help = (
        "Generate KPIs with weekly measurements in the units of a generated organisation (or "
        "the top unit), some linked as lead or guard KPIs to its objectives."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kpis", type=int, default=5_000)
        parser.add_argument("--weeks", type=int, default=104)
        parser.add_argument("--seed", type=int, default=11)
        parser.add_argument("--prefix", default="gen")

    def handle(self, *args, kpis, weeks, seed, prefix, **options):
        if KPI.objects.filter(code=f"{prefix}-kpi-0").exists():
            raise CommandError(f"KPIs with the prefix '{prefix}' exist already.")
        rng = random.Random(seed)
        units = list(
            OrgUnit.objects.filter(code__startswith=f"{prefix}-").values_list("pk", flat=True)
        )
        units = units or list(OrgUnit.objects.values_list("pk", flat=True))
        if not units:
            raise CommandError("Generate an organisation first (generate_org).")
        started = time.monotonic()
        progress = Progress(self.stdout, "KPIs", kpis)
        created = []
        with transaction.atomic():
            for start in range(0, kpis, BATCH):
                batch = []
                for index in range(start, min(kpis, start + BATCH)):
                    higher = rng.random() < 0.6
                    batch.append(
                        KPI(
                            code=f"{prefix}-kpi-{index}",
                            name=f"KPI {index}",
                            unit_id=units[index % len(units)],
                            direction=KPIDirection.HIGHER_IS_BETTER
                            if higher
                            else KPIDirection.LOWER_IS_BETTER,
                            frequency=Frequency.WEEKLY,
                            target=Decimal(100) if higher else Decimal(50),
                            warning_threshold=Decimal(95) if higher else Decimal(55),
                            critical_threshold=Decimal(85) if higher else Decimal(65),
                            perspective=rng.choice(list(Perspective.values)),
                            indicator=rng.choice(list(KPI.Indicator.values)),
                        )
                    )
                created += KPI.objects.bulk_create(batch)
                progress.advance(len(batch))
            progress.finish()
            self._measurements(created, weeks, rng)
            self._links(created, rng)
        self.stdout.write("  health       computing…")
        refresh_kpis()
        self.stdout.write(self.style.SUCCESS(f"Generated in {time.monotonic() - started:.0f} s."))

    def _measurements(self, kpis: list[KPI], weeks: int, rng: random.Random) -> None:
        progress = Progress(self.stdout, "measurements", len(kpis) * weeks)
        monday = period_start(timezone.localdate(), Frequency.WEEKLY)
        rows = []
        for kpi in kpis:
            level = float(kpi.target) * rng.uniform(0.85, 1.1)
            for week in range(weeks, 0, -1):
                level += rng.gauss(0, 1.2)
                rows.append((kpi.pk, monday - timedelta(weeks=week - 1), round(level, 2)))
            if len(rows) >= BATCH * 10:
                self._insert(rows)
                progress.advance(len(rows))
                rows = []
        if rows:
            self._insert(rows)
            progress.advance(len(rows))
        progress.finish()

    def _insert(self, rows) -> None:
        now = timezone.now().isoformat()
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for kpi_pk, period, value in rows:
                buffer.write(f"{kpi_pk}\t{period.isoformat()}\t{value}\t\tapi\t{now}\n")
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    f"COPY {Measurement._meta.db_table} "
                    "(kpi_id, period, value, note, source, recorded_at) FROM STDIN",
                    buffer,
                )
            return
        Measurement.objects.bulk_create(
            [
                Measurement(kpi_id=k, period=p, value=Decimal(str(v)), source="api")
                for k, p, v in rows
            ],
            batch_size=BATCH,
        )

    def _links(self, kpis: list[KPI], rng: random.Random) -> None:
        objectives = list(Objective.objects.values_list("pk", flat=True)[:5000])
        if not objectives:
            return
        links = [
            KPILink(
                kpi=kpi,
                objective_id=rng.choice(objectives),
                kind=rng.choice(list(KPILink.Kind.values)),
            )
            for kpi in kpis[: len(kpis) // 5]
        ]
        KPILink.objects.bulk_create(links, ignore_conflicts=True)
        self.stdout.write(f"  links        {len(links):,} lead and guard links")
