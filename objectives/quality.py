"""Warnings, never blocks, when objectives drift from good OKR practice."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alignment.models import OrgUnit

from .models import Cycle, Objective

MAX_OBJECTIVES_PER_UNIT = 5
MAX_KEY_RESULTS = 5


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
    """No key results, or more than five; and too many objectives in its unit and cycle."""
    if objective.is_archived:
        return []
    warnings = []
    if objective.progress_source == Objective.ProgressSource.KEY_RESULTS:
        count = len(objective.key_results.all())
        if count == 0:
            warnings.append(_("This objective has no key results yet: how will you know?"))
        elif count > MAX_KEY_RESULTS:
            warnings.append(
                ngettext(
                    "This objective has %(count)d key result; more than 5 dilutes it.",
                    "This objective has %(count)d key results; more than 5 dilutes it.",
                    count,
                )
                % {"count": count}
            )
    unit_count = (
        Objective.objects.active().filter(unit=objective.unit_id, cycle=objective.cycle_id).count()
    )
    if unit_count > MAX_OBJECTIVES_PER_UNIT:
        warnings.append(
            _("%(unit)s has %(count)d objectives in %(cycle)s; more than 5 splits the focus.")
            % {"unit": objective.unit, "count": unit_count, "cycle": objective.cycle}
        )
    return warnings
