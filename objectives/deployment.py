"""Global deployment: one objective, set once, deployed to many units as local copies.

Each copy keeps the shared title, aligns to the original (so the original's progress can come
from its copies) and has key results of its own, adapted to the local market: local targets,
local currency. A comparison shows the copies side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from okrplatform.org.models import OrgUnit, User
from okrplatform.org.notifications import notify

from .models import CheckIn, KeyResult, Objective
from .progress import MetricType, weighted_progress
from .services import rollups_refresh_later


def deployable_units(objective: Objective) -> QuerySet[OrgUnit]:
    """The units up to two levels below the objective's unit, in tree order: the regions, say,
    and their departments."""
    return (
        OrgUnit.objects.with_tree_fields()
        .filter(Q(parent=objective.unit_id) | Q(parent__parent=objective.unit_id))
        .select_related("lead")
    )


def units_with_copies(objective: Objective) -> set[int]:
    return set(
        objective.deployments.filter(archived_at__isnull=True).values_list("unit_id", flat=True)
    )


@transaction.atomic
def objective_deploy(
    *, original: Objective, units: Sequence[OrgUnit], by: User, copy_key_results: bool = True
) -> list[Objective]:
    """Create a local copy of ``original`` in each unit, owned by the unit's lead.

    With ``copy_key_results`` each copy starts from the original's key results, currency ones
    in the unit's own currency; their targets are then the unit's to adapt. An original without
    key results of its own takes its progress from the copies.
    """
    if original.is_archived:
        raise ValidationError(_("An archived objective cannot be deployed."))
    if not units:
        raise ValidationError(_("Choose at least one unit to deploy to."))
    below = set(OrgUnit.objects.descendants(original.unit).values_list("pk", flat=True))
    below.discard(original.unit_id)
    taken = units_with_copies(original)
    for unit in units:
        if unit.pk not in below:
            raise ValidationError(
                _("%(unit)s is not below %(owner_unit)s, so it cannot take a copy.")
                % {"unit": unit, "owner_unit": original.unit}
            )
        if unit.pk in taken:
            raise ValidationError(_("%(unit)s already has a copy.") % {"unit": unit})
    key_results = list(original.key_results.all()) if copy_key_results else []
    copies = []
    for unit in units:
        copy = Objective.objects.create(
            title=original.title,
            description=original.description,
            unit=unit,
            owner=unit.lead or by,
            cycle=original.cycle,
            level=original.level,
            kind=original.kind,
            perspective=original.perspective,
            parent=original,
            deployed_from=original,
        )
        KeyResult.objects.bulk_create(
            [_local_key_result(key_result, copy, unit) for key_result in key_results]
        )
        copies.append(copy)
    if not original.key_results.exists():
        Objective.objects.filter(pk=original.pk).update(
            progress_source=Objective.ProgressSource.CHILDREN
        )
    for copy in copies:
        notify(
            recipients=[copy.owner],
            message=lambda copy=copy: (
                _("%(who)s deployed “%(title)s” to %(unit)s: adapt its key results to your market.")
                % {"who": by.get_full_name() or by.username, "title": copy.title, "unit": copy.unit}
            ),
            url=reverse("objective_edit", args=[copy.pk]),
        )
    rollups_refresh_later()
    return copies


def _local_key_result(key_result: KeyResult, copy: Objective, unit: OrgUnit) -> KeyResult:
    unit_label = key_result.unit_label
    if key_result.metric_type == MetricType.CURRENCY and unit.currency:
        unit_label = unit.currency
    return KeyResult(
        objective=copy,
        title=key_result.title,
        owner=copy.owner,
        metric_type=key_result.metric_type,
        unit_label=unit_label,
        direction=key_result.direction,
        start_value=key_result.start_value,
        target_value=key_result.target_value,
        weight=key_result.weight,
    )


@dataclass(frozen=True)
class Comparison:
    """The copies of one objective, side by side, with their progress over time."""

    original: Objective
    copies: list[Objective]
    series: list[dict]

    @property
    def is_empty(self) -> bool:
        return not self.copies


def copies_of(original: Objective) -> QuerySet[Objective]:
    return (
        original.deployments.active()
        .select_related("unit", "owner", "cycle")
        .prefetch_related(
            Prefetch("key_results", KeyResult.objects.select_related("owner").order_by("id"))
        )
        .order_by("unit__name")
    )


def deployment_comparison(original: Objective) -> Comparison:
    """Each copy with its KRs, and each copy's progress after every check-in (one query)."""
    copies = list(copies_of(original))
    key_results = {kr.pk: kr for copy in copies for kr in copy.key_results.all()}
    progress_now: dict[int, dict[int, float]] = {
        copy.pk: dict.fromkeys((kr.pk for kr in copy.key_results.all()), 0.0) for copy in copies
    }
    points: dict[int, list[dict]] = {copy.pk: [] for copy in copies}
    check_ins = (
        CheckIn.objects.filter(key_result__objective__in=[copy.pk for copy in copies])
        .order_by("created_at", "id")
        .values_list("key_result_id", "created_at", "value")
    )
    for key_result_id, created_at, value in check_ins:
        key_result = key_results[key_result_id]
        progress = progress_now[key_result.objective_id]
        progress[key_result_id] = key_result.progress_at(value)
        mean = weighted_progress((key_results[pk].weight, p) for pk, p in progress.items())
        points[key_result.objective_id].append(
            {"x": int(created_at.timestamp() * 1000), "y": round((mean or 0) * 100, 1)}
        )
    series = [{"label": str(copy.unit), "points": points[copy.pk]} for copy in copies]
    return Comparison(original=original, copies=copies, series=series)
