"""Objective progress: the weighted mean of its key results, or of its aligned children."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from objectives.models import Objective
from objectives.progress import weighted_progress
from objectives.rollups import refresh_key_results, refresh_objective_progress
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory

CHILDREN = Objective.ProgressSource.CHILDREN


def key_result_at(objective, percent: int | None, weight="1"):
    key_result = KeyResultFactory(
        objective=objective, start_value=0, target_value=100, weight=Decimal(weight)
    )
    if percent is not None:
        CheckInFactory(key_result=key_result, value=Decimal(percent))
    return key_result


def recompute(*objectives):
    refresh_key_results()
    refresh_objective_progress()
    for objective in objectives:
        objective.refresh_from_db()


@pytest.mark.parametrize(
    ("weighted", "expected"),
    [
        ([(1, 0.5), (3, 1.0)], 0.875),
        ([(1, 0.2), (1, 0.4), (1, 0.9)], 0.5),
        ([(2, 0.3)], 0.3),
        ([(Decimal("0.01"), 0.0), (100, 1.0)], pytest.approx(0.9999, abs=1e-4)),
        ([(1, None), (1, 0.6)], 0.6),
        ([], None),
        ([(1, None)], None),
    ],
    ids=[
        "weights 1 and 3",
        "equal weights",
        "one key result carries all weight",
        "nearly all weight on one",
        "inputs without progress are left out",
        "no inputs",
        "only inputs without progress",
    ],
)
def test_weighted_progress_formula(weighted, expected):
    assert weighted_progress(weighted) == (
        expected if expected is None else pytest.approx(expected)
    )


def test_it_weights_key_results(db):
    objective = ObjectiveFactory()
    key_result_at(objective, 50, weight="1")
    key_result_at(objective, 100, weight="3")

    recompute(objective)

    assert objective.progress == pytest.approx(0.875)


def test_a_key_result_without_check_ins_counts_as_zero(db):
    objective = ObjectiveFactory()
    key_result_at(objective, 80)
    key_result_at(objective, None)

    recompute(objective)

    assert objective.progress == pytest.approx(0.4)


def test_one_key_result_with_all_the_weight_decides_alone(db):
    objective = ObjectiveFactory()
    key_result_at(objective, 30, weight="5")

    recompute(objective)

    assert objective.progress == pytest.approx(0.3)


def test_progress_from_children_weights_them_and_skips_archived_and_empty_ones(db):
    parent = ObjectiveFactory(progress_source=CHILDREN)
    key_result_at(ObjectiveFactory(parent=parent, weight=Decimal(1)), 20)
    key_result_at(ObjectiveFactory(parent=parent, weight=Decimal(3)), 80)
    key_result_at(ObjectiveFactory(parent=parent, archived_at=timezone.now()), 0)
    ObjectiveFactory(parent=parent)  # no key results: no progress, left out

    recompute(parent)

    assert parent.progress == pytest.approx((0.2 + 3 * 0.8) / 4)


def test_progress_from_children_climbs_a_whole_cascade(db):
    breakthrough = ObjectiveFactory(progress_source=CHILDREN, level=Objective.Level.BREAKTHROUGH)
    annual = ObjectiveFactory(
        parent=breakthrough, progress_source=CHILDREN, level=Objective.Level.ANNUAL
    )
    regional = ObjectiveFactory(parent=annual, progress_source=CHILDREN)
    team_a = ObjectiveFactory(parent=regional)
    team_b = ObjectiveFactory(parent=regional)
    key_result_at(team_a, 40)
    key_result_at(team_b, 60)
    key_result_at(ObjectiveFactory(parent=annual), 100)

    recompute(breakthrough, annual, regional)

    assert regional.progress == pytest.approx(0.5)
    assert annual.progress == pytest.approx(0.75)
    assert breakthrough.progress == pytest.approx(0.75)


def test_also_supports_links_do_not_feed_progress(db):
    parent = ObjectiveFactory(progress_source=CHILDREN)
    child = ObjectiveFactory(parent=parent)
    key_result_at(child, 50)
    helper = ObjectiveFactory()
    key_result_at(helper, 100)
    helper.supports.add(parent)

    recompute(parent)

    assert parent.progress == pytest.approx(0.5)


def test_recomputing_twice_changes_nothing(db):
    parent = ObjectiveFactory(progress_source=CHILDREN)
    key_result_at(ObjectiveFactory(parent=parent), 35)

    recompute(parent)
    first = parent.progress
    recompute(parent)

    assert parent.progress == first == pytest.approx(0.35)
