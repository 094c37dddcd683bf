"""The cascade of objectives of a unit and a cycle, read once, for the alignment map, the
X-matrix and the strategy map.

A cascade covers the objectives of the unit and every unit below it in the cycle, the cycles
enclosing it (the year, the multi-year plan) and the cycles within it, plus, as context, the
objectives above them that they align to. Rows are read as plain values, not model instances:
the company-level map of a large organisation reads ten thousand of them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from kpis.models import Perspective
from objectives.models import Cycle, Objective
from objectives.progress import Status
from okrplatform.org.access import Access
from okrplatform.org.models import OrgUnit
from okrplatform.org.selectors import in_subtree_of

LEVEL_ORDER = {level: rank for rank, level in enumerate(Objective.Level.values)}

NODE_FIELDS = (
    "pk",
    "parent_id",
    "title",
    "unit_id",
    "unit__name",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "level",
    "kind",
    "perspective",
    "progress",
    "status",
    "is_aligned",
    "catchball",
    "cycle_id",
    "deployed_from_id",
)

# The objectives above a set of objectives, following ``parent`` up to the top.
ANCESTORS_SQL = """
WITH RECURSIVE up(id, parent_id) AS (
    SELECT id, parent_id FROM {objective} WHERE id IN ({ids})
    UNION
    SELECT o.id, o.parent_id FROM {objective} o JOIN up ON o.id = up.parent_id
)
SELECT id FROM up
"""


def cycle_family_ids(cycle: Cycle) -> list[int]:
    """The cycle, those enclosing it and those within it: a quarter's year and plan, say.

    Cycles number in the tens, so one read of the whole table beats two recursive queries.
    """
    parent_of = dict(Cycle.objects.values_list("pk", "parent_id"))
    family = {cycle.pk}
    above = parent_of.get(cycle.pk)
    while above is not None and above not in family:
        family.add(above)
        above = parent_of.get(above)
    below = {cycle.pk}
    while below:
        below = {pk for pk, parent in parent_of.items() if parent in below} - family
        family |= below
    return sorted(family)


@dataclass(eq=False)
class ObjectiveNode:
    """One objective on a map: what it shows, without the cost of a model instance."""

    pk: int
    parent_id: int | None
    title: str
    unit_id: int
    unit_name: str
    owner_name: str
    level: str
    kind: str
    perspective: str
    progress: float | None
    status: str
    is_aligned: bool
    catchball: str
    cycle_id: int
    deployed_from_id: int | None
    # False for objectives outside the unit's subtree, shown only because ours align to them.
    in_scope: bool = True
    tree_ordering: int = 0
    children: list[ObjectiveNode] = field(default_factory=list)
    hidden_children: int = 0
    supports: list[ObjectiveNode] = field(default_factory=list)
    parent_hidden: bool = False

    @classmethod
    def from_row(cls, row: tuple, *, in_scope: bool) -> ObjectiveNode:
        """From a row of ``NODE_FIELDS``, in that order."""
        pk, parent_id, title, unit_id, unit_name, first, last, username, *rest = row
        return cls(
            pk,
            parent_id,
            title,
            unit_id,
            unit_name,
            f"{first} {last}".strip() or username,
            *rest,
            in_scope=in_scope,
        )

    @property
    def level_label(self) -> str:
        return Objective.Level(self.level).label

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    def get_status_display(self) -> str:  # the name the progress and status tags ask for
        return self.status_label

    @property
    def perspective_label(self) -> str:
        return Perspective(self.perspective).label

    @property
    def in_negotiation(self) -> bool:
        return self.catchball in {Objective.Catchball.PROPOSED, Objective.Catchball.RETURNED}

    @property
    def catchball_label(self) -> str:
        return Objective.Catchball(self.catchball).label

    @property
    def sort_key(self) -> tuple:
        return (LEVEL_ORDER.get(self.level, 9), self.unit_name, self.title, self.pk)


def _nodes(objectives: QuerySet[Objective], *, in_scope: bool) -> list[ObjectiveNode]:
    return [
        ObjectiveNode.from_row(row, in_scope=in_scope)
        for row in objectives.values_list(*NODE_FIELDS)
    ]


@dataclass
class Cascade:
    """The objectives of a unit's subtree in a cycle's family, with their context above."""

    unit: OrgUnit
    cycle: Cycle
    nodes: dict[int, ObjectiveNode]
    # The scope as a subquery, so that follow-up queries never ship ten thousand ids.
    scope: QuerySet[Objective]
    context_ids: list[int] = field(default_factory=list)

    @property
    def in_scope(self) -> list[ObjectiveNode]:
        return [node for node in self.nodes.values() if node.in_scope]

    def among(self, lookup: str) -> Q:
        """``filter(cascade.among("objective_id"))``: rows that belong to the cascade's nodes."""
        return Q(**{f"{lookup}__in": self.scope.values("pk")}) | Q(
            **{f"{lookup}__in": self.context_ids}
        )

    @cached_property
    def chains(self) -> dict[int, frozenset[int]]:
        """Each node with every node above it on its parent chain, computed once for all."""
        chains: dict[int, frozenset[int]] = {}
        for start in self.nodes:
            path, pk = [], start
            while pk in self.nodes and pk not in chains and pk not in path:
                path.append(pk)
                pk = self.nodes[pk].parent_id
            above = chains.get(pk, frozenset())
            for pk in reversed(path):
                above = chains[pk] = above | {pk}
        return chains

    def ancestors_of(self, node: ObjectiveNode) -> list[ObjectiveNode]:
        chain, seen = [], {node.pk}
        while node.parent_id in self.nodes and node.parent_id not in seen:
            node = self.nodes[node.parent_id]
            seen.add(node.pk)
            chain.append(node)
        return chain


