"""Key result progress: the pure formula and the stored, set-based rollup agree on every case."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

import pytest

from objectives.progress import Direction, MetricType, key_result_progress
from objectives.rollups import refresh_key_results
from tests.factories import CheckInFactory, KeyResultFactory


class Case(NamedTuple):
    name: str
    metric_type: str
    direction: str
    start: Decimal | None
    target: Decimal
    current: Decimal | None
    progress: float


D = Decimal
NUMBER, PERCENT, BOOLEAN = MetricType.NUMBER, MetricType.PERCENTAGE, MetricType.BOOLEAN
UP, DOWN = Direction.INCREASE, Direction.DECREASE
ABOVE, BELOW = Direction.STAY_ABOVE, Direction.STAY_BELOW

CASES = [
    Case("halfway up", NUMBER, UP, D(0), D(100), D(50), 0.5),
    Case("no check-in yet", NUMBER, UP, D(0), D(100), None, 0.0),
    Case("overshoot is capped at 1", NUMBER, UP, D(0), D(100), D(150), 1.0),
    Case("below start is 0", NUMBER, UP, D(10), D(100), D(-20), 0.0),
    Case("exactly at start", NUMBER, UP, D(10), D(100), D(10), 0.0),
    Case("exactly at target", NUMBER, UP, D(10), D(100), D(100), 1.0),
    Case("negative start", NUMBER, UP, D(-10), D(10), D(0), 0.5),
    Case("percentage 20 to 35", PERCENT, UP, D(20), D(35), D(26), 0.4),
    Case("decrease halfway", NUMBER, DOWN, D(100), D(60), D(80), 0.5),
    Case("decrease overshoot", NUMBER, DOWN, D(100), D(60), D(50), 1.0),
    Case("decrease went the wrong way", NUMBER, DOWN, D(100), D(60), D(110), 0.0),
    Case("cost down by 15%", MetricType.CURRENCY, DOWN, D("8.40"), D("7.14"), D("7.77"), 0.5),
    Case("stay above: above", NUMBER, ABOVE, None, D(95), D(96), 1.0),
    Case("stay above: exactly at", NUMBER, ABOVE, None, D(95), D(95), 1.0),
    Case("stay above: below", NUMBER, ABOVE, None, D(95), D("94.9"), 0.0),
    Case("stay below: below", NUMBER, BELOW, D(3), D(5), D(4), 1.0),
    Case("stay below: exactly at", NUMBER, BELOW, None, D(5), D(5), 1.0),
    Case("stay below: above", NUMBER, BELOW, None, D(5), D(6), 0.0),
    Case("stay above, no check-in", NUMBER, ABOVE, None, D(95), None, 0.0),
    Case("yes", BOOLEAN, UP, D(0), D(1), D(1), 1.0),
    Case("not yet", BOOLEAN, UP, D(0), D(1), D(0), 0.0),
    Case("yes/no, no check-in", BOOLEAN, UP, D(0), D(1), None, 0.0),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_formula(case: Case):
    progress = key_result_progress(
        metric_type=case.metric_type,
        direction=case.direction,
        start=case.start,
        target=case.target,
        current=case.current,
    )
    assert progress == pytest.approx(case.progress)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_stored_rollup(db, case: Case):
    key_result = KeyResultFactory(
        metric_type=case.metric_type,
        direction=case.direction,
        start_value=case.start,
        target_value=case.target,
    )
    if case.current is not None:
        CheckInFactory(key_result=key_result, value=case.current)

    refresh_key_results([key_result.pk])

    key_result.refresh_from_db()
    assert key_result.current_value == case.current
    assert key_result.progress == pytest.approx(case.progress)
    assert key_result.calculated_progress() == pytest.approx(case.progress)


def test_start_equal_to_target_is_refused_by_the_formula():
    with pytest.raises(ValueError, match="start that differs"):
        key_result_progress(metric_type=NUMBER, direction=UP, start=D(5), target=D(5), current=D(5))


def test_the_latest_check_in_sets_value_and_confidence(db):
    key_result = KeyResultFactory(start_value=D(0), target_value=D(10), confidence=5)
    CheckInFactory(key_result=key_result, value=D(2), confidence=3, created_at="2026-10-05T09:00Z")
    CheckInFactory(key_result=key_result, value=D(6), confidence=8, created_at="2026-10-12T09:00Z")
    # Entered later, but reported for an earlier moment: the most recent moment wins.
    CheckInFactory(key_result=key_result, value=D(4), confidence=1, created_at="2026-10-08T09:00Z")

    refresh_key_results()

    key_result.refresh_from_db()
    assert key_result.current_value == D(6)
    assert key_result.confidence == 8
    assert key_result.progress == pytest.approx(0.6)
