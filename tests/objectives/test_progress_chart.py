"""The objective page's chart: after each check-in, the objective's weighted progress so far."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from objectives.selectors import progress_chart
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def test_each_check_in_moves_the_objective_by_its_key_results_weight():
    objective = ObjectiveFactory()
    light = KeyResultFactory(objective=objective, weight=Decimal(1), title="Light")
    heavy = KeyResultFactory(objective=objective, weight=Decimal(3), title="Heavy")
    start = timezone.now() - timedelta(days=10)
    for days, key_result, value in [(1, light, 40), (2, heavy, 20), (3, light, 80), (4, heavy, 0)]:
        CheckInFactory(key_result=key_result, value=value, created_at=start + timedelta(days=days))

    chart = progress_chart(objective)

    # (1·40 + 3·0) / 4, (1·40 + 3·20) / 4, (1·80 + 3·20) / 4, then the heavy one back to 0
    assert [point["y"] for point in chart.objective] == [10.0, 25.0, 35.0, 20.0]
    assert {
        series["label"]: [p["y"] for p in series["points"]] for series in chart.key_results
    } == {
        "Light": [40.0, 80.0],
        "Heavy": [20.0, 0.0],
    }
    assert chart.objective[0]["x"] == int((start + timedelta(days=1)).timestamp() * 1000)
