"""Reads of the organisation tree: where a person's view starts, a unit's subtree."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from .access import Access
from .models import Membership, OrgUnit, User


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


def unit_members(unit: OrgUnit) -> list[Membership]:
    """Who holds a role in the unit: its own members, then those whose role in a unit above
    holds here too (``inherited``), the strongest role first; one query."""
    ancestors = {ancestor.pk: ancestor for ancestor in unit.ancestors()}
    memberships = Membership.objects.filter(unit_id__in=[unit.pk, *ancestors]).select_related(
        "user", "unit"
    )
    strength = {
        Membership.Role.MANAGER: 0,
        Membership.Role.CONTRIBUTOR: 1,
        Membership.Role.VIEWER: 2,
    }
    members = sorted(
        memberships,
        key=lambda membership: (
            membership.unit_id != unit.pk,
            strength.get(membership.role, 3),
            str(membership.user),
        ),
    )
    for membership in members:
        membership.inherited = membership.unit_id != unit.pk
    return members


def people_seen(access: Access) -> QuerySet[User]:
    """The people a person may choose, e.g. as owners: everyone for those who see every unit;
    else themselves and whoever holds a role in a unit they see."""
    people = User.objects.filter(is_active=True)
    if access.sees_every_unit:
        return people
    return people.filter(
        Q(pk=access.user.pk) | Q(memberships__unit_id__in=access.visible_unit_ids)
    ).distinct()
