"""The progress formulas of the product brief, as pure functions.

Each formula has a set-based SQL twin in ``objectives.rollups``; the tests run one table of
cases against both, so the page and the rollup can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

CHECK_IN_STALE_AFTER = timedelta(days=7)
LOW_CONFIDENCE = 3
ON_TRACK_TOLERANCE = 0.10
AT_RISK_TOLERANCE = 0.25
# Progress and expected progress are floats; a KR exactly at a boundary must not fall below it
# because 0.7 - 0.1 is 0.5999999999999999 in binary.
BOUNDARY_EPSILON = 1e-9

ASPIRATIONAL_SUCCESS_MARK = Decimal("0.7")
COMMITTED_SUCCESS_MARK = Decimal("1.0")


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase to")
    DECREASE = "decrease", _("Decrease to")
    STAY_ABOVE = "stay_above", _("Stay above")
    STAY_BELOW = "stay_below", _("Stay below")


class MetricType(models.TextChoices):
    NUMBER = "number", _("Number")
    PERCENTAGE = "percentage", _("Percentage")
    CURRENCY = "currency", _("Currency")
    BOOLEAN = "boolean", _("Yes/no")


class Status(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NOT_STARTED = "not_started", _("Not started")
    NO_PROGRESS = "no_progress", _("No progress yet")


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def key_result_progress(
    *,
    metric_type: str,
    direction: str,
    start: Decimal | None,
    target: Decimal,
    current: Decimal | None,
) -> float:
    """Progress of a key result in [0, 1]; 0 before its first check-in."""
    if current is None:
        return 0.0
    if metric_type == MetricType.BOOLEAN:
        return 1.0 if current >= 1 else 0.0
    if direction == Direction.STAY_ABOVE:
        return 1.0 if current >= target else 0.0
    if direction == Direction.STAY_BELOW:
        return 1.0 if current <= target else 0.0
    if start is None or start == target:
        raise ValueError(
            "An increase or decrease key result needs a start that differs from its target."
        )
    return clamp(float((current - start) / (target - start)))


def weighted_progress(weighted: Iterable[tuple[Decimal | float, float | None]]) -> float | None:
    """Σ wᵢ·pᵢ / Σ wᵢ over the inputs that have progress; None when there are none."""
    total_weight = 0.0
    total = 0.0
    for weight, progress in weighted:
        if progress is None:
            continue
        total_weight += float(weight)
        total += float(weight) * progress
    if total_weight == 0:
        return None
    return total / total_weight


def expected_progress(*, start: date, end: date, on: date) -> float:
    """The elapsed share of a cycle: 0 on and before its first day, 1 on and after its last."""
    if end <= start:
        raise ValueError("A cycle must end after it starts.")
    return clamp((on - start).days / (end - start).days)


def status_thresholds(expected: float) -> tuple[float, float]:
    """The lowest progress that is still on track, and the lowest that is still at risk."""
    return (
        expected - ON_TRACK_TOLERANCE - BOUNDARY_EPSILON,
        expected - AT_RISK_TOLERANCE - BOUNDARY_EPSILON,
    )


def progress_status(progress: float | None, expected: float, *, started: bool = True) -> str:
    """On track, at risk or off track against the expected progress."""
    if progress is None:
        return Status.NO_PROGRESS
    if not started:
        return Status.NOT_STARTED
    on_track_from, at_risk_from = status_thresholds(expected)
    if progress >= on_track_from:
        return Status.ON_TRACK
    if progress >= at_risk_from:
        return Status.AT_RISK
    return Status.OFF_TRACK


# Exceptions first: what is off track leads, what has no progress at all follows it.
STATUS_SEVERITY = Case(
    When(status=Status.OFF_TRACK, then=Value(0)),
    When(status=Status.AT_RISK, then=Value(1)),
    When(status=Status.NO_PROGRESS, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
