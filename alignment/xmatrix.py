"""The Hoshin Kanri X-matrix of a unit and a cycle, derived from the links in the data.

Four quadrants around an X: breakthrough objectives (south), annual objectives (west),
improvement priorities, i.e. initiatives (north), and targets to improve, i.e. key results and
KPIs (east). Each corner correlates its two neighbours:

- south-west, annual × breakthrough: *strong* when the annual objective aligns (through its
  parent chain) to the breakthrough objective, *weak* when it only "also supports" it;
- north-west, annual × initiative: the initiative drives a key result of the annual objective
  or of one aligned below it, as strongly as the contribution says;
- north-east, initiative × target: the initiative drives that key result, or a key result the
  KPI drives (as strongly as the contribution says); *weak* when it drives a key result of an
  objective the KPI leads or guards;
- south-east, target × breakthrough: *strong* when the key result's objective, or the objective
  a KPI leads or drives, aligns to the breakthrough objective; *weak* when the KPI only guards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q, Window
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kpis.health import Health
from kpis.models import KPI
from objectives.models import Initiative, InitiativeContribution, KeyResult, KPILink, Objective
from okrplatform.org.access import Access
from okrplatform.org.models import OrgUnit
from okrplatform.org.selectors import in_subtree_of

from .cascade import (
    ANCESTOR_CHAINS_SQL,
    MAP_ORDER,
    NODE_FIELDS,
    MapReader,
    ObjectiveNode,
    _nodes,
)

STRONG, WEAK = "strong", "weak"
MARK_LABELS = {STRONG: _("strong correlation"), WEAK: _("weak correlation")}

HEALTH_ORDER = {
    Health.CRITICAL: 0,
    Health.WARNING: 1,
    Health.STALE: 2,
    Health.NO_DATA: 3,
    Health.ON_TARGET: 4,
}

# Beyond these, the matrix stops being readable on one landscape page.
NODE_FIELDS_AND_COUNT = (*NODE_FIELDS, "in_all")
LIMITS = {"breakthrough": 6, "annual": 12, "priorities": 15, "targets": 24}


@dataclass(frozen=True)
class Item:
    """One row or column of the matrix."""

    key: str
    title: str
    url: str
    owner: str
    badge: str = ""  # a status or health code, drawn with its label
    badge_label: str = ""
    detail: str = ""


@dataclass
class XMatrix:
    unit: OrgUnit
    breakthrough: list[Item]
    annual: list[Item]
    priorities: list[Item]
    targets: list[Item]
    marks: dict[tuple[str, str], str]
    left_out: dict[str, int] = field(default_factory=dict)

    def mark(self, first: Item, second: Item) -> str:
        return self.marks.get((first.key, second.key), "")

    def _cells(self, columns: list[Item], row: Item, *, row_first: bool) -> list[dict]:
        cells = []
        for column in columns:
            strength = self.mark(row, column) if row_first else self.mark(column, row)
            cells.append(
                {
                    "strength": strength,
                    "label": f"{MARK_LABELS[strength]}: {column.title} · {row.title}"
                    if strength
                    else "",
                }
            )
        return cells

    @property
    def north_rows(self) -> list[dict]:
        """Initiatives, with their marks against the annual objectives and the targets."""
        return [
            {
                "item": priority,
                "west": self._cells(list(reversed(self.annual)), priority, row_first=False),
                "east": self._cells(self.targets, priority, row_first=True),
            }
            for priority in self.priorities
        ]

    @property
    def south_rows(self) -> list[dict]:
        """Breakthrough objectives, with their marks against annual objectives and targets."""
        return [
            {
                "item": objective,
                "west": self._cells(list(reversed(self.annual)), objective, row_first=False),
                "east": self._cells(self.targets, objective, row_first=False),
            }
            for objective in self.breakthrough
        ]

    @property
    def annual_columns(self) -> list[Item]:
        """Annual objectives read outwards from the X, so the nearest column is the first."""
        return list(reversed(self.annual))

    @property
    def is_empty(self) -> bool:
        return not (self.breakthrough or self.annual or self.priorities or self.targets)


def _strongest(current: str, new: str) -> str:
    return STRONG if STRONG in (current, new) else (new or current)


def _objective_item(node: ObjectiveNode) -> Item:
    return Item(
        key=f"o{node.pk}",
        title=node.title,
        url=reverse("objective_detail", args=[node.pk]),
        owner=node.owner_name,
        badge=node.status,
        badge_label=node.status_label,
        detail=node.unit_name,
    )


def _relevant(reader: MapReader, level: str, left_out: dict[str, int], quadrant: str) -> list:
    """Objectives of the level in the unit's subtree, or above it with something of the subtree
    aligned to them (the context), as many as the quadrant holds: only those are read."""
    limit = LIMITS[quadrant]
    above = [node for node in reader.context.values() if node.level == level]
    rows = list(
        reader.scope.filter(level=level)
        .annotate(in_all=Window(Count("*")))
        .order_by(*MAP_ORDER)
        .values_list(*NODE_FIELDS_AND_COUNT)[:limit]
    )
    nodes = sorted(
        above + [ObjectiveNode.from_row(row[:-1], in_scope=True) for row in rows],
        key=lambda node: node.sort_key,
    )
    in_all = len(above) + (rows[0][-1] if rows else 0)
    if in_all > limit:
        left_out[quadrant] = in_all - limit
    return nodes[:limit]


def ancestor_chains(ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """Each objective with every active objective above it on its parent chain, in one query."""
    ids = sorted({int(pk) for pk in ids})
    if not ids:
        return {}
    sql = ANCESTOR_CHAINS_SQL.format(
        objective=Objective._meta.db_table, ids=", ".join(str(pk) for pk in ids)
    )
    chains: dict[int, set[int]] = defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        for start, above in cursor.fetchall():
            chains[start].add(above)
    return {start: frozenset(chain) for start, chain in chains.items()}


def x_matrix(unit: OrgUnit, cycle, access: Access) -> XMatrix:
    reader = MapReader(unit, cycle, access)
    return _XMatrixDrawing(unit, reader).draw(access, reader.family)


class _XMatrixDrawing:
    """One X-matrix drawn quadrant by quadrant, each corner marked once both its sides are.

    Only what it shows is read: the first objectives of each level, the unit's key results,
    the KPI links of the scope, and the parent chains of just the objectives they concern."""

    def __init__(self, unit: OrgUnit, reader: MapReader) -> None:
        self.unit = unit
        self.reader = reader
        self.chains: dict[int, frozenset[int]] = {}
        self.marks: dict[tuple[str, str], str] = {}
        self.left_out: dict[str, int] = {}
        self.breakthrough = _relevant(
            reader, Objective.Level.BREAKTHROUGH, self.left_out, "breakthrough"
        )
        self.annual = _relevant(reader, Objective.Level.ANNUAL, self.left_out, "annual")
        self._attach_supports(self.annual)
        # Read by targets(), for the corners marked after it.
        self.key_results: list[KeyResult] = []
        self.links: list[tuple[int, int, str]] = []
        self.drives: list[tuple[int, int, int]] = []

    def _attach_supports(self, nodes: list[ObjectiveNode]) -> None:
        """What each annual objective "also supports", as far as the scope reaches."""
        by_pk = {node.pk: node for node in nodes}
        through = Objective.supports.through
        pairs = list(
            through.objects.filter(from_objective_id__in=list(by_pk)).values_list(
                "from_objective_id", "to_objective_id"
            )
        )
        if not pairs:
            return
        supported = Objective.objects.active().filter(pk__in={target for _s, target in pairs})
        targets = {node.pk: node for node in _nodes(supported, in_scope=True)}
        for source, target in pairs:
            if target in targets:
                by_pk[source].supports.append(targets[target])

    def _read_chains(self, ids: Iterable[int]) -> None:
        self.chains |= ancestor_chains(pk for pk in ids if pk not in self.chains)

    def chain(self, objective_id: int) -> frozenset[int]:
        return self.chains.get(objective_id, frozenset({objective_id}))

    def draw(self, access: Access, family: list[int]) -> XMatrix:
        self.mark_annual_against_breakthrough()
        targets = self.targets()
        self.mark_targets_against_breakthrough()
        priorities = self.priorities(access, family)
        return XMatrix(
            unit=self.unit,
            breakthrough=[_objective_item(node) for node in self.breakthrough],
            annual=[_objective_item(node) for node in self.annual],
            priorities=priorities,
            targets=targets,
            marks=self.marks,
            left_out=self.left_out,
        )

    def add(self, first: str, second: str, strength: str) -> None:
        self.marks[(first, second)] = _strongest(self.marks.get((first, second), ""), strength)

    def mark_annual_against_breakthrough(self) -> None:
        """South-west: annual × breakthrough."""
        self._read_chains(
            [node.pk for node in self.annual]
            + [other.pk for node in self.annual for other in node.supports]
        )
        for objective in self.annual:
            for top in self.breakthrough:
                if top.pk in self.chain(objective.pk):
                    self.add(f"o{objective.pk}", f"o{top.pk}", STRONG)
                elif any(top.pk in self.chain(other.pk) for other in objective.supports):
                    self.add(f"o{objective.pk}", f"o{top.pk}", WEAK)

    def targets(self) -> list[Item]:
        """East: the unit's own key results, and the KPIs that lead, guard or drive what is in
        scope. Targets beyond one page are left out."""
        reader = self.reader
        own = reader.scope.filter(unit_id=self.unit.pk).exclude(level=Objective.Level.BREAKTHROUGH)
        room = LIMITS["targets"]
        key_results = list(
            KeyResult.objects.filter(objective_id__in=own.values("pk"))
            .select_related("owner")
            .annotate(in_all=Window(Count("*")))
            .order_by("objective_id", "id")[:room]
        )
        if key_results and key_results[0].in_all > room:
            self.left_out["targets"] = key_results[0].in_all - room
        in_reach = Q(objective_id__in=reader.scope.values("pk")) | Q(
            objective_id__in=list(reader.context)
        )
        self.links = list(
            KPILink.objects.filter(in_reach).values_list("kpi_id", "objective_id", "kind")
        )
        self.drives = list(
            KeyResult.objects.filter(
                objective_id__in=reader.scope.values("pk"), driving_kpi__isnull=False
            ).values_list("pk", "driving_kpi_id", "objective_id")
        )
        self.key_results = key_results
        self._read_chains(
            [key_result.objective_id for key_result in key_results]
            + [objective for _kpi, objective, _kind in self.links]
            + [objective for _kr, _kpi, objective in self.drives]
        )
        kpis = self._kpis_kept(room - len(key_results))
        return [_key_result_item(key_result) for key_result in key_results] + [
            _kpi_item(kpi) for kpi in kpis
        ]

    def _kpis_kept(self, room: int) -> list[KPI]:
        """The KPIs of the objectives on the matrix first, then the ones in the worst health."""
        on_matrix = {objective.pk for objective in [*self.breakthrough, *self.annual]}
        candidates = {kpi for kpi, _o, _k in self.links} | {kpi for _r, kpi, _o in self.drives}
        linked_on_matrix = {kpi for kpi, objective, _k in self.links if objective in on_matrix}
        ranked = sorted(
            KPI.objects.filter(pk__in=candidates).values_list("pk", "health", "name"),
            key=lambda row: (row[0] not in linked_on_matrix, HEALTH_ORDER.get(row[1], 9), row[2]),
        )
        shown = [pk for pk, _health, _name in ranked[:room]]
        if len(ranked) > len(shown):
            self.left_out["targets"] = self.left_out.get("targets", 0) + len(ranked) - len(shown)
        return sorted(
            KPI.objects.filter(pk__in=shown).select_related("owner"),
            key=lambda kpi: shown.index(kpi.pk),
        )

    def mark_targets_against_breakthrough(self) -> None:
        """South-east: target × breakthrough."""
        breakthrough = self.breakthrough
        for key_result in self.key_results:
            for top in breakthrough:
                if top.pk in self.chain(key_result.objective_id):
                    self.add(f"r{key_result.pk}", f"o{top.pk}", STRONG)
        for kpi_id, objective_id, kind in self.links:
            for top in breakthrough:
                if top.pk in self.chain(objective_id):
                    strength = STRONG if kind == KPILink.Kind.LEADS else WEAK
                    self.add(f"k{kpi_id}", f"o{top.pk}", strength)
        for _key_result, kpi_id, objective_id in self.drives:
            for top in breakthrough:
                if top.pk in self.chain(objective_id):
                    self.add(f"k{kpi_id}", f"o{top.pk}", STRONG)

    def priorities(self, access: Access, family: list[int]) -> list[Item]:
        """North: the initiatives of the subtree in the cycle's family, marked against the
        annual objectives (north-west) and the targets (north-east) they drive."""
        candidates = Initiative.objects.filter(
            unit_id__in=in_subtree_of(self.unit), cycle_id__in=family
        ).exclude(state=Initiative.State.CANCELLED)
        candidates = access.restrict(candidates, within=self.unit.pk)
        limit = LIMITS["priorities"]
        initiatives = list(
            candidates.select_related("owner", "unit").order_by("title")[: limit + 1]
        )
        if len(initiatives) > limit:
            self.left_out["priorities"] = candidates.count() - limit
            initiatives = initiatives[:limit]
        first_objective = self._mark_contributions(initiatives)
        return [
            _initiative_item(initiative, first_objective.get(initiative.pk))
            for initiative in initiatives
        ]

    def _mark_contributions(self, initiatives: list[Initiative]) -> dict[int, int]:
        """Mark what each initiative drives; returns the first objective each one drives."""
        contributions = list(
            InitiativeContribution.objects.filter(initiative__in=initiatives)
            .order_by("initiative_id", "strength", "key_result_id")  # strong before weak
            .values_list("initiative_id", "key_result_id", "strength", "key_result__objective_id")
        )
        self._read_chains(objective for *_rest, objective in contributions)
        kpi_of_key_result = {key_result: kpi for key_result, kpi, _o in self.drives}
        linked_kpis: dict[int, set[int]] = defaultdict(set)
        for kpi_id, objective_id, _kind in self.links:
            linked_kpis[objective_id].add(kpi_id)
        annual_ids = {objective.pk for objective in self.annual}
        first_objective: dict[int, int] = {}
        for initiative_id, key_result_id, strength, objective_id in contributions:
            first_objective.setdefault(initiative_id, objective_id)
            chain = self.chain(objective_id)
            for annual_id in chain & annual_ids:
                self.add(f"o{annual_id}", f"i{initiative_id}", strength)
            self.add(f"i{initiative_id}", f"r{key_result_id}", strength)
            if key_result_id in kpi_of_key_result:
                self.add(f"i{initiative_id}", f"k{kpi_of_key_result[key_result_id]}", strength)
            for linked in chain:
                for kpi_id in linked_kpis.get(linked, ()):
                    self.add(f"i{initiative_id}", f"k{kpi_id}", WEAK)
        return first_objective


def _key_result_item(key_result: KeyResult) -> Item:
    return Item(
        key=f"r{key_result.pk}",
        title=key_result.title,
        url=reverse("objective_detail", args=[key_result.objective_id]),
        owner=str(key_result.owner),
        badge=key_result.status,
        badge_label=key_result.get_status_display(),
        detail=str(_("key result")),
    )


def _kpi_item(kpi: KPI) -> Item:
    return Item(
        key=f"k{kpi.pk}",
        title=kpi.name,
        url=reverse("kpi_detail", args=[kpi.pk]),
        owner=str(kpi.owner or ""),
        badge=kpi.health,
        badge_label=kpi.health_words,
        detail=str(_("KPI")),
    )


def _initiative_item(initiative: Initiative, first_objective_id: int | None) -> Item:
    return Item(
        key=f"i{initiative.pk}",
        title=initiative.title,
        # An initiative has no page of its own yet: it links to the first objective it drives.
        url=reverse("objective_detail", args=[first_objective_id])
        if first_objective_id is not None
        else "",
        owner=str(initiative.owner),
        badge=initiative.state,
        badge_label=initiative.get_state_display(),
        detail=initiative.unit.name,
    )
