"""The Balanced Scorecard strategy map of a unit and a cycle.

Objectives of the unit and of the units right below it sit in the four perspectives (financial
at the top, learning & growth at the bottom) and in columns by horizon (breakthrough, annual,
quarterly). Cause and effect are the alignment links: an objective pushes the one it aligns to,
and, weaker, the ones it also supports. Each perspective lists its KPIs with their health.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from kpis.models import KPI, Perspective
from objectives.models import Cycle, Objective
from okrplatform.org.access import Access
from okrplatform.org.models import OrgUnit

from .cascade import ObjectiveNode, attach_supports, load_cascade

CELL_LIMIT = 8
KPI_LIMIT = 6
ALIGNS, SUPPORTS = "aligns", "supports"


@dataclass
class Cell:
    level: str
    objectives: list[ObjectiveNode]
    left_out: int = 0


@dataclass
class Band:
    perspective: str
    label: str
    cells: list[Cell]
    kpis: list[KPI] = field(default_factory=list)
    kpis_left_out: int = 0


@dataclass(frozen=True)
class Edge:
    source: ObjectiveNode
    target: ObjectiveNode
    kind: str

    def as_data(self) -> dict:
        return {"from": self.source.pk, "to": self.target.pk, "kind": self.kind}


@dataclass
class StrategyMap:
    unit: OrgUnit
    cycle: Cycle
    bands: list[Band]
    edges: list[Edge]
    levels: list[tuple[str, str]]

    @property
    def edge_data(self) -> list[dict]:
        return [edge.as_data() for edge in self.edges]

    @property
    def is_empty(self) -> bool:
        return not any(cell.objectives for band in self.bands for cell in band.cells)


def map_units(unit: OrgUnit, access: Access) -> list[int]:
    """The unit and the units right below it that the person sees."""
    children = OrgUnit.objects.filter(parent=unit).values_list("pk", flat=True)
    return [unit.pk, *(pk for pk in children if access.sees(pk))]


def perspective_kpis(unit_ids: list[int]) -> QuerySet[KPI]:
    return (
        KPI.objects.filter(unit_id__in=unit_ids, is_active=True)
        .select_related("unit")
        .order_by("perspective", "name")
    )


def strategy_map(unit: OrgUnit, cycle: Cycle, access: Access) -> StrategyMap:
    unit_ids = map_units(unit, access)
    cascade = load_cascade(unit, cycle, access, units=unit_ids)
    attach_supports(cascade)
    nodes = cascade.nodes
    levels = list(Objective.Level.choices)
    shown: set[int] = set()
    bands = []
    kpis_by_perspective: dict[str, list[KPI]] = {}
    for kpi in perspective_kpis(unit_ids):
        kpis_by_perspective.setdefault(kpi.perspective, []).append(kpi)
    for perspective, label in Perspective.choices:
        cells = []
        for level, _label in levels:
            members = sorted(
                (
                    node
                    for node in nodes.values()
                    if node.perspective == perspective and node.level == level
                ),
                # Ours before the context above; exceptions first among ours.
                key=lambda node: (not node.in_scope, node.unit_name, node.title),
            )
            cells.append(
                Cell(
                    level=level,
                    objectives=members[:CELL_LIMIT],
                    left_out=max(0, len(members) - CELL_LIMIT),
                )
            )
            shown.update(node.pk for node in members[:CELL_LIMIT])
        kpis = kpis_by_perspective.get(perspective, [])
        bands.append(
            Band(
                perspective=perspective,
                label=label,
                cells=cells,
                kpis=kpis[:KPI_LIMIT],
                kpis_left_out=max(0, len(kpis) - KPI_LIMIT),
            )
        )
    edges = []
    for pk in shown:
        node = nodes[pk]
        if node.parent_id in shown:
            edges.append(Edge(node, nodes[node.parent_id], ALIGNS))
        edges.extend(Edge(node, other, SUPPORTS) for other in node.supports if other.pk in shown)
    edges.sort(key=lambda edge: (edge.kind, edge.source.title, edge.target.title))
    return StrategyMap(unit=unit, cycle=cycle, bands=bands, edges=edges, levels=levels)
