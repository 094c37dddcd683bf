"""Reads for the org dashboard: a unit, its children and their figures for a cycle."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from kpis.models import KPI
from objectives.models import Cycle, Intervention, KeyResult, KPILink, Objective, UnitRollup
from objectives.progress import STATUS_SEVERITY, Status
from okrplatform.org.access import Access
from okrplatform.org.models import OrgUnit
from okrplatform.org.selectors import in_subtree_of

from .models import Tension

ATTENTION_SHOWN = 10


@dataclass(frozen=True)
class UnitRow:
    unit: OrgUnit
    rollup: UnitRollup | None
    has_children: bool

    @property
    def exception_order(self) -> tuple:
        rollup = self.rollup
        if rollup is None:
            return (1, 0, 0, 2.0, self.unit.name)
        progress = rollup.progress if rollup.progress is not None else 2.0
        return (0, -rollup.off_track_count, -rollup.at_risk_count, progress, self.unit.name)


def child_unit_rows(unit: OrgUnit, cycle: Cycle, access: Access) -> list[UnitRow]:
    """The unit's visible children with their figures, exceptions first."""
    children = (
        OrgUnit.objects.filter(parent=unit)
        .select_related("lead")
        .annotate(child_count=Count("children"))
        .prefetch_related(
            Prefetch("rollups", UnitRollup.objects.filter(cycle=cycle), to_attr="cycle_rollups")
        )
    )
    children = access.restrict(children, within=unit.pk)
    rows = [
        UnitRow(child, next(iter(child.cycle_rollups), None), child.child_count > 0)
        for child in children
    ]
    return sorted(rows, key=lambda row: row.exception_order)


def unit_objectives(unit: OrgUnit, cycle: Cycle) -> QuerySet[Objective]:
    """The unit's own objectives in the cycle, exceptions first."""
    return (
        Objective.objects.active()
        .filter(unit=unit, cycle=cycle)
        .select_related("owner", "parent")
        .annotate(key_result_count=Count("key_results"), severity=STATUS_SEVERITY)
        .order_by("severity", "progress", "title")
    )


def subtree_attention(unit: OrgUnit, cycle: Cycle, access: Access) -> QuerySet[Objective]:
    """The objectives furthest behind anywhere below the unit: the one red among the greens."""
    below = Objective.objects.active().filter(unit_id__in=in_subtree_of(unit))
    return (
        access.restrict(below, within=unit.pk)
        .filter(cycle=cycle, status__in=[Status.OFF_TRACK, Status.AT_RISK])
        .select_related("unit", "owner")
        .annotate(severity=STATUS_SEVERITY)
        .order_by("severity", "progress", "title")[:ATTENTION_SHOWN]
    )


def kpi_for_page() -> QuerySet[KPI]:
    return KPI.objects.select_related("unit", "owner").prefetch_related(
        Prefetch(
            "links",
            KPILink.objects.select_related("objective__owner", "objective__unit", "kpi").order_by(
                "kind", "objective__title"
            ),
        ),
        Prefetch(
            "driven_key_results",
            KeyResult.objects.select_related("objective__unit", "owner").order_by("title"),
        ),
        Prefetch(
            "interventions",
            Intervention.objects.exclude(state=Intervention.State.RESOLVED).select_related(
                "objective"
            ),
            to_attr="open_interventions",
        ),
        Prefetch("tensions", Tension.objects.select_related("objective", "decision")),
        # Decisions are recorded in reviews, a floor above: read through the relation they declare.
        "decisions__decided_by",
    )