def load_cascade(
    unit: OrgUnit,
    cycle: Cycle,
    access: Access,
    *,
    units: Iterable[int] | RawSQL | None = None,
    cycle_ids: list[int] | None = None,
) -> Cascade:
    """Two queries: the objectives in scope, then those above them that they align to.

    ``units`` narrows the scope from the whole subtree (the strategy map takes the unit and its
    children only).
    """
    scope = Objective.objects.active().filter(
        cycle_id__in=cycle_ids or cycle_family_ids(cycle),
        unit_id__in=in_subtree_of(unit) if units is None else units,
    )
    scope = access.restrict(scope, within=unit.pk)
    nodes = {node.pk: node for node in _nodes(scope, in_scope=True)}
    missing = {node.parent_id for node in nodes.values()} - set(nodes) - {None}
    context_ids = []
    if missing:
        above = RawSQL(  # noqa: S611 - the ids are integers from our own rows
            ANCESTORS_SQL.format(
                objective=Objective._meta.db_table, ids=", ".join(str(int(pk)) for pk in missing)
            ),
            [],
        )
        context = access.restrict(Objective.objects.active().filter(pk__in=above))
        for node in _nodes(context, in_scope=False):
            if node.pk not in nodes:
                nodes[node.pk] = node
                context_ids.append(node.pk)
    return Cascade(unit=unit, cycle=cycle, nodes=nodes, scope=scope, context_ids=context_ids)


def attach_supports(cascade: Cascade) -> None:
    """Each node's "also supports" links to other nodes of the cascade, in one query."""
    through = Objective.supports.through
    pairs = through.objects.filter(from_objective_id__in=cascade.scope.values("pk")).values_list(
        "from_objective_id", "to_objective_id"
    )
    for source, target in pairs:
        if source in cascade.nodes and target in cascade.nodes:
            cascade.nodes[source].supports.append(cascade.nodes[target])


# --- the alignment map ------------------------------------------------------------------------

# Nodes drawn at once; further branches load when opened. Enough for a whole demo organisation,
# few enough that the company map of ten thousand objectives renders in well under a second.
MAP_BUDGET = 250
UNALIGNED_LISTED = 50


@dataclass
class AlignmentMap:
    unit: OrgUnit
    cycle: Cycle
    aligned: list[ObjectiveNode]
    unaligned_trees: list[ObjectiveNode]
    unaligned: list[ObjectiveNode]
    unaligned_count: int
    objective_count: int
    negotiation_count: int
    # Of the objectives on the map in this cycle, the share aligned: the person's own scope,
    # where the stored unit rollup counts every objective below the unit, seen or not.
    alignment_index: float | None = None


def _link_children(nodes: dict[int, ObjectiveNode]) -> list[ObjectiveNode]:
    """Hang every node under its parent; returns the roots (no parent among the nodes)."""
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id)
        if parent is None:
            node.parent_hidden = node.parent_id is not None
            roots.append(node)
        else:
            parent.children.append(node)
    for node in nodes.values():
        node.children.sort(key=lambda child: child.sort_key)
    return sorted(roots, key=lambda root: root.sort_key)


def _within_budget(roots: list[ObjectiveNode], budget: int) -> list[ObjectiveNode]:
    """Breadth first from the roots, a whole family of siblings at a time, until the budget
    is spent; a node whose children did not fit says how many wait behind it."""
    shown = list(roots)
    queue = deque(roots)
    while queue:
        node = queue.popleft()
        if not node.children:
            continue
        if len(shown) + len(node.children) > budget:
            node.hidden_children = len(node.children)
            continue
        shown.extend(node.children)
        queue.extend(node.children)
    for position, node in enumerate(shown):
        node.tree_ordering = position
    return shown


def alignment_map(
    unit: OrgUnit, cycle: Cycle, access: Access, *, branch: int | None = None
) -> AlignmentMap:
    """The cascade as trees: aligned objectives from the top down, then the unaligned ones.

    With ``branch``, only what lies below that objective (for a branch opened on the page).
    """
    cascade = load_cascade(unit, cycle, access)
    attach_supports(cascade)
    roots = _link_children(cascade.nodes)
    in_scope = cascade.in_scope
    unaligned = sorted(
        (node for node in in_scope if not node.is_aligned), key=lambda node: node.sort_key
    )
    if branch is not None:
        top = cascade.nodes.get(branch)
        aligned = _within_budget(top.children if top else [], MAP_BUDGET)
        unaligned_trees: list[ObjectiveNode] = []
    else:
        aligned_roots = [root for root in roots if root.is_aligned or not root.in_scope]
        loose_roots = [root for root in roots if root.in_scope and not root.is_aligned]
        aligned = _within_budget(aligned_roots, MAP_BUDGET)
        unaligned_trees = _within_budget(loose_roots, max(MAP_BUDGET - len(aligned), 25))
    return AlignmentMap(
        unit=unit,
        cycle=cycle,
        aligned=aligned,
        unaligned_trees=unaligned_trees,
        unaligned=unaligned[:UNALIGNED_LISTED],
        unaligned_count=len(unaligned),
        objective_count=len(in_scope),
        negotiation_count=sum(node.in_negotiation for node in in_scope),
        alignment_index=_share_aligned([node for node in in_scope if node.cycle_id == cycle.pk]),
    )


def _share_aligned(nodes: list[ObjectiveNode]) -> float | None:
    return sum(node.is_aligned for node in nodes) / len(nodes) if nodes else None
