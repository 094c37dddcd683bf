"""Reads for the org dashboard: a unit, its children and their figures for a cycle."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Prefetch, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from objectives.models import Cycle, Objective
from objectives.progress import Status

from .access import Access
from .models import OrgUnit, UnitRollup

ATTENTION_SHOWN = 10

# Exceptions first: what is off track leads, what has no progress at all follows it.
STATUS_SEVERITY = Case(
    When(status=Status.OFF_TRACK, then=Value(0)),
    When(status=Status.AT_RISK, then=Value(1)),
    When(status=Status.NO_PROGRESS, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def default_cycle() -> Cycle | None:
    """The active quarter containing today, else the most recent active cycle, else any."""
    today = timezone.localdate()
    cycles = Cycle.objects.order_by("-start_date")
    return (
        cycles.filter(kind=Cycle.Kind.QUARTER, state=Cycle.State.ACTIVE).containing(today).first()
        or cycles.filter(state=Cycle.State.ACTIVE).first()
        or cycles.first()
    )


def top_unit_for(access: Access) -> OrgUnit | None:
    """The highest unit a person sees: where their view of the organisation starts."""
    units = OrgUnit.objects.order_by("pk")
    if not access.sees_every_unit:
        units = units.filter(pk__in=access.visible_unit_ids)
    return units.filter(parent__isnull=True).first() or units.first()


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
    if not access.sees_every_unit:
        children = children.filter(pk__in=access.visible_unit_ids)
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
    subtree = OrgUnit.objects.descendants(unit, include_self=True).values_list("pk", flat=True)
    unit_ids = [pk for pk in subtree if access.sees(pk)]
    return (
        Objective.objects.active()
        .filter(unit_id__in=unit_ids, cycle=cycle, status__in=[Status.OFF_TRACK, Status.AT_RISK])
        .select_related("unit", "owner")
        .annotate(severity=STATUS_SEVERITY)
        .order_by("severity", "progress", "title")[:ATTENTION_SHOWN]
    )


def cycles_for_switcher() -> QuerySet[Cycle]:
    return Cycle.objects.order_by("-start_date", "kind")


# The unit and every unit below it, as a subquery: no list of ids goes back and forth.
SUBTREE_SQL = """
WITH RECURSIVE subtree(id) AS (
    SELECT id FROM {unit} WHERE id = %s
    UNION ALL
    SELECT child.id FROM {unit} child JOIN subtree ON child.parent_id = subtree.id
)
SELECT id FROM subtree
"""


def in_subtree_of(unit: OrgUnit) -> RawSQL:
    """For ``filter(unit_id__in=in_subtree_of(unit))``."""
    return RawSQL(SUBTREE_SQL.format(unit=OrgUnit._meta.db_table), [unit.pk])  # noqa: S611


def visible_children(unit: OrgUnit, access: Access) -> list[OrgUnit]:
    """The units right below, to move down to from a framework page."""
    children = OrgUnit.objects.filter(parent=unit).order_by("name")
    if not access.sees_every_unit:
        children = children.filter(pk__in=access.visible_unit_ids)
    return list(children)
