"""Reads of the organisation tree: where a person's view starts, a unit's subtree."""

from __future__ import annotations

from django.db.models.expressions import RawSQL

from .access import Access
from .models import OrgUnit


def top_unit_for(access: Access) -> OrgUnit | None:
    """The highest unit a person sees: where their view of the organisation starts."""
    units = access.restrict(OrgUnit.objects.order_by("pk"))
    return units.filter(parent__isnull=True).first() or units.first()


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
    children = access.restrict(OrgUnit.objects.filter(parent=unit).order_by("name"), within=unit.pk)
    return list(children)
