"""Set-based recomputation of the stored progress and status of key results and objectives.

Every step is one UPDATE over a queryset (a few per tree level or per cycle), never a Python
loop over rows, and each is idempotent: running it twice leaves the same values. The SQL here
is the twin of the pure formulas in ``objectives.progress``; the tests hold them to one table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import (
    Case,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least, NullIf
from django.utils import timezone

from alignment.models import UnitRollup
from alignment.rollups import refresh_alignment, refresh_unit_rollups

from .models import CheckIn, Cycle, KeyResult, Objective
from .progress import Direction, MetricType, Status, expected_progress, status_thresholds


def key_result_progress_sql() -> Case:
    """KR progress in SQL: the same cases as ``progress.key_result_progress``."""
    moved = Cast(F("current_value") - F("start_value"), FloatField())
    span = Cast(F("target_value") - F("start_value"), FloatField())
    ratio = moved / NullIf(span, Value(0.0))
    stays = [Direction.STAY_ABOVE, Direction.STAY_BELOW]
    return Case(
        When(current_value__isnull=True, then=Value(0.0)),
        When(metric_type=MetricType.BOOLEAN, current_value__gte=1, then=Value(1.0)),
        When(metric_type=MetricType.BOOLEAN, then=Value(0.0)),
        When(direction=Direction.STAY_ABOVE, current_value__gte=F("target_value"), then=Value(1.0)),
        When(direction=Direction.STAY_BELOW, current_value__lte=F("target_value"), then=Value(1.0)),
        When(direction__in=stays, then=Value(0.0)),
        default=Greatest(Value(0.0), Least(Value(1.0), Coalesce(ratio, Value(0.0)))),
        output_field=FloatField(),
    )


def status_sql(expected: float, *, not_started: Q | None = None) -> Case:
    """Status against the expected progress: the same cases as ``progress.progress_status``."""
    on_track_from, at_risk_from = status_thresholds(expected)
    cases = [When(progress__isnull=True, then=Value(Status.NO_PROGRESS))]
    if not_started is not None:
        cases.append(When(not_started, then=Value(Status.NOT_STARTED)))
    return Case(
        *cases,
        When(progress__gte=on_track_from, then=Value(Status.ON_TRACK)),
        When(progress__gte=at_risk_from, then=Value(Status.AT_RISK)),
        default=Value(Status.OFF_TRACK),
    )


def _weighted_mean(weight: str, progress: str) -> Sum:
    weight_expr = Cast(F(weight), FloatField())
    return Sum(weight_expr * F(progress), output_field=FloatField()) / Sum(
        weight_expr, output_field=FloatField()
    )


def refresh_key_results(key_results: QuerySet[KeyResult] | None = None) -> int:
    """Take each KR's current value and confidence from its latest check-in, then its progress."""
    key_results = KeyResult.objects.all() if key_results is None else key_results
    latest = CheckIn.objects.filter(key_result=OuterRef("pk")).order_by("-created_at", "-id")
    key_results.update(
        current_value=Subquery(latest.values("value")[:1]),
        last_check_in_at=Subquery(latest.values("created_at")[:1]),
        confidence=Coalesce(Subquery(latest.values("confidence")[:1]), F("confidence")),
    )
    return key_results.update(progress=key_result_progress_sql())


def refresh_objective_progress(objectives: QuerySet[Objective] | None = None) -> None:
    """Objective progress from its KRs, then, level by level, from its aligned children."""
    objectives = Objective.objects.all() if objectives is None else objectives
    from_key_results = (
        KeyResult.objects.filter(objective=OuterRef("pk"))
        .order_by()
        .values("objective")
        .annotate(mean=_weighted_mean("weight", "progress"))
        .values("mean")
    )
    objectives.filter(progress_source=Objective.ProgressSource.KEY_RESULTS).update(
        progress=Subquery(from_key_results)
    )

    from_children = (
        Objective.objects.active()
        .filter(parent=OuterRef("pk"), progress__isnull=False)
        .order_by()
        .values("parent")
        .annotate(mean=_weighted_mean("weight", "progress"))
        .values("mean")
    )
    by_children = objectives.filter(progress_source=Objective.ProgressSource.CHILDREN)
    # One pass per level of the cascade: after pass n, every objective whose children-sourced
    # chain is n levels deep has its final value.
    for _level in range(_objective_tree_height()):
        by_children.update(progress=Subquery(from_children))


def _objective_tree_height() -> int:
    deepest = (
        Objective.objects.with_tree_fields()
        .order_by("-tree_depth")
        .values_list("tree_depth", flat=True)
        .first()
    )
    return 0 if deepest is None else deepest + 1


def refresh_statuses(on: date, cycles: QuerySet[Cycle] | None = None) -> None:
    """Status of every KR and objective against its cycle's expected progress on ``on``."""
    cycles = Cycle.objects.all() if cycles is None else cycles
    for cycle_id, start, end in cycles.values_list("id", "start_date", "end_date"):
        expected = expected_progress(start=start, end=end, on=on)
        KeyResult.objects.filter(objective__cycle_id=cycle_id).update(
            status=status_sql(expected, not_started=Q(last_check_in_at__isnull=True))
        )
        Objective.objects.filter(cycle_id=cycle_id).update(status=status_sql(expected))


@dataclass(frozen=True)
class RollupSummary:
    key_results: int
    objectives: int
    unit_rollups: int


def recompute_all(on: date | None = None) -> RollupSummary:
    """Recompute every stored figure from the check-ins up; heals anything a lost task missed."""
    on = on or timezone.localdate()
    with transaction.atomic():
        key_results = refresh_key_results()
        refresh_objective_progress()
        refresh_statuses(on)
        refresh_alignment()
        refresh_unit_rollups()
    return RollupSummary(
        key_results=key_results,
        objectives=Objective.objects.count(),
        unit_rollups=UnitRollup.objects.count(),
    )
