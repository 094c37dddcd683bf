"""The cascade of objectives of a unit and a cycle, read once, for the alignment map, the
X-matrix and the strategy map.

A cascade covers the objectives of the unit and every unit below it in the cycle, the cycles
enclosing it (the year, the multi-year plan) and the cycles within it, plus, as context, the
objectives above them that they align to. Rows are read as plain values, not model instances:
the company-level map of a large organisation reads ten thousand of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

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


# Each of some objectives with itself and every active objective above it.
ANCESTOR_CHAINS_SQL = """
WITH RECURSIVE up(start_id, id, parent_id) AS (
    SELECT id, id, parent_id FROM {objective} WHERE id IN ({ids}) AND archived_at IS NULL
    UNION
    SELECT up.start_id, o.id, o.parent_id
    FROM {objective} o JOIN up ON o.id = up.parent_id
    WHERE o.archived_at IS NULL
)
SELECT start_id, id FROM up
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
# few enough that the company map of twenty thousand objectives reads and renders only these.
MAP_BUDGET = 250
UNALIGNED_LISTED = 50
# Below this many nodes left in the budget, the trees outside the cascade still get these.
LOOSE_MINIMUM = 25
# A branch opened shows its whole family of children, up to this many.
OPENED_FAMILY_AT_MOST = 100_000

LEVEL_RANK = Case(
    *(When(level=level, then=Value(rank)) for level, rank in LEVEL_ORDER.items()),
    default=Value(9),
    output_field=IntegerField(),
)
MAP_ORDER = (LEVEL_RANK.asc(), "unit__name", "title", "pk")


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
    # Trees at the top that did not fit the budget (drawn neither in the cascade nor outside it).
    hidden_roots: int = 0
    hidden_loose_roots: int = 0


class MapReader:
    """Reads the map from the top down, a level at a time, only as far as the budget goes:
    the objectives of the scope are never all loaded."""

    def __init__(self, unit: OrgUnit, cycle: Cycle, access: Access) -> None:
        self.unit, self.cycle, self.access = unit, cycle, access
        self.family = cycle_family_ids(cycle)
        self.scope = access.restrict(
            Objective.objects.active().filter(
                cycle_id__in=self.family, unit_id__in=in_subtree_of(unit)
            ),
            within=unit.pk,
        )
        self.context = self._context()

    def _context(self) -> dict[int, ObjectiveNode]:
        """The objectives above the scope that its objectives align to: a handful, loaded once."""
        missing = list(
            self.scope.exclude(parent__isnull=True)
            .exclude(parent_id__in=self.scope.values("pk"))
            .order_by()
            .values_list("parent_id", flat=True)
            .distinct()
        )
        if not missing:
            return {}
        above = RawSQL(  # noqa: S611 - the ids are integers from our own rows
            ANCESTORS_SQL.format(
                objective=Objective._meta.db_table, ids=", ".join(str(int(pk)) for pk in missing)
            ),
            [],
        )
        context = self.access.restrict(Objective.objects.active().filter(pk__in=above))
        return {node.pk: node for node in _nodes(context, in_scope=False)}

    def figures(self) -> dict:
        """The tiles: how many objectives, unaligned, in negotiation, and the index, at once."""
        in_cycle = Q(cycle_id=self.cycle.pk)
        return self.scope.aggregate(
            objective_count=Count("pk"),
            unaligned_count=Count("pk", filter=Q(is_aligned=False)),
            negotiation_count=Count(
                "pk",
                filter=Q(
                    catchball__in=[Objective.Catchball.PROPOSED, Objective.Catchball.RETURNED]
                ),
            ),
            in_cycle=Count("pk", filter=in_cycle),
            aligned_in_cycle=Count("pk", filter=in_cycle & Q(is_aligned=True)),
        )

    def unaligned(self) -> list[ObjectiveNode]:
        return _nodes(
            self.scope.filter(is_aligned=False).order_by(*MAP_ORDER)[:UNALIGNED_LISTED],
            in_scope=True,
        )

    def top_roots(self, *, aligned: bool, budget: int) -> tuple[list[ObjectiveNode], int]:
        """The trees' tops: of the context, those with nothing above them; of the scope, those
        whose parent is neither in the scope nor in the context (none, archived or unseen).
        The first ``budget`` of them, and how many there are in all."""
        context_tops = (
            sorted(
                (node for node in self.context.values() if node.parent_id not in self.context),
                key=lambda node: node.sort_key,
            )
            if aligned
            else []
        )
        parent_elsewhere = ~Q(parent_id__in=self.scope.values("pk"))
        if self.context:  # an empty list would leave a condition the database never sees
            parent_elsewhere &= ~Q(parent_id__in=list(self.context))
        tops = self.scope.filter(is_aligned=aligned).filter(
            Q(parent__isnull=True) | parent_elsewhere
        )
        room = max(0, budget - len(context_tops))
        if room:
            rows = list(
                tops.annotate(tops_in_all=Window(Count("*")))
                .order_by(*MAP_ORDER)
                .values_list(*NODE_FIELDS, "tops_in_all")[:room]
            )
            in_scope_tops = rows[0][-1] if rows else 0
        else:
            rows, in_scope_tops = [], tops.count()
        roots = context_tops[:budget] + [
            ObjectiveNode.from_row(row[:-1], in_scope=True) for row in rows
        ]
        for root in roots:
            root.parent_hidden = root.parent_id is not None and root.parent_id not in self.context
        return roots, len(context_tops) + in_scope_tops

    def children_of(self, parents: list[ObjectiveNode], room: int) -> int:
        """Hang below each parent its whole family while families fit in ``room``, else note
        how many wait behind it; returns how many were hung. One query: each family's size
        beside its first ``room`` members, so a family too large is never read whole."""
        ids = [parent.pk for parent in parents]
        family = {"partition_by": [F("parent_id")]}
        rows = (
            self.scope.filter(parent_id__in=ids)
            .annotate(
                family_size=Window(Count("*"), **family),
                place=Window(RowNumber(), order_by=MAP_ORDER, **family),
            )
            # (bounded: beyond the column's range the database is never asked)
            .filter(place__lte=min(max(room, 1), OPENED_FAMILY_AT_MOST))
            .values_list(*NODE_FIELDS, "family_size")
        )
        found: dict[int, list[ObjectiveNode]] = {}
        sizes: dict[int, int] = {}
        for node in self.context.values():
            if node.parent_id in ids:
                found.setdefault(node.parent_id, []).append(node)
                sizes[node.parent_id] = sizes.get(node.parent_id, 0) + 1
        in_scope_sizes: dict[int, int] = {}
        for row in rows:
            node = ObjectiveNode.from_row(row[:-1], in_scope=True)
            found.setdefault(node.parent_id, []).append(node)
            in_scope_sizes[node.parent_id] = row[-1]
        for pk, size in in_scope_sizes.items():
            sizes[pk] = sizes.get(pk, 0) + size
        taken = 0
        for parent in parents:
            count = sizes.get(parent.pk, 0)
            if not count:
                continue
            if taken + count <= room:
                parent.children = sorted(found[parent.pk], key=lambda child: child.sort_key)
                taken += count
            else:
                parent.hidden_children = count
        return taken

    def within_budget(self, roots: list[ObjectiveNode], budget: int) -> list[ObjectiveNode]:
        """Breadth first from the roots, a whole family of siblings at a time, until the budget
        is spent; a node whose children did not fit says how many wait behind it."""
        shown = list(roots)
        level = list(roots)
        while level and self.children_of(level, budget - len(shown)):
            level = [child for node in level for child in node.children]
            shown.extend(level)
        for position, node in enumerate(shown):
            node.tree_ordering = position
        return shown

    def attach_supports(self, nodes: list[ObjectiveNode]) -> None:
        """Each shown node's "also supports" links to other shown nodes, in one query."""
        by_pk = {node.pk: node for node in nodes}
        through = Objective.supports.through
        pairs = through.objects.filter(
            from_objective_id__in=list(by_pk), to_objective_id__in=list(by_pk)
        ).values_list("from_objective_id", "to_objective_id")
        for source, target in pairs:
            by_pk[source].supports.append(by_pk[target])


