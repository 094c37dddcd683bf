"""The rollup after one check-in touches only what it can move, and leaves exactly the figures
that a full recomputation would."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from objectives.models import Cycle, KeyResult, Objective, UnitConfidenceWeek, UnitRollup
from objectives.rollups import recompute_all, rollup_after_check_in
from objectives.services import check_in_record
from tests.factories import (
    CheckInFactory,
    CycleFactory,
    KeyResultFactory,
    ObjectiveFactory,
    OrgUnitFactory,
)

pytestmark = pytest.mark.django_db
CHILDREN = Objective.ProgressSource.CHILDREN
ROLLUP_FIELDS = [
    "unit",
    "cycle",
    "progress",
    "alignment_index",
    "objective_count",
    "on_track_count",
    "at_risk_count",
    "off_track_count",
]


def stored_figures() -> dict:
    return {
        "key_results": sorted(
            KeyResult.objects.values_list("pk", "current_value", "progress", "status")
        ),
        "objectives": sorted(
            (pk, round(progress or -1, 9), status, aligned)
            for pk, progress, status, aligned in Objective.objects.values_list(
                "pk", "progress", "status", "is_aligned"
            )
        ),
        "unit_rollups": sorted(
            (row[0], row[1], round(row[2] or -1, 9), *row[3:])
            for row in UnitRollup.objects.values_list(*ROLLUP_FIELDS)
        ),
        "unit_confidence_weeks": sorted(
            UnitConfidenceWeek.objects.values_list(
                "unit", "cycle", "week", "confidence_sum", "check_in_count"
            )
        ),
    }


@pytest.fixture
def cascade(company, emea, emea_logistics, apac, bob):
    """A plan, a year and a quarter; a breakthrough objective cascading to a team, and a
    neighbour branch that the check-in must not disturb."""
    today = timezone.localdate()
    plan = CycleFactory(
        kind=Cycle.Kind.MULTI_YEAR,
        start_date=today - timedelta(days=400),
        end_date=today + timedelta(days=1000),
    )
    year = CycleFactory(
        kind=Cycle.Kind.YEAR,
        parent=plan,
        start_date=today - timedelta(days=200),
        end_date=today + timedelta(days=165),
    )
    quarter = CycleFactory(
        parent=year, start_date=today - timedelta(days=45), end_date=today + timedelta(days=45)
    )
    team = OrgUnitFactory(parent=emea_logistics, name="Last mile")
    breakthrough = ObjectiveFactory(
        unit=company, cycle=plan, level="breakthrough", progress_source=CHILDREN
    )
    annual = ObjectiveFactory(
        unit=company, cycle=year, level="annual", parent=breakthrough, progress_source=CHILDREN
    )
    regional = ObjectiveFactory(unit=emea, cycle=quarter, parent=annual, progress_source=CHILDREN)
    team_objective = ObjectiveFactory(unit=team, cycle=quarter, parent=regional)
    sibling = ObjectiveFactory(unit=emea_logistics, cycle=quarter, parent=regional)
    apac_objective = ObjectiveFactory(unit=apac, cycle=quarter, parent=annual)
    for objective, values in [(team_objective, [30, 70]), (sibling, [50]), (apac_objective, [90])]:
        for value in values:
            key_result = KeyResultFactory(objective=objective, owner=bob, target_value=100)
            CheckInFactory(
                key_result=key_result, value=value, created_at=timezone.now() - timedelta(days=9)
            )
    recompute_all()
    return team_objective


def test_incremental_rollup_leaves_what_a_full_recompute_would(
    bob, cascade, django_capture_on_commit_callbacks
):
    key_result = cascade.key_results.first()
    with django_capture_on_commit_callbacks(execute=True):
        check_in_record(key_result=key_result, author=bob, value=Decimal(95), confidence=9)
    after_incremental = stored_figures()

    recompute_all()

    assert stored_figures() == after_incremental


def test_incremental_rollup_reaches_the_top_of_the_cascade(bob, cascade, company):
    breakthrough = Objective.objects.get(level="breakthrough")
    before = breakthrough.progress
    key_result = cascade.key_results.first()
    CheckInFactory(key_result=key_result, value=100)

    rollup_after_check_in(key_result.pk)

    breakthrough.refresh_from_db()
    assert breakthrough.progress > before


def test_incremental_rollup_costs_the_same_however_large_the_organisation(
    bob, cascade, emea, django_assert_max_num_queries
):
    key_result = cascade.key_results.first()

    def statements_for_one_check_in() -> int:
        CheckInFactory(key_result=key_result, value=100)
        with CaptureQueriesContext(connection) as queries:
            rollup_after_check_in(key_result.pk)
        return len(queries)

    before = statements_for_one_check_in()
    for _ in range(10):
        team = OrgUnitFactory(parent=emea)
        objective = ObjectiveFactory(unit=team, cycle=cascade.cycle, parent=cascade.parent)
        CheckInFactory(key_result=KeyResultFactory(objective=objective), value=10)
    recompute_all()

    # The chain (1), the KR (2), the progress up the chain (1), the statuses (2), the unit
    # rollups (1), their weekly confidence (1), savepoints (2); on PostgreSQL all but the chain
    # and the savepoints go as one batch: set by nothing the organisation's size changes.
    assert statements_for_one_check_in() == before <= 10


def test_a_rollup_for_a_deleted_key_result_does_nothing(db):
    rollup_after_check_in(999_999)


@pytest.fixture
def deep_uneven_organisation(company, bob):
    """Six levels below the company, one unit with many children beside units with one or none,
    objectives in three nested cycles aligned across levels (some skipping a level, one
    unaligned, one archived), so the units above a check-in are many and their other children
    carry figures the refresh must keep."""
    import random

    rng = random.Random(16)
    today = timezone.localdate()
    year = CycleFactory(
        kind=Cycle.Kind.YEAR,
        start_date=today - timedelta(days=200),
        end_date=today + timedelta(days=165),
    )
    quarter = CycleFactory(
        parent=year, start_date=today - timedelta(days=45), end_date=today + timedelta(days=45)
    )
    levels = [[company]]
    for depth in range(1, 7):
        level = []
        for index, parent in enumerate(levels[-1]):
            # The first unit of a level branches widely, the others by one or not at all.
            for _ in range(5 if index == 0 else rng.choice([0, 1, 1, 2])):
                level.append(OrgUnitFactory(parent=parent, name=f"Unit {depth}.{len(level)}"))
        levels.append(level or [OrgUnitFactory(parent=levels[-1][0])])
    annual = ObjectiveFactory(unit=company, cycle=year, level="annual", progress_source=CHILDREN)
    above = {company.pk: [annual]}
    key_results = []
    for depth, level in enumerate(levels[1:], start=1):
        for unit in level:
            parent_unit = unit.parent
            candidates = above.get(parent_unit.pk) or above.get(parent_unit.parent_id) or [annual]
            for number in range(rng.choice([1, 1, 2, 3])):
                objective = ObjectiveFactory(
                    unit=unit,
                    cycle=year if depth == 1 else quarter,
                    parent=None if number == 2 else rng.choice(candidates),
                    progress_source=CHILDREN if depth < 4 and number == 0 else "key_results",
                )
                above.setdefault(unit.pk, []).append(objective)
                for _ in range(rng.choice([1, 2])):
                    key_result = KeyResultFactory(objective=objective, owner=bob, target_value=100)
                    key_results.append(key_result)
                    CheckInFactory(
                        key_result=key_result,
                        value=rng.randint(0, 100),
                        created_at=timezone.now() - timedelta(days=9),
                    )
    levels[3][0].objectives.update(archived_at=timezone.now())
    recompute_all()
    deepest = [kr for kr in key_results if kr.objective.unit in levels[-1]]
    return deepest + rng.sample(key_results, 6)


def test_incremental_rollup_on_a_deep_uneven_tree_leaves_what_a_full_recompute_would(
    bob, deep_uneven_organisation, django_capture_on_commit_callbacks
):
    assert UnitRollup.objects.count() > 20
    for number, key_result in enumerate(deep_uneven_organisation):
        with django_capture_on_commit_callbacks(execute=True):
            check_in_record(
                key_result=key_result,
                author=bob,
                value=Decimal(7 + number * 13 % 90),
                confidence=6,
                note="Moved this week",
            )
        after_incremental = stored_figures()

        recompute_all()

        assert stored_figures() == after_incremental, f"after check-in {number}"


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_check_in_rolls_up_in_two_round_trips(bob, cascade):
    """On PostgreSQL the batch is its own transaction: no BEGIN or COMMIT to wait for."""
    key_result = cascade.key_results.first()
    CheckInFactory(key_result=key_result, value=100, confidence=2)

    with CaptureQueriesContext(connection) as queries:
        rollup_after_check_in(key_result.pk)
    after_incremental = stored_figures()

    if connection.vendor == "postgresql":
        # the chain above the key result; every statement that follows from it, in one batch
        assert [query["sql"].split()[0] for query in queries] == ["WITH", "SET"]
    recompute_all()
    assert stored_figures() == after_incremental
