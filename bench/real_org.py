"""A generated organisation of the shape of a real global company, for the benchmarks.

``generate_org`` builds a friendly tree: four even levels, every unit with about as many
objectives as the next. A real company is not like that, and its figures hid what grows. This
one has, by default:

- 2,000 units six levels below the company, each unit with 1 to 40 children, most with a few
  and some with dozens, many branches ending early;
- 20,000 objectives spread unevenly over the units (a few units hold dozens), about 10 % of
  them unaligned roots, and objectives that have aligned children rolling up their progress
  from them;
- 80,000 key results (1 to 10 an objective, on objectives that measure their own), 1,000,000
  check-ins;
- 2,000 weekly KPIs with 104 measurements each and 1,000 lead and guard links to objectives.

Codes follow ``generate_org`` (``gen-0`` is the company, ``gen-manager-0`` its manager,
``gen-current`` the quarter) so the benchmarks find their way in both shapes. It is repeatable:
the same seed on an empty database gives the same organisation. Bulk inserts in large batches
and COPY on PostgreSQL; the long steps print their progress.

    from real_org import generate_real_org; generate_real_org()
"""

from __future__ import annotations

import random
import time
from decimal import Decimal

from django.core.management.base import OutputWrapper
from django.db import transaction

from kpis.health import Frequency, KPIDirection
from kpis.models import KPI, Perspective
from kpis.rollups import refresh_kpis
from objectives.models import KPILink, Objective
from objectives.rollups import recompute_all
from okrplatform.demo.management.commands import generate_kpis, generate_org
from okrplatform.demo.management.commands.generate_org import Progress
from okrplatform.org.models import OrgUnit

BATCH = 20_000
PERSPECTIVES = [choice.value for choice in Perspective]
KIND_AT_DEPTH = [
    OrgUnit.Kind.COMPANY,
    OrgUnit.Kind.REGION,
    OrgUnit.Kind.BUSINESS_UNIT,
    OrgUnit.Kind.DEPARTMENT,
    OrgUnit.Kind.DEPARTMENT,
    OrgUnit.Kind.TEAM,
    OrgUnit.Kind.TEAM,
]
DEFAULT_SIZES = {
    "units": 2_000,
    "depth": 6,
    "objectives": 20_000,
    "key_results": 80_000,
    "check_ins": 1_000_000,
    "kpis": 2_000,
    "weeks": 104,
    "links": 1_000,
}


