"""Warnings, never blocks, when objectives drift from good OKR practice.

The sentences live here so that the objective page, the objective form and the quality list of
a unit (``alignment.quality``) say the same thing the same way.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from okrplatform.org.models import OrgUnit

from .models import Cycle, KeyResult, Objective
from .progress import MetricType

MAX_OBJECTIVES_PER_UNIT = 5
MAX_KEY_RESULTS = 5


def too_many_objectives(unit: object, count: int, cycle: object) -> str:
    return _("%(unit)s has %(count)d objectives in %(cycle)s; more than 5 splits the focus.") % {
        "unit": unit,
        "count": count,
        "cycle": cycle,
    }


def no_key_results() -> str:
    return _("This objective has no key results yet: how will you know?")


def too_many_key_results(count: int) -> str:
    return ngettext(
        "This objective has %(count)d key result; more than 5 dilutes it.",
        "This objective has %(count)d key results; more than 5 dilutes it.",
        count,
    ) % {"count": count}


def not_measurable(title: str) -> str:
    return _(
        "“%(title)s” is a yes/no milestone, not a measurable target: say which number it moves."
    ) % {"title": title}


def not_aligned() -> str:
    return _("This objective is not aligned: choose the objective one level up it contributes to.")


def is_measurable(key_result: KeyResult) -> bool:
    return key_result.metric_type != MetricType.BOOLEAN


def is_aligned_now(objective: Objective) -> bool:
    """Alignment as the rollup will store it, from the parent's stored figure: right after an
    edit, before the rollup has run, the page already tells the truth."""
    if objective.level == Objective.Level.BREAKTHROUGH or objective.unit.parent_id is None:
        return True
    parent = objective.parent
    return parent is not None and not parent.is_archived and parent.is_aligned


def unit_warnings(unit: OrgUnit, cycle: Cycle, *, excluding: Objective | None = None) -> list[str]:
    """Too many objectives for one unit in one cycle: focus on 3 to 5."""
    objectives = Objective.objects.active().filter(unit=unit, cycle=cycle)
    if excluding is not None and excluding.pk:
        objectives = objectives.exclude(pk=excluding.pk)
    count = objectives.count()
    if count >= MAX_OBJECTIVES_PER_UNIT:
        return [
            _(
                "%(unit)s already has %(count)d objectives in %(cycle)s; more than 5 splits the "
                "focus. Consider dropping one."
            )
            % {"unit": unit, "count": count, "cycle": cycle}
        ]
    return []


def objective_warnings(objective: Objective) -> list[str]:
    """No key results, or more than five, or ones that measure nothing; not aligned; and too
    many objectives in its unit and cycle."""
    if objective.is_archived:
        return []
    warnings = []
    if objective.progress_source == Objective.ProgressSource.KEY_RESULTS:
        key_results = list(objective.key_results.all())
        if not key_results:
            warnings.append(no_key_results())
        elif len(key_results) > MAX_KEY_RESULTS:
            warnings.append(too_many_key_results(len(key_results)))
        warnings += [
            not_measurable(key_result.title)
            for key_result in key_results
            if not is_measurable(key_result)
        ]
    if not is_aligned_now(objective):
        warnings.append(not_aligned())
    unit_count = (
        Objective.objects.active().filter(unit=objective.unit_id, cycle=objective.cycle_id).count()
    )
    if unit_count > MAX_OBJECTIVES_PER_UNIT:
        warnings.append(too_many_objectives(objective.unit, unit_count, objective.cycle))
    return warnings
