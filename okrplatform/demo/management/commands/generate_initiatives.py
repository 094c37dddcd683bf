"""Generate initiatives that drive key results of a generated organisation, for benchmarks."""

from __future__ import annotations

import random

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from objectives.models import Cycle, Initiative, InitiativeContribution, KeyResult

from .generate_org import BATCH, Progress


class Command(BaseCommand):
    help = (
        "Generate initiatives in the units of a generated organisation, each driving a few key "
        "results of its own unit (strongly) and of the units around it (weakly): the improvement "
        "priorities of the X-matrix."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--initiatives", type=int, default=2_000)
        parser.add_argument("--seed", type=int, default=13)
        parser.add_argument("--prefix", default="gen")

    def handle(self, *args, initiatives, seed, prefix, **options):
        if Initiative.objects.filter(title=f"{prefix} initiative 0").exists():
            raise CommandError(f"Initiatives with the prefix '{prefix}' exist already.")
        year = Cycle.objects.filter(code=f"{prefix}-fy").first()
        if year is None:
            raise CommandError("Generate an organisation first (generate_org).")
        rng = random.Random(seed)
        key_results = list(
            KeyResult.objects.filter(objective__unit__code__startswith=f"{prefix}-").values_list(
                "pk", "objective__unit_id", "objective__owner_id"
            )
        )
        progress = Progress(self.stdout, "initiatives", initiatives)
        with transaction.atomic():
            for start in range(0, initiatives, BATCH):
                drives = [
                    rng.sample(key_results, 3)
                    for _ in range(start, min(initiatives, start + BATCH))
                ]
                created = Initiative.objects.bulk_create(
                    [
                        Initiative(
                            title=f"{prefix} initiative {start + index}",
                            unit_id=first[1],
                            owner_id=first[2],
                            cycle=year,
                            state=Initiative.State.IN_PROGRESS,
                        )
                        for index, (first, *_rest) in enumerate(drives)
                    ]
                )
                InitiativeContribution.objects.bulk_create(
                    [
                        InitiativeContribution(
                            initiative=initiative,
                            key_result_id=key_result[0],
                            strength=InitiativeContribution.Strength.STRONG
                            if position == 0
                            else InitiativeContribution.Strength.WEAK,
                        )
                        for initiative, chosen in zip(created, drives, strict=True)
                        for position, key_result in enumerate(chosen)
                    ]
                )
                progress.advance(len(created))
        progress.finish()
