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
