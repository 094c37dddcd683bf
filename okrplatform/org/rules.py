"""Permissions on units: see a unit when it is in, below or above one's own units."""

from __future__ import annotations

import rules

from .access import access_for


@rules.predicate
def sees_unit(user, unit) -> bool:
    return unit is not None and access_for(user).sees(unit.pk)


@rules.predicate
def manages_unit(user, unit) -> bool:
    return unit is not None and access_for(user).is_manager_at(unit.pk)


rules.add_perm("alignment.see_unit", rules.is_staff | sees_unit)
rules.add_perm("alignment.manage_unit", rules.is_staff | manages_unit)


@rules.predicate
def manages_either_side_of_tension(user, tension) -> bool:
    access = access_for(user)
    return tension is not None and (
        access.is_manager_at(tension.objective.unit_id) or access.is_manager_at(tension.kpi.unit_id)
    )


@rules.predicate
def sees_tension(user, tension) -> bool:
    access = access_for(user)
    return tension is not None and (
        access.sees(tension.objective.unit_id) or access.sees(tension.kpi.unit_id)
    )


rules.add_perm("alignment.see_tension", rules.is_staff | sees_tension)
rules.add_perm("alignment.decide_tension", rules.is_staff | manages_either_side_of_tension)


@rules.predicate
def manages_unit_above(user, unit) -> bool:
    """A unit's place in the tree and who holds roles in it are set from the unit above."""
    return (
        unit is not None
        and unit.parent_id is not None
        and access_for(user).is_manager_at(unit.parent_id)
    )


rules.add_perm("alignment.shape_unit", rules.is_staff | manages_unit_above)
