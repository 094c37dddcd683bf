"""Expected progress is the elapsed share of the cycle; status compares progress against it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

import pytest

from objectives.progress import Status, expected_progress, progress_status
from objectives.rollups import refresh_key_results, refresh_objective_progress, refresh_statuses
from tests.factories import CheckInFactory, CycleFactory, KeyResultFactory, ObjectiveFactory

# A cycle of exactly 100 days, so that day n means n% of the cycle has elapsed.
START = date(2026, 1, 1)
END = START + timedelta(days=100)


def day(n: int) -> date:
    return START + timedelta(days=n)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (day(-30), 0.0),
        (day(0), 0.0),
        (day(1), 0.01),
        (day(50), 0.5),
        (day(99), 0.99),
        (day(100), 1.0),
        (day(400), 1.0),
    ],
    ids=[
        "not started yet",
        "first day",
        "second day",
        "halfway",
        "last day but one",
        "last day",
        "long over",
    ],
)
def test_expected_progress_is_the_elapsed_share_of_the_cycle(on, expected):
    assert expected_progress(start=START, end=END, on=on) == pytest.approx(expected)


def test_a_cycle_that_ends_before_it_starts_has_no_expected_progress():
    with pytest.raises(ValueError, match="end after it starts"):
        expected_progress(start=START, end=START, on=START)


class Case(NamedTuple):
    name: str
    percent_done: int | None  # None: no check-in yet
    on_day: int
    status: str


CASES = [
    Case("ahead", 60, 50, Status.ON_TRACK),
    Case("exactly 10 points behind is still on track", 40, 50, Status.ON_TRACK),
    Case("11 points behind is at risk", 39, 50, Status.AT_RISK),
    Case("exactly 25 points behind is still at risk", 25, 50, Status.AT_RISK),
    Case("26 points behind is off track", 24, 50, Status.OFF_TRACK),
    Case("no check-in yet", None, 50, Status.NOT_STARTED),
    Case("cycle not started, nothing done", 0, -5, Status.ON_TRACK),
    Case("cycle over, 90% done", 90, 120, Status.ON_TRACK),
    Case("cycle over, 75% done", 75, 120, Status.AT_RISK),
    Case("cycle over, 74% done", 74, 120, Status.OFF_TRACK),
    Case("first day, nothing done", 0, 0, Status.ON_TRACK),
    Case("last day, 70% done", 70, 100, Status.OFF_TRACK),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_status_formula(case: Case):
    expected = expected_progress(start=START, end=END, on=day(case.on_day))
    progress = (case.percent_done or 0) / 100
    status = progress_status(progress, expected, started=case.percent_done is not None)
    assert status == case.status


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_stored_status_of_key_result_and_objective(db, case: Case):
    cycle = CycleFactory(start_date=START, end_date=END)
    key_result = KeyResultFactory(
        objective=ObjectiveFactory(cycle=cycle), start_value=0, target_value=100
    )
    if case.percent_done is not None:
        CheckInFactory(key_result=key_result, value=Decimal(case.percent_done))

    refresh_key_results()
    refresh_objective_progress()
    refresh_statuses(on=day(case.on_day))

    key_result.refresh_from_db()
    key_result.objective.refresh_from_db()
    assert key_result.status == case.status
    assert key_result.calculated_status(on=day(case.on_day)) == case.status
    # An objective none of whose KRs has a check-in has not started: it is not 0 % off track.
    objective_status = progress_status(
        (case.percent_done or 0) / 100,
        expected_progress(start=START, end=END, on=day(case.on_day)),
        started=case.percent_done is not None,
    )
    assert key_result.objective.status == objective_status


def test_an_objective_without_key_results_has_no_progress_rather_than_zero(db):
    objective = ObjectiveFactory(cycle=CycleFactory(start_date=START, end_date=END))

    refresh_objective_progress()
    refresh_statuses(on=day(50))

    objective.refresh_from_db()
    assert objective.progress is None
    assert objective.status == Status.NO_PROGRESS
    assert progress_status(None, 0.5) == Status.NO_PROGRESS
