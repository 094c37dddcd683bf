"""A possible conflict: over four weeks an objective's key results improved while a KPI that
guards it worsened."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kpis.health import KPIDirection
from objectives.conflicts import possible_conflicts
from objectives.models import KPILink
from objectives.rollups import recompute_all
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    KPIFactory,
    KPILinkFactory,
    MeasurementFactory,
    ObjectiveFactory,
)

pytestmark = pytest.mark.django_db
NOW = timezone.now()
TODAY = timezone.localdate()


def objective_moving(from_percent: int, to_percent: int):
    objective = ObjectiveFactory()
    key_result = KeyResultFactory(objective=objective, start_value=0, target_value=100)
    CheckInFactory(key_result=key_result, value=from_percent, created_at=NOW - timedelta(weeks=6))
    CheckInFactory(key_result=key_result, value=to_percent, created_at=NOW - timedelta(days=2))
    return objective


def kpi_moving(then: str, now: str, direction=KPIDirection.HIGHER_IS_BETTER):
    kpi = KPIFactory(
        frequency="weekly",
        direction=direction,
        target=100,
        warning_threshold=90 if direction == "higher" else 110,
        critical_threshold=80 if direction == "higher" else 120,
    )
    MeasurementFactory(kpi=kpi, period=TODAY - timedelta(weeks=6), value=Decimal(then))
    MeasurementFactory(kpi=kpi, period=TODAY - timedelta(days=TODAY.weekday()), value=Decimal(now))
    return kpi


def conflicts_of(kpi, objective, kind=KPILink.Kind.GUARDS):
    KPILinkFactory(kpi=kpi, objective=objective, kind=kind)
    recompute_all()
    from kpis.rollups import refresh_kpis

    refresh_kpis()
    return possible_conflicts(KPILink.objects.select_related("kpi"))


@pytest.mark.parametrize(
    ("progress", "kpi", "flagged"),
    [
        ((20, 60), ("105", "95", "higher"), True),
        ((20, 60), ("95", "105", "lower"), True),
        ((20, 60), ("95", "105", "higher"), False),
        ((60, 20), ("105", "95", "higher"), False),
        ((20, 60), ("100", "99.5", "higher"), False),
        ((40, 40), ("105", "80", "higher"), False),
    ],
    ids=[
        "higher is better fell",
        "lower is better rose",
        "the KPI improved too",
        "the objective fell too",
        "the KPI barely moved",
        "the objective did not move",
    ],
)
def test_flagged_only_when_the_objective_improves_while_its_guard_worsens(progress, kpi, flagged):
    objective = objective_moving(*progress)
    guard = kpi_moving(kpi[0], kpi[1], kpi[2])

    found = conflicts_of(guard, objective)

    assert bool(found) is flagged
    if flagged:
        assert found[0].points_gained == 40


def test_lead_indicators_are_not_guards():
    objective = objective_moving(20, 60)
    lead = kpi_moving("105", "95")
    assert conflicts_of(lead, objective, kind=KPILink.Kind.LEADS) == []


def test_the_objectives_past_is_read_only_for_guards_that_worsened(django_assert_num_queries):
    objective = objective_moving(20, 60)
    steady, falling = kpi_moving("95", "105"), kpi_moving("105", "95")
    conflicts_of(steady, objective)
    links = list(KPILink.objects.select_related("kpi").filter(kpi=steady))
    with django_assert_num_queries(1):  # the KPI's value four weeks ago, nothing else
        assert possible_conflicts(links) == []

    KPILinkFactory(kpi=falling, objective=objective, kind=KPILink.Kind.GUARDS)
    links = list(KPILink.objects.select_related("kpi"))
    with django_assert_num_queries(3):
        (found,) = possible_conflicts(links)
    assert (found.kpi, found.objective) == (falling, objective)


def test_links_that_hold_their_objective_are_not_read_again(django_assert_num_queries):
    objective = objective_moving(20, 60)
    falling = kpi_moving("105", "95")
    conflicts_of(falling, objective)
    objective.refresh_from_db()  # its progress as the rollups left it
    # As the objective page reads them: through the objective, which each link then holds.
    links = list(objective.kpi_links.select_related("kpi"))
    with django_assert_num_queries(2):  # the KPI four weeks ago, the key results four weeks ago
        (found,) = possible_conflicts(links)
    assert found.objective is objective
    assert (found.progress_then, found.progress_now) == pytest.approx((0.2, 0.6))
