"""The rollup after one check-in touches only what it can move, and leaves exactly the figures
that a full recomputation would."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from objectives.models import Cycle, KeyResult, Objective, UnitRollup
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

    # KR (2), the chain (1), one per objective in it (4), statuses per cycle touched (3 + 2 x 3),
    # the unit rollups (1), savepoints (2): set by the depth of the cascade, not its breadth.
    assert statements_for_one_check_in() == before <= 20


def test_a_rollup_for_a_deleted_key_result_does_nothing(db):
    rollup_after_check_in(999_999)
