"""Program health: is the practice alive? Adoption, check-in habits, alignment, confidence and
how often objectives succeed, for a unit and everything below it, against earlier cycles.

Each figure is a share from 0 to 1 (confidence runs from 0 to 10), or None when there is nothing
to measure, never a misleading 0. A cycle's figures are taken as of its last day, or today while
it runs. A handful of queries for the cycle and its baseline together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from objectives.models import Cycle, KeyResult, Objective, UnitRollup
from objectives.progress import ASPIRATIONAL_SUCCESS_MARK, COMMITTED_SUCCESS_MARK
from okrplatform.org.models import OrgUnit
from okrplatform.org.selectors import in_subtree_of

from .models import ObjectiveGrade

BASELINE_CYCLES = 4
CHECKED_IN_WITHIN = timedelta(days=14)
FRESH_WITHIN = timedelta(days=7)

FIGURES = {
    "adoption": _("Units with objectives"),
    "checked_in": _("Key results checked in within 14 days"),
    "fresh": _("Key results checked in within 7 days"),
    "alignment_index": _("Alignment index"),
    "mean_confidence": _("Mean confidence (0–10)"),
    "success_rate": _("Objectives graded a success"),
}


@dataclass
class CycleHealth:
    cycle: Cycle
    as_of: date
    adoption: float | None = None
    checked_in: float | None = None
    fresh: float | None = None
    alignment_index: float | None = None
    mean_confidence: float | None = None
    success_rate: float | None = None
    objective_count: int = 0

    def figure(self, name: str) -> float | None:
        return getattr(self, name)


@dataclass
class FigureRow:
    name: str
    label: str
    now: float | None
    baseline: float | None

    @property
    def is_confidence(self) -> bool:
        return self.name == "mean_confidence"

    @property
    def change(self) -> float | None:
        if self.now is None or self.baseline is None:
            return None
        return self.now - self.baseline

    @property
    def direction(self) -> str:
        """better, worse or same: every figure here is better when higher."""
        change = self.change
        if change is None:
            return "unknown"
        noise = 0.1 if self.is_confidence else 0.01
        if change > noise:
            return "better"
        if change < -noise:
            return "worse"
        return "same"


@dataclass
class ProgramHealth:
    unit: OrgUnit
    current: CycleHealth
    earlier: list[CycleHealth]

    @property
    def rows(self) -> list[FigureRow]:
        rows = []
        for name, label in FIGURES.items():
            values = [c.figure(name) for c in self.earlier if c.figure(name) is not None]
            baseline = sum(values) / len(values) if values else None
            rows.append(FigureRow(name, str(label), self.current.figure(name), baseline))
        return rows

    @property
    def chart_data(self) -> dict:
        """Each figure per cycle, oldest first, for the chart: shares in percent, confidence on
        its own 0–10 axis; the 7-day line dashed, so it is told apart from the 14-day one."""
        cycles = [*reversed(self.earlier), self.current]
        return {
            "labels": [str(c.cycle) for c in cycles],
            "confidenceAxis": str(_("Confidence (0–10)")),
            "series": [
                {
                    "name": name,
                    "label": str(label),
                    "axis": "confidence" if name == "mean_confidence" else "percent",
                    "dashed": name == "fresh",
                    "values": [
                        None
                        if c.figure(name) is None
                        else round(c.figure(name) * (1 if name == "mean_confidence" else 100), 1)
                        for c in cycles
                    ],
                }
                for name, label in FIGURES.items()
            ],
        }


def earlier_cycles(cycle: Cycle, count: int = BASELINE_CYCLES) -> list[Cycle]:
    """The cycles of the same kind that ended before this one began, latest first."""
    return list(
        Cycle.objects.filter(kind=cycle.kind, end_date__lt=cycle.start_date).order_by(
            "-start_date"
        )[:count]
    )


def program_health(unit: OrgUnit, cycle: Cycle, today: date | None = None) -> ProgramHealth:
    today = today or timezone.localdate()
    cycles = [cycle, *earlier_cycles(cycle)]
    figures = {c.pk: CycleHealth(c, min(today, c.end_date)) for c in cycles}
    subtree = in_subtree_of(unit)
    objectives = Objective.objects.active().filter(
        cycle__in=[c.pk for c in cycles], unit_id__in=subtree
    )

    unit_count = OrgUnit.objects.filter(pk__in=subtree).count()
    for row in objectives.values("cycle_id").annotate(
        units=Count("unit_id", distinct=True), objectives=Count("pk")
    ):
        health = figures[row["cycle_id"]]
        health.adoption = row["units"] / unit_count
        health.objective_count = row["objectives"]

    for rollup in UnitRollup.objects.filter(unit=unit, cycle__in=[c.pk for c in cycles]):
        figures[rollup.cycle_id].alignment_index = rollup.alignment_index

    committed = Q(objective__kind=Objective.Kind.COMMITTED, score__gte=COMMITTED_SUCCESS_MARK)
    aspirational = Q(
        objective__kind=Objective.Kind.ASPIRATIONAL, score__gte=ASPIRATIONAL_SUCCESS_MARK
    )
    for row in (
        ObjectiveGrade.objects.filter(objective__in=objectives)
        .values("objective__cycle_id")
        .annotate(graded=Count("pk"), successes=Count("pk", filter=committed | aspirational))
    ):
        figures[row["objective__cycle_id"]].success_rate = row["successes"] / row["graded"]

    for health in figures.values():
        # As of the end of the cycle's last day, or now while it runs.
        moment = (
            timezone.make_aware(datetime.combine(health.as_of, time.max))
            if health.as_of < today
            else timezone.now()
        )
        row = KeyResult.objects.filter(
            objective__in=objectives.filter(cycle=health.cycle)
        ).aggregate(
            total=Count("pk"),
            checked_in=Count(
                "pk", filter=Q(last_check_in_at__range=(moment - CHECKED_IN_WITHIN, moment))
            ),
            fresh=Count("pk", filter=Q(last_check_in_at__range=(moment - FRESH_WITHIN, moment))),
            confidence=Avg("confidence", filter=Q(last_check_in_at__isnull=False)),
        )
        if row["total"]:
            health.checked_in = row["checked_in"] / row["total"]
            health.fresh = row["fresh"] / row["total"]
        health.mean_confidence = float(row["confidence"]) if row["confidence"] is not None else None
    return ProgramHealth(
        unit=unit, current=figures[cycle.pk], earlier=[figures[c.pk] for c in cycles[1:]]
    )
