"""Permissions on objectives and key results, by role in the objective's unit.

Viewers see; contributors also check in on key results of their units; owners always check in on
their own key results; managers also create, edit and archive objectives; staff do everything.
Once a cycle is closed its objectives, key results and check-ins are a record: only staff
change them.
"""

from __future__ import annotations

import rules

from okrplatform.org.access import access_for
from okrplatform.org.rules import manages_unit


@rules.predicate
def sees_objective(user, objective) -> bool:
    return objective is not None and (
        objective.owner_id == user.pk or access_for(user).sees(objective.unit_id)
    )


@rules.predicate
def owns_key_result(user, key_result) -> bool:
    return key_result is not None and key_result.owner_id == user.pk


@rules.predicate
def contributes_to_key_result(user, key_result) -> bool:
    return key_result is not None and access_for(user).is_contributor_at(
        key_result.objective.unit_id
    )


@rules.predicate
def manages_objective(user, objective) -> bool:
    return objective is not None and access_for(user).is_manager_at(objective.unit_id)


@rules.predicate
def objective_cycle_is_open(_user, objective) -> bool:
    return objective is not None and not objective.cycle.is_closed


@rules.predicate
def key_result_cycle_is_open(_user, key_result) -> bool:
    return key_result is not None and not key_result.objective.cycle.is_closed


rules.add_perm("objectives.see_objective", rules.is_staff | sees_objective)
rules.add_perm(
    "objectives.check_in",
    rules.is_staff | ((owns_key_result | contributes_to_key_result) & key_result_cycle_is_open),
)
rules.add_perm(
    "objectives.edit_objective", rules.is_staff | (manages_objective & objective_cycle_is_open)
)
rules.add_perm("objectives.create_objective_in", rules.is_staff | manages_unit)


@rules.predicate
def owns_objective(user, objective) -> bool:
    return objective is not None and objective.owner_id == user.pk


@rules.predicate
def manages_unit_above(user, objective) -> bool:
    """Catchball's other side: a manager of the unit one level up (or higher)."""
    parent_id = objective.unit.parent_id if objective is not None else None
    return parent_id is not None and access_for(user).is_manager_at(parent_id)


# Proposing is for the objective's own side; agreeing and returning for the side above it.
rules.add_perm(
    "objectives.propose_objective",
    rules.is_staff | ((owns_objective | manages_objective) & objective_cycle_is_open),
)
rules.add_perm(
    "objectives.agree_objective", rules.is_staff | (manages_unit_above & objective_cycle_is_open)
)

# Cycles are the organisation's calendar: staff set them up, as in Django admin.
rules.add_perm("objectives.manage_cycles", rules.is_staff)
