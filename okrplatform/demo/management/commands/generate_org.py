"""Generate a large organisation for benchmarks: bulk inserts, a progress bar, repeatable."""

from __future__ import annotations

import io
import math
import random
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from kpis.health import period_start, shift_periods
from kpis.models import Perspective
from objectives.models import CheckIn, Cycle, KeyResult, Objective
from objectives.rollups import recompute_all
from okrplatform.org.models import Membership, OrgUnit, User

BATCH = 5_000
PERSPECTIVES = [choice.value for choice in Perspective]


class Progress:
    """A one-line progress bar on the terminal, or plain lines when output is not a terminal."""

    def __init__(self, out, label: str, total: int) -> None:
        self.out, self.label, self.total = out, label, max(total, 1)
        self.done, self.started, self.shown = 0, time.monotonic(), -1
        self.interactive = sys.stdout.isatty()

    def advance(self, count: int) -> None:
        self.done += count
        percent = min(100, self.done * 100 // self.total)
        if percent == self.shown or (not self.interactive and percent % 25):
            return
        self.shown = percent
        bar = "#" * (percent // 4) + "." * (25 - percent // 4)
        line = f"  {self.label:<12} [{bar}] {percent:3d}%  {self.done:>9,}/{self.total:,}"
        if self.interactive:
            self.out.write("\r" + line, ending="")
            self.out.flush()
        else:
            self.out.write(line)

    def finish(self) -> None:
        elapsed = time.monotonic() - self.started
        if self.interactive:
            self.out.write("")
        self.out.write(f"  {self.label:<12} {self.done:,} in {elapsed:.1f} s")


class Command(BaseCommand):
    help = (
        "Generate a large organisation for benchmarks: units in a tree, people, cycles, a "
        "cascade of objectives, key results and check-ins, then compute every rollup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=int, default=1_000)
        parser.add_argument("--objectives", type=int, default=10_000)
        parser.add_argument("--key-results", type=int, default=40_000)
        parser.add_argument("--check-ins", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--prefix", default="gen", help="Prefix of generated codes.")

    def handle(self, *args, units, objectives, key_results, check_ins, seed, prefix, **options):
        if OrgUnit.objects.filter(code=f"{prefix}-0").exists():
            raise CommandError(
                f"An organisation with the prefix '{prefix}' exists already; use another "
                "--prefix or an empty database."
            )
        if not (units <= objectives <= key_results <= check_ins):
            raise CommandError("Expect units <= objectives <= key results <= check-ins.")
        self.rng = random.Random(seed)
        self.prefix = prefix
        self.now = timezone.now()
        started = time.monotonic()
        with transaction.atomic():
            unit_rows = self._units(units)
            people = self._people(unit_rows)
            cycles = self._cycles()
            objective_rows = self._objectives(objectives, unit_rows, people, cycles)
            key_result_rows = self._key_results(key_results, objective_rows)
        self._check_ins(check_ins, key_result_rows)
        self.stdout.write("  rollups      computing…")
        rollup_started = time.monotonic()
        recompute_all()
        self.stdout.write(f"  rollups      done in {time.monotonic() - rollup_started:.1f} s")
        self.stdout.write(self.style.SUCCESS(f"Generated in {time.monotonic() - started:.0f} s."))

    # --- units and people -------------------------------------------------------------------
    def _units(self, total: int) -> list[tuple[int, int, int | None]]:
        """A company, about a dozen regions, departments under them, teams under those."""
        progress = Progress(self.stdout, "units", total)
        rows: list[tuple[int, int, int | None]] = []  # (pk, depth, parent pk)
        company = OrgUnit.objects.create(
            code=f"{self.prefix}-0", name="Generated Group", kind=OrgUnit.Kind.COMPANY
        )
        rows.append((company.pk, 0, None))
        progress.advance(1)
        remaining = total - 1
        regions = min(remaining, max(1, round(math.sqrt(total) / 3)))
        departments = min(remaining - regions, regions * 8)
        teams = remaining - regions - departments
        parents = [company.pk]
        for depth, count, kind in [
            (1, regions, OrgUnit.Kind.REGION),
            (2, departments, OrgUnit.Kind.DEPARTMENT),
            (3, teams, OrgUnit.Kind.TEAM),
        ]:
            level = [
                OrgUnit(
                    code=f"{self.prefix}-{len(rows) + index}",
                    name=f"{kind.label} {len(rows) + index}",
                    kind=kind,
                    parent_id=parents[index % len(parents)],
                )
                for index in range(count)
            ]
            created = OrgUnit.objects.bulk_create(level, batch_size=BATCH)
            rows += [(unit.pk, depth, unit.parent_id) for unit in created]
            parents = [unit.pk for unit in created] or parents
            progress.advance(count)
        progress.finish()
        return rows

    def _people(self, unit_rows) -> dict[int, int]:
        """A manager for every unit; returns unit pk → manager pk."""
        password = make_password(None)
        users = User.objects.bulk_create(
            [
                User(
                    username=f"{self.prefix}-manager-{index}",
                    first_name="Manager",
                    last_name=str(index),
                    password=password,
                )
                for index in range(len(unit_rows))
            ],
            batch_size=BATCH,
        )
        Membership.objects.bulk_create(
            [
                Membership(user=user, unit_id=unit_pk, role=Membership.Role.MANAGER)
                for user, (unit_pk, _depth, _parent) in zip(users, unit_rows, strict=True)
            ],
            batch_size=BATCH,
        )
        self.stdout.write(f"  people       {len(users):,} managers")
        return {unit_pk: user.pk for user, (unit_pk, _d, _p) in zip(users, unit_rows, strict=True)}

    # --- cycles and the cascade -------------------------------------------------------------
    def _cycles(self) -> dict[str, Cycle]:
        today = timezone.localdate()
        current = period_start(today, "quarterly")
        previous = shift_periods(current, "quarterly", -1)
        plan = Cycle.objects.create(
            name=f"{self.prefix} plan",
            code=f"{self.prefix}-plan",
            kind=Cycle.Kind.MULTI_YEAR,
            start_date=date(today.year - 1, 1, 1),
            end_date=date(today.year + 3, 12, 31),
            state=Cycle.State.ACTIVE,
        )
        year = Cycle.objects.create(
            name=f"{self.prefix} FY",
            code=f"{self.prefix}-fy",
            kind=Cycle.Kind.YEAR,
            parent=plan,
            start_date=date(previous.year, 1, 1),
            end_date=date(today.year, 12, 31),
            state=Cycle.State.ACTIVE,
        )
        cycles = {"plan": plan, "year": year}
        for key, start, state in [
            ("previous", previous, Cycle.State.CLOSED),
            ("current", current, Cycle.State.ACTIVE),
        ]:
            cycles[key] = Cycle.objects.create(
                name=f"{self.prefix} {start:%Y-%m}",
                code=f"{self.prefix}-{key}",
                kind=Cycle.Kind.QUARTER,
                parent=year,
                start_date=start,
                end_date=shift_periods(start, "quarterly", 1) - timedelta(days=1),
                state=state,
            )
        return cycles

    def _objectives(self, total, unit_rows, people, cycles) -> list[tuple[int, int]]:
        """Breakthrough and annual objectives at the top, quarterly ones below, each aligned
        to an objective of its parent unit (a few percent left unaligned on purpose)."""
        progress = Progress(self.stdout, "objectives", total)
        by_unit: dict[int, list[int]] = {}
        rows: list[tuple[int, int]] = []  # (pk, cycle pk)
        depth_of = {pk: depth for pk, depth, _parent in unit_rows}
        parent_of = {pk: parent for pk, _depth, parent in unit_rows}
        company_pk = unit_rows[0][0]
        top = [(company_pk, cycles["plan"], Objective.Level.BREAKTHROUGH, None) for _ in range(4)]
        self._insert_objectives(top, people, by_unit, rows, progress)
        annual = [
            (
                company_pk,
                cycles["year"],
                Objective.Level.ANNUAL,
                self.rng.choice(by_unit[company_pk]),
            )
            for _ in range(8)
        ]
        self._insert_objectives(annual, people, by_unit, rows, progress)
        remaining = total - len(rows)
        others = sorted((pk for pk, depth, _p in unit_rows if depth > 0), key=depth_of.get)
        levels = sorted({depth_of[pk] for pk in others})
        for depth in levels:
            level_units = [pk for pk in others if depth_of[pk] == depth]
            share = (
                total - len(rows)
                if depth == levels[-1]
                else round(remaining * len(level_units) / len(others))
            )
            specs = []
            for index in range(share):
                unit_pk = level_units[index % len(level_units)]
                cycle = cycles["previous"] if self.rng.random() < 0.2 else cycles["current"]
                candidates = by_unit.get(parent_of[unit_pk]) or by_unit[company_pk]
                parent = None if self.rng.random() < 0.03 else self.rng.choice(candidates)
                specs.append((unit_pk, cycle, Objective.Level.QUARTERLY, parent))
            self._insert_objectives(specs, people, by_unit, rows, progress)
        progress.finish()
        return rows

    def _insert_objectives(self, specs, people, by_unit, rows, progress) -> None:
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
                        progress_source=Objective.ProgressSource.CHILDREN
                        if level != Objective.Level.QUARTERLY
                        else Objective.ProgressSource.KEY_RESULTS,
                    )
                    for index, (unit_pk, cycle, level, parent) in enumerate(chunk)
                ]
            )
            for objective in created:
                by_unit.setdefault(objective.unit_id, []).append(objective.pk)
                rows.append((objective.pk, objective.cycle_id))
            progress.advance(len(created))

    def _key_results(self, total, objective_rows) -> list[tuple[int, int, Decimal, Decimal]]:
        progress = Progress(self.stdout, "key results", total)
        owners = dict(Objective.objects.values_list("pk", "owner_id"))
        quarterly = [pk for pk, _cycle in objective_rows if pk in owners]
        specs = [quarterly[index % len(quarterly)] for index in range(total)]
        return self._write_key_results(specs, owners, progress)

    def _write_key_results(
        self, specs, owners, progress
    ) -> list[tuple[int, int, Decimal, Decimal]]:
        """A key result on each objective of ``specs`` (an objective as often as it appears),
        with a random start and target, in batches; the other shapes of organisation share it."""
        rows = []
        for start in range(0, len(specs), BATCH):
            batch = []
            for objective_pk in specs[start : start + BATCH]:
                start_value = Decimal(self.rng.randint(0, 50))
                target = start_value + Decimal(self.rng.randint(10, 100))
                direction = "increase"
                if self.rng.random() < 0.3:
                    start_value, target, direction = target, start_value, "decrease"
                batch.append(
                    KeyResult(
                        objective_id=objective_pk,
                        title=f"Key result {start + len(batch)}",
                        owner_id=owners[objective_pk],
                        direction=direction,
                        start_value=start_value,
                        target_value=target,
                        weight=Decimal(self.rng.choice([1, 1, 1, 2])),
                    )
                )
            created = KeyResult.objects.bulk_create(batch)
            rows += [(kr.pk, kr.objective_id, kr.start_value, kr.target_value) for kr in created]
            progress.advance(len(created))
        progress.finish()
        return rows

    # --- check-ins --------------------------------------------------------------------------
    def _check_ins(self, total, key_result_rows) -> None:
        """Weekly-ish check-ins walking each KR from its start towards its target."""
        progress = Progress(self.stdout, "check-ins", total)
        per_key_result = max(1, total // len(key_result_rows))
        span = timedelta(days=84)
        rows = []
        for index in range(total):
            key_result_pk, _objective, start, target = key_result_rows[
                index // per_key_result % len(key_result_rows)
            ]
            step = index % per_key_result
            share = min(1.0, (step + 1) / per_key_result * self.rng.uniform(0.5, 1.2))
            value = start + (target - start) * Decimal(str(round(share, 3)))
            moment = self.now - span + span * (step + 1) / (per_key_result + 1)
            rows.append((key_result_pk, value, self.rng.randint(3, 9), moment))
            if len(rows) == BATCH * 4:
                self._insert_check_ins(rows)
                progress.advance(len(rows))
                rows = []
        if rows:
            self._insert_check_ins(rows)
            progress.advance(len(rows))
        progress.finish()

    def _insert_check_ins(self, rows: list[tuple[int, Decimal, int, datetime]]) -> None:
        if connection.vendor == "postgresql":
            # COPY is an order of magnitude faster than INSERT for a million rows.
            buffer = io.StringIO()
            for key_result_pk, value, confidence, moment in rows:
                buffer.write(
                    f"{key_result_pk}\t{value}\t{confidence}\t\tmanual\t{moment.isoformat()}\n"
                )
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    f"COPY {CheckIn._meta.db_table} "
                    "(key_result_id, value, confidence, note, source, created_at) FROM STDIN",
                    buffer,
                )
            return
        CheckIn.objects.bulk_create(
            [
                CheckIn(key_result_id=kr, value=value, confidence=confidence, created_at=moment)
                for kr, value, confidence, moment in rows
            ],
            batch_size=BATCH,
        )