def alignment_map(
    unit: OrgUnit, cycle: Cycle, access: Access, *, branch: int | None = None
) -> AlignmentMap:
    """The cascade as trees: aligned objectives from the top down, then the unaligned ones, as
    far as ``MAP_BUDGET`` goes; branches beyond it load when opened.

    With ``branch``, only what lies below that objective (for a branch opened on the page).
    """
    reader = MapReader(unit, cycle, access)
    if branch is not None:
        top = reader.context.get(branch) or next(
            iter(_nodes(reader.scope.filter(pk=branch), in_scope=True)), None
        )
        aligned: list[ObjectiveNode] = []
        if top is not None:
            reader.children_of([top], room=OPENED_FAMILY_AT_MOST)  # the family opened, whole
            aligned = reader.within_budget(top.children, MAP_BUDGET)
        reader.attach_supports(aligned)
        return AlignmentMap(unit, cycle, aligned, [], [], 0, len(aligned), 0)
    aligned_roots, aligned_tops = reader.top_roots(aligned=True, budget=MAP_BUDGET)
    aligned = reader.within_budget(aligned_roots, MAP_BUDGET)
    room = max(MAP_BUDGET - len(aligned), LOOSE_MINIMUM)
    loose_roots, loose_tops = reader.top_roots(aligned=False, budget=room)
    unaligned_trees = reader.within_budget(loose_roots, room)
    hidden_roots, hidden_loose = aligned_tops - len(aligned_roots), loose_tops - len(loose_roots)
    reader.attach_supports(aligned + unaligned_trees)
    figures = reader.figures()
    return AlignmentMap(
        unit=unit,
        cycle=cycle,
        aligned=aligned,
        unaligned_trees=unaligned_trees,
        unaligned=reader.unaligned(),
        unaligned_count=figures["unaligned_count"],
        objective_count=figures["objective_count"],
        negotiation_count=figures["negotiation_count"],
        alignment_index=figures["aligned_in_cycle"] / figures["in_cycle"]
        if figures["in_cycle"]
        else None,
        hidden_roots=hidden_roots,
        hidden_loose_roots=hidden_loose,
    )