class RealShape(generate_org.Command):
    """generate_org's people, cycles and check-ins; a real company's tree and cascade."""

    def __init__(self, seed: int, prefix: str) -> None:
        super().__init__()
        from django.utils import timezone

        self.rng = random.Random(seed)
        self.prefix = prefix
        self.now = timezone.now()

    # --- the tree ---------------------------------------------------------------------------
    def _fan_out(self) -> int:
        """1 to 40 children, most units a handful: a long tail of wide units."""
        return min(40, 1 + int(39 * self.rng.random() ** 3.5))

    def _real_units(self, total: int, depth: int) -> list[tuple[int, int, int | None]]:
        progress = Progress(self.stdout, "units", total)
        company = OrgUnit.objects.create(
            code=f"{self.prefix}-0", name="Generated Group", kind=OrgUnit.Kind.COMPANY
        )
        # Plan the tree in memory first: (index, depth, parent index). A spine guarantees the
        # full depth; then units picked at random, shallow ones more often, get their children.
        plan: list[tuple[int, int, int | None]] = [(0, 0, None)]
        for level in range(1, depth + 1):
            plan.append((level, level, level - 1))
        expanded = {0}
        frontier = list(range(1, depth))  # the spine's units below the company may branch
        # The company's regions: a dozen or so.
        for _ in range(11):
            plan.append((len(plan), 1, 0))
            frontier.append(len(plan) - 1)
        while len(plan) < total and frontier:
            weights = [1.0 / (1 + plan[index][1]) for index in frontier]
            pick = self.rng.choices(range(len(frontier)), weights=weights)[0]
            parent = frontier.pop(pick)
            parent_depth = plan[parent][1]
            if parent in expanded:
                continue
            expanded.add(parent)
            # A quarter of the units below the regions stay leaves early.
            if parent_depth >= 2 and self.rng.random() < 0.25:
                continue
            for _ in range(min(self._fan_out(), total - len(plan))):
                plan.append((len(plan), parent_depth + 1, parent))
                if parent_depth + 1 < depth:
                    frontier.append(len(plan) - 1)
        pk_of = {0: company.pk}
        rows: list[tuple[int, int, int | None]] = [(company.pk, 0, None)]
        progress.advance(1)
        # Level by level, so that every parent has its pk.
        for level in range(1, depth + 1):
            planned = [(index, parent) for index, at, parent in plan if at == level]
            kind = KIND_AT_DEPTH[min(level, len(KIND_AT_DEPTH) - 1)]
            created = OrgUnit.objects.bulk_create(
                [
                    OrgUnit(
                        code=f"{self.prefix}-{index}",
                        name=f"{kind.label} {index}",
                        kind=kind,
                        parent_id=pk_of[parent],
                    )
                    for index, parent in planned
                ],
                batch_size=BATCH,
            )
            for (index, _parent), unit in zip(planned, created, strict=True):
                pk_of[index] = unit.pk
                rows.append((unit.pk, level, unit.parent_id))
            progress.advance(len(created))
        progress.finish()
        return rows

    # --- the cascade ------------------------------------------------------------------------
    def _real_objectives(self, total, unit_rows, people, cycles) -> list[tuple[int, int, str]]:
        """Per unit an uneven number of objectives, each aligned to one of the parent unit's
        (or, failing that, a unit further up), about 10 % unaligned roots."""
        progress = Progress(self.stdout, "objectives", total)
        parent_of = {pk: parent for pk, _depth, parent in unit_rows}
        company_pk = unit_rows[0][0]
        top = [(company_pk, cycles["plan"], Objective.Level.BREAKTHROUGH)] * 5 + [
            (company_pk, cycles["year"], Objective.Level.ANNUAL)
        ] * 15
        # Weights: most units a few objectives, some many (a Pareto tail).
        weights = [min(40.0, self.rng.paretovariate(1.3)) for _ in unit_rows]
        counts = [1] * len(unit_rows)
        remaining = total - len(top) - len(unit_rows)
        for index in self.rng.choices(range(len(unit_rows)), weights=weights, k=remaining):
            counts[index] += 1
        by_unit: dict[int, list[int]] = {}
        rows: list[tuple[int, int, str]] = []  # (pk, cycle pk, level)
        self._insert_specs(
            [(unit, cycle, level, None) for unit, cycle, level in top[:5]],
            people,
            by_unit,
            rows,
            progress,
        )
        self._insert_specs(
            [
                (unit, cycle, level, self.rng.choice(by_unit[company_pk]))
                for unit, cycle, level in top[5:]
            ],
            people,
            by_unit,
            rows,
            progress,
        )
        for depth in range(max(d for _p, d, _u in unit_rows) + 1):
            specs = []
            for position, (unit_pk, unit_depth, _parent) in enumerate(unit_rows):
                if unit_depth != depth:
                    continue
                for _ in range(counts[position]):
                    if depth == 1 and self.rng.random() < 0.3:
                        cycle, level = cycles["year"], Objective.Level.ANNUAL
                    elif self.rng.random() < 0.2:
                        cycle, level = cycles["previous"], Objective.Level.QUARTERLY
                    else:
                        cycle, level = cycles["current"], Objective.Level.QUARTERLY
                    parent = None
                    if self.rng.random() >= 0.10:
                        above = parent_of[unit_pk]
                        while above is not None and not by_unit.get(above):
                            above = parent_of[above]
                        candidates = by_unit.get(above) if above is not None else None
                        if not candidates and depth == 0:
                            candidates = by_unit[company_pk][5:]
                        if candidates:
                            parent = self.rng.choice(candidates)
                    specs.append((unit_pk, cycle, level, parent))
            self._insert_specs(specs, people, by_unit, rows, progress)
        progress.finish()
        return rows

    def _insert_specs(self, specs, people, by_unit, rows, progress) -> None:
        for start in range(0, len(specs), BATCH):
            chunk = specs[start : start + BATCH]
            created = Objective.objects.bulk_create(
                [
                    Objective(
                        title=f"Objective {len(rows) + index}",
                        unit_id=unit_pk,
                        owner_id=people[unit_pk],
                        cycle=cycle,
                        level=level,
                        perspective=self.rng.choice(PERSPECTIVES),
                        parent_id=parent,
                        kind=Objective.Kind.ASPIRATIONAL
                        if self.rng.random() < 0.2
                        else Objective.Kind.COMMITTED,
                        progress_source=Objective.ProgressSource.KEY_RESULTS,
                    )
                    for index, (unit_pk, cycle, level, parent) in enumerate(chunk)
                ]
            )
            for objective in created:
                by_unit.setdefault(objective.unit_id, []).append(objective.pk)
                rows.append((objective.pk, objective.cycle_id, objective.level))
            progress.advance(len(created))

    def _roll_up_parents(self) -> set[int]:
        """Objectives with aligned children roll up from them: all the breakthrough and annual
        ones, and four in five of the quarterly ones; returns their pks."""
        parents = set(
            Objective.objects.filter(parent__isnull=False).values_list("parent_id", flat=True)
        )
        levels = dict(Objective.objects.filter(pk__in=parents).values_list("pk", "level"))
        rolling = {
            pk
            for pk in sorted(parents)
            if levels[pk] != Objective.Level.QUARTERLY or self.rng.random() < 0.8
        }
        pks = sorted(rolling)
        for start in range(0, len(pks), BATCH):
            Objective.objects.filter(pk__in=pks[start : start + BATCH]).update(
                progress_source=Objective.ProgressSource.CHILDREN
            )
        self.stdout.write(f"  roll-ups     {len(rolling):,} objectives roll up their children")
        return rolling

    def _real_key_results(self, total, objective_rows, rolling) -> list:
        """1 to 10 key results an objective, on the objectives that measure their own."""
        progress = Progress(self.stdout, "key results", total)
        owners = dict(Objective.objects.values_list("pk", "owner_id"))
        own = [pk for pk, _cycle, _level in objective_rows if pk not in rolling]
        weights = [self.rng.uniform(0.2, 2.0) for _ in own]
        counts = [1] * len(own)
        for index in self.rng.choices(range(len(own)), weights=weights, k=max(0, total - len(own))):
            counts[index] += 1
        specs = [pk for pk, count in zip(own, counts, strict=True) for _ in range(count)][:total]
        return self._write_key_results(specs, owners, progress)

    # --- KPIs -------------------------------------------------------------------------------
    def _kpis(self, total: int, weeks: int, links: int, unit_rows) -> None:
        progress = Progress(self.stdout, "KPIs", total)
        units = [pk for pk, _depth, _parent in unit_rows]
        unit_weights = [1.0 / (1 + depth) for _pk, depth, _parent in unit_rows]
        batch = []
        for index in range(total):
            higher = self.rng.random() < 0.6
            batch.append(
                KPI(
                    code=f"{self.prefix}-kpi-{index}",
                    name=f"KPI {index}",
                    unit_id=self.rng.choices(units, weights=unit_weights)[0],
                    direction=KPIDirection.HIGHER_IS_BETTER
                    if higher
                    else KPIDirection.LOWER_IS_BETTER,
                    frequency=Frequency.WEEKLY,
                    target=Decimal(100) if higher else Decimal(50),
                    warning_threshold=Decimal(95) if higher else Decimal(55),
                    critical_threshold=Decimal(85) if higher else Decimal(65),
                    perspective=self.rng.choice(list(Perspective.values)),
                    indicator=self.rng.choice(list(KPI.Indicator.values)),
                )
            )
        created = KPI.objects.bulk_create(batch, batch_size=BATCH)
        progress.advance(len(created))
        progress.finish()
        kpi_command = generate_kpis.Command(stdout=self.stdout._out)
        kpi_command._measurements(created, weeks, self.rng)
        objectives = list(
            Objective.objects.filter(archived_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < min(links, len(created) * len(objectives)):
            pairs.add((self.rng.choice(created).pk, self.rng.choice(objectives)))
        KPILink.objects.bulk_create(
            [
                KPILink(
                    kpi_id=kpi, objective_id=objective, kind=self.rng.choice(KPILink.Kind.values)
                )
                for kpi, objective in sorted(pairs)
            ],
            batch_size=BATCH,
        )
        self.stdout.write(f"  links        {len(pairs):,} lead and guard links")


def generate_real_org(seed: int = 16, prefix: str = "gen", out=None, **sizes: int) -> None:
    """Generate the real-shaped organisation (``DEFAULT_SIZES`` unless given) into an empty
    database."""
    import sys

    sizes = {**DEFAULT_SIZES, **sizes}
    shape = RealShape(seed, prefix)
    shape.stdout = OutputWrapper(out or sys.stdout)
    if OrgUnit.objects.filter(code=f"{prefix}-0").exists():
        raise RuntimeError(f"An organisation with the prefix '{prefix}' exists already.")
    started = time.monotonic()
    with transaction.atomic():
        unit_rows = shape._real_units(sizes["units"], sizes["depth"])
        people = shape._people(unit_rows)
        cycles = shape._cycles()
        objective_rows = shape._real_objectives(sizes["objectives"], unit_rows, people, cycles)
        rolling = shape._roll_up_parents()
        key_result_rows = shape._real_key_results(sizes["key_results"], objective_rows, rolling)
    shape._check_ins(sizes["check_ins"], key_result_rows)
    with transaction.atomic():
        shape._kpis(sizes["kpis"], sizes["weeks"], sizes["links"], unit_rows)
    shape.stdout.write("  rollups      computing…")
    rollup_started = time.monotonic()
    recompute_all()
    refresh_kpis()
    shape.stdout.write(f"  rollups      done in {time.monotonic() - rollup_started:.1f} s")
    shape.stdout.write(f"Generated the real shape in {time.monotonic() - started:.0f} s.")
